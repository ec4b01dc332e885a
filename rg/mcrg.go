package rg

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// Interactions of the linearised MCRG, each a sum over the whole periodic
// l x l lattice (every translate counted once, both orientations where the
// shape has two). Even ones are invariant under s -> -s, odd ones change sign.
var (
	EvenInteractions = []string{
		"nn: s(x,y)[s(x+1,y) + s(x,y+1)]",
		"nnn: s(x,y)[s(x+1,y+1) + s(x+1,y-1)]",
		"third: s(x,y)[s(x+2,y) + s(x,y+2)]",
		"plaquette: s(x,y)s(x+1,y)s(x,y+1)s(x+1,y+1)",
		"knight: s(x,y)[s(x+2,y+1) + s(x+1,y+2) + s(x+2,y-1) + s(x+1,y-2)]",
		"diag2: s(x,y)[s(x+2,y+2) + s(x+2,y-2)]",
	}
	OddInteractions = []string{
		"magnetization: s(x,y)",
		"plaquette3: the four three-spin products of each plaquette",
		"line3: s(x-1,y)s(x,y)s(x+1,y) + s(x,y-1)s(x,y)s(x,y+1)",
	}
)

// Interactions of the linearised MCRG on the periodic l x l x l simple cubic
// lattice (site x + l(y + l z)), each summed over the lattice with every
// translate and orientation counted once.
var (
	EvenInteractions3D = []string{
		"nn: s(r) s(r + e) over the 3 axes e",
		"nnn: s(r) s(r + d) over the 6 face diagonals d = (1,±1,0), ...",
		"third: s(r) s(r + d) over the 4 body diagonals d = (1,±1,±1)",
		"fourth: s(r) s(r + 2e) over the 3 axes",
		"plaquette: the four-spin product of each of the 3l^3 plaquettes",
		"knight: s(r) s(r + d) over the 12 vectors d of type (2,1,0)",
	}
	OddInteractions3D = []string{
		"magnetization: s(r)",
		"plaquette3: the four three-spin products of each plaquette",
		"line3: s(r - e) s(r) s(r + e) over the 3 axes",
	}
)

const (
	nEven = 6
	nOdd  = 3
	nOps  = nEven + nOdd
)

// interactions returns the even then odd interaction sums of the periodic
// l x l configuration s (site x + l y).
func interactions(s []int8, l int, out *[nOps]float64) {
	var e [nEven]int
	var o [nOdd]int
	at := func(x, y int) int {
		return int(s[((x+l)%l)+l*((y+l)%l)])
	}
	for y := 0; y < l; y++ {
		for x := 0; x < l; x++ {
			c := at(x, y)
			r, u, d := at(x+1, y), at(x, y+1), at(x, y-1)
			ru, rd := at(x+1, y+1), at(x+1, y-1)
			e[0] += c * (r + u)
			e[1] += c * (ru + rd)
			e[2] += c * (at(x+2, y) + at(x, y+2))
			e[3] += c * r * u * ru
			e[4] += c * (at(x+2, y+1) + at(x+1, y+2) + at(x+2, y-1) + at(x+1, y-2))
			e[5] += c * (at(x+2, y+2) + at(x+2, y-2))
			o[0] += c
			o[1] += c*r*u + c*r*ru + c*u*ru + r*u*ru
			o[2] += at(x-1, y)*c*r + d*c*u
		}
	}
	for i, v := range e {
		out[i] = float64(v)
	}
	for i, v := range o {
		out[nEven+i] = float64(v)
	}
}

// interactions3 returns the even then odd interaction sums of the periodic
// l x l x l configuration s (site x + l(y + l z)).
func interactions3(s []int8, l int, out *[nOps]float64) {
	var e [nEven]int
	var o [nOdd]int
	at := func(x, y, z int) int {
		return int(s[((x+2*l)%l)+l*(((y+2*l)%l)+l*((z+2*l)%l))])
	}
	// the 12 vectors of type (2,1,0), one of each pair +-d
	var knight [][3]int
	for _, p := range [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		for _, sg := range []int{1, -1} {
			var d [3]int
			d[p[0]], d[p[1]] = 2, sg // the 2 positive: each pair counted once
			knight = append(knight, d)
		}
	}
	for z := 0; z < l; z++ {
		for y := 0; y < l; y++ {
			for x := 0; x < l; x++ {
				c := at(x, y, z)
				ax := [3]int{at(x+1, y, z), at(x, y+1, z), at(x, y, z+1)}
				e[0] += c * (ax[0] + ax[1] + ax[2])
				e[1] += c * (at(x+1, y+1, z) + at(x+1, y-1, z) + at(x+1, y, z+1) + at(x+1, y, z-1) + at(x, y+1, z+1) + at(x, y+1, z-1))
				e[2] += c * (at(x+1, y+1, z+1) + at(x+1, y+1, z-1) + at(x+1, y-1, z+1) + at(x+1, y-1, z-1))
				e[3] += c * (at(x+2, y, z) + at(x, y+2, z) + at(x, y, z+2))
				for _, d := range knight {
					e[5] += c * at(x+d[0], y+d[1], z+d[2])
				}
				o[0] += c
				o[2] += at(x-1, y, z)*c*ax[0] + at(x, y-1, z)*c*ax[1] + at(x, y, z-1)*c*ax[2]
				// plaquettes in the xy, xz and yz planes with corner r
				for _, pl := range [3][3]int{{at(x+1, y, z), at(x, y+1, z), at(x+1, y+1, z)},
					{at(x+1, y, z), at(x, y, z+1), at(x+1, y, z+1)}, {at(x, y+1, z), at(x, y, z+1), at(x, y+1, z+1)}} {
					r, u, ru := pl[0], pl[1], pl[2]
					e[4] += c * r * u * ru
					o[1] += c*r*u + c*r*ru + c*u*ru + r*u*ru
				}
			}
		}
	}
	for i, v := range e {
		out[i] = float64(v)
	}
	for i, v := range o {
		out[nEven+i] = float64(v)
	}
}

// BlockMajority3 writes into dst (l/2 on a side) the majority-rule block
// spins of the l x l x l configuration s: the sign of the sum of the 8 spins
// of each 2 x 2 x 2 cube, a tie (sum 0) broken by a fair coin from r.
func BlockMajority3(dst, s []int8, l int, r *rand.Rand) {
	h := l / 2
	for z := 0; z < h; z++ {
		for y := 0; y < h; y++ {
			for x := 0; x < h; x++ {
				sum := 0
				for dz := 0; dz < 2; dz++ {
					for dy := 0; dy < 2; dy++ {
						i := 2*x + l*(2*y+dy+l*(2*z+dz))
						sum += int(s[i]) + int(s[i+1])
					}
				}
				j := x + h*(y+h*z)
				switch {
				case sum > 0:
					dst[j] = 1
				case sum < 0:
					dst[j] = -1
				default:
					dst[j] = int8(2*(r.Uint64()&1)) - 1
				}
			}
		}
	}
}

// BlockMajority writes into dst (l/2 x l/2) the majority-rule block spins of
// the l x l configuration s: block (X, Y) is the sign of the sum of the spins
// (2X, 2Y), (2X+1, 2Y), (2X, 2Y+1), (2X+1, 2Y+1), a tie (sum 0) being broken
// by a fair coin from r (so that the rule commutes with s -> -s).
func BlockMajority(dst, s []int8, l int, r *rand.Rand) {
	h := l / 2
	for y := 0; y < h; y++ {
		for x := 0; x < h; x++ {
			i := 2*x + l*2*y
			sum := int(s[i]) + int(s[i+1]) + int(s[i+l]) + int(s[i+l+1])
			switch {
			case sum > 0:
				dst[x+h*y] = 1
			case sum < 0:
				dst[x+h*y] = -1
			default:
				dst[x+h*y] = int8(2*(r.Uint64()&1)) - 1
			}
		}
	}
}

// MCRGConfig configures a Monte Carlo renormalization-group run on the
// periodic L x L square lattice (Dim 2) or L x L x L simple cubic lattice
// (Dim 3) with J = 1, h = 0.
type MCRGConfig struct {
	L          int     // linear size, divisible by 2^Levels with L/2^Levels >= 4; required
	Dim        int     // dimension, 2 (square) or 3 (simple cubic); zero value 2
	Beta       float64 // inverse temperature; zero value: K_c (Onsager's in 2D, KcCubic in 3D)
	Levels     int     // blocking levels (b = 2 each); zero value 3
	Sweeps     int     // measured Wolff sweeps (about N flipped spins each); zero value 10000
	Thermalize int     // discarded sweeps; zero value 1000, a negative value none
	Bins       int     // jackknife bins, >= 2; zero value 20
	Seed       uint64  // seed of the Monte Carlo (stream 0) and tie-break (stream 1) sources
}

// Estimate is a mean with its jackknife error.
type Estimate struct {
	Mean  float64 `json:"mean"`
	Error float64 `json:"error"`
}

// MCRGLevel is the result of one blocking level n >= 1: the eigenvalues of
// T^(n) = dK^(n)/dK^(n-1), from the lattice of side L/2^(n-1) to L/2^n.
type MCRGLevel struct {
	Level   int      `json:"level"`
	Side    int      `json:"side"`     // L/2^n, the side of the blocked lattice
	YT      Estimate `json:"y_t"`      // ln lambda_t / ln 2, lambda_t the largest even eigenvalue
	YH      Estimate `json:"y_h"`      // ln lambda_h / ln 2, lambda_h the largest odd eigenvalue
	LambdaT float64  `json:"lambda_t"` // full-sample leading even eigenvalue
	LambdaH float64  `json:"lambda_h"` // full-sample leading odd eigenvalue
}

// MCRGResult is the result of MCRG.
type MCRGResult struct {
	L        int         `json:"L"`
	Dim      int         `json:"dim"`
	Beta     float64     `json:"beta"`
	Sweeps   int         `json:"sweeps"`
	Bins     int         `json:"bins"`
	Seed     uint64      `json:"seed"`
	Even     []string    `json:"even_interactions"`
	Odd      []string    `json:"odd_interactions"`
	Levels   []MCRGLevel `json:"levels"`
	Clusters int         `json:"wolff_clusters_per_sweep"`
	Seconds  float64     `json:"seconds"`
}

// MaxMCRGSide bounds L (the run keeps a few L x L configurations only);
// MaxMCRGSide3 bounds L in 3D.
const (
	MaxMCRGSide  = 4096
	MaxMCRGSide3 = 256
)

// KcCubic is the critical coupling of the simple cubic Ising model, 0.221654626
// (A. L. Talapov and H. W. J. Blöte, J. Phys. A 29, 5727 (1996); Ferrenberg,
// Xu and Landau, PRE 97, 043301 (2018): 0.221654626(5)).
const KcCubic = 0.221654626

// The 3D Ising exponents MCRG is compared with: y_t = 1/nu, y_h = (d + 2 -
// eta)/2 with nu = 0.629971(4), eta = 0.036298(2) (conformal bootstrap,
// Kos, Poland, Simmons-Duffin and Vichi, JHEP 08 (2016) 036).
const (
	YT3D = 1.5874
	YH3D = 2.4819
)

func (c *MCRGConfig) defaults() error {
	if c.Dim == 0 {
		c.Dim = 2
	}
	if c.Dim != 2 && c.Dim != 3 {
		return fmt.Errorf("rg: mcrg: dim = %d: allowed 2 (square) or 3 (simple cubic)", c.Dim)
	}
	if c.Beta == 0 {
		c.Beta = KcExact
		if c.Dim == 3 {
			c.Beta = KcCubic
		}
	}
	if c.Levels == 0 {
		c.Levels = 3
	}
	if c.Sweeps == 0 {
		c.Sweeps = 10000
	}
	switch {
	case c.Thermalize == 0:
		c.Thermalize = 1000
	case c.Thermalize < 0:
		c.Thermalize = 0
	}
	if c.Bins == 0 {
		c.Bins = 20
	}
	maxL := MaxMCRGSide
	if c.Dim == 3 {
		maxL = MaxMCRGSide3
	}
	switch {
	case c.L < 8 || c.L > maxL:
		return fmt.Errorf("rg: mcrg: L = %d: allowed 8..%d in %d dimensions", c.L, maxL, c.Dim)
	case c.Levels < 1 || c.Levels > 10:
		return fmt.Errorf("rg: mcrg: levels = %d: allowed 1..10", c.Levels)
	case c.L%(1<<c.Levels) != 0 || c.L>>c.Levels < 4:
		return fmt.Errorf("rg: mcrg: L = %d with %d levels: L must be divisible by 2^levels = %d and L/2^levels >= 4", c.L, c.Levels, 1<<c.Levels)
	case !(c.Beta > 0) || math.IsInf(c.Beta, 0):
		return fmt.Errorf("rg: mcrg: beta = %v: must be finite and > 0", c.Beta)
	case c.Bins < 2 || c.Bins > 1000:
		return fmt.Errorf("rg: mcrg: bins = %d: allowed 2..1000", c.Bins)
	case c.Sweeps < c.Bins || c.Sweeps > 1e9:
		return fmt.Errorf("rg: mcrg: sweeps = %d: allowed bins (%d)..1e9", c.Sweeps, c.Bins)
	case c.Thermalize > 1e9:
		return fmt.Errorf("rg: mcrg: thermalize = %d: allowed 0..1e9", c.Thermalize)
	}
	return nil
}

// mcrgBin holds the sums of one bin: per level n the interaction sums S^(n),
// the products S^(n) S^(n)^T and S^(n) S^(n-1)^T.
type mcrgBin struct {
	count float64
	sum   [][nOps]float64
	self  [][nOps][nOps]float64
	cross [][nOps][nOps]float64 // cross[n][a][b] = S^(n)_a S^(n-1)_b, n >= 1
}

func newBin(levels int) *mcrgBin {
	return &mcrgBin{sum: make([][nOps]float64, levels+1), self: make([][nOps][nOps]float64, levels+1),
		cross: make([][nOps][nOps]float64, levels+1)}
}

func (b *mcrgBin) add(o *mcrgBin, sign float64) {
	b.count += sign * o.count
	for n := range b.sum {
		for a := range nOps {
			b.sum[n][a] += sign * o.sum[n][a]
			for c := range nOps {
				b.self[n][a][c] += sign * o.self[n][a][c]
				b.cross[n][a][c] += sign * o.cross[n][a][c]
			}
		}
	}
}

// MCRG runs Swendsen's linearised Monte Carlo renormalization group (R. H.
// Swendsen, PRL 42, 859 (1979)). Wolff updates (package mc) sample the
// square-lattice (c.Dim 2) or simple cubic (c.Dim 3) Ising model at c.Beta;
// every sweep the configuration is blocked c.Levels times by the b = 2
// majority rule (2x2 or 2x2x2 blocks), and the interaction sums
// S_a^(n) of every level are recorded. With H^(n) = -sum_a K_a^(n) S_a^(n),
//
//	d<S_a^(n)>/dK_b^(n-1) = sum_c (dK_c^(n)/dK_b^(n-1)) d<S_a^(n)>/dK_c^(n),
//
// i.e. A = B T with A_ab = <S_a^(n) S_b^(n-1)> - <S_a^(n)><S_b^(n-1)> and
// B_ac = <S_a^(n) S_c^(n)> - <S_a^(n)><S_c^(n)>, so T^(n) = B^{-1} A. Even
// and odd interactions do not mix at h = 0; each sector gives its own T,
// whose largest eigenvalue is lambda_t (even) or lambda_h (odd), and
// y = ln lambda / ln 2. Odd means are zero by symmetry and taken as zero.
// Errors are jackknife errors over c.Bins bins of consecutive sweeps.
func MCRG(ctx context.Context, c MCRGConfig) (*MCRGResult, error) {
	if err := c.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	var m *lattice.Model
	var err error
	block, measure := BlockMajority, interactions
	even, odd := EvenInteractions, OddInteractions
	if c.Dim == 3 {
		m, err = lattice.Cubic(c.L, c.L, c.L, lattice.Periodic, lattice.Periodic, lattice.Periodic)
		block, measure = BlockMajority3, interactions3
		even, odd = EvenInteractions3D, OddInteractions3D
	} else {
		m, err = lattice.Square(c.L, c.L, lattice.Periodic, lattice.Periodic)
	}
	if err != nil {
		return nil, err
	}
	sites := func(l int) int {
		if c.Dim == 3 {
			return l * l * l
		}
		return l * l
	}
	k := mc.NewWolff(m, c.Beta, rng.New(c.Seed, 0))
	ties := rng.NewRand(c.Seed, 1)
	for t := 0; t < c.Thermalize; t++ {
		if t%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		k.Sweep()
	}
	k.EndAdaptation()
	confs := make([][]int8, c.Levels+1)
	for n := range confs {
		confs[n] = make([]int8, sites(c.L>>n))
	}
	bins := make([]*mcrgBin, c.Bins)
	for i := range bins {
		bins[i] = newBin(c.Levels)
	}
	var ref [][nOps]float64 // shift of the even sums against cancellation
	s := make([][nOps]float64, c.Levels+1)
	per := c.Sweeps / c.Bins
	for t := 0; t < per*c.Bins; t++ {
		if t%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		k.Sweep()
		k.Spins(confs[0])
		for n := 0; n <= c.Levels; n++ {
			if n > 0 {
				block(confs[n], confs[n-1], c.L>>(n-1), ties)
			}
			measure(confs[n], c.L>>n, &s[n])
		}
		if ref == nil {
			ref = make([][nOps]float64, c.Levels+1)
			for n := range ref {
				copy(ref[n][:nEven], s[n][:nEven])
			}
		}
		b := bins[t/per]
		b.count++
		for n := 0; n <= c.Levels; n++ {
			for a := range nEven {
				s[n][a] -= ref[n][a]
			}
			for a := range nOps {
				b.sum[n][a] += s[n][a]
				for d := range nOps {
					b.self[n][a][d] += s[n][a] * s[n][d]
					if n > 0 {
						b.cross[n][a][d] += s[n][a] * s[n-1][d]
					}
				}
			}
		}
	}
	total := newBin(c.Levels)
	for _, b := range bins {
		total.add(b, 1)
	}
	res := &MCRGResult{L: c.L, Dim: c.Dim, Beta: c.Beta, Sweeps: per * c.Bins, Bins: c.Bins, Seed: c.Seed,
		Even: even, Odd: odd, Clusters: k.ClustersPerSweep()}
	for n := 1; n <= c.Levels; n++ {
		lt, lh, err := total.eigen(n)
		if err != nil {
			return nil, fmt.Errorf("rg: mcrg level %d: %w", n, err)
		}
		lv := MCRGLevel{Level: n, Side: c.L >> n, LambdaT: lt, LambdaH: lh}
		yt, yh := make([]float64, c.Bins), make([]float64, c.Bins)
		for j, b := range bins {
			jk := newBin(c.Levels)
			jk.add(total, 1)
			jk.add(b, -1)
			lt, lh, err := jk.eigen(n)
			if err != nil {
				return nil, fmt.Errorf("rg: mcrg level %d, jackknife sample %d: %w", n, j, err)
			}
			yt[j], yh[j] = math.Log(lt)/math.Ln2, math.Log(lh)/math.Ln2
		}
		lv.YT = jackknife(math.Log(lt)/math.Ln2, yt)
		lv.YH = jackknife(math.Log(lh)/math.Ln2, yh)
		res.Levels = append(res.Levels, lv)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// jackknife returns the full-sample value with the jackknife error of the
// leave-one-bin-out values.
func jackknife(full float64, js []float64) Estimate {
	var mean float64
	for _, v := range js {
		mean += v
	}
	mean /= float64(len(js))
	var ss float64
	for _, v := range js {
		ss += (v - mean) * (v - mean)
	}
	nb := float64(len(js))
	return Estimate{Mean: full, Error: math.Sqrt((nb - 1) / nb * ss)}
}

// eigen returns the leading eigenvalues of the even and odd T^(n) = B^{-1} A
// from the sums of b.
func (b *mcrgBin) eigen(n int) (lt, lh float64, err error) {
	if b.count < 2 {
		return 0, 0, errors.New("fewer than 2 measurements")
	}
	mean := func(l, a int) float64 {
		if a >= nEven {
			return 0 // odd interactions: zero by symmetry at h = 0
		}
		return b.sum[l][a] / b.count
	}
	sector := func(lo, hi int) (float64, error) {
		d := hi - lo
		A, B := mat.NewDense(d, d, nil), mat.NewDense(d, d, nil)
		for a := lo; a < hi; a++ {
			for c := lo; c < hi; c++ {
				A.Set(a-lo, c-lo, b.cross[n][a][c]/b.count-mean(n, a)*mean(n-1, c))
				B.Set(a-lo, c-lo, b.self[n][a][c]/b.count-mean(n, a)*mean(n, c))
			}
		}
		var T mat.Dense
		if err := T.Solve(B, A); err != nil {
			return 0, fmt.Errorf("singular correlation matrix: %w", err)
		}
		var eig mat.Eigen
		if !eig.Factorize(&T, mat.EigenNone) {
			return 0, errors.New("eigen decomposition failed")
		}
		best := math.Inf(-1)
		for _, v := range eig.Values(nil) {
			if math.Abs(imag(v)) < 1e-9*cmplx.Abs(v) && real(v) > best {
				best = real(v)
			}
		}
		if !(best > 0) {
			return 0, fmt.Errorf("no positive real eigenvalue")
		}
		return best, nil
	}
	if lt, err = sector(0, nEven); err != nil {
		return 0, 0, fmt.Errorf("even sector: %w", err)
	}
	if lh, err = sector(nEven, nOps); err != nil {
		return 0, 0, fmt.Errorf("odd sector: %w", err)
	}
	return lt, lh, nil
}
