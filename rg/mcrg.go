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
// periodic L x L square lattice with J = 1, h = 0.
type MCRGConfig struct {
	L          int     // linear size, divisible by 2^Levels with L/2^Levels >= 4; required
	Beta       float64 // inverse temperature; zero value: Onsager's K_c
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

// MaxMCRGSide bounds L (the run keeps a few L x L configurations only).
const MaxMCRGSide = 4096

func (c *MCRGConfig) defaults() error {
	if c.Beta == 0 {
		c.Beta = KcExact
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
	switch {
	case c.L < 8 || c.L > MaxMCRGSide:
		return fmt.Errorf("rg: mcrg: L = %d: allowed 8..%d", c.L, MaxMCRGSide)
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
// square-lattice Ising model at c.Beta; every sweep the configuration is
// blocked c.Levels times by the b = 2 majority rule, and the interaction sums
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
	m, err := lattice.Square(c.L, c.L, lattice.Periodic, lattice.Periodic)
	if err != nil {
		return nil, err
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
		confs[n] = make([]int8, (c.L>>n)*(c.L>>n))
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
				BlockMajority(confs[n], confs[n-1], c.L>>(n-1), ties)
			}
			interactions(confs[n], c.L>>n, &s[n])
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
	res := &MCRGResult{L: c.L, Beta: c.Beta, Sweeps: per * c.Bins, Bins: c.Bins, Seed: c.Seed,
		Even: EvenInteractions, Odd: OddInteractions, Clusters: k.ClustersPerSweep()}
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
