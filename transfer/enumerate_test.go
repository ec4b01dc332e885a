package transfer

import (
	"context"
	"math"
	"runtime"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// naive computes the thermodynamics by the definition, state by state, with
// m.Energy and two passes (no Gray code, no histogram).
func naive(m *lattice.Model, beta float64) *Result {
	n := m.N
	s := make([]int8, n)
	lnw := make([]float64, 1<<n)
	es := make([]float64, 1<<n)
	ms := make([]float64, 1<<n)
	for k := range lnw {
		startState(s, uint64(k))
		es[k] = m.Energy(s)
		ms[k] = float64(lattice.Magnetization(s)) / float64(n)
		lnw[k] = -beta * es[k]
	}
	lnZ := numeric.LogSumExp(lnw)
	var z, u, mm, am, m2, m4, v ksum
	for k := range lnw {
		z.add(math.Exp(lnw[k] - lnZ))
	}
	lnZ += math.Log(z.sum())
	for k := range lnw {
		p := math.Exp(lnw[k] - lnZ)
		u.add(p * es[k])
		mm.add(p * ms[k])
		am.add(p * math.Abs(ms[k]))
		m2.add(p * ms[k] * ms[k])
		m4.add(p * math.Pow(ms[k], 4))
	}
	var vm, va ksum
	for k := range lnw {
		p := math.Exp(lnw[k] - lnZ)
		v.add(p * (es[k] - u.sum()) * (es[k] - u.sum()))
		vm.add(p * (ms[k] - mm.sum()) * (ms[k] - mm.sum()))
		da := math.Abs(ms[k]) - am.sum()
		va.add(p * da * da)
	}
	r := newResult("naive", n, beta)
	r.setLnZ(lnZ)
	r.set(HasEnergy, u.sum()/float64(n))
	r.set(HasHeatCapacity, beta*beta*v.sum()/float64(n))
	r.setMoments(mm.sum(), am.sum(), m2.sum(), m4.sum(), vm.sum(), va.sum())
	return r
}

// ksum is a Neumaier compensated sum, so that the reference is more accurate
// than the code under test.
type ksum struct{ s, c float64 }

func (k *ksum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *ksum) sum() float64 { return k.s + k.c }

var allQuantities = []struct {
	q    Quantity
	name string
}{
	{HasLnZ, "lnZ"}, {HasFreeEnergy, "f"}, {HasEnergy, "u"}, {HasHeatCapacity, "c"},
	{HasMagnetization, "m"}, {HasAbsMagnetization, "|m|"}, {HasM2, "m2"}, {HasM4, "m4"},
	{HasBinder, "U4"}, {HasSusceptibility, "chi"}, {HasSusceptibilityAbs, "chi'"},
}

// compare checks every quantity present in both results. Quantities whose
// exact value is zero (m at zero field) are compared with absolute tolerance.
// Variances computed as derivatives of ln Z (c, chi) carry an absolute
// rounding error of about eps * (scale of the first moment)^2, which is
// large relative to a tiny variance at low T; their tolerance has that floor:
// c: tol*beta^2*N*u^2, chi: tol*beta*N*<m^2>.
func compare(t *testing.T, label string, got, want *Result, tol float64) {
	t.Helper()
	n := float64(want.Sites)
	for _, q := range allQuantities {
		g, okg := got.Get(q.q)
		w, okw := want.Get(q.q)
		if !okg || !okw {
			continue
		}
		d := numeric.RelDiff(g, w)
		if math.Max(math.Abs(g), math.Abs(w)) < 1e-9 {
			d = math.Abs(g - w)
		}
		switch q.q {
		case HasHeatCapacity:
			if floor := want.Beta * want.Beta * n * want.Energy * want.Energy; math.Abs(w) < floor {
				d = math.Abs(g-w) / floor
			}
		case HasBinder:
			// U4 = 1 - m4/(3 m2^2): the error is relative to the subtracted term.
			if floor := want.M4 / (3 * want.M2 * want.M2); math.Abs(w) < floor {
				d = math.Abs(g-w) / floor
			}
		case HasSusceptibility, HasSusceptibilityAbs:
			if floor := want.Beta * n * want.M2; math.Abs(w) < floor {
				d = math.Abs(g-w) / floor
			}
		}
		if d > tol || math.IsNaN(d) {
			t.Errorf("%s beta=%v %s: got %.17g want %.17g (rel %.3g > %.1g)", label, got.Beta, q.name, g, w, d, tol)
		}
	}
}

func mustSquare(t testing.TB, lx, ly int, bx, by lattice.Boundary) *lattice.Model {
	m, err := lattice.Square(lx, ly, bx, by)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func setField(m *lattice.Model, h float64) *lattice.Model {
	for i := range m.Fields {
		m.Fields[i] = h
	}
	return m
}

func setCoupling(m *lattice.Model, j float64) *lattice.Model {
	for i := range m.Bonds() {
		m.SetCoupling(i, j)
	}
	return m
}

func TestEnumerateMatchesNaive(t *testing.T) {
	ctx := context.Background()
	gauss := mustSquare(t, 3, 4, lattice.Periodic, lattice.Open)
	r := rng.NewRand(7, 1)
	for i := range gauss.Bonds() {
		gauss.SetCoupling(i, r.NormFloat64())
	}
	for i := range gauss.Fields {
		gauss.Fields[i] = 0.3 * r.NormFloat64()
	}
	models := map[string]*lattice.Model{
		"4x4 torus":           mustSquare(t, 4, 4, lattice.Periodic, lattice.Periodic),
		"3x4 torus h=0.1":     setField(mustSquare(t, 3, 4, lattice.Periodic, lattice.Periodic), 0.1),
		"2x3 open AF h=-0.37": setField(setCoupling(mustSquare(t, 2, 3, lattice.Open, lattice.Open), -1.3), -0.37),
		"3x4 gaussian":        gauss,
		"13x1 open h=0.2":     setField(mustSquare(t, 13, 1, lattice.Open, lattice.Open), 0.2),
	}
	for name, m := range models {
		for _, beta := range []float64{0, 0.1, 0.3, 0.44, 0.6, 1.5} {
			got, err := Enumerate(ctx, m, beta, EnumOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Has != HasAll && !(beta == 0 && got.Has == HasAll&^HasFreeEnergy) {
				t.Errorf("%s: Has = %b", name, got.Has)
			}
			compare(t, name, got, naive(m, beta), 1e-12)
		}
	}
}

func TestEnumerateFloatPathMatchesHistogram(t *testing.T) {
	// Force the float path on a model that also has a histogram.
	ctx := context.Background()
	m := setField(mustSquare(t, 4, 4, lattice.Periodic, lattice.Periodic), 0.25)
	betas := []float64{0.2, 0.44, 0.7, 3}
	hist, err := EnumerateBetas(ctx, m, betas, EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fl, err := enumerateFloat(ctx, m, newCSR(m), betas, EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range betas {
		compare(t, "float vs histogram", fl[i], hist[i], 1e-12)
	}
}

func TestEnumerateWorkerIndependence(t *testing.T) {
	ctx := context.Background()
	m := mustSquare(t, 4, 5, lattice.Periodic, lattice.Periodic)
	r := rng.NewRand(3, 2)
	for i := range m.Bonds() {
		m.SetCoupling(i, 1+0.5*r.NormFloat64())
	}
	c := newCSR(m)
	var ref []*Result
	for _, w := range []int{1, 2, 3, 8} {
		got, err := enumerateFloat(ctx, m, c, []float64{0.4}, EnumOptions{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = got
			continue
		}
		if *got[0] != *ref[0] {
			t.Errorf("workers=%d: %+v differs from workers=1: %+v", w, *got[0], *ref[0])
		}
	}
	h1, _ := EnergyMagnetizationHistogram(ctx, mustSquare(t, 4, 5, lattice.Periodic, lattice.Periodic), EnumOptions{Workers: 1})
	h3, _ := EnergyMagnetizationHistogram(ctx, mustSquare(t, 4, 5, lattice.Periodic, lattice.Periodic), EnumOptions{Workers: 3})
	var tot uint64
	for i := range h1.Count {
		if h1.Count[i] != h3.Count[i] {
			t.Fatalf("histogram cell %d: %d vs %d", i, h1.Count[i], h3.Count[i])
		}
		tot += h1.Count[i]
	}
	if tot != 1<<20 {
		t.Errorf("histogram total %d, want 2^20", tot)
	}
}

func TestLogProbabilities(t *testing.T) {
	m := setField(mustSquare(t, 3, 5, lattice.Periodic, lattice.Open), 0.2)
	m.SetCoupling(3, -0.7)
	beta := 0.5
	lp, err := LogProbabilities(m, beta)
	if err != nil {
		t.Fatal(err)
	}
	ref := naive(m, beta)
	s := make([]int8, m.N)
	for k, v := range lp {
		startState(s, uint64(k))
		want := -beta*m.Energy(s) - ref.LnZ
		if math.Abs(v-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Fatalf("state %d: ln p = %.17g want %.17g", k, v, want)
		}
	}
	if s := numeric.LogSumExp(lp); math.Abs(s) > 1e-13 {
		t.Errorf("ln sum p = %g, want 0", s)
	}
}

func TestEnumerateLimits(t *testing.T) {
	big, _ := lattice.Chain(37, lattice.Periodic)
	if _, err := Enumerate(context.Background(), big, 1, EnumOptions{}); err == nil {
		t.Error("N=37: no error")
	}
	mid, _ := lattice.Chain(25, lattice.Periodic)
	if _, err := LogProbabilities(mid, 1); err == nil {
		t.Error("LogProbabilities N=25: no error")
	}
	small, _ := lattice.Chain(4, lattice.Periodic)
	for _, b := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := Enumerate(context.Background(), small, b, EnumOptions{}); err == nil {
			t.Errorf("beta=%v: no error", b)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m, _ := lattice.Chain(30, lattice.Periodic)
	if _, err := Enumerate(ctx, m, 1, EnumOptions{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestEnumerateGOMAXPROCSIndependence(t *testing.T) {
	m := mustSquare(t, 4, 4, lattice.Periodic, lattice.Open)
	r := rng.NewRand(5, 3)
	for i := range m.Bonds() {
		m.SetCoupling(i, r.NormFloat64())
	}
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	a, err := Enumerate(context.Background(), m, 0.7, EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GOMAXPROCS(5)
	b, _ := Enumerate(context.Background(), m, 0.7, EnumOptions{})
	if *a != *b {
		t.Errorf("GOMAXPROCS 1: %+v\nGOMAXPROCS 5: %+v", *a, *b)
	}
}
