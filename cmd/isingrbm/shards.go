package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/mc/mcrun"
)

func init() { register(shardsCommand) }

func shardsCommand() *cli.Command {
	return &cli.Command{
		Name:  "shards",
		Usage: "inspect the shards of a sharded 'isingrbm mc' run (status: which are complete, checkpointed, missing)",
		Subcommands: []*cli.Command{{
			Name:  "status",
			Usage: "list which shards of a run are complete, which have a checkpoint only, and which are missing",
			Description: "The files of shard k are named by patterns in which {k} stands for k (and {n} for the shard count),\n" +
				"as in the Slurm recipe of examples/slurm:\n\n" +
				"   isingrbm shards status --shards 16 --out-pattern 'scan.{k}.json' --checkpoint-pattern 'scan.{k}.ckpt'\n\n" +
				"A shard is complete when its output exists, is an 'isingrbm mc' output of shard k/n, and comes from the\n" +
				"same run (config hash, seed, algorithm, temperatures) as the other complete shards; an output that exists\n" +
				"but fails these checks is reported as bad. Exit status 0 when all shards are complete (ready for\n" +
				"'isingrbm merge'), 1 otherwise.",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "out-pattern", Required: true, Usage: "output file of shard k (the --out of 'isingrbm mc --shard k/n'), with {k}"},
				&cli.StringFlag{Name: "checkpoint-pattern", Usage: "checkpoint file of shard k (the --checkpoint), with {k}; empty: checkpoints are not looked for"},
				&cli.IntFlag{Name: "shards", Required: true, Usage: "shard count n >= 1 (the n of --shard k/n)"},
				&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print the status as JSON on stdout"},
			},
			Action: runShardsStatus,
		}},
	}
}

// shardsStatus is the result of 'isingrbm shards status' (also its JSON).
type shardsStatus struct {
	Shards       int         `json:"shards"`
	Complete     []int       `json:"complete"`
	Checkpointed []int       `json:"checkpointed"` // no complete output, but a checkpoint
	Missing      []int       `json:"missing"`      // neither
	Bad          []shardsBad `json:"bad"`          // an output that is not a valid shard of this run
}

type shardsBad struct {
	Shard  int    `json:"shard"`
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// shardPath substitutes k and n into a pattern.
func shardPath(pattern string, k, n int) string {
	return strings.NewReplacer("{k}", strconv.Itoa(k), "{n}", strconv.Itoa(n)).Replace(pattern)
}

func runShardsStatus(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	n := c.Int("shards")
	if n < 1 {
		return fmt.Errorf("--shards %d: must be >= 1", n)
	}
	outPat, ckPat := c.String("out-pattern"), c.String("checkpoint-pattern")
	if !strings.Contains(outPat, "{k}") {
		return fmt.Errorf("--out-pattern %q: must contain {k} (the shard number)", outPat)
	}
	if _, err := checkExt("out-pattern", outPat, "json", "csv"); err != nil {
		return err
	}
	if ckPat != "" && !strings.Contains(ckPat, "{k}") {
		return fmt.Errorf("--checkpoint-pattern %q: must contain {k} (the shard number)", ckPat)
	}
	st, err := shardStatus(outPat, ckPat, n)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		if err := writeJSON(c.App.Writer, st); err != nil {
			return err
		}
	} else {
		writeShardsStatus(c.App.Writer, st, outPat)
	}
	if len(st.Complete) < n {
		return fmt.Errorf("shards status: %d of %d shards complete; not complete: %s", len(st.Complete), n, mcrun.Ranges(notComplete(st)))
	}
	return nil
}

// shardStatus classifies the shards 1..n.
func shardStatus(outPat, ckPat string, n int) (*shardsStatus, error) {
	st := &shardsStatus{Shards: n, Complete: []int{}, Checkpointed: []int{}, Missing: []int{}, Bad: []shardsBad{}}
	var ref *mergeShard // the first valid output: the others must come from the same run
	refPath := ""
	for k := 1; k <= n; k++ {
		p := shardPath(outPat, k, n)
		reason := ""
		s, err := readShardFile(p)
		switch {
		case errors.Is(err, os.ErrNotExist):
			reason = "-" // no output yet
		case err != nil:
			reason = err.Error()
		case s.meta.Shard != fmt.Sprintf("%d/%d", k, n):
			reason = fmt.Sprintf("holds shard %q, want %d/%d", s.meta.Shard, k, n)
		case ref != nil && (s.meta.Algorithm != ref.meta.Algorithm || s.meta.Local != ref.meta.Local || s.meta.Seed != ref.meta.Seed ||
			s.meta.Config != ref.meta.Config || s.meta.Temperatures != ref.meta.Temperatures ||
			s.meta.MeasureEvery != ref.meta.MeasureEvery || s.header != ref.header):
			reason = "comes from a different run than " + refPath + " (algorithm, seed, config hash or temperatures differ)"
		}
		if reason == "" {
			if ref == nil {
				ref, refPath = s, p
			}
			st.Complete = append(st.Complete, k)
			continue
		}
		if reason != "-" {
			st.Bad = append(st.Bad, shardsBad{Shard: k, File: p, Reason: reason})
		}
		if ckPat != "" {
			if fi, err := os.Stat(shardPath(ckPat, k, n)); err == nil && fi.Mode().IsRegular() {
				st.Checkpointed = append(st.Checkpointed, k)
				continue
			}
		}
		st.Missing = append(st.Missing, k)
	}
	return st, nil
}

func notComplete(st *shardsStatus) []int {
	done := make(map[int]bool)
	for _, k := range st.Complete {
		done[k] = true
	}
	var ks []int
	for k := 1; k <= st.Shards; k++ {
		if !done[k] {
			ks = append(ks, k)
		}
	}
	return ks
}

func writeShardsStatus(w io.Writer, st *shardsStatus, outPat string) {
	list := func(ks []int) string {
		if len(ks) == 0 {
			return "-"
		}
		return mcrun.Ranges(ks)
	}
	fmt.Fprintf(w, "# %d shards of %s\n", st.Shards, outPat)
	fmt.Fprintf(w, "complete      %4d  %s\n", len(st.Complete), list(st.Complete))
	fmt.Fprintf(w, "checkpointed  %4d  %s\n", len(st.Checkpointed), list(st.Checkpointed))
	fmt.Fprintf(w, "missing       %4d  %s\n", len(st.Missing), list(st.Missing))
	for _, b := range st.Bad {
		fmt.Fprintf(w, "bad output of shard %d: %s: %s\n", b.Shard, b.File, b.Reason)
	}
}
