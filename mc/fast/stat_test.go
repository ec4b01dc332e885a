package fast

import (
	"fmt"
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// blockMean returns the mean of x and its error from nb non-overlapping
// blocks (the block length must exceed the autocorrelation time many times;
// the callers use blocks of >= 1000 sweeps on lattices whose tau is < 50).
func blockMean(x []float64, nb int) (mean, sigma float64) {
	bl := len(x) / nb
	var s, s2 float64
	for b := 0; b < nb; b++ {
		m := 0.0
		for _, v := range x[b*bl : (b+1)*bl] {
			m += v
		}
		m /= float64(bl)
		s += m
		s2 += m * m
	}
	mean = s / float64(nb)
	v := (s2/float64(nb) - mean*mean) * float64(nb) / float64(nb-1)
	return mean, math.Sqrt(v / float64(nb))
}

// series runs sweeps and returns per-sweep u = E/N, m^2 and |m|.
type sampler interface {
	Sweep() (int64, int64)
	Energy() float64
	Magnetization() int
	N() int
}

func series(k sampler, therm, n int) (u, m2, am []float64) {
	for range therm {
		k.Sweep()
	}
	if a, ok := k.(interface{ EndAdaptation() }); ok {
		a.EndAdaptation()
	}
	nn := float64(k.N())
	u, m2, am = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		k.Sweep()
		m := float64(k.Magnetization()) / nn
		u[i], m2[i], am[i] = k.Energy()/nn, m*m, math.Abs(m)
	}
	return
}

// checkAgainst compares the three series with exact values, failing beyond
// nsig standard errors from blocking, and fails when a standard error is not
// positive or exceeds its bound (u 0.01, m2 and |m| 0.005: 2 to 5 times the
// largest of these tests), so that neither a degenerate nor an inflated error
// bar passes.
func checkAgainst(t *testing.T, name string, ex exactMoments, u, m2, am []float64, nsig float64) {
	t.Helper()
	for _, q := range []struct {
		n        string
		x        []float64
		exact    float64
		maxSigma float64
	}{{"u", u, ex.u, 0.01}, {"m2", m2, ex.m2, 0.005}, {"|m|", am, ex.absM, 0.005}} {
		if math.IsNaN(q.exact) {
			continue
		}
		mean, sig := blockMean(q.x, 50)
		if !(sig > 0) || sig > q.maxSigma {
			t.Errorf("%s %s: standard error %.3g, want in (0, %g]", name, q.n, sig, q.maxSigma)
			continue
		}
		if d := math.Abs(mean - q.exact); d > nsig*sig {
			t.Errorf("%s %s: MC %.6f ± %.6f, exact %.6f (%.1f sigma)", name, q.n, mean, sig, q.exact, d/sig)
		} else {
			t.Logf("%s %s: MC %.6f ± %.6f, exact %.6f (%.1f sigma)", name, q.n, mean, sig, q.exact, d/sig)
		}
	}
}

// TestCheckerboardExact checks the single-lattice kernel against exact
// enumeration (4x4) and transfer-matrix results (8x8) for both update rules,
// several temperatures, with and without a field.
func TestCheckerboardExact(t *testing.T) {
	cases := []struct {
		l       int
		beta, h float64
		n       int
	}{
		{4, 0.3, 0, 200000}, {4, betaC, 0, 200000}, {4, 0.6, 0, 200000}, {4, 0.35, 0.2, 200000},
		{8, 0.3, 0, 100000}, {8, betaC, 0, 100000}, {8, 0.35, 0.1, 100000},
	}
	for ci, c := range cases {
		var ex exactMoments
		if c.l == 4 {
			ex = enumerate(t, 4, 4, c.beta, 1, c.h)
		} else {
			ex = transferMoments(c.l, c.l, c.beta, 1, c.h)
		}
		for _, alg := range []Algorithm{Metropolis, HeatBath} {
			name := fmt.Sprintf("%dx%d beta=%.4f h=%v %v", c.l, c.l, c.beta, c.h, alg)
			k, err := NewCheckerboard(Params{Dims: []int{c.l, c.l}, J: 1, H: c.h, Beta: c.beta, Algorithm: alg}, rng.New(42, uint64(10*ci+int(alg))))
			if err != nil {
				t.Fatal(err)
			}
			u, m2, am := series(k, 1000, c.n)
			checkAgainst(t, name, ex, u, m2, am, 4.5)
		}
	}
}

// TestClusterExact checks Wolff and Swendsen–Wang against exact results.
func TestClusterExact(t *testing.T) {
	cases := []struct {
		dims []int
		beta float64
		n    int
	}{
		{[]int{4, 4}, 0.3, 100000}, {[]int{4, 4}, betaC, 100000}, {[]int{4, 4}, 0.6, 100000},
		{[]int{8, 8}, betaC, 50000}, {[]int{8, 8}, 0.3, 50000}, {[]int{6, 4}, 0.5, 100000},
	}
	for ci, c := range cases {
		var ex exactMoments
		if c.dims[0]*c.dims[1] <= 16 {
			ex = enumerate(t, c.dims[0], c.dims[1], c.beta, 1, 0)
		} else {
			ex = transferMoments(c.dims[0], c.dims[1], c.beta, 1, 0)
		}
		for _, sw := range []bool{false, true} {
			p := Params{Dims: c.dims, J: 1, Beta: c.beta}
			var k *Cluster
			var err error
			name := fmt.Sprintf("%v beta=%.4f", c.dims, c.beta)
			if sw {
				k, err = NewSwendsenWang(p, rng.New(9, uint64(ci)))
				name += " sw"
			} else {
				k, err = NewWolff(p, rng.New(8, uint64(ci)))
				name += " wolff"
			}
			if err != nil {
				t.Fatal(err)
			}
			u, m2, am := series(k, 1000, c.n)
			checkAgainst(t, name, ex, u, m2, am, 4.5)
		}
	}
}

// TestCubicExact checks the 3D kernels on a 2x2x4 torus (16 sites, exact
// enumeration with lattice.Cubic's bonds).
func TestCubicExact(t *testing.T) {
	m := model(t, []int{2, 2, 4})
	for _, beta := range []float64{0.15, 0.3} {
		var w, we, wm2, wabs float64
		s := make([]int8, m.N)
		for st := 0; st < 1<<m.N; st++ {
			mg := 0.0
			for i := range s {
				s[i] = int8(2*(st>>i&1) - 1)
				mg += float64(s[i])
			}
			e := m.Energy(s)
			p := math.Exp(-beta * e)
			mm := mg / float64(m.N)
			w += p
			we += p * e
			wm2 += p * mm * mm
			wabs += p * math.Abs(mm)
		}
		ex := exactMoments{u: we / w / float64(m.N), m2: wm2 / w, absM: wabs / w}
		p := Params{Dims: []int{2, 2, 4}, J: 1, Beta: beta}
		cb, err := NewCheckerboard(p, rng.New(3, 1))
		if err != nil {
			t.Fatal(err)
		}
		u, m2, am := series(cb, 1000, 100000)
		checkAgainst(t, fmt.Sprintf("cubic beta=%v checkerboard", beta), ex, u, m2, am, 4.5)
		wf, err := NewWolff(p, rng.New(3, 2))
		if err != nil {
			t.Fatal(err)
		}
		u, m2, am = series(wf, 1000, 50000)
		checkAgainst(t, fmt.Sprintf("cubic beta=%v wolff", beta), ex, u, m2, am, 4.5)
	}
}

// TestCheckerboardAntiferro checks J < 0 with a field (frustration-free but
// field-dependent) and a 2-length axis (doubled bonds) against enumeration.
func TestCheckerboardAntiferro(t *testing.T) {
	for ci, c := range []struct {
		lx, ly  int
		j, h, b float64
	}{{4, 4, -0.7, 0.3, 0.5}, {2, 6, 0.8, -0.2, 0.4}, {4, 2, -1, 0.5, 0.35}} {
		ex := enumerate(t, c.lx, c.ly, c.b, c.j, c.h)
		for _, alg := range []Algorithm{Metropolis, HeatBath} {
			k, err := NewCheckerboard(Params{Dims: []int{c.lx, c.ly}, J: c.j, H: c.h, Beta: c.b, Algorithm: alg}, rng.New(77, uint64(10*ci+int(alg))))
			if err != nil {
				t.Fatal(err)
			}
			u, m2, am := series(k, 1000, 100000)
			checkAgainst(t, fmt.Sprintf("%dx%d J=%v h=%v beta=%v %v", c.lx, c.ly, c.j, c.h, c.b, alg), ex, u, m2, am, 4.5)
		}
	}
}
