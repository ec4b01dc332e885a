package mc

import (
	"fmt"
	"math/rand/v2"

	"github.com/isingrbm/isingrbm/lattice"
)

// NewKernel returns the generic kernel of algorithm alg (Metropolis, HeatBath,
// Wolff or SwendsenWang; order applies to the single-spin ones) for m at
// inverse temperature beta, with a random start drawn from src. It returns an
// error for PT (which is a driver, see Tempering) or an unknown algorithm.
func NewKernel(m *lattice.Model, beta float64, alg Algorithm, order Order, src rand.Source) (TemperedKernel, error) {
	switch alg {
	case Metropolis:
		return NewMetropolis(m, beta, order, src), nil
	case HeatBath:
		return NewHeatBath(m, beta, order, src), nil
	case Wolff:
		return NewWolff(m, beta, src), nil
	case SwendsenWang:
		return NewSwendsenWang(m, beta, src), nil
	}
	return nil, fmt.Errorf("mc: algorithm %q has no kernel: allowed metropolis, heatbath, wolff, sw", alg)
}
