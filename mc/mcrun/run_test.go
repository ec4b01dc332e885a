package mcrun

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// outputJSON runs cfg on m and returns the JSON of the output with the wall
// times zeroed, plus the result.
func outputJSON(t *testing.T, ctx context.Context, m *lattice.Model, cfg Config) (string, *Result, error) {
	t.Helper()
	r, err := Run(ctx, m, cfg)
	if err != nil {
		return "", nil, err
	}
	for i := range r.Output.Results {
		r.Output.Results[i].Seconds = 0
	}
	b, err := json.Marshal(r.Output)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), r, nil
}

func torus(t *testing.T, l int) *lattice.Model {
	t.Helper()
	m, err := lattice.Square(l, l, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRunConfigErrors checks that every invalid field gives a ConfigError
// naming that field and the allowed values.
func TestRunConfigErrors(t *testing.T) {
	m := torus(t, 4)
	ok := Config{Betas: []float64{0.4}, Sweeps: 10}
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists.ckpt")
	os.WriteFile(exists, []byte("x"), 0o644)
	for _, c := range []struct {
		mod   func(*Config)
		field string
		want  string
	}{
		{func(c *Config) { c.Sweeps = 0 }, "Sweeps", ">= 1"},
		{func(c *Config) { c.Thermalize = -1 }, "Thermalize", ">= 0"},
		{func(c *Config) { c.Betas = nil }, "Betas", "at least one"},
		{func(c *Config) { c.Betas = []float64{0.4, -1} }, "Betas", "> 0"},
		{func(c *Config) { c.Algorithm = "glauber" }, "Algorithm", "metropolis, heatbath, wolff, sw, pt"},
		{func(c *Config) { c.Algorithm = mc.PT }, "Algorithm", "at least 2 temperatures"},
		{func(c *Config) { c.Algorithm, c.Local, c.Betas = mc.PT, mc.PT, []float64{0.3, 0.4} }, "Local", "metropolis, heatbath, wolff or sw"},
		{func(c *Config) { c.Order = "zigzag" }, "Order", "random or sequential"},
		{func(c *Config) { c.Kernel = "turbo" }, "Kernel", "auto, generic or fast"},
		{func(c *Config) { c.MeasureEvery = -1 }, "MeasureEvery", ">= 0"},
		{func(c *Config) { c.SampleEvery = -1 }, "SampleEvery", ">= 0"},
		{func(c *Config) { c.Window = -2 }, "Window", "> 0"},
		{func(c *Config) { c.Streams = []uint64{1, 2} }, "Streams", "one per temperature"},
		{func(c *Config) { c.Betas, c.Streams = []float64{0.3, 0.4}, []uint64{5, 5} }, "Streams", "distinct"},
		{func(c *Config) { c.Shard = Shard{K: 3, N: 2} }, "Shard", "1 <= k <= n"},
		{func(c *Config) { c.Algorithm, c.Betas, c.Shard = mc.PT, []float64{0.3, 0.4}, Shard{1, 2} }, "Shard", "pt"},
		{func(c *Config) { c.Resume = true }, "Resume", "Checkpoint"},
		{func(c *Config) { c.CheckpointEvery = -1 }, "CheckpointEvery", "> 0"},
		{func(c *Config) { c.Workers = -1 }, "Workers", ">= 0"},
		{func(c *Config) { c.Checkpoint = exists }, "Checkpoint", "Resume"},
		{func(c *Config) { c.Checkpoint, c.Resume = exists, true }, "Checkpoint", "corrupt"},
	} {
		cfg := ok
		c.mod(&cfg)
		_, err := Run(context.Background(), m, cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want a ConfigError on %s mentioning %q", c.field, err, c.field, c.want)
		}
	}
	for _, s := range []string{"0/2", "3/2", "a/b", "1/2x", "1", "-1/2"} {
		if _, err := ParseShard(s); err == nil || !strings.Contains(err.Error(), "1 <= k <= n") {
			t.Errorf("ParseShard(%q): %v", s, err)
		}
	}
	if sh, err := ParseShard(" 2 / 3 "); err != nil || sh != (Shard{2, 3}) || sh.String() != "2/3" {
		t.Errorf("ParseShard(\" 2 / 3 \") = %v, %v", sh, err)
	}
}

// TestRunDefaults checks the documented zero values: Metropolis, random
// order, stream k for temperature k, Window 6, one measurement per sweep.
func TestRunDefaults(t *testing.T) {
	m := torus(t, 4)
	_, r, err := outputJSON(t, context.Background(), m, Config{Betas: []float64{0.3, 0.5}, Sweeps: 300})
	if err != nil {
		t.Fatal(err)
	}
	explicit := Config{Algorithm: mc.Metropolis, Order: mc.Random, Kernel: Auto, Betas: []float64{0.3, 0.5}, Sweeps: 300,
		MeasureEvery: 1, Window: 6, Streams: []uint64{0, 1}, CheckpointEvery: 10e9}
	_, r2, err := outputJSON(t, context.Background(), m, explicit)
	if err != nil {
		t.Fatal(err)
	}
	if r.Output.Algorithm != "metropolis" || len(r.Output.Results) != 2 || r.Series[1].Stream.Count != 300 {
		t.Fatalf("defaults: %+v", r.Output)
	}
	for k := range r.Series {
		if !equalSeries(r.Series[k], r2.Series[k]) || !equalInts(r.Spins[k], r2.Spins[k]) {
			t.Errorf("temperature %d: zero-value config and explicit defaults give different chains", k)
		}
	}
	// Streams: temperature 1 with stream 0 repeats the chain of temperature 0
	// of another run at that beta.
	_, a, _ := outputJSON(t, context.Background(), m, Config{Betas: []float64{0.5}, Sweeps: 300})
	_, b, _ := outputJSON(t, context.Background(), m, Config{Betas: []float64{0.3, 0.5}, Sweeps: 300, Streams: []uint64{7, 0}})
	if !equalSeries(a.Series[0], b.Series[1]) {
		t.Errorf("Streams: the same stream at the same beta gave different chains")
	}
	if r.Output.Config == b.Output.Config {
		t.Errorf("Streams do not change the config hash")
	}
	if got := len(r.Spins[0]); got != m.N {
		t.Errorf("final spins: %d sites, want %d", got, m.N)
	}
}

func equalSeries(a, b *mc.Series) bool {
	if !reflect.DeepEqual(a.Stream, b.Stream) {
		return false
	}
	if len(a.Energies) != len(b.Energies) || len(a.Samples) != len(b.Samples) || a.Updates != b.Updates || a.Accepted != b.Accepted {
		return false
	}
	for i := range a.Energies {
		if a.Energies[i] != b.Energies[i] || a.Magnetizations[i] != b.Magnetizations[i] {
			return false
		}
	}
	return equalInts(a.Samples, b.Samples)
}

func equalInts(a, b []int8) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRunResumeIdentity interrupts runs (a context cancelled before the
// start stops every chain at its first context check: a deterministic
// interruption point), resumes them from the checkpoint, twice, and requires
// the same output as an uninterrupted run, for a fast kernel, a generic
// one and parallel tempering. It also checks the refusals: a checkpoint of
// another configuration or shard, and an existing file without Resume.
func TestRunResumeIdentity(t *testing.T) {
	dir := t.TempDir()
	m := torus(t, 8)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, base := range []Config{
		{Algorithm: mc.Metropolis, Order: mc.Sequential, Betas: []float64{0.35, 0.45}, Sweeps: 3000, Thermalize: 100, SampleEvery: 97},
		{Algorithm: mc.HeatBath, Order: mc.Random, Betas: []float64{0.35, 0.45, 0.5}, Sweeps: 2500, MeasureEvery: 3},
		{Algorithm: mc.PT, Local: mc.Wolff, Betas: []float64{0.35, 0.4, 0.45}, Sweeps: 4000, Thermalize: 200},
	} {
		name := string(base.Algorithm)
		full, _, err := outputJSON(t, context.Background(), m, base)
		if err != nil {
			t.Fatal(err)
		}
		cfg := base
		cfg.Checkpoint = filepath.Join(dir, name+".ckpt")
		if _, _, err := outputJSON(t, cancelled, m, cfg); !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "state saved") {
			t.Fatalf("%s: interrupted run: %v", name, err)
		}
		if _, _, err := outputJSON(t, context.Background(), m, cfg); err == nil || !strings.Contains(err.Error(), "Resume") {
			t.Errorf("%s: existing checkpoint without Resume: %v", name, err)
		}
		other := cfg
		other.Resume, other.Seed = true, 99
		if _, _, err := outputJSON(t, context.Background(), m, other); err == nil || !strings.Contains(err.Error(), "different model") {
			t.Errorf("%s: checkpoint of another seed accepted: %v", name, err)
		}
		cfg.Resume = true
		if _, _, err := outputJSON(t, cancelled, m, cfg); !errors.Is(err, ErrInterrupted) {
			t.Fatalf("%s: second interruption: %v", name, err)
		}
		var logged []string
		cfg.Log = func(s string) { logged = append(logged, s) }
		resumed, _, err := outputJSON(t, context.Background(), m, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if resumed != full {
			t.Errorf("%s: resumed output differs from the uninterrupted run", name)
		}
		if len(logged) != 0 {
			t.Errorf("%s: notices while resuming an existing checkpoint: %v", name, logged)
		}
		// Resume without a checkpoint file starts afresh and says so.
		cfg.Checkpoint = filepath.Join(dir, name+".new.ckpt")
		if again, _, err := outputJSON(t, context.Background(), m, cfg); err != nil || again != full || len(logged) != 1 {
			t.Errorf("%s: Resume without a file: err %v, same output %v, notices %v", name, err, again == full, logged)
		}
	}
	// Interrupted without a checkpoint: nothing saved, and said so.
	if _, err := Run(cancelled, m, Config{Betas: []float64{0.4}, Sweeps: 5000}); !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "nothing saved") {
		t.Errorf("interrupted without checkpoint: %v", err)
	}
	// A shard's checkpoint is refused by another shard.
	sh := Config{Algorithm: mc.Wolff, Betas: []float64{0.3, 0.4, 0.5}, Sweeps: 2000, Shard: Shard{1, 2}, Checkpoint: filepath.Join(dir, "shard.ckpt")}
	if _, err := Run(cancelled, m, sh); !errors.Is(err, ErrInterrupted) {
		t.Fatal(err)
	}
	sh.Shard, sh.Resume = Shard{2, 2}, true
	if _, err := Run(context.Background(), m, sh); err == nil || !strings.Contains(err.Error(), "shard") {
		t.Errorf("checkpoint of shard 1/2 accepted by shard 2/2: %v", err)
	}
}

// TestRunShardsAndWorkers checks that shards merged with Merge give the
// output of the unsharded run, and that Workers and GOMAXPROCS do not change
// it.
func TestRunShardsAndWorkers(t *testing.T) {
	m := torus(t, 6)
	base := Config{Algorithm: mc.SwendsenWang, Betas: []float64{0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6}, Sweeps: 800, Seed: 11}
	full, _, err := outputJSON(t, context.Background(), m, base)
	if err != nil {
		t.Fatal(err)
	}
	old := runtime.GOMAXPROCS(1)
	one, _, _ := outputJSON(t, context.Background(), m, base)
	runtime.GOMAXPROCS(old)
	w := base
	w.Workers = 3
	three, _, _ := outputJSON(t, context.Background(), m, w)
	if one != full || three != full {
		t.Errorf("GOMAXPROCS 1 or Workers 3 changed the output")
	}
	var outs []mc.Output
	var names []string
	for _, k := range []int{3, 1, 2} {
		c := base
		c.Shard = Shard{k, 3}
		_, r, err := outputJSON(t, context.Background(), m, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range r.Output.Results {
			if x.Index%3 != k-1 {
				t.Errorf("shard %d/3 ran temperature %d", k, x.Index)
			}
		}
		outs = append(outs, r.Output)
		names = append(names, c.Shard.String())
	}
	merged, err := Merge(outs, names)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(merged)
	if string(b) != full {
		t.Errorf("merged shards differ from the unsharded run")
	}
	for _, c := range []struct {
		outs []mc.Output
		want string
	}{
		{outs[:2], "shard 2/3 is missing"},
		{[]mc.Output{outs[0], outs[0], outs[1], outs[2]}, "given twice"},
		{[]mc.Output{withSeed(outs[0], 5), outs[1], outs[2]}, "different runs"},
		{[]mc.Output{merged}, "not a shard output"},
		{[]mc.Output{dropResult(outs[0]), outs[1], outs[2]}, "holds temperatures"},
	} {
		if _, err := Merge(c.outs, make([]string, len(c.outs))); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Merge: error %v, want %q", err, c.want)
		}
	}
}

func withSeed(o mc.Output, s uint64) mc.Output { o.Seed = s; return o }
func dropResult(o mc.Output) mc.Output         { o.Results = o.Results[1:]; return o }

// TestRunFilesAndProgress checks WriteSeries/WriteSamples (one file per
// temperature, named by the index in the full list) and the Progress
// callback (last call: everything done).
func TestRunFilesAndProgress(t *testing.T) {
	dir := t.TempDir()
	m := torus(t, 4)
	var last [2]int64
	calls := 0
	r, err := Run(context.Background(), m, Config{Betas: []float64{0.3, 0.4, 0.5}, Sweeps: 100, Thermalize: 10, SampleEvery: 10,
		KeepSeries: true, Shard: Shard{2, 2}, Progress: func(d, tot int64) { last = [2]int64{d, tot}; calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	// 110 sweeps plus 1 for the analysis of the one temperature of the shard.
	if calls == 0 || last != [2]int64{111, 111} {
		t.Errorf("progress: %d calls, last %v, want done = total = 111", calls, last)
	}
	if err := r.WriteSeries(filepath.Join(dir, "s.csv")); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteSamples(filepath.Join(dir, "x.npy"), m.N); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "s_1.csv"))
	if err != nil || strings.Count(string(b), "\n") != 101 {
		t.Errorf("series file of temperature 1: %d lines, err %v (want header + 100)", strings.Count(string(b), "\n"), err)
	}
	f, err := os.Open(filepath.Join(dir, "x_1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if s, n, err := mc.ReadSamples(f, "npy"); err != nil || n != m.N || len(s) != 10*m.N {
		t.Errorf("samples: %d values of %d sites, err %v; want 10 snapshots", len(s), n, err)
	}
	for _, p := range []string{"s_0.csv", "x_0.npy"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("shard 2/2 wrote %s, the file of temperature 0", p)
		}
	}
	if got := IndexedPath("a/b.npy", 7, 12); got != "a/b_07.npy" {
		t.Errorf("IndexedPath = %q", got)
	}
	if got := IndexedPath("b.npy", 0, 1); got != "b.npy" {
		t.Errorf("IndexedPath single = %q", got)
	}
}
