package mcrun

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/transfer"
)

func pmSquare(t *testing.T, size string, seed uint64) *lattice.Model {
	t.Helper()
	m, err := lattice.Spec{Kind: "square", Size: size, Disorder: "pm", Seed: seed}.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// exactQ2 returns the exact energy per site and <q^2> = sum_ij <s_i
// s_j>^2/N^2 of two independent replicas of m at beta, by enumeration.
func exactQ2(t *testing.T, m *lattice.Model, beta float64) (u, q2 float64) {
	t.Helper()
	r, err := transfer.Enumerate(context.Background(), m, beta, transfer.EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lp, err := transfer.LogProbabilities(m, beta)
	if err != nil {
		t.Fatal(err)
	}
	n := m.N
	c := make([]float64, n*n)
	for k, l := range lp {
		p := math.Exp(l)
		for i := range n {
			for j := range n {
				c[i*n+j] += p * float64((2*((k>>i)&1)-1)*(2*((k>>j)&1)-1))
			}
		}
	}
	for _, v := range c {
		q2 += v * v
	}
	return r.Energy, q2 / float64(n*n)
}

// TestRunExtrasResume checks correlations and overlap through Run: present
// in the output, checkpoints resume to the same bytes (chains and parallel
// tempering with its twin ladder), and the twin does not change the other
// observables.
func TestRunExtrasResume(t *testing.T) {
	dir := t.TempDir()
	m := torus(t, 6)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, base := range []Config{
		{Algorithm: mc.Metropolis, Order: mc.Sequential, Betas: []float64{0.35, 0.45}, Sweeps: 3000, Thermalize: 100,
			Correlations: true, Overlap: true, ExtraEvery: 2},
		{Algorithm: mc.PT, Local: mc.Wolff, Betas: []float64{0.35, 0.4, 0.45}, Sweeps: 4000, Thermalize: 200, Correlations: true, Overlap: true},
	} {
		name := string(base.Algorithm)
		full, res, err := outputJSON(t, context.Background(), m, base)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Output.Results {
			if len(r.CorrelationFunction) != 4 || r.CorrelationLength == nil || r.OverlapQ2 == nil || r.OverlapBinder == nil {
				t.Fatalf("%s: extras missing: %+v", name, r)
			}
		}
		plain := base
		plain.Correlations, plain.Overlap, plain.ExtraEvery = false, false, 0
		_, pres, err := outputJSON(t, context.Background(), m, plain)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range pres.Output.Results {
			if r.Energy != res.Output.Results[i].Energy || r.M2 != res.Output.Results[i].M2 {
				t.Errorf("%s: the twin changed the energy or m^2 of temperature %d", name, i)
			}
		}
		cfg := base
		cfg.Checkpoint = filepath.Join(dir, name+".ckpt")
		if _, _, err := outputJSON(t, cancelled, m, cfg); !errors.Is(err, ErrInterrupted) {
			t.Fatalf("%s: interrupted run: %v", name, err)
		}
		other := plain
		other.Checkpoint, other.Resume = cfg.Checkpoint, true
		if _, _, err := outputJSON(t, context.Background(), m, other); err == nil || !strings.Contains(err.Error(), "different model") {
			t.Errorf("%s: checkpoint with extras accepted by a run without: %v", name, err)
		}
		cfg.Resume = true
		resumed, _, err := outputJSON(t, context.Background(), m, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if resumed != full {
			t.Errorf("%s: resumed output differs from the uninterrupted run", name)
		}
	}
}

func TestRunExtrasErrors(t *testing.T) {
	sq := torus(t, 4)
	rect, _ := lattice.Square(4, 6, lattice.Periodic, lattice.Periodic)
	open, _ := lattice.Square(4, 4, lattice.Open, lattice.Open)
	tri, _ := lattice.Triangular(4, 4, lattice.Periodic, lattice.Periodic)
	ok := Config{Betas: []float64{0.4}, Sweeps: 10}
	for _, c := range []struct {
		m     *lattice.Model
		mod   func(*Config)
		field string
		want  string
	}{
		{rect, func(c *Config) { c.Correlations = true }, "Correlations", "equal lengths"},
		{open, func(c *Config) { c.Correlations = true }, "Correlations", "periodic"},
		{tri, func(c *Config) { c.Correlations = true }, "Correlations", "square"},
		{sq, func(c *Config) { c.ExtraEvery = -1 }, "ExtraEvery", ">= 0"},
		{sq, func(c *Config) { c.ExtraEvery = 3 }, "ExtraEvery", "needs Correlations or Overlap"},
		{sq, func(c *Config) { c.Overlap, c.Betas, c.Streams = true, []float64{0.4, 0.5}, []uint64{0, streamTwin} }, "Streams", "twin"},
	} {
		cfg := ok
		c.mod(&cfg)
		_, err := Run(context.Background(), c.m, cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a ConfigError on %s mentioning %q", c.field, err, c.field, c.want)
		}
	}
	cfg := ok
	cfg.Algorithm, cfg.Order, cfg.Overlap = mc.Metropolis, mc.Sequential, true
	if _, err := RunReplicas(context.Background(), sq, cfg, 64); err == nil || !strings.Contains(err.Error(), "Overlap") {
		t.Errorf("replicas with Overlap: %v", err)
	}
}

// TestRunDisorder checks RunDisorder against the exact average over the
// same four ±J instances of the 3x3 torus (enumeration), that instance k is
// exactly the run of disorder seed k, and that shards are refused.
func TestRunDisorder(t *testing.T) {
	seeds := []uint64{1, 2, 3, 4}
	betas := []float64{0.5, 1.0}
	build := func(seed uint64) (*lattice.Model, error) {
		return lattice.Spec{Kind: "square", Size: "3x3", Disorder: "pm", Seed: seed}.Build()
	}
	cfg := Config{Algorithm: mc.Metropolis, Betas: betas, Sweeps: 40000, Thermalize: 1000, Seed: 3, Overlap: true}
	res, err := RunDisorder(context.Background(), build, seeds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := res.Output
	if len(out.Instances) != 4 || len(out.DisorderAverage) != 2 || len(out.Results) != 0 {
		t.Fatalf("%d instances, %d averages, %d results", len(out.Instances), len(out.DisorderAverage), len(out.Results))
	}
	for k, beta := range betas {
		var u, q2 float64
		for _, s := range seeds {
			eu, eq := exactQ2(t, pmSquare(t, "3x3", s), beta)
			u += eu / float64(len(seeds))
			q2 += eq / float64(len(seeds))
		}
		p := out.DisorderAverage[k]
		if p.Instances != 4 || p.Beta != beta {
			t.Errorf("average %d: %d instances at beta %g", k, p.Instances, p.Beta)
		}
		t.Logf("beta=%g: [u] = %.5g ± %.2g (exact %.5g), [q2] = %.5g ± %.2g (exact %.5g)", beta, p.Energy.Mean, p.Energy.Error, u, p.OverlapQ2.Mean, p.OverlapQ2.Error, q2)
		// The errors include the instance-to-instance spread, so the
		// agreement is much closer than they say: bound them from above
		// only loosely, and check the thermal part through the instances.
		if math.Abs(p.Energy.Mean-u) > 4*p.Energy.Error || p.Energy.Error > 0.2 {
			t.Errorf("beta=%g: [u] = %g ± %g, exact %g", beta, p.Energy.Mean, p.Energy.Error, u)
		}
		if math.Abs(p.OverlapQ2.Mean-q2) > 4*p.OverlapQ2.Error || p.OverlapQ2.Error > 0.2 {
			t.Errorf("beta=%g: [q2] = %g ± %g, exact %g", beta, p.OverlapQ2.Mean, p.OverlapQ2.Error, q2)
		}
		// Each instance against its own exact value (thermal errors only).
		for i, s := range seeds {
			eu, eq := exactQ2(t, pmSquare(t, "3x3", s), beta)
			r := out.Instances[i].Results[k]
			if math.Abs(r.Energy.Mean-eu) > 4*r.Energy.Error || r.Energy.Error > 0.01 ||
				math.Abs(r.OverlapQ2.Mean-eq) > 4*r.OverlapQ2.Error || r.OverlapQ2.Error > 0.01 {
				t.Errorf("beta=%g seed %d: u %g ± %g (exact %g), q2 %g ± %g (exact %g)", beta, s, r.Energy.Mean, r.Energy.Error, eu,
					r.OverlapQ2.Mean, r.OverlapQ2.Error, eq)
			}
		}
	}
	// Instance 3 is exactly the run of disorder seed 3.
	one, err := Run(context.Background(), pmSquare(t, "3x3", 3), cfg)
	if err != nil {
		t.Fatal(err)
	}
	inst := out.Instances[2]
	if inst.DisorderSeed == nil || *inst.DisorderSeed != 3 {
		t.Fatalf("instance 3 has seed %v", inst.DisorderSeed)
	}
	inst.DisorderSeed = nil
	for i := range inst.Results {
		inst.Results[i].Seconds, one.Output.Results[i].Seconds = 0, 0
	}
	a, _ := json.Marshal(inst)
	b, _ := json.Marshal(one.Output)
	if string(a) != string(b) {
		t.Error("instance of seed 3 differs from the run of --disorder-seed 3")
	}
	cfg.Shard = Shard{1, 2}
	if _, err := RunDisorder(context.Background(), build, seeds, cfg); err == nil || !strings.Contains(err.Error(), "disorder") {
		t.Errorf("sharded disorder run: %v", err)
	}
	cfg.Shard = Shard{}
	if _, err := RunDisorder(context.Background(), build, []uint64{1, 1}, cfg); err == nil {
		t.Error("a repeated disorder seed was accepted")
	}
}
