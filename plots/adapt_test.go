package plots

import (
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/transfer"
)

func TestAdapters(t *testing.T) {
	var res []*transfer.Result
	for _, b := range []float64{0, 0.5, 1} {
		r, err := transfer.Chain(8, 1, 0, b, lattice.Periodic)
		if err != nil {
			t.Fatal(err)
		}
		res = append(res, r)
	}
	s := ExactSeries("chain", res, Energy)
	if len(s.X) != 2 || s.X[0] != 2 || s.Y[1] != res[2].Energy {
		t.Errorf("ExactSeries = %+v", s)
	}
	if v := ExactValue(res[1], AbsMag); !math.IsNaN(v) {
		t.Errorf("chain <|m|> = %v, want NaN (not computed)", v)
	}
	ons, err := transfer.Onsager(1, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if v := ExactValue(ons, SusceptAbs); !math.IsNaN(v) {
		t.Errorf("Onsager chi' = %v, want NaN", v)
	}
	// A two-state series: E = -8 and -4 alternating, M = 4 and 2 on 4 sites.
	var e, m []float64
	for i := 0; i < 1000; i++ {
		e = append(e, -8+4*float64(i%2))
		m = append(m, 4-2*float64(i%2))
	}
	tr := mc.Analyze(0.5, 4, e, m, mc.AnalysisOptions{})
	ms := MCSeries("mc", []mc.TempResult{tr}, Energy)
	if len(ms.X) != 1 || ms.X[0] != 2 || math.Abs(ms.Y[0]+1.5) > 1e-12 || ms.YErr[0] <= 0 {
		t.Errorf("MCSeries = %+v, want u = -1.5 at T = 2 with an error bar", ms)
	}
	if v, _ := MCValue(tr, FreeEnergy); !math.IsNaN(v) {
		t.Errorf("MC free energy = %v, want NaN", v)
	}
}
