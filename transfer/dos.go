package transfer

import (
	"context"
	"errors"
)

// MaxDOSSites is the largest torus (in sites) for the exact density of states.
const MaxDOSSites = 64 * 64

// DensityOfStates is the exact number of states at each energy of a torus.
type DensityOfStates struct{}

// DOS is not written yet.
func DOS(ctx context.Context, lx, ly int) (*DensityOfStates, error) {
	return nil, errors.New("dos: not implemented")
}

// Thermo returns the thermodynamics at beta.
func (d *DensityOfStates) Thermo(j, beta float64) *Result { return nil }
