package rbm

import (
	"math/rand/v2"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// pcgDXSM is the name under which the package's PCG mirror used to live;
// the code now uses internal/rng's Mirror, and the tests written against
// the old name (train_bench_test.go) reach it through this adapter.
type pcgDXSM struct{ m rng.Mirror }

func (p *pcgDXSM) load(src *rand.PCG)  { p.m.Load(src) }
func (p *pcgDXSM) store(src *rand.PCG) { p.m.Store(src) }
func (p *pcgDXSM) float64() float64    { return p.m.Float64() }
