package rg

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rbm"
)

// Coupling is one term c_S prod_{i in S} s_i of an effective log-weight:
// Sites are original site indices in increasing order (empty for the
// constant), Value the dimensionless c_S (for a pair, c = K' = beta J').
type Coupling struct {
	Sites []int   `json:"sites"`
	Value float64 `json:"value"`
}

// Decimation is the exact effective log-weight of the kept spins after the
// decimated ones have been summed out,
//
//	ln w(s) = ln sum_{decimated} exp(-beta H) = Constant + sum_S c_S prod_{i in S} s_i,
//
// so that Z = sum_{kept s} w(s) exactly.
type Decimation struct {
	Kept      []int      `json:"kept"`      // original indices of the kept (visible) sites, increasing
	Decimated []int      `json:"-"`         // original indices of the summed-out (hidden) sites, increasing
	Constant  float64    `json:"constant"`  // c_∅
	Couplings []Coupling `json:"couplings"` // every c_S with |c_S| > Tolerance, by |S| then lexicographically
}

// Tolerance is the magnitude at or below which a Walsh coefficient is treated
// as zero (rounding residue of a coefficient that vanishes by symmetry).
const Tolerance = 1e-14

// Sublattice returns the standard decimation set of a chain (odd sites) or a
// square lattice (sites with x+y odd). Other geometries are refused.
func Sublattice(m *lattice.Model) ([]bool, error) {
	g := m.Geometry
	dec := make([]bool, m.N)
	switch g.Kind {
	case lattice.KindChain:
		for i := 1; i < m.N; i += 2 {
			dec[i] = true
		}
	case lattice.KindSquare:
		lx := g.Dims[0]
		for i := range dec {
			x, y := i%lx, i/lx
			dec[i] = (x+y)%2 == 1
		}
	default:
		return nil, fmt.Errorf("rg: decimation of a %s model: allowed chain or square", g.Kind)
	}
	return dec, nil
}

// HiddenLayer is the restricted Boltzmann machine of a decimation: the kept
// sites are its visible spin units (bias beta h_i), the decimated sites its
// hidden spin units (bias beta h_mu), and W_{i mu} = beta J_{i mu} on the bonds
// between them, stored sparsely (RBM builds the dense rbm.RBM for moderate
// sizes). Direct holds what an RBM cannot express: beta J_ij of bonds
// between two kept sites (visible-visible), which enter ln w unchanged.
type HiddenLayer struct {
	Kept        []int // visible unit i is site Kept[i]
	Decimated   []int // hidden unit mu is site Decimated[mu]
	VisibleBias []float64
	HiddenBias  []float64
	Direct      []lattice.Bond
	nbr         [][]int     // nbr[mu]: the visible units coupled to hidden unit mu
	wts         [][]float64 // wts[mu][k] = W_{nbr[mu][k], mu}
}

// MaxSites bounds the model size of a decimation (the output lists O(N) terms).
const MaxSites = 1 << 18

// MaxDenseRBM bounds visible x hidden of the dense RBM returned by RBM.
const MaxDenseRBM = 1 << 24

// RBM returns the decimation's RBM with a dense weight matrix (package rbm),
// refused when visible x hidden > MaxDenseRBM. Its marginal
// -F(v) + sum_mu LogNorm_mu plus the Direct bonds is ln w.
func (hl *HiddenLayer) RBM() (*rbm.RBM, error) {
	n, m := len(hl.Kept), max(len(hl.Decimated), 1)
	if n*m > MaxDenseRBM {
		return nil, fmt.Errorf("rg: dense RBM of %d x %d units: at most %d weights", n, m, MaxDenseRBM)
	}
	w := mat.NewDense(n, m, nil)
	for mu, nb := range hl.nbr {
		for k, i := range nb {
			w.Set(i, mu, hl.wts[mu][k])
		}
	}
	hb := hl.HiddenBias
	if len(hb) == 0 {
		hb = []float64{0}
	}
	r, err := rbm.New(rbm.Layer{Type: rbm.Spin, Bias: slices.Clone(hl.VisibleBias)},
		rbm.Layer{Type: rbm.Spin, Bias: slices.Clone(hb)}, w)
	if err != nil {
		return nil, fmt.Errorf("rg: %w", err)
	}
	return r, nil
}

// Build returns the RBM of summing out the sites with decimated[i] true from
// m at inverse temperature beta. The decimated sites must not be joined by a
// bond (an independent set), else the hidden units would interact.
func Build(m *lattice.Model, beta float64, decimated []bool) (*HiddenLayer, error) {
	if len(decimated) != m.N {
		return nil, fmt.Errorf("rg: decimation set of %d sites for a model of %d", len(decimated), m.N)
	}
	if m.N > MaxSites {
		return nil, fmt.Errorf("rg: %d sites: at most %d", m.N, MaxSites)
	}
	if math.IsNaN(beta) || math.IsInf(beta, 0) || beta < 0 {
		return nil, fmt.Errorf("rg: beta %v: must be finite and >= 0", beta)
	}
	hl := &HiddenLayer{}
	pos := make([]int, m.N) // index of the site in Kept or Decimated
	for i, d := range decimated {
		if d {
			pos[i] = len(hl.Decimated)
			hl.Decimated = append(hl.Decimated, i)
		} else {
			pos[i] = len(hl.Kept)
			hl.Kept = append(hl.Kept, i)
		}
	}
	if len(hl.Kept) == 0 {
		return nil, errors.New("rg: every site is decimated: keep at least one")
	}
	nb := m.Neighbors()
	hl.nbr = make([][]int, len(hl.Decimated))
	hl.wts = make([][]float64, len(hl.Decimated))
	for mu, site := range hl.Decimated {
		for p := nb.Start[site]; p < nb.Start[site+1]; p++ {
			j, k := int(nb.Sites[p]), nb.Couplings[p]
			if decimated[j] {
				return nil, fmt.Errorf("rg: sites %d and %d are both decimated and joined by a bond: the decimated set must be independent (a periodic axis needs even length)", site, j)
			}
			if k == 0 {
				continue
			}
			hl.nbr[mu] = append(hl.nbr[mu], pos[j])
			hl.wts[mu] = append(hl.wts[mu], beta*k)
		}
		if len(hl.nbr[mu]) > rbm.MaxWalshUnits {
			return nil, fmt.Errorf("rg: decimated site %d has %d kept neighbours: at most %d", site, len(hl.nbr[mu]), rbm.MaxWalshUnits)
		}
	}
	for _, site := range hl.Kept {
		for p := nb.Start[site]; p < nb.Start[site+1]; p++ {
			if j := int(nb.Sites[p]); !decimated[j] && j > site && nb.Couplings[p] != 0 {
				hl.Direct = append(hl.Direct, lattice.Bond{I: site, J: j, Coupling: beta * nb.Couplings[p]})
			}
		}
	}
	hl.VisibleBias = make([]float64, len(hl.Kept))
	for i, site := range hl.Kept {
		hl.VisibleBias[i] = beta * m.Fields[site]
	}
	hl.HiddenBias = make([]float64, len(hl.Decimated))
	for mu, site := range hl.Decimated {
		hl.HiddenBias[mu] = beta * m.Fields[site]
	}
	return hl, nil
}

// Expand returns the exact Walsh expansion of the RBM's visible log-weight
//
//	ln sum_h exp(-E(v, h)) = sum_i a_i s_i + sum_mu ln 2cosh(b_mu + sum_i W_{i mu} s_i) (+ direct bonds),
//
// which is -F(v) + sum_mu LogNorm_mu in package rbm's terms. The marginal
// factorizes over hidden units, so each ln 2cosh term is tabulated over the
// 2^d states of its d visible neighbours and Walsh-transformed on its own
// (rbm.WalshTransform): the cost is O(sum_mu d_mu 2^{d_mu}) for any number of
// sites, and the result is exact up to rounding.
func (hl *HiddenLayer) Expand() *Decimation {
	terms := map[string]float64{}
	key := func(sites []int) string {
		b := make([]byte, 0, 4*len(sites))
		for _, s := range sites {
			b = append(b, byte(s>>24), byte(s>>16), byte(s>>8), byte(s))
		}
		return string(b)
	}
	var constant float64
	for i, site := range hl.Kept {
		if a := hl.VisibleBias[i]; a != 0 {
			terms[key([]int{site})] += a
		}
	}
	for _, b := range hl.Direct {
		terms[key([]int{b.I, b.J})] += b.Coupling
	}
	var table []float64
	sites := make([]int, 0, 8)
	for mu := range hl.Decimated {
		nbr := hl.nbr[mu]
		d := len(nbr)
		if cap(table) < 1<<d {
			table = make([]float64, 1<<d)
		}
		table = table[:1<<d]
		b, w := hl.HiddenBias[mu], hl.wts[mu]
		for k := range table {
			t := b
			for j := range nbr {
				if k>>j&1 == 1 {
					t += w[j]
				} else {
					t -= w[j]
				}
			}
			table[k] = numeric.Log2Cosh(t)
		}
		rbm.WalshTransform(table)
		constant += table[0]
		for s := 1; s < len(table); s++ {
			sites = sites[:0]
			for j, v := range nbr {
				if s>>j&1 == 1 {
					sites = append(sites, hl.Kept[v])
				}
			}
			slices.Sort(sites)
			terms[key(sites)] += table[s]
		}
	}
	out := &Decimation{Kept: hl.Kept, Decimated: hl.Decimated, Constant: constant}
	for k, v := range terms {
		if math.Abs(v) <= Tolerance {
			continue
		}
		s := make([]int, len(k)/4)
		for i := range s {
			s[i] = int(k[4*i])<<24 | int(k[4*i+1])<<16 | int(k[4*i+2])<<8 | int(k[4*i+3])
		}
		out.Couplings = append(out.Couplings, Coupling{Sites: s, Value: v})
	}
	slices.SortFunc(out.Couplings, func(a, b Coupling) int {
		if c := cmp.Compare(len(a.Sites), len(b.Sites)); c != 0 {
			return c
		}
		return slices.Compare(a.Sites, b.Sites)
	})
	return out
}

// Decimate sums out the sites with decimated[i] true from m at beta and
// returns the exact effective log-weight of the others (Build, then Expand).
func Decimate(m *lattice.Model, beta float64, decimated []bool) (*Decimation, error) {
	hl, err := Build(m, beta, decimated)
	if err != nil {
		return nil, err
	}
	return hl.Expand(), nil
}

// Coupling returns c_S for the given original sites (in any order), 0 if absent.
func (d *Decimation) Coupling(sites ...int) float64 {
	s := slices.Clone(sites)
	slices.Sort(s)
	i, ok := slices.BinarySearchFunc(d.Couplings, s, func(c Coupling, t []int) int {
		if x := cmp.Compare(len(c.Sites), len(t)); x != 0 {
			return x
		}
		return slices.Compare(c.Sites, t)
	})
	if !ok {
		return 0
	}
	return d.Couplings[i].Value
}

// Model returns the kept spins as an Ising model at beta = 1 (J_ij = c_ij,
// h_i = c_i, sites renumbered 0..len(Kept)-1 in the order of Kept), so that
// exp(-H) = w(s) exp(-Constant). It fails if any term has more than two
// sites. A chain keeps its kind and boundary (so it can be decimated again);
// anything else becomes an edge-list model.
func (d *Decimation) Model(parent lattice.Geometry) (*lattice.Model, error) {
	n := len(d.Kept)
	idx := make(map[int]int, n)
	for i, s := range d.Kept {
		idx[s] = i
	}
	fields := make([]float64, n)
	var bonds []lattice.Bond
	for _, c := range d.Couplings {
		switch len(c.Sites) {
		case 1:
			fields[idx[c.Sites[0]]] = c.Value
		case 2:
			bonds = append(bonds, lattice.Bond{I: idx[c.Sites[0]], J: idx[c.Sites[1]], Coupling: c.Value})
		default:
			return nil, fmt.Errorf("rg: the effective weight has a %d-spin term %v: not an Ising model", len(c.Sites), c.Sites)
		}
	}
	g := lattice.Geometry{Kind: lattice.KindEdges, Dims: []int{n}}
	if parent.Kind == lattice.KindChain {
		g = lattice.Geometry{Kind: lattice.KindChain, Dims: []int{n}, Boundary: slices.Clone(parent.Boundary)}
		if n < 2 {
			g.Boundary = []lattice.Boundary{lattice.Open}
		}
	}
	return lattice.New(n, bonds, fields, g)
}
