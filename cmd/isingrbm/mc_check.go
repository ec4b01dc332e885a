package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// mcCheckFlags refuses what 'isingrbm mc' cannot honour before anything is
// allocated: empty values, couplings that overflow at the given
// temperatures, and flags that would have no effect.
func mcCheckFlags(c *cli.Context, m *lattice.Model, betas []float64) error {
	if err := noEmpty(c, "algorithm", "order", "local", "kernel", "out", "save-series", "save-samples", "checkpoint", "shard", "reweight"); err != nil {
		return err
	}
	if err := checkOverflow(c, m, betas); err != nil {
		return err
	}
	alg := mc.Algorithm(c.String("algorithm"))
	if c.IsSet("local") && alg != mc.PT {
		return fmt.Errorf("--local %s: applies to --algorithm pt only (got --algorithm %s)", c.String("local"), alg)
	}
	move := alg
	if alg == mc.PT {
		move = mc.Algorithm(c.String("local"))
	}
	// (sequential is the default and means nothing to a cluster move either.)
	if c.IsSet("order") && c.String("order") != "sequential" && (move == mc.Wolff || move == mc.SwendsenWang) {
		return fmt.Errorf("--order %s: applies to the single-spin moves metropolis and heatbath only (the move is %s)", c.String("order"), move)
	}
	if c.IsSet("sample-every") && c.Int("sample-every") >= 1 && c.String("save-samples") == "" {
		return fmt.Errorf("--sample-every %d: has no effect without --save-samples FILE", c.Int("sample-every"))
	}
	if c.IsSet("checkpoint-every") && c.String("checkpoint") == "" {
		return fmt.Errorf("--checkpoint-every %v: has no effect without --checkpoint FILE", c.Duration("checkpoint-every"))
	}
	return nil
}

// lockFlags locks the files named by the given flags (internal/atomicfile
// Lock) for the rest of the run, so that a second run given the same
// --checkpoint or --out is refused instead of overwriting the first one's.
// The returned function releases every lock.
func lockFlags(c *cli.Context, names ...string) (func(), error) {
	var rels []func()
	release := func() {
		for _, r := range rels {
			r()
		}
	}
	for _, n := range names {
		p := c.String(n)
		if p == "" {
			continue
		}
		r, err := atomicfile.Lock(p)
		if err != nil {
			release()
			return func() {}, fmt.Errorf("--%s %s", n, strings.TrimPrefix(err.Error(), "lock "))
		}
		rels = append(rels, r)
	}
	return release, nil
}
