package mcrun

import (
	"fmt"
	"math"
	"math/rand/v2"

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

// fastBuilder builds the specialised kernel of one algorithm for a model
// that fastParams accepted. It returns ok = false when this kernel does not
// apply (odd lengths, a field for a cluster move, ...). Every kernel it
// returns can change temperature (parallel tempering may use it).
type fastBuilder func(p fast.Params, order mc.Order, src rand.Source) (k mc.TemperedKernel, ok bool, err error)

// fastKernels is the registry of specialised kernels, by algorithm. An
// algorithm without an entry always runs its generic kernel.
var fastKernels = map[mc.Algorithm]fastBuilder{
	mc.Metropolis:   checkerboard(fast.Metropolis),
	mc.HeatBath:     checkerboard(fast.HeatBath),
	mc.Wolff:        cluster(fast.NewWolff),
	mc.SwendsenWang: cluster(fast.NewSwendsenWang),
}

// checkerboard: the multi-spin-coded kernel, any uniform field; needs the
// sequential order (the checkerboard order is a deterministic order; random
// order is a different Markov chain and keeps the generic kernel) and even
// lengths.
func checkerboard(a fast.Algorithm) fastBuilder {
	return func(p fast.Params, order mc.Order, src rand.Source) (mc.TemperedKernel, bool, error) {
		if order != mc.Sequential {
			return nil, false, nil
		}
		for _, l := range p.Dims {
			if l%2 != 0 {
				return nil, false, nil
			}
		}
		p.Algorithm = a
		cb, err := fast.NewCheckerboard(p, src)
		if err != nil {
			return nil, false, err
		}
		return cb, true, nil
	}
}

// cluster: Wolff and Swendsen–Wang with J > 0 and h = 0 (square lattices
// below 2^16 x 2^15, the packed (x, y) of the cluster stack).
func cluster(build func(fast.Params, rand.Source) (*fast.Cluster, error)) fastBuilder {
	return func(p fast.Params, _ mc.Order, src rand.Source) (mc.TemperedKernel, bool, error) {
		if !(p.J > 0) || p.H != 0 || (len(p.Dims) == 2 && (p.Dims[0] >= 1<<16 || p.Dims[1] >= 1<<15)) {
			return nil, false, nil
		}
		c, err := build(p, src)
		if err != nil {
			return nil, false, err
		}
		return c, true, nil
	}
}

// FastKernel returns the specialised kernel (package mc/fast) of algorithm
// alg for model m at inverse temperature beta, with site order order, seeded
// with internal/rng.New(seed, stream). It returns ok = false when no
// specialised kernel applies; Run then uses the generic kernel of package mc
// (Kernel Auto) or fails (Kernel Fast).
//
// The fast kernels apply to a square or simple cubic lattice, periodic on
// every axis, with the standard bond list (one bond from every site to its
// +x, +y, +z neighbour) and one coupling J on every bond:
//   - metropolis, heatbath: multi-spin-coded checkerboard kernel, any
//     uniform field h; needs mc.Sequential and even lengths;
//   - wolff, sw: J > 0 and h = 0.
//
// Every kernel returned implements mc.TemperedKernel, so parallel tempering
// may use it as its local move.
func FastKernel(m *lattice.Model, beta float64, alg mc.Algorithm, order mc.Order, seed, stream uint64) (k mc.TemperedKernel, ok bool, err error) {
	build, ok := fastKernels[alg]
	if !ok {
		return nil, false, nil
	}
	p, ok := fastParams(m, beta)
	if !ok {
		return nil, false, nil
	}
	return build(p, order, rng.New(seed, stream))
}

// kernel builds the kernel of temperature k of a normalized config.
func kernel(m *lattice.Model, c *Config, k int) (mc.TemperedKernel, error) {
	beta := c.Betas[k]
	if c.Kernel != Generic {
		fk, ok, err := FastKernel(m, beta, c.Local, c.Order, c.Seed, c.stream(k))
		if err != nil {
			return nil, &ConfigError{Field: "Kernel", Value: string(c.Kernel), Msg: err.Error(), Err: err}
		}
		if ok {
			return fk, nil
		}
		if c.Kernel == Fast {
			return nil, &ConfigError{Field: "Kernel", Value: string(Fast), Msg: fmt.Sprintf(
				"no specialised kernel for Algorithm %s on this model (%s %v): use Kernel auto or generic",
				c.Local, m.Geometry.Kind, m.Geometry.Dims)}
		}
	}
	return mc.NewKernel(m, beta, c.Local, c.Order, rng.New(c.Seed, c.stream(k)))
}

// fastParams reports whether m is a fully periodic square or cubic lattice
// with the standard bond list, uniform coupling and uniform field, and
// returns its parameters.
func fastParams(m *lattice.Model, beta float64) (fast.Params, bool) {
	if _, ok := bondAxes(m); !ok {
		return fast.Params{}, false
	}
	j, okJ := m.UniformCoupling()
	h, okH := m.UniformField()
	if !okJ || !okH {
		return fast.Params{}, false
	}
	return fast.Params{Dims: append([]int(nil), m.Geometry.Dims...), J: j, H: h, Beta: beta}, true
}

// replicaParams returns the parameters of the replica kernel for m: those
// of fastParams (signs nil), or for a ±J instance (every coupling +J or -J
// with one J != 0, uniform field; the lattice as fastParams) p.J = |J| and
// the bond signs of fast.NewReplicasPMJ (signs[d i + a] for the bond from
// site i to its +a neighbour).
func replicaParams(m *lattice.Model, beta float64) (p fast.Params, signs []int8, ok bool) {
	if p, ok := fastParams(m, beta); ok {
		return p, nil, true
	}
	axes, ok := bondAxes(m)
	h, okH := m.UniformField()
	if !ok || !okH || m.NumBonds() == 0 {
		return fast.Params{}, nil, false
	}
	j := math.Abs(m.Bond(0).Coupling)
	if !(j > 0) {
		return fast.Params{}, nil, false
	}
	d := len(m.Geometry.Dims)
	signs = make([]int8, m.N*d)
	for k, b := range m.Bonds() {
		switch b.Coupling {
		case j:
			signs[d*b.I+axes[k]] = 1
		case -j:
			signs[d*b.I+axes[k]] = -1
		default:
			return fast.Params{}, nil, false
		}
	}
	return fast.Params{Dims: append([]int(nil), m.Geometry.Dims...), J: j, H: h, Beta: beta}, signs, true
}

// newReplicaKernel returns the 64-replica kernel of replicaParams' result.
func newReplicaKernel(p fast.Params, signs []int8, betas []float64, src rand.Source) (*fast.Replicas, error) {
	if signs != nil {
		return fast.NewReplicasPMJ(p, signs, betas, src)
	}
	return fast.NewReplicas(p, betas, src)
}

// bondAxes reports whether m is a fully periodic square or cubic lattice
// with the standard bond list (one bond from every site to its +x, +y (and
// +z) neighbour, each once) and returns the axis of every bond.
func bondAxes(m *lattice.Model) ([]int, bool) {
	g := m.Geometry
	switch {
	case g.Kind == lattice.KindSquare && len(g.Dims) == 2:
	case g.Kind == lattice.KindCubic && len(g.Dims) == 3:
	default:
		return nil, false
	}
	for _, b := range g.Boundary {
		if b != lattice.Periodic {
			return nil, false
		}
	}
	if len(g.Boundary) != len(g.Dims) || m.NumBonds() != m.N*len(g.Dims) {
		return nil, false
	}
	// Every bond must join a site to its +x, +y (or +z) neighbour, each once.
	d := len(g.Dims)
	at := func(x, y, z int) int {
		return x%g.Dims[0] + g.Dims[0]*(y%g.Dims[1]+g.Dims[1]*z)
	}
	seen := make([]bool, m.N*d)
	axes := make([]int, m.NumBonds())
	for k, b := range m.Bonds() {
		x, rest := b.I%g.Dims[0], b.I/g.Dims[0]
		y, z := rest%g.Dims[1], 0
		if d == 3 {
			z = rest / g.Dims[1]
		}
		var axis int
		switch {
		case b.J == at(x+1, y, z):
			axis = 0
		case b.J == at(x, y+1, z):
			axis = 1
		case d == 3 && b.J == x+g.Dims[0]*(y+g.Dims[1]*((z+1)%g.Dims[2])):
			axis = 2
		default:
			return nil, false
		}
		if seen[b.I*d+axis] {
			return nil, false
		}
		seen[b.I*d+axis] = true
		axes[k] = axis
	}
	return axes, true
}

// thermalizationTaus is the least thermalization, in units of the largest
// integrated autocorrelation time of u and |m|, below which a result is
// warned about.
const thermalizationTaus = 5

// warnThermalization adds a warning to r when c discards fewer than
// thermalizationTaus tau_int of sweeps (tau_int of the energy and of |m|,
// converted from measurements to sweeps): the means then carry the bias of
// the random start, which the error bars do not include.
func warnThermalization(r *mc.TempResult, c *Config) {
	tau := max(r.Energy.TauInt, r.AbsMagnetization.TauInt) * float64(max(1, c.MeasureEvery))
	if !(tau > 0) || float64(c.Thermalize) >= thermalizationTaus*tau {
		return
	}
	r.Warnings = append(r.Warnings, fmt.Sprintf(
		"beta=%g: thermalization of %d sweeps is shorter than %d tau_int (tau_int %.3g sweeps): the means may carry the bias of the random start; thermalize for at least %.0f sweeps",
		r.Beta, c.Thermalize, thermalizationTaus, tau, math.Ceil(thermalizationTaus*tau)))
}
