package main

import (
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// fastKernel returns a specialised kernel (package mc/fast) for model m at
// inverse temperature beta with the given algorithm (mc.Metropolis,
// mc.HeatBath, mc.Wolff or mc.SwendsenWang; never mc.PT) and single-spin site
// order, seeded with internal/rng.New(seed, stream). It returns ok = false when
// no fast kernel applies to this model/algorithm, in which case 'isingrbm mc'
// uses the generic kernels of package mc (or, with --kernel fast, reports an
// error). When parallel tempering is run with a fast local move, the returned
// kernel must also implement mc.BetaSetter, otherwise ok must be false.
// pt reports whether the kernel is for parallel tempering.
//
// This file is owned by the mc/fast engineer: fill it in.
func fastKernel(m *lattice.Model, beta float64, alg mc.Algorithm, order mc.Order, pt bool, seed, stream uint64) (k mc.Kernel, ok bool, err error) {
	return nil, false, nil
}
