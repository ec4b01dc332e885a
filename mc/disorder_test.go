package mc

import (
	"math"
	"testing"
)

// TestDisorderAverageErrors checks the error rule of DisorderAverage: the
// larger of the instance spread/sqrt(n) and the combined thermal error, and
// the ratio of disorder averages for the Binder cumulants.
func TestDisorderAverageErrors(t *testing.T) {
	mk := func(u, ue, q2, q4 float64) TempResult {
		return TempResult{Beta: 1, Temperature: 1, Energy: Estimate{Mean: u, Error: ue},
			OverlapQ2: &Estimate{Mean: q2, Error: 0.001}, OverlapQ4: &Estimate{Mean: q4, Error: 0.001},
			OverlapBinder: &Estimate{Mean: OverlapBinder(q2, q4), Error: 0.01}}
	}
	// Spread dominates: means 1, 2, 3 (sd 1), thermal errors 0.01.
	p := DisorderAverage([]TempResult{mk(1, 0.01, 0.5, 0.3), mk(2, 0.01, 0.6, 0.4), mk(3, 0.01, 0.7, 0.5)})
	if p.Instances != 3 || p.Energy.Mean != 2 || math.Abs(p.Energy.Error-1/math.Sqrt(3)) > 1e-15 {
		t.Errorf("spread: %+v, want 2 ± %g", p.Energy, 1/math.Sqrt(3))
	}
	if g := OverlapBinder(0.6, 0.4); math.Abs(p.OverlapBinder.Mean-g) > 1e-15 || !(p.OverlapBinder.Error > 0) {
		t.Errorf("overlap binder %+v, want the ratio of averages %g", *p.OverlapBinder, g)
	}
	// Thermal errors dominate: equal means, errors 0.3 and 0.4.
	p = DisorderAverage([]TempResult{mk(1, 0.3, 0.5, 0.3), mk(1, 0.4, 0.5, 0.3)})
	if math.Abs(p.Energy.Error-0.25) > 1e-15 {
		t.Errorf("thermal: error %g, want 0.25", p.Energy.Error)
	}
	// One instance: its own errors.
	p = DisorderAverage([]TempResult{mk(1, 0.3, 0.5, 0.3)})
	if p.Energy.Error != 0.3 || p.OverlapBinder.Error != 0.01 {
		t.Errorf("one instance: %+v, %+v", p.Energy, *p.OverlapBinder)
	}
}
