package transfer

import (
	"context"
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
)

// TestLogProbabilitiesNormalizedLargeN checks that the ln Z implied by the
// log-probability table of 2^24 states agrees with the Gray-code enumeration
// and with Kaufman's formula to 1e-13 relative: a plain (uncompensated) sum of
// the 2^24 Boltzmann weights loses about 1e-11 here.
func TestLogProbabilitiesNormalizedLargeN(t *testing.T) {
	m, err := lattice.Square(4, 6, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	const beta = 0.44
	lp, err := LogProbabilities(m, beta)
	if err != nil {
		t.Fatal(err)
	}
	// ln p(all up) = beta*48 - ln Z.
	lnZ := beta*float64(m.NumBonds()) - lp[len(lp)-1]
	k, err := Kaufman(4, 6, 1, 1, beta)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Enumerate(context.Background(), m, beta, EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []float64{k.LnZ, e.LnZ} {
		if d := math.Abs(lnZ-ref) / ref; d > 1e-13 {
			t.Errorf("ln Z from LogProbabilities %.17g, reference %.17g (rel %.3g)", lnZ, ref, d)
		}
	}
}
