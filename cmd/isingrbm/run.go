package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/experiments"
	"github.com/isingrbm/isingrbm/mc/mcrun"
)

func init() { register(runCommand) }

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run an experiment spec (experiments/NAME.toml): data, figures and a manifest",
		ArgsUsage: "SPEC.toml",
		Description: "Writes DIR/data (CSV and JSON), DIR/figures (PNG, SVG, optionally PDF) and DIR/manifest.json\n" +
			"(spec, version, git commit, command line, seeds, wall times, Go version); DIR is out/NAME by default\n" +
			"(NAME: the spec's name). Rerunning gives byte-identical data files.\n" +
			"DIR must be new, empty or hold an earlier run of the same experiment: a folder with another\n" +
			"experiment's results or files 'run' did not write is refused unless --force, and files it did not\n" +
			"write are never deleted. Everything is staged in DIR/.staging-* and swapped into place only when the\n" +
			"run succeeds, so a failed or interrupted run (Ctrl-C) leaves DIR as it was. Large Monte Carlo sweeps\n" +
			"can be split: run each of --shard 1/n ... n/n (on any machines, sharing DIR/shards), then once with\n" +
			"--merge. Example:\n\n" +
			"   isingrbm run experiments/quickstart.toml            # writes out/quickstart",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Category: catOutput, DefaultText: "out/NAME",
				Usage: "output directory DIR (created if needed); NAME is the spec's name"},
			&cli.BoolFlag{Name: "force", Category: catOutput,
				Usage: "write into DIR even if it holds another experiment's results or files 'run' did not write (those files are kept; one a new output would replace is moved to DIR/displaced-TIME)"},
			&cli.StringFlag{Name: "formats", Category: catOutput,
				Usage: "figure formats, comma separated: png, svg, pdf (default: the spec's figures.formats, or png,svg)"},
			&cli.BoolFlag{Name: "check", Category: catOutput,
				Usage: "only parse and validate the spec, run nothing"},
			&cli.IntFlag{Name: "workers", Value: 0,
				Usage: "goroutines (>= 0; 0 means GOMAXPROCS); the data do not depend on it"},
			&cli.StringFlag{Name: "shard", Category: "Scale-out",
				Usage: "k/n: run only shard k of n (1 <= k <= n) of the [mc] and [rbm_sampling] chains, writing DIR/shards/NAME.k-of-n.gob; then run once with --merge"},
			&cli.BoolFlag{Name: "merge", Category: "Scale-out",
				Usage: "use the chains of every DIR/shards/NAME.k-of-n.gob instead of running them, and make the data, figures and manifest (identical data to an unsharded run)"},
		},
		Action: runRun,
	}
}

// runTrailingFlags applies flags written after the spec file (urfave/cli stops
// parsing flags at the first argument, but 'isingrbm run SPEC.toml --out DIR'
// is the documented form). It returns the remaining positional arguments.
func runTrailingFlags(c *cli.Context) ([]string, error) {
	args := c.Args().Slice()
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if k := strings.IndexByte(name, '='); k >= 0 {
			name, val, hasVal = name[:k], name[k+1:], true
		}
		if name == "o" {
			name = "out"
		}
		switch name {
		case "check", "merge", "force":
			if !hasVal {
				val = "true"
			}
		case "out", "formats", "workers", "shard":
			if !hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("--%s needs a value", name)
				}
				i++
				val = args[i]
			}
		default:
			return nil, fmt.Errorf("unknown flag %q for run: allowed --out DIR, --formats LIST, --check, --workers N, --shard k/n, --merge, --force", a)
		}
		if err := c.Set(name, val); err != nil {
			return nil, fmt.Errorf("--%s %q: %w", name, val, err)
		}
	}
	return pos, nil
}

func runRun(c *cli.Context) error {
	args, err := runTrailingFlags(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return fmt.Errorf("run needs exactly one spec file (got %d arguments): isingrbm run SPEC.toml --out DIR", len(args))
	}
	path := args[0]
	if _, err := checkExt("spec", path, "toml"); err != nil {
		return fmt.Errorf("spec file %q: want a .toml file", path)
	}
	if c.Int("workers") < 0 {
		return fmt.Errorf("--workers %d: must be >= 0", c.Int("workers"))
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	spec, err := experiments.Parse(src, path)
	if err != nil {
		return err
	}
	if c.IsSet("formats") && strings.TrimSpace(c.String("formats")) == "" {
		return fmt.Errorf("--formats '': give one or more of png, svg, pdf (comma separated)")
	}
	if f := c.String("formats"); f != "" {
		var fs []string
		for _, x := range strings.Split(f, ",") {
			x = strings.ToLower(strings.TrimSpace(x))
			if x != "png" && x != "svg" && x != "pdf" {
				return fmt.Errorf("--formats %q: %q is not allowed: use png, svg, pdf", f, x)
			}
			fs = append(fs, x)
		}
		spec.Figures.Formats = fs
	}
	if c.Bool("check") {
		fmt.Fprintf(c.App.Writer, "%s: spec %q is valid\n", path, spec.Name)
		return nil
	}
	out := c.String("out")
	if c.IsSet("out") && strings.TrimSpace(out) == "" {
		return fmt.Errorf("--out '': give an output directory, or leave --out out for the default out/%s", spec.Name)
	}
	if out == "" {
		out = filepath.Join("out", spec.Name)
	}
	var shard experiments.Shard
	if sh := c.String("shard"); sh != "" {
		k, n, err := runParseShard(sh)
		if err != nil {
			return err
		}
		shard = experiments.Shard{K: k, N: n}
	}
	// experiments.Run keeps no intermediate state: on SIGINT/SIGTERM it stops,
	// removes its staging directory and leaves DIR as it was. Such a run cannot
	// be resumed, so it exits 1 (not 75, ExitResumable): rerunning starts over.
	commit, dirty := gitState(filepath.Dir(path))
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	man, err := experiments.Run(ctx, spec, out, experiments.Options{
		Version: buildVersion(), Source: src, SpecPath: path, Workers: c.Int("workers"),
		Shard: shard, Merge: c.Bool("merge"), Force: c.Bool("force"),
		CommandLine: os.Args, GitCommit: commit, GitDirty: dirty,
		Logf: func(format string, a ...any) { fmt.Fprintf(c.App.ErrWriter, format+"\n", a...) },
	})
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("interrupted: 'isingrbm run' keeps no checkpoint, so it cannot be resumed; %s is as it was; run it again to start over (%w)", out, err)
	}
	if err != nil {
		return err
	}
	if shard.N > 0 {
		fmt.Fprintf(c.App.Writer, "%s: shard %d/%d written to %s (%.1f s); when every shard is done: isingrbm run %s --out %s --merge\n",
			spec.Name, shard.K, shard.N, man.Data[0], man.WallSeconds["total"], path, out)
		return nil
	}
	fmt.Fprintf(c.App.Writer, "%s: %d data files, %d figures in %s (%.1f s)\n", spec.Name, len(man.Data), len(man.Figures), out, man.WallSeconds["total"])
	for _, k := range sortedCheckKeys(man.Checks) {
		fmt.Fprintf(c.App.Writer, "  %s = %.3g\n", k, man.Checks[k])
	}
	return nil
}

// runParseShard parses "k/n" with 1 <= k <= n.
func runParseShard(s string) (int, int, error) {
	sh, err := mcrun.ParseShard(s) // the one shard rule, shared with 'isingrbm mc --shard'
	if err != nil {
		return 0, 0, fmt.Errorf("--shard %q: want k/n with integers 1 <= k <= n", s)
	}
	return sh.K, sh.N, nil
}

// sortedCheckKeys returns the keys of the run's checks in order.
func sortedCheckKeys(m map[string]float64) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	for i := 1; i < len(k); i++ {
		for j := i; j > 0 && k[j] < k[j-1]; j-- {
			k[j], k[j-1] = k[j-1], k[j]
		}
	}
	return k
}

// gitState returns the commit of the checkout the binary was built from
// (its build information), or else of the git checkout holding dir (the
// spec's folder), and whether that tree had uncommitted changes; "" and nil
// outside a checkout.
func gitState(dir string) (string, *bool) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, mod := "", ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				mod = s.Value
			}
		}
		if rev != "" {
			d := mod == "true"
			return rev, &d
		}
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", nil
	}
	st, err := exec.Command("git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output()
	if err != nil {
		return strings.TrimSpace(string(out)), nil
	}
	d := len(strings.TrimSpace(string(st))) > 0
	return strings.TrimSpace(string(out)), &d
}
