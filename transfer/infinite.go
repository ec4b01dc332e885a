package transfer

import (
	"context"
	"fmt"
	"math"
	"math/bits"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// InfiniteStrip is the thermodynamic limit of a strip of width W and
// infinite length, from the two leading eigenvalues of its row-to-row
// transfer matrix.
type InfiniteStrip struct {
	Width int
	Beta  float64
	// LnLambda0 and LnLambda1 are ln lambda_0 and ln |lambda_1|, the two
	// eigenvalues of largest magnitude.
	LnLambda0, LnLambda1 float64
	// LnZPerSite is ln lambda_0 / W; FreeEnergy is -LnZPerSite/beta.
	LnZPerSite, FreeEnergy float64
	// CorrelationLength along the strip, xi = 1/ln(lambda_0/|lambda_1|), in
	// lattice spacings (+Inf if the two are degenerate to rounding).
	CorrelationLength float64
	// Iterations of the power method for lambda_0 and lambda_1.
	Iterations [2]int
}

// Strip power-iteration controls.
const (
	stripMaxIter = 200000
	stripTol     = 1e-14
)

// InfiniteStripLimit returns the free energy per site and the correlation
// length of the infinite strip of width w (rows periodic or open across),
// couplings jRow across the strip and jProp along it, uniform field h, by
// the power method on the symmetric transfer matrix D^{1/2} U D^{1/2} (O(W 2^W)
// per iteration), the second eigenvalue by deflation against the first. The
// iteration stops when the Rayleigh quotient is stable to 1e-14 relative;
// near a degenerate pair (ordered phase, wide strip) convergence is slow and
// an error is returned after 200000 iterations. w <= MaxStripWidth - 2.
func InfiniteStripLimit(ctx context.Context, w int, rowPeriodic bool, jRow, jProp, h, beta float64) (*InfiniteStrip, error) {
	if w < 1 || w > MaxStripWidth-2 || (rowPeriodic && w < 2) {
		return nil, fmt.Errorf("transfer: infinite strip: width %d: need 1..%d (>= 2 periodic)", w, MaxStripWidth-2)
	}
	if err := checkBeta(beta); err != nil {
		return nil, err
	}
	if beta == 0 {
		return nil, fmt.Errorf("transfer: infinite strip: beta must be > 0")
	}
	S := 1 << uint(w)
	p := &stripPlan{w: w, rowPeriodic: rowPeriodic, jRow: jRow, jProp: jProp, h: h}
	// D^{1/2} with its log shift.
	half := make([]float64, S)
	shift := math.Inf(-1)
	ex := make([]float64, S)
	for s := 0; s < S; s++ {
		nb, m := p.rowSums(s)
		ex[s] = beta * (jRow*nb + h*m)
		shift = max(shift, ex[s])
	}
	for s := range half {
		half[s] = math.Exp((ex[s] - shift) / 2)
	}
	kk := beta * jProp
	d, o := 1.0, math.Exp(-2*math.Abs(kk))
	if kk < 0 {
		d, o = o, 1
	}
	logFactor := shift + float64(w)*math.Abs(kk)
	apply := func(dst, src []float64) {
		for i := range src {
			dst[i] = src[i] * half[i]
		}
		for x := 0; x < w; x++ {
			butterfly1(dst, 1<<uint(x), d, o)
		}
		for i := range dst {
			dst[i] *= half[i]
		}
	}
	dot := func(a, b []float64) float64 {
		var s float64
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	normalize := func(a []float64) {
		n := math.Sqrt(dot(a, a))
		for i := range a {
			a[i] /= n
		}
	}
	power := func(v []float64, deflate []float64) (float64, int, error) {
		tmp := make([]float64, S)
		prev := math.NaN()
		for it := 1; it <= stripMaxIter; it++ {
			if it&255 == 0 {
				if err := ctx.Err(); err != nil {
					return 0, it, err
				}
			}
			if deflate != nil {
				c := dot(v, deflate)
				for i := range v {
					v[i] -= c * deflate[i]
				}
			}
			normalize(v)
			apply(tmp, v)
			lam := dot(v, tmp)
			copy(v, tmp)
			if math.Abs(lam-prev) <= stripTol*math.Abs(lam) {
				if deflate != nil {
					c := dot(v, deflate)
					for i := range v {
						v[i] -= c * deflate[i]
					}
				}
				normalize(v)
				return lam, it, nil
			}
			prev = lam
		}
		return 0, stripMaxIter, fmt.Errorf("transfer: infinite strip: power method did not converge in %d iterations (nearly degenerate leading eigenvalues)", stripMaxIter)
	}
	v0 := make([]float64, S)
	for i := range v0 {
		v0[i] = 1
	}
	l0, it0, err := power(v0, nil)
	if err != nil {
		return nil, err
	}
	// Start the second vector in the spin-flip-odd sector plus a small
	// deterministic generic part.
	r := rng.NewRand(1, rng.StreamStripStart)
	v1 := make([]float64, S)
	for s := range v1 {
		v1[s] = float64(2*bits.OnesCount(uint(s))-w) + 1e-3*r.NormFloat64()
	}
	l1, it1, err := power(v1, v0)
	if err != nil {
		return nil, err
	}
	res := &InfiniteStrip{Width: w, Beta: beta, Iterations: [2]int{it0, it1}}
	res.LnLambda0 = math.Log(l0) + logFactor
	res.LnLambda1 = math.Log(math.Abs(l1)) + logFactor
	res.LnZPerSite = res.LnLambda0 / float64(w)
	res.FreeEnergy = -res.LnZPerSite / beta
	if g := res.LnLambda0 - res.LnLambda1; g > 0 {
		res.CorrelationLength = 1 / g
	} else {
		res.CorrelationLength = math.Inf(1)
	}
	return res, nil
}
