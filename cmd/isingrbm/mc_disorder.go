package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/mcrun"
)

// parseDisorderSeeds parses --disorder-seeds A:B (integers 0 <= A <= B,
// at most mcrun.MaxDisorderInstances instances) into A, A+1, ..., B.
func parseDisorderSeeds(s string) ([]uint64, error) {
	a, b, ok := strings.Cut(s, ":")
	lo, err1 := strconv.ParseUint(strings.TrimSpace(a), 10, 64)
	hi, err2 := strconv.ParseUint(strings.TrimSpace(b), 10, 64)
	if !ok || err1 != nil || err2 != nil || hi < lo {
		return nil, fmt.Errorf("--disorder-seeds %q: want A:B with integers 0 <= A <= B", s)
	}
	if hi-lo >= mcrun.MaxDisorderInstances {
		return nil, fmt.Errorf("--disorder-seeds %s: %d instances, at most %d", s, hi-lo+1, mcrun.MaxDisorderInstances)
	}
	seeds := make([]uint64, 0, hi-lo+1)
	for k := lo; ; k++ {
		seeds = append(seeds, k)
		if k == hi {
			return seeds, nil
		}
	}
}

// runMCDisorder is 'isingrbm mc --disorder-seeds A:B': mcrun.RunDisorder
// over the models of --disorder-seed A..B.
func runMCDisorder(c *cli.Context, ctx context.Context, cfg mcrun.Config, s string) error {
	seeds, err := parseDisorderSeeds(s)
	if err != nil {
		return err
	}
	for _, f := range []string{"disorder-seed", "reweight", "save-series", "save-samples", "shard"} {
		if c.IsSet(f) {
			return fmt.Errorf("--disorder-seeds with --%s: not supported (run the instances one by one with --disorder-seed for that)", f)
		}
	}
	if c.Int("replicas") != 1 {
		return errors.New("--disorder-seeds with --replicas: not supported")
	}
	if p := c.String("out"); p != "" && extOf(p) != "json" {
		return fmt.Errorf("--out %s with --disorder-seeds: the output has one table per instance and the disorder average: use --out FILE.json", p)
	}
	build := func(seed uint64) (*lattice.Model, error) {
		spec := specFromFlags(c)
		if c.String("lattice") == "edges" && !c.IsSet("size") {
			spec.Size = ""
		}
		spec.Seed = seed
		return spec.Build()
	}
	res, err := mcrun.RunDisorder(ctx, build, seeds, cfg)
	if err != nil {
		if errors.Is(err, mcrun.ErrInterrupted) && cfg.Checkpoint != "" {
			return &ResumableError{Err: err, Msg: mcFlagError(err).Error()}
		}
		return mcFlagError(err)
	}
	out := &res.Output
	for i := range out.Instances {
		for j := range out.Instances[i].Results {
			r := &out.Instances[i].Results[j]
			if !c.Bool("seconds") {
				r.Seconds = 0
			}
			for _, w := range r.Warnings {
				fmt.Fprintf(c.App.ErrWriter, "isingrbm mc: warning: disorder seed %d: %s\n", *out.Instances[i].DisorderSeed, w)
			}
		}
	}
	if p := c.String("out"); p != "" {
		if err := writeFile(p, func(w io.Writer) error { return writeJSON(w, out) }); err != nil {
			return keepResults(c, "out", err, func(w io.Writer) error { return writeJSON(w, out) })
		}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, out)
	}
	w := c.App.Writer
	for i := range out.Instances {
		fmt.Fprintf(w, "# disorder seed %d\n", *out.Instances[i].DisorderSeed)
		if err := writeMCTable(w, &out.Instances[i]); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "# disorder average over %d instances (errors: the larger of the instance spread/sqrt(n) and the combined thermal error)\n", len(out.Instances))
	fmt.Fprintf(w, "%-11s %-22s %-22s %-22s %-22s\n", "temperature", "energy_per_site", "heat_capacity_per_site", "binder", "overlap_q2")
	pe := func(e *mc.MeanErr) string {
		if e == nil {
			return "-"
		}
		return fmt.Sprintf("%.6g ± %.2g", e.Mean, e.Error)
	}
	for _, p := range out.DisorderAverage {
		fmt.Fprintf(w, "%-11.6g %-22s %-22s %-22s %-22s\n", p.Temperature, pe(&p.Energy), pe(&p.HeatCapacity), pe(&p.Binder), pe(p.OverlapQ2))
	}
	return nil
}
