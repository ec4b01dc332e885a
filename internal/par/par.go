// Package par runs independent chunks of work on all cores, in a way that
// keeps results independent of the number of goroutines: work is cut into
// a fixed number of chunks, every chunk writes its own result slot, and the
// caller combines the slots in chunk order.
package par

import (
	"context"
	"runtime"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// Workers returns the number of goroutines Chunks uses for n chunks:
// min(GOMAXPROCS, n), at least 1.
func Workers(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n)) }

// Chunks calls fn(w, c) once for every chunk c in [0, n), on Workers(n)
// goroutines; w in [0, Workers(n)) identifies the goroutine, so that fn can
// use per-worker scratch space. Chunks are handed out in increasing order.
// After the first error, or once ctx is done, no new chunk starts; Chunks
// returns that error (or ctx's). A nil ctx means context.Background().
func Chunks(ctx context.Context, n int, fn func(w, c int) error) error {
	return ChunksOn(ctx, 0, n, fn)
}

// ChunksOn is Chunks on min(workers, n) goroutines (at least 1), for callers
// whose user sets the number of goroutines; workers <= 0 means GOMAXPROCS,
// as in Chunks. w is then in [0, min(workers, n)).
func ChunksOn(ctx context.Context, workers, n int, fn func(w, c int) error) error {
	if n <= 0 {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if workers <= 0 {
		workers = Workers(n)
	}
	workers = max(1, min(workers, n))
	if workers == 1 {
		for c := 0; c < n; c++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(0, c); err != nil {
				return err
			}
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for w := range workers {
		g.Go(func() error {
			for {
				c := int(next.Add(1) - 1)
				if c >= n {
					return nil
				}
				if err := gctx.Err(); err != nil {
					return err
				}
				if err := fn(w, c); err != nil {
					return err
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
