package mcrun

import (
	"context"
	"fmt"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// MaxDisorderInstances bounds the instances of one RunDisorder call.
const MaxDisorderInstances = 1 << 20

// RunDisorder runs cfg once per disorder instance: instance i is the model
// build(seeds[i]) (for the command line, the model of --disorder-seed
// seeds[i]), run by Run with the same cfg, so that its output is exactly
// that of a run of that instance alone. It returns a Result whose Output
// holds the instances' outputs (Output.Instances, each with its
// DisorderSeed) and, per temperature, the disorder average over them
// (Output.DisorderAverage; errors: see mc.DisorderPoint); Output.Results is
// empty, Series and Spins are those of every instance in turn.
//
// The instances run one after the other (each over its temperatures in
// parallel, as Run does). With cfg.Checkpoint set, instance i checkpoints to
// cfg.Checkpoint + ".disorder<seed>", so that Resume continues the instance
// that was interrupted and repeats only the analysis of the finished ones.
// Shards are refused (Shard): a disorder average needs every instance at
// every temperature; split a large study by running ranges of seeds and
// averaging their instances.
func RunDisorder(ctx context.Context, build func(seed uint64) (*lattice.Model, error), seeds []uint64, cfg Config) (*Result, error) {
	bad := func(field, value, format string, a ...any) error {
		return &ConfigError{Field: field, Value: value, Msg: fmt.Sprintf(format, a...)}
	}
	if len(seeds) < 1 || len(seeds) > MaxDisorderInstances {
		return nil, bad("DisorderSeeds", fmt.Sprint(len(seeds)), "want 1..%d disorder instances", MaxDisorderInstances)
	}
	seen := map[uint64]bool{}
	for _, s := range seeds {
		if seen[s] {
			return nil, bad("DisorderSeeds", fmt.Sprint(s), "each disorder seed at most once")
		}
		seen[s] = true
	}
	if cfg.Shard.N > 0 {
		return nil, bad("Shard", cfg.Shard.String(), "cannot split a run over disorder instances (the average needs every instance at every temperature): run unsharded, or split the seeds into ranges")
	}
	res := &Result{}
	out := mc.Output{Instances: []mc.Output{}, Results: []mc.TempResult{}}
	progress := cfg.Progress
	for i, seed := range seeds {
		m, err := build(seed)
		if err != nil {
			return nil, fmt.Errorf("disorder seed %d: %w", seed, err)
		}
		c := cfg
		if cfg.Checkpoint != "" {
			c.Checkpoint = fmt.Sprintf("%s.disorder%d", cfg.Checkpoint, seed)
		}
		if progress != nil {
			// Every instance has the same work: scale to the whole run.
			c.Progress = func(done, total int64) { progress(int64(i)*total+done, int64(len(seeds))*total) }
		}
		r, err := Run(ctx, m, c)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			out.Algorithm, out.Local, out.Seed, out.Sites, out.Dims = r.Output.Algorithm, r.Output.Local, r.Output.Seed, r.Output.Sites, r.Output.Dims
			out.Temperatures, out.MeasureEvery = r.Output.Temperatures, r.Output.MeasureEvery
		}
		s := seed
		r.Output.DisorderSeed = &s
		out.Instances = append(out.Instances, r.Output)
		res.Series = append(res.Series, r.Series...)
		res.Spins = append(res.Spins, r.Spins...)
	}
	for k := range out.Instances[0].Results {
		rs := make([]mc.TempResult, len(out.Instances))
		for i := range out.Instances {
			rs[i] = out.Instances[i].Results[k]
		}
		out.DisorderAverage = append(out.DisorderAverage, mc.DisorderAverage(rs))
	}
	res.Output = out
	return res, nil
}
