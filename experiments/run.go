package experiments

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/plot/vg"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/plots"
)

// Options configures Run. The zero value runs silently on every core.
type Options struct {
	// Version is the isingrbm version recorded in the manifest.
	Version string
	// Source is the spec file's text, recorded verbatim in the manifest.
	Source []byte
	// SpecPath is the spec file's path, recorded in the manifest.
	SpecPath string
	// Logf receives progress messages; nil discards them.
	Logf func(format string, a ...any)
	// Workers bounds the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	// The data files do not depend on it.
	Workers int
	// Shard, when set, runs only that shard of the Monte Carlo and
	// RBM-sampling chains and writes DIR/shards/NAME.K-of-N.gob; nothing
	// else is computed or written.
	Shard Shard
	// Merge reads the chains of DIR/shards/NAME.*-of-N.gob (every shard of
	// one N, made by the same spec) instead of running them, then runs the
	// rest of the spec: the data files are identical to an unsharded run's.
	Merge bool
	// Force lets Run write into a folder that holds another experiment's
	// results or files Run did not write (see CheckOutDir). Files it did not
	// write are never deleted: they stay where they are, or are moved aside
	// to DIR/displaced-* when a new output has their name.
	Force bool
	// CommandLine, GitCommit, GitDirty are recorded in the manifest.
	CommandLine []string
	GitCommit   string
	GitDirty    *bool
}

// Manifest records how the files of a run were made. It is written to
// DIR/manifest.json; it is the only output that changes between two runs of
// the same spec (wall times).
type Manifest struct {
	Name        string             `json:"name"`
	Description string             `json:"description,omitempty"`
	SpecPath    string             `json:"spec_path,omitempty"`
	SpecTOML    string             `json:"spec_toml,omitempty"`
	Spec        *Spec              `json:"spec"`
	Version     string             `json:"version"`
	GoVersion   string             `json:"go_version"`
	CommandLine []string           `json:"command_line,omitempty"`
	GitCommit   string             `json:"git_commit,omitempty"`
	GitDirty    *bool              `json:"git_dirty,omitempty"`
	Platform    string             `json:"platform"`
	Seeds       []SeedRecord       `json:"seeds"`
	WallSeconds map[string]float64 `json:"wall_seconds"`
	Data        []string           `json:"data"`
	Figures     []string           `json:"figures"`
	// Checks are the headline numbers of the run (for example the largest
	// |ln p_RBM - ln p_Ising|), also found in the data files.
	Checks map[string]float64 `json:"checks,omitempty"`
}

// SeedRecord names one random stream: the computation, the master seed and
// the stream id passed to internal/rng.New.
type SeedRecord struct {
	What   string `json:"what"`
	Seed   uint64 `json:"seed"`
	Stream uint64 `json:"stream"`
}

// streamID derives a stream id from a description such as "mc/wolff/8x8/T3",
// so that each chain has its own random sequence whatever the run order.
func streamID(what string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(what))
	return h.Sum64()
}

// run holds the state of one Run.
type run struct {
	ctx     context.Context
	spec    *Spec
	opt     Options
	dataDir string
	figDir  string
	man     *Manifest
	models  []*lattice.Model
	labels  []string

	exact map[string][]exactRow // by size label
	mc    map[string][]mcRow
	rbms  map[string][]mcRow

	shardOut  shardFile // chains of this shard (Options.Shard)
	shardRows shardSet  // chains read by a merge (Options.Merge)
}

func (r *run) logf(format string, a ...any) {
	if r.opt.Logf != nil {
		r.opt.Logf(format, a...)
	}
}

func (r *run) workers() int {
	if r.opt.Workers > 0 {
		return r.opt.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (r *run) saveTable(t *table) error {
	files, err := t.save(r.dataDir, true)
	if err != nil {
		return err
	}
	for _, f := range files {
		r.man.Data = append(r.man.Data, "data/"+f)
	}
	return nil
}

func (r *run) saveFigure(d plots.Drawer, name string) error {
	return r.saveFigureSize(d, name, plots.DefaultWidth, plots.DefaultHeight)
}

func (r *run) saveFigureSize(d plots.Drawer, name string, w, h vg.Length) error {
	paths, err := plots.SaveSize(d, filepath.Join(r.figDir, name), w, h, r.spec.Figures.Formats...)
	if err != nil {
		return fmt.Errorf("figure %s: %w", name, err)
	}
	for _, p := range paths {
		r.man.Figures = append(r.man.Figures, "figures/"+filepath.Base(p))
	}
	return nil
}

func (r *run) timed(name string, fn func() error) error {
	t0 := time.Now()
	err := fn()
	r.man.WallSeconds[name] = math.Round(time.Since(t0).Seconds()*1000) / 1000
	return err
}

// Run performs every computation of s, writing DIR/data (CSV and JSON),
// DIR/figures (PNG, SVG, ...) and DIR/manifest.json. DIR must be new, empty
// or hold an earlier run of the same experiment (CheckOutDir; Options.Force
// overrides). Everything, the manifest included, is first written to a
// staging directory DIR/.staging-* that is swapped into place only when the
// whole run succeeded; on error or cancellation the staging directory is
// removed and DIR is left as it was. Files Run did not write are never
// deleted. Data files are
// byte-identical between runs of the same spec, whatever Options.Workers.
func Run(ctx context.Context, s *Spec, dir string, opt Options) (*Manifest, error) {
	if !opt.Shard.Valid() {
		return nil, fmt.Errorf("--shard %d/%d: want k/n with 1 <= k <= n", opt.Shard.K, opt.Shard.N)
	}
	if opt.Shard.N > 0 && opt.Merge {
		return nil, fmt.Errorf("--shard and --merge: give one of them")
	}
	if opt.Shard.N > 0 && s.MC == nil && s.RBMSampling == nil {
		return nil, fmt.Errorf("--shard: spec %q has no [mc] or [rbm_sampling] chains to split", s.Name)
	}
	var prev *outDir
	if opt.Shard.N == 0 {
		var err error
		if prev, err = CheckOutDir(dir, s.Name, opt.Force); err != nil {
			return nil, err
		}
	}
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	stage, err := os.MkdirTemp(dir, ".staging-")
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	defer func() {
		os.RemoveAll(stage)
		if statErr != nil { // Run made DIR: remove it again if it stayed empty
			os.Remove(dir)
		}
	}()
	r := &run{ctx: ctx, spec: s, opt: opt,
		dataDir: filepath.Join(stage, "data"), figDir: filepath.Join(stage, "figures"),
		exact: map[string][]exactRow{}, mc: map[string][]mcRow{}, rbms: map[string][]mcRow{}}
	for _, d := range []string{r.dataDir, r.figDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, err
		}
	}
	r.man = &Manifest{Name: s.Name, Description: s.Description, SpecPath: opt.SpecPath, SpecTOML: string(opt.Source),
		Spec: s, Version: opt.Version, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		CommandLine: opt.CommandLine, GitCommit: opt.GitCommit, GitDirty: opt.GitDirty,
		WallSeconds: map[string]float64{}, Checks: map[string]float64{}}
	r.models, r.labels, err = s.Models()
	if err != nil {
		return nil, err
	}
	if opt.Merge {
		if err := r.readShards(dir); err != nil {
			return nil, err
		}
	}
	t0 := time.Now()
	steps := []struct {
		name string
		on   bool
		fn   func() error
	}{
		{"exact", s.Exact != nil, r.runExact},
		{"exact_z", s.ExactZ != nil, r.runExactZ},
		{"mc", s.MC != nil, r.runMC},
		{"rbm_sampling", s.RBMSampling != nil, r.runRBMSampling},
		{"learning", s.Learning != nil, r.runLearning},
		{"thermo_figures", s.Exact != nil || s.MC != nil || s.RBMSampling != nil || s.Learning != nil, r.thermoFigures},
		{"hs", s.HS != nil, r.runHS},
		{"cumulants", s.Cumulants != nil, r.runCumulants},
		{"rg", s.RG != nil, r.runRG},
	}
	for _, st := range steps {
		if !st.on || opt.Shard.N > 0 && st.name != "mc" && st.name != "rbm_sampling" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r.logf("%s: %s", s.Name, st.name)
		if err := r.timed(st.name, st.fn); err != nil {
			return nil, fmt.Errorf("%s: %w", st.name, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.man.WallSeconds["total"] = math.Round(time.Since(t0).Seconds()*1000) / 1000
	if opt.Shard.N > 0 {
		path, err := r.writeShard(dir)
		if err != nil {
			return nil, err
		}
		r.man.Data = []string{path}
		return r.man, nil
	}
	sort.Strings(r.man.Data)
	sort.Strings(r.man.Figures)
	sort.Slice(r.man.Seeds, func(i, j int) bool { return r.man.Seeds[i].What < r.man.Seeds[j].What })
	// The manifest is written into the staging directory too; then
	// everything is swapped into place at once (swapIn).
	if err := atomicfile.Write(filepath.Join(stage, "manifest.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r.man)
	}); err != nil {
		return nil, fmt.Errorf("--out %s: writing the manifest: %w (the folder is as it was)", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := swapIn(dir, stage, prev, r.logf); err != nil {
		return nil, err
	}
	return r.man, nil
}

// forEach runs fn(i) for i in [0, n) on the run's workers and returns the
// first error; results must be stored by index so that the order of
// completion does not matter.
func (r *run) forEach(n int, fn func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(r.ctx)
	g.SetLimit(r.workers())
	for i := 0; i < n; i++ {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return fn(ctx, i)
		})
	}
	return g.Wait()
}
