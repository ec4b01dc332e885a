package lattice

import (
	"fmt"
	"math/rand/v2"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// KindHopfield is a Hopfield network: N neurons (spins) storing P patterns
// xi^mu in {-1,+1}^N with Hebb's couplings J_ij = (1/N) sum_mu xi_i^mu xi_j^mu
// for i != j (J. J. Hopfield, PNAS 79, 2554 (1982)). Its Hubbard–Stratonovich
// transform with the smallest diagonal shift is an RBM with exactly P
// Gaussian hidden units (A. Barra, A. Bernacchia, E. Santucci and P. Contucci,
// Neural Networks 34, 1 (2012)): beta J + (beta P/N) I = (beta/N) Xi Xi^T has
// rank P, so W W^T = (beta/N) Xi Xi^T, i.e. W = sqrt(beta/N) Xi up to a
// rotation of the hidden units.
const KindHopfield Kind = "hopfield"

// StreamPatterns is the internal/rng stream id of the Hopfield patterns
// ("patterns"), drawn from Spec.Seed (--disorder-seed).
const StreamPatterns uint64 = 0x7061747465726e73

// Limits of a Hopfield network (N(N-1)/2 bonds are stored).
const (
	MaxHopfieldNeurons  = 4096
	MaxHopfieldPatterns = 100000
)

// HopfieldPatterns draws p patterns of n independent, equally likely ±1
// entries from src: pattern mu is xi[mu], drawn in order mu = 0..p-1, i = 0..n-1.
func HopfieldPatterns(n, p int, src rand.Source) [][]int8 {
	r := rand.New(src)
	xi := make([][]int8, p)
	for mu := range xi {
		xi[mu] = make([]int8, n)
		for i := range xi[mu] {
			xi[mu][i] = int8(2*(r.Uint64()&1)) - 1
		}
	}
	return xi
}

// Hopfield returns the Hopfield network of the patterns xi (all of the same
// length n >= 2): every pair i < j is a bond with J_ij = (1/n) sum_mu
// xi_i^mu xi_j^mu (possibly 0), no fields.
func Hopfield(xi [][]int8) (*Model, error) {
	if len(xi) < 1 || len(xi) > MaxHopfieldPatterns {
		return nil, fmt.Errorf("lattice: hopfield: %d patterns: allowed 1..%d", len(xi), MaxHopfieldPatterns)
	}
	n := len(xi[0])
	if n < 2 || n > MaxHopfieldNeurons {
		return nil, fmt.Errorf("lattice: hopfield: %d neurons: allowed 2..%d", n, MaxHopfieldNeurons)
	}
	for mu, x := range xi {
		if len(x) != n {
			return nil, fmt.Errorf("lattice: hopfield: pattern %d has %d entries, pattern 0 has %d", mu, len(x), n)
		}
		for i, v := range x {
			if v != 1 && v != -1 {
				return nil, fmt.Errorf("lattice: hopfield: pattern %d entry %d is %d: must be ±1", mu, i, v)
			}
		}
	}
	bonds := make([]Bond, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			var s int
			for _, x := range xi {
				s += int(x[i]) * int(x[j])
			}
			bonds = append(bonds, Bond{I: i, J: j, Coupling: float64(s) / float64(n)})
		}
	}
	return New(n, bonds, nil, Geometry{Kind: KindHopfield, Dims: []int{n}})
}

// checkPatterns validates Spec.Patterns for a kind: 1..MaxHopfieldPatterns
// for a Hopfield network, 0 for every other kind.
func checkPatterns(kind Kind, p int) error {
	if kind != KindHopfield {
		if p != 0 {
			return ferr("patterns", "%d: patterns apply to lattice hopfield only", p)
		}
		return nil
	}
	if p < 1 || p > MaxHopfieldPatterns {
		return ferr("patterns", "%d: lattice hopfield needs 1..%d patterns", p, MaxHopfieldPatterns)
	}
	return nil
}

// hopfieldOf builds the Hopfield network of n neurons and p patterns drawn
// from stream StreamPatterns of seed.
func hopfieldOf(n, p int, seed uint64) (*Model, error) {
	if n < 2 || n > MaxHopfieldNeurons {
		return nil, fmt.Errorf("hopfield network of %d neurons: allowed 2..%d", n, MaxHopfieldNeurons)
	}
	return Hopfield(HopfieldPatterns(n, p, rng.New(seed, StreamPatterns)))
}
