package mcrun

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/transfer"
)

// TestRunReplicasExact runs 64 (and 70: two groups) replicas per
// temperature and the generic Metropolis kernel on small tori and requires
// both to agree with exact results within 4 reported errors, with the
// errors bounded (so that an inflated error cannot hide a wrong mean). The
// 5x4 torus has an odd length (typewriter path); the heat-bath run checks
// the other acceptance rule.
func TestRunReplicasExact(t *testing.T) {
	cases := []struct {
		lx, ly int
		betas  []float64
		alg    mc.Algorithm
		r      int
	}{
		{4, 4, []float64{0.3, 0.4406868, 0.6}, mc.Metropolis, 64},
		{5, 4, []float64{0.4406868}, mc.Metropolis, 70},
		{4, 4, []float64{0.4406868}, mc.HeatBath, 64},
	}
	for ci, c := range cases {
		m, err := lattice.Square(c.lx, c.ly, lattice.Periodic, lattice.Periodic)
		if err != nil {
			t.Fatal(err)
		}
		cfg := Config{Algorithm: c.alg, Order: mc.Sequential, Betas: c.betas, Sweeps: 4000, Thermalize: 200, Seed: uint64(ci + 1)}
		rep, err := RunReplicas(context.Background(), m, cfg, c.r)
		if err != nil {
			t.Fatal(err)
		}
		gcfg := cfg
		gcfg.Kernel, gcfg.Sweeps = Generic, 100000
		gen, err := Run(context.Background(), m, gcfg)
		if err != nil {
			t.Fatal(err)
		}
		for k, beta := range c.betas {
			ex, err := transfer.Enumerate(context.Background(), m, beta, transfer.EnumOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, run := range []struct {
				name string
				r    mc.TempResult
			}{{"replicas", rep.Output.Results[k]}, {"generic", gen.Output.Results[k]}} {
				name := fmt.Sprintf("%dx%d beta=%v %s %s", c.lx, c.ly, beta, c.alg, run.name)
				for _, q := range []struct {
					what       string
					e          mc.Estimate
					exact, max float64
				}{
					{"u", run.r.Energy, ex.Energy, 0.01},
					{"m2", run.r.M2, ex.M2, 0.01},
					{"|m|", run.r.AbsMagnetization, ex.AbsMagnetization, 0.01},
					{"c", run.r.HeatCapacity, ex.HeatCapacity, 0.05},
				} {
					if !(q.e.Error > 0 && q.e.Error < q.max) {
						t.Errorf("%s %s: error %v, want in (0, %v)", name, q.what, q.e.Error, q.max)
					}
					if d := math.Abs(q.e.Mean - q.exact); !(d < 4*q.e.Error) {
						t.Errorf("%s %s: %v ± %v, exact %v (%.1f sigma)", name, q.what, q.e.Mean, q.e.Error, q.exact, d/q.e.Error)
					}
				}
			}
			rr := rep.Output.Results[k]
			if want := int64(m.N) * int64(cfg.Sweeps) * int64(c.r); rr.Updates != want || rr.Measurements != cfg.Sweeps*c.r {
				t.Errorf("%dx%d: updates %d, measurements %d; want %d, %d", c.lx, c.ly, rr.Updates, rr.Measurements, want, cfg.Sweeps*c.r)
			}
			if !(rr.Acceptance > 0 && rr.Acceptance < 1) {
				t.Errorf("acceptance %v", rr.Acceptance)
			}
		}
	}
}

// TestRunReplicasReproducible checks that the result depends on the seed
// only (not on the number of workers).
func TestRunReplicasReproducible(t *testing.T) {
	m := torus(t, 6)
	cfg := Config{Algorithm: mc.Metropolis, Order: mc.Sequential, Betas: []float64{0.3, 0.5}, Sweeps: 300, Seed: 7}
	a, err := RunReplicas(context.Background(), m, cfg, 100)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Workers = 1
	b, err := RunReplicas(context.Background(), m, cfg, 100)
	if err != nil {
		t.Fatal(err)
	}
	for k := range a.Output.Results {
		ra, rb := a.Output.Results[k], b.Output.Results[k]
		if ra.Energy != rb.Energy || ra.M2 != rb.M2 || ra.Binder != rb.Binder {
			t.Fatalf("temperature %d: results differ with Workers", k)
		}
	}
}

// TestRunReplicasErrors checks that what the replica kernel cannot do is a
// ConfigError naming the field.
func TestRunReplicasErrors(t *testing.T) {
	m := torus(t, 4)
	tri, err := lattice.Triangular(4, 4, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	base := Config{Order: mc.Sequential, Betas: []float64{0.4}, Sweeps: 10}
	for _, c := range []struct {
		field string
		m     *lattice.Model
		mod   func(*Config)
		r     int
	}{
		{"Replicas", m, func(*Config) {}, 0},
		{"Algorithm", m, func(c *Config) { c.Algorithm = mc.Wolff }, 64},
		{"Order", m, func(c *Config) { c.Order = mc.Random }, 64},
		{"Kernel", m, func(c *Config) { c.Kernel = Generic }, 64},
		{"Checkpoint", m, func(c *Config) { c.Checkpoint = "x" }, 64},
		{"Replicas", tri, func(*Config) {}, 64},
	} {
		cfg := base
		c.mod(&cfg)
		_, err := RunReplicas(context.Background(), c.m, cfg, c.r)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("%s: got %v, want a ConfigError on %s", c.field, err, c.field)
		}
	}
}

// TestWolffShortRunFromRandomStart runs Wolff without thermalization from a
// random start at beta_c, a few hundred sweeps: the result must be correct
// (energy within 4 errors of Kaufman's exact value) or carry a warning, and
// every measured sweep must flip about N spins (before the fix a sweep was a
// single cluster: 2000 sweeps of 256x256 flipped 23000 spins in all).
func TestWolffShortRunFromRandomStart(t *testing.T) {
	for _, kern := range []KernelChoice{Auto, Generic} {
		for _, l := range []int{16, 32} {
			m := torus(t, l)
			beta := 0.44068679350977147
			res, err := Run(context.Background(), m, Config{Algorithm: mc.Wolff, Kernel: kern, Betas: []float64{beta}, Sweeps: 300, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Output.Results[0]
			ex, err := transfer.Kaufman(l, l, 1, 1, beta)
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s L=%d", kern, l)
			if per := float64(r.Updates) / 300; per < 0.5*float64(m.N) {
				t.Errorf("%s: %.0f spins flipped per sweep, want about N = %d", name, per, m.N)
			}
			if d := math.Abs(r.Energy.Mean - ex.Energy); !(d < 4*r.Energy.Error) && len(r.Warnings) == 0 {
				t.Errorf("%s: u = %v ± %v, exact %v, and no warning", name, r.Energy.Mean, r.Energy.Error, ex.Energy)
			}
		}
	}
}

// TestThermalizationWarning checks that a run that discards fewer than
// thermalizationTaus tau_int of sweeps says so, and that a well-thermalized
// run does not.
func TestThermalizationWarning(t *testing.T) {
	m := torus(t, 16)
	has := func(r mc.TempResult) bool {
		for _, w := range r.Warnings {
			if strings.Contains(w, "thermalization of") {
				return true
			}
		}
		return false
	}
	short, err := Run(context.Background(), m, Config{Order: mc.Sequential, Betas: []float64{0.4406868}, Sweeps: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r := short.Output.Results[0]; !has(r) {
		t.Errorf("no thermalization warning for Thermalize 0 at beta_c (tau_int %v): %q", r.Energy.TauInt, r.Warnings)
	}
	long, err := Run(context.Background(), m, Config{Order: mc.Sequential, Betas: []float64{0.25}, Sweeps: 2000, Thermalize: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r := long.Output.Results[0]; has(r) {
		t.Errorf("thermalization warning for 500 sweeps at beta 0.25 (tau_int %v): %q", r.Energy.TauInt, r.Warnings)
	}
}
