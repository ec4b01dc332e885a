package mc

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/transfer"
)

// exactHistogram returns the energy histogram a perfect run of ntot
// measurements at beta would record on model m (counts proportional to the
// exact Boltzmann weights, the same in each block), from the exact (E, M)
// density of states.
func exactHistogram(t *testing.T, m *lattice.Model, beta, ntot float64) *EnergyHistogram {
	t.Helper()
	h, err := transfer.EnergyMagnetizationHistogram(context.Background(), m, transfer.EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := h.N
	ne := len(h.Count) / (n + 1)
	// ln weight of each (E, M) cell.
	var lw []float64
	var cells [][2]int
	for e := range ne {
		for k := 0; k <= n; k++ {
			if c := h.Count[e*(n+1)+k]; c > 0 {
				en := float64(int64(e)-h.R) * h.Quantum
				lw = append(lw, math.Log(float64(c))-beta*en)
				cells = append(cells, [2]int{e, k})
			}
		}
	}
	mx := lw[0]
	for _, v := range lw {
		mx = math.Max(mx, v)
	}
	var z float64
	for _, v := range lw {
		z += math.Exp(v - mx)
	}
	eh := NewEnergyHistogram(4, 4)
	for i, c := range cells {
		p := math.Exp(lw[i]-mx) / z
		en := float64(int64(c[0])-h.R) * h.Quantum
		mm := float64(2*c[1]-n) / float64(n)
		// Put the cell into every block with a quarter of the weight.
		for b := range 4 {
			eh.add(int64(b), en, 0, 0, 0)
			l := eh.index[en]
			a := eh.Acc[b][4*l : 4*l+4]
			w := p * ntot / 4
			a[0] += w - 1 // add counted 1
			a[1] += w*math.Abs(mm) - 0
			a[2] += w * mm * mm
			a[3] += w * mm * mm * mm * mm
		}
	}
	return eh
}

// TestReweightExact feeds exact histograms (the expected counts of a
// perfect run) of the 4x4 torus into single- and multiple-histogram
// reweighting: the reweighted observables must equal the exact ones at
// other temperatures to 1e-9.
func TestReweightExact(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		runs []float64 // temperatures
	}{{"single", []float64{2.3}}, {"multiple", []float64{1.9, 2.3, 2.9}}} {
		var runs []HistogramRun
		for i, tr := range tc.runs {
			runs = append(runs, HistogramRun{Beta: 1 / tr, Hist: exactHistogram(t, m, 1/tr, 1e6*float64(i+1))})
		}
		rw, err := NewReweighter(ctx, m.N, runs)
		if err != nil {
			t.Fatal(err)
		}
		for _, T := range []float64{2.0, 2.25, 2.6} {
			if tc.name == "single" && T != 2.25 {
				continue
			}
			ex, _ := transfer.Enumerate(ctx, m, 1/T, transfer.EnumOptions{})
			p := rw.At(T)
			h := 1e-6
			dU := (enumBinder(t, m, 1/(T+h)) - enumBinder(t, m, 1/(T-h))) / (2 * h)
			for _, q := range []struct {
				name      string
				got, want float64
			}{{"u", p.Energy.Mean, ex.Energy}, {"c", p.HeatCapacity.Mean, ex.HeatCapacity}, {"U4", p.Binder.Mean, ex.Binder},
				{"|m|", p.AbsMagnetization.Mean, ex.AbsMagnetization}, {"chi'", p.SusceptibilityAbs.Mean, ex.SusceptibilityAbs},
				{"dU4/dT", p.BinderSlope.Mean, dU}} {
				tol := 1e-9
				if q.name == "dU4/dT" {
					tol = 1e-5
				}
				if math.Abs(q.got-q.want) > tol*math.Max(1, math.Abs(q.want)) {
					t.Errorf("%s T=%g: %s = %.12g, exact %.12g", tc.name, T, q.name, q.got, q.want)
				}
			}
		}
	}
}

func enumBinder(t *testing.T, m *lattice.Model, beta float64) float64 {
	r, err := transfer.Enumerate(context.Background(), m, beta, transfer.EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r.Binder
}

// synthetic returns a histogram with the given counts at the given
// energies (m = 1 everywhere), spread evenly over 4 blocks.
func synthetic(levels, counts []float64) *EnergyHistogram {
	h := NewEnergyHistogram(4, 4)
	for i, e := range levels {
		for b := range 4 {
			h.add(int64(b), e, 1, 1, 1)
			a := h.Acc[b][4*h.index[e] : 4*h.index[e]+4]
			w := counts[i] / 4
			a[0], a[1], a[2], a[3] = w, w, w, w
		}
	}
	return h
}

// TestReweightRefusesGap checks that temperatures between runs whose
// histograms do not overlap are refused with the allowed ranges, and that
// the sampled temperatures are accepted.
func TestReweightRefusesGap(t *testing.T) {
	// Two runs on 16 sites: one around E = -30, one around E = -4, with no
	// common energy.
	runs := []HistogramRun{
		{Beta: 1, Hist: synthetic([]float64{-32, -30, -28}, []float64{100, 1000, 100})},
		{Beta: 0.2, Hist: synthetic([]float64{-6, -4, -2}, []float64{100, 1000, 100})},
	}
	if _, err := Reweight(context.Background(), 16, runs, []float64{1, 5}); err == nil || !strings.Contains(err.Error(), "disjoint") {
		t.Fatalf("disjoint histograms not refused: %v", err)
	}
	// Overlapping but far apart: the middle is refused, naming the ranges.
	runs[1].Hist = synthetic([]float64{-30, -6, -4, -2}, []float64{1, 100, 1000, 100})
	_, err := Reweight(context.Background(), 16, runs, []float64{1, 5, 2})
	if err == nil || !strings.Contains(err.Error(), "temperature 2:") || !strings.Contains(err.Error(), "allowed temperatures") {
		t.Fatalf("gap not refused: %v", err)
	}
	t.Log(err)
	if _, err := Reweight(context.Background(), 16, runs, []float64{1, 5}); err != nil {
		t.Errorf("sampled temperatures refused: %v", err)
	}
}
