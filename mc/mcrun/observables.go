package mcrun

import (
	"fmt"
	"strconv"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// Random streams of the overlap's twin replicas: the twin of temperature k
// uses internal/rng.New(Seed, streamTwin + stream(k)), the twin ladder of
// parallel tempering swaps with streamTwinSwaps.
const (
	streamTwin      uint64 = 0x7477696e00000000 // "twin"
	streamTwinSwaps uint64 = streamSwaps + 1
)

// checkExtras validates Correlations, Overlap and ExtraEvery of a normalized
// c for model m, and sets the fields of rc that measure them.
func (c *Config) checkExtras(m *lattice.Model, rc *mc.RunConfig) error {
	bad := func(field, value, format string, a ...any) error {
		return &ConfigError{Field: field, Value: value, Msg: fmt.Sprintf(format, a...)}
	}
	if c.ExtraEvery < 0 {
		return bad("ExtraEvery", strconv.Itoa(c.ExtraEvery), "must be >= 0 (0 means 1: every measurement)")
	}
	if c.ExtraEvery > 1 && !c.Correlations && !c.Overlap {
		return bad("ExtraEvery", strconv.Itoa(c.ExtraEvery), "needs Correlations or Overlap")
	}
	if c.Correlations {
		l, d, err := correlationLattice(m)
		if err != nil {
			return bad("Correlations", "", "%v", err)
		}
		rc.CorrelationL, rc.CorrelationDim = l, d
	}
	if c.Overlap {
		seen := map[uint64]bool{streamSwaps: true, streamTwinSwaps: true}
		for k := range c.Betas {
			seen[c.stream(k)] = true
		}
		for k := range c.Betas {
			if s := streamTwin + c.stream(k); seen[s] {
				return bad("Streams", fmt.Sprint(c.stream(k)), "the twin replica's stream %#x (Overlap) coincides with another stream: choose other stream ids", s)
			}
		}
		rc.Overlap = true
	}
	rc.ExtraEvery = c.ExtraEvery
	return nil
}

// correlationLattice returns L and the number of axes of a model on which
// correlations can be measured: a chain, square or simple cubic lattice,
// periodic on every axis, with the same length L >= 2 on every axis.
func correlationLattice(m *lattice.Model) (l, d int, err error) {
	g := m.Geometry
	switch g.Kind {
	case lattice.KindChain, lattice.KindSquare, lattice.KindCubic:
	default:
		return 0, 0, fmt.Errorf("needs a periodic chain, square (LxL) or cubic (LxLxL) lattice, not %s", g.Kind)
	}
	if len(g.Dims) == 0 || len(g.Boundary) != len(g.Dims) {
		return 0, 0, fmt.Errorf("needs a periodic chain, square or cubic lattice")
	}
	l = g.Dims[0]
	for a, n := range g.Dims {
		if n != l || g.Boundary[a] != lattice.Periodic {
			return 0, 0, fmt.Errorf("needs equal lengths and periodic boundaries on every axis (this model: %s %v)", g.Kind, g.Dims)
		}
	}
	return l, len(g.Dims), nil
}

// twinConfig returns c with the stream ids of the twin replicas.
func (c *Config) twinConfig() *Config {
	t := *c
	t.Streams = make([]uint64, len(c.Betas))
	for k := range t.Streams {
		t.Streams[k] = streamTwin + c.stream(k)
	}
	return &t
}

// newChain builds the chain of temperature k on kernel kn, with its twin
// replica when c.Overlap is set.
func newChain(m *lattice.Model, c *Config, k int, kn mc.Kernel, rc mc.RunConfig) (*mc.Chain, error) {
	var twin mc.Kernel
	if c.Overlap {
		tk, err := kernel(m, c.twinConfig(), k)
		if err != nil {
			return nil, err
		}
		twin = tk
	}
	return mc.NewChainTwin(kn, twin, c.Betas[k], m.N, rc)
}

// twinLadder builds the independent twin ladder of parallel tempering pt
// (replica k on the twin stream of temperature k, swaps on
// streamTwinSwaps) and attaches it.
func twinLadder(m *lattice.Model, c *Config, pt *mc.Tempering, rc mc.RunConfig) error {
	tc := c.twinConfig()
	reps := make([]mc.TemperedKernel, len(c.Betas))
	for k := range c.Betas {
		var err error
		if reps[k], err = kernel(m, tc, k); err != nil {
			return err
		}
	}
	twin, err := mc.NewTempering(c.Betas, m.N, reps, rng.New(c.Seed, streamTwinSwaps), rc)
	if err != nil {
		return err
	}
	return pt.SetTwin(twin)
}
