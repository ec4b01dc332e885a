package mc

import (
	"context"
	"fmt"
	"math"
)

// Extra observables measured from the spins (see the package documentation,
// "Correlations and overlap"): the spin-spin correlation function along the
// axes of a periodic hypercubic lattice with the structure factors of the
// second-moment correlation length, and the overlap of two independent
// replicas. They are recorded in a VecStream beside the Stream of a Series.

// DefaultExtraBins is the number of bins a VecStream keeps when
// RunConfig.ExtraBins is zero. Its memory is 8 x ExtraBins x (L/2 + 5)
// bytes (L/2 + 3 values with correlations, 2 with the overlap): 0.3 MiB for
// L = 64, 4 MiB for L = 1024.
const DefaultExtraBins = 1024

// maxCorrelationDim is the largest number of axes of a correlation lattice.
const maxCorrelationDim = 3

// CorrelationPoint is the correlation function at one distance: the "mean"
// G(r) = (1/(N d)) sum_i sum_a <s_i s_{i + r e_a}> and its error.
type CorrelationPoint struct {
	Distance int     `json:"distance"`
	Mean     float64 `json:"mean"`
	Error    float64 `json:"error"`
}

// VecStream accumulates a vector of D observables per measurement in
// bounded memory, like Stream: the sums over bins of BinSize measurements,
// at most Capacity bins (pairwise merged when full), and the exact sums and
// sums of squares over every measurement. Its fields are exported for gob
// (checkpoints); treat them as read-only. Layout of the vector: with
// correlations (L > 0), G(0..L/2), then F(0) = M^2/N and F(k_min) averaged
// over the Dim axes; with Overlap, then q^2 and q^4.
type VecStream struct {
	D        int
	L, Dim   int  // correlation lattice (L = 0: no correlations)
	Overlap  bool // q^2, q^4 at the end of the vector
	Every    int  // measurements of the Stream per measurement of this one
	Capacity int
	Count    int64
	BinSize  int64
	Bins     []float64 // D sums per complete bin
	Part     []float64
	PartN    int64
	Tot      []float64
	TotSq    []float64
}

func newVecStream(cfg RunConfig) *VecStream {
	d := 0
	if cfg.CorrelationL > 0 {
		d += cfg.CorrelationL/2 + 3
	}
	if cfg.Overlap {
		d += 2
	}
	capacity := cfg.ExtraBins
	if capacity <= 0 {
		capacity = DefaultExtraBins
	}
	capacity = max(4, capacity+capacity%2)
	return &VecStream{D: d, L: cfg.CorrelationL, Dim: cfg.CorrelationDim, Overlap: cfg.Overlap, Every: max(1, cfg.ExtraEvery),
		Capacity: capacity, BinSize: 1, Part: make([]float64, d), Tot: make([]float64, d), TotSq: make([]float64, d)}
}

// add records one measurement vector v (length D).
func (s *VecStream) add(v []float64) {
	for k, x := range v {
		s.Part[k] += x
		s.Tot[k] += x
		s.TotSq[k] += x * x
	}
	s.Count++
	s.PartN++
	if s.PartN < s.BinSize {
		return
	}
	s.Bins = append(s.Bins, s.Part...)
	clear(s.Part)
	s.PartN = 0
	if len(s.Bins) == s.D*s.Capacity {
		for i := 0; i < s.Capacity/2; i++ {
			for k := range s.D {
				s.Bins[s.D*i+k] = s.Bins[s.D*2*i+k] + s.Bins[s.D*(2*i+1)+k]
			}
		}
		s.Bins = s.Bins[:s.D*s.Capacity/2]
		s.BinSize *= 2
	}
}

// NumBins returns the number of complete bins.
func (s *VecStream) NumBins() int {
	if s.D == 0 {
		return 0
	}
	return len(s.Bins) / s.D
}

// extraBuf is the scratch space of the extra measurements of one driver.
type extraBuf struct {
	a, b  []int8
	line  []int32
	proj  []float64
	cos   []float64
	sin   []float64
	corr  []int64
	v     []float64
	lsize int
}

// measure computes the extra vector from kernel k (and its twin for the
// overlap) into x.v.
func (x *extraBuf) measure(cfg RunConfig, n int, k, twin Kernel) []float64 {
	x.a = k.Spins(x.a)
	x.v = x.v[:0]
	if l := cfg.CorrelationL; l > 0 {
		x.v = correlations(x, x.a, l, cfg.CorrelationDim, x.v)
	}
	if cfg.Overlap {
		x.b = twin.Spins(x.b)
		var s int64
		for i, a := range x.a {
			s += int64(a) * int64(x.b[i])
		}
		q := float64(s) / float64(n)
		q2 := q * q
		x.v = append(x.v, q2, q2*q2)
	}
	return x.v
}

// correlations appends G(0..L/2), F(0) and the axis-averaged F(k_min) of the
// configuration s of an L^dim periodic hypercubic lattice (site x_0 + L x_1
// + L^2 x_2) to v. G(r) = (1/(N dim)) sum_a sum_i s_i s_{i + r e_a};
// F(k) = (1/N) |sum_i s_i e^{i k.x_i}|^2, k_min = 2 pi/L along one axis.
func correlations(x *extraBuf, s []int8, l, dim int, v []float64) []float64 {
	n := len(s)
	half := l / 2
	if x.lsize != l {
		x.lsize = l
		x.line = make([]int32, 2*l)
		x.proj = make([]float64, l)
		x.cos, x.sin = make([]float64, l), make([]float64, l)
		for i := range l {
			x.cos[i] = math.Cos(2 * math.Pi * float64(i) / float64(l))
			x.sin[i] = math.Sin(2 * math.Pi * float64(i) / float64(l))
		}
		x.corr = make([]int64, half+1)
	}
	clear(x.corr)
	var mtot int64
	var fk float64
	stride := 1
	for range dim {
		clear(x.proj)
		block := stride * l
		for hi := 0; hi < n; hi += block {
			for lo := range stride {
				base := hi + lo
				for p := range l {
					sp := int32(s[base+p*stride])
					x.line[p], x.line[p+l] = sp, sp
					x.proj[p] += float64(sp)
				}
				for r := 0; r <= half; r++ {
					var c int32
					for p, sp := range x.line[:l] {
						c += sp * x.line[p+r]
					}
					x.corr[r] += int64(c)
				}
			}
		}
		var re, im float64
		for p, w := range x.proj {
			re += w * x.cos[p]
			im += w * x.sin[p]
		}
		fk += (re*re + im*im) / float64(n)
		stride = block
	}
	for _, sp := range s {
		mtot += int64(sp)
	}
	norm := 1 / float64(n*dim)
	for _, c := range x.corr {
		v = append(v, float64(c)*norm)
	}
	return append(v, float64(mtot)*float64(mtot)/float64(n), fk/float64(dim))
}

// SecondMomentLength returns the second-moment correlation length of an
// L-periodic lattice from the structure factors chi = F(0) and f = F(k_min)
// (Cooper, Freedman and Preston 1982): sqrt(chi/f - 1)/(2 sin(pi/L)), and 0
// when chi <= f (possible from noise far above T_c).
func SecondMomentLength(chi, f float64, l int) float64 {
	if !(f > 0) || chi <= f {
		return 0
	}
	return math.Sqrt(chi/f-1) / (2 * math.Sin(math.Pi/float64(l)))
}

// OverlapBinder returns g = (3 - q4/q2^2)/2 (0 when q2 = 0).
func OverlapBinder(q2, q4 float64) float64 {
	if q2 == 0 {
		return 0
	}
	return (3 - q4/(q2*q2)) / 2
}

// analyze adds the extra observables to r. tauMain is the largest tau_int of
// the primary series of r (in measurements of the Stream); c the window
// constant; minRuns the run length in tau_int below which a warning is given.
func (s *VecStream) analyze(ctx context.Context, r *TempResult, tauMain, c, minRuns float64) error {
	nb := s.NumBins()
	if s.Count < 2 || nb < 2 {
		nan := math.NaN()
		if s.L > 0 {
			r.CorrelationLength = &Estimate{Mean: nan, Error: nan, TauInt: nan}
		}
		if s.Overlap {
			r.OverlapQ2 = &Estimate{Mean: nan, Error: nan, TauInt: nan}
			r.OverlapQ4 = &Estimate{Mean: nan, Error: nan, TauInt: nan}
			r.OverlapBinder = &Estimate{Mean: nan, Error: nan, TauInt: nan}
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("only %d measurements of the correlations/overlap: no error analysis possible", s.Count))
		return nil
	}
	fn := float64(s.Count)
	inv := 1 / float64(s.BinSize)
	series := make([][]float64, s.D)
	est := make([]Estimate, s.D)
	tauMax := math.Max(0.5, tauMain/float64(s.Every))
	var notConverged bool
	for k := range s.D {
		if err := ctx.Err(); err != nil {
			return err
		}
		x := make([]float64, nb)
		for i := range x {
			x[i] = s.Bins[s.D*i+k] * inv
		}
		series[k] = x
		mu := s.Tot[k] / fn
		v := math.Max(0, s.TotSq[k]/fn-mu*mu)
		tauB, _, ok := TauInt(x, c)
		notConverged = notConverged || !ok
		e := Estimate{Mean: mu, Error: math.Sqrt(2 * tauB * v / fn), TauInt: tauB}
		if s.BinSize > 1 {
			_, vb := meanVar(x)
			e2 := 2 * tauB * vb / float64(nb)
			e.Error = math.Sqrt(e2)
			e.TauInt = 0.5
			if v > 0 {
				e.TauInt = math.Max(0.5, e2*fn/(2*v))
			}
		}
		// Express tau_int in measurements of the Stream, like the others.
		est[k] = e
		tauMax = math.Max(tauMax, e.TauInt)
	}
	// Jackknife blocks of at least 10 tau_int (BinLayout), whole bins.
	per, ng := groupLayout(int(s.Count), nb, int(s.BinSize), tauMax)
	grouped := make([][]float64, s.D)
	for k, x := range series {
		grouped[k] = blockMeans(x, per, ng)
		_, v := meanVar(grouped[k])
		est[k].BinningError = math.Sqrt(v / float64(ng-1))
	}
	jack := func(ks []int, f func(a []float64) float64) (float64, float64) {
		return groupJackknife(ks, s.Tot, fn, grouped, f)
	}
	every := float64(s.Every)
	scale := func(e Estimate) *Estimate {
		e.TauInt *= every
		return &e
	}
	off := 0
	if s.L > 0 {
		half := s.L / 2
		r.CorrelationFunction = make([]CorrelationPoint, half+1)
		for d := 0; d <= half; d++ {
			r.CorrelationFunction[d] = CorrelationPoint{Distance: d, Mean: est[d].Mean, Error: est[d].Error}
		}
		i0, ik := half+1, half+2
		xi, xiErr := jack([]int{i0, ik}, func(a []float64) float64 { return SecondMomentLength(a[0], a[1], s.L) })
		r.CorrelationLength = &Estimate{Mean: xi, Error: xiErr, TauInt: math.Max(est[i0].TauInt, est[ik].TauInt) * every}
		off = half + 3
	}
	if s.Overlap {
		iq2, iq4 := off, off+1
		r.OverlapQ2, r.OverlapQ4 = scale(est[iq2]), scale(est[iq4])
		g, gErr := jack([]int{iq2, iq4}, func(a []float64) float64 { return OverlapBinder(a[0], a[1]) })
		r.OverlapBinder = &Estimate{Mean: g, Error: gErr, TauInt: math.Max(est[iq2].TauInt, est[iq4].TauInt) * every}
	}
	if fn < minRuns*tauMax {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"beta=%g: %d measurements of the correlations/overlap are only %.1f tau_int (largest tau_int %.3g measurements): run more sweeps",
			r.Beta, s.Count, fn/tauMax, tauMax))
	}
	if notConverged {
		r.Warnings = append(r.Warnings, fmt.Sprintf("beta=%g: autocorrelation window did not converge for the correlations/overlap: run more sweeps", r.Beta))
	}
	return nil
}
