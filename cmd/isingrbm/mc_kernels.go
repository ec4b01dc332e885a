package main

import (
	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/fast"
)

// The fast kernels implement the interfaces the drivers need.
var (
	_ mc.TemperedKernel = (*fast.Checkerboard)(nil)
	_ mc.TemperedKernel = (*fast.Cluster)(nil)
	_ mc.Adapter        = (*fast.Cluster)(nil)
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
// The fast kernels apply to a square or simple cubic lattice, periodic on
// every axis, with one coupling J on every bond:
//   - metropolis, heatbath: multi-spin-coded checkerboard kernel, any uniform
//     field h; needs --order sequential (the checkerboard order is a
//     deterministic order; --order random is a different Markov chain and
//     keeps the generic kernel) and even lengths;
//   - wolff, sw: J > 0 and h = 0.
//
// Every fast kernel implements mc.BetaSetter, so pt may use them.
func fastKernel(m *lattice.Model, beta float64, alg mc.Algorithm, order mc.Order, pt bool, seed, stream uint64) (k mc.Kernel, ok bool, err error) {
	p, ok := fastParams(m, beta)
	if !ok {
		return nil, false, nil
	}
	src := rng.New(seed, stream)
	switch alg {
	case mc.Metropolis, mc.HeatBath:
		if order != mc.Sequential {
			return nil, false, nil
		}
		for _, l := range p.Dims {
			if l%2 != 0 {
				return nil, false, nil
			}
		}
		p.Algorithm = fast.Metropolis
		if alg == mc.HeatBath {
			p.Algorithm = fast.HeatBath
		}
		cb, err := fast.NewCheckerboard(p, src)
		if err != nil {
			return nil, false, err
		}
		return cb, true, nil
	case mc.Wolff, mc.SwendsenWang:
		if !(p.J > 0) || p.H != 0 || (len(p.Dims) == 2 && (p.Dims[0] >= 1<<16 || p.Dims[1] >= 1<<15)) {
			return nil, false, nil
		}
		var c *fast.Cluster
		if alg == mc.Wolff {
			c, err = fast.NewWolff(p, src)
		} else {
			c, err = fast.NewSwendsenWang(p, src)
		}
		if err != nil {
			return nil, false, err
		}
		return c, true, nil
	}
	return nil, false, nil
}

// fastParams reports whether m is a fully periodic square or cubic lattice
// with the standard bond list, uniform coupling and uniform field, and
// returns its parameters.
func fastParams(m *lattice.Model, beta float64) (fast.Params, bool) {
	g := m.Geometry
	switch {
	case g.Kind == lattice.KindSquare && len(g.Dims) == 2:
	case g.Kind == lattice.KindCubic && len(g.Dims) == 3:
	default:
		return fast.Params{}, false
	}
	for _, b := range g.Boundary {
		if b != lattice.Periodic {
			return fast.Params{}, false
		}
	}
	if len(g.Boundary) != len(g.Dims) || m.NumBonds() != m.N*len(g.Dims) {
		return fast.Params{}, false
	}
	// Every bond must join a site to its +x, +y (or +z) neighbour, each once.
	d := len(g.Dims)
	seen := make([]bool, m.N*d)
	for _, b := range m.Bonds() {
		x, rest := b.I%g.Dims[0], b.I/g.Dims[0]
		y, z := rest%g.Dims[1], 0
		if len(g.Dims) == 3 {
			z = rest / g.Dims[1]
		}
		at := func(x, y, z int) int {
			return x%g.Dims[0] + g.Dims[0]*(y%g.Dims[1]+g.Dims[1]*z)
		}
		var axis int
		switch {
		case b.J == at(x+1, y, z):
			axis = 0
		case b.J == at(x, y+1, z):
			axis = 1
		case len(g.Dims) == 3 && b.J == x+g.Dims[0]*(y+g.Dims[1]*((z+1)%g.Dims[2])):
			axis = 2
		default:
			return fast.Params{}, false
		}
		if seen[b.I*d+axis] {
			return fast.Params{}, false
		}
		seen[b.I*d+axis] = true
	}
	j, okJ := m.UniformCoupling()
	h, okH := m.UniformField()
	if !okJ || !okH {
		return fast.Params{}, false
	}
	return fast.Params{Dims: append([]int(nil), g.Dims...), J: j, H: h, Beta: beta}, true
}
