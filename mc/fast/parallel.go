package fast

import (
	"context"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// Sweeper is one independent Markov chain: every kernel of this package.
type Sweeper interface {
	Sweep() (updates, accepted int64)
}

// Parallel performs sweeps sweeps on each kernel of ks, running different
// kernels on up to workers goroutines at once (workers <= 0 means
// GOMAXPROCS). The kernels are independent and each owns its random
// generator, so the final states do not depend on workers or on scheduling.
// It stops early with ctx's error if ctx is cancelled (checked between
// sweeps); each kernel has then done some number of whole sweeps.
func Parallel(ctx context.Context, ks []Sweeper, sweeps, workers int) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, k := range ks {
		g.Go(func() error {
			for range sweeps {
				if err := ctx.Err(); err != nil {
					return err
				}
				k.Sweep()
			}
			return nil
		})
	}
	return g.Wait()
}

// NewReplicaSet splits betas (any number) into groups of at most 64 replicas;
// group g draws its random numbers from internal/rng.New(seed, stream+g), so a
// temperature sweep is reproducible whatever the number of workers used to run
// it (see Parallel). Replica r of the set is replica r%64 of group r/64.
func NewReplicaSet(p Params, betas []float64, seed, stream uint64) ([]*Replicas, error) {
	var set []*Replicas
	for g := 0; g*64 < len(betas); g++ {
		k, err := NewReplicas(p, betas[g*64:min(len(betas), g*64+64)], rng.New(seed, stream+uint64(g)))
		if err != nil {
			return nil, err
		}
		set = append(set, k)
	}
	return set, nil
}
