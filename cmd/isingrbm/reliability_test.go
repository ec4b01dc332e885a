package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
	"github.com/isingrbm/isingrbm/internal/budget"
)

// Overflowing or non-finite intermediate results are errors naming the flag,
// never empty or zero results with exit 0.
func TestOverflowRefused(t *testing.T) {
	for _, c := range []struct {
		want []string
		args []string
	}{
		{[]string{"--beta 1e+308", "overflows"}, []string{"hs", "--beta", "1e308"}},
		{[]string{"--shift 1e+308", "+Inf"}, []string{"hs", "--size", "2x2", "--beta", "0.5", "--check", "--shift", "1e308"}},
		{[]string{"--J 1e+308", "overflows"}, []string{"hs", "--beta", "1", "--J", "1e308"}},
		{[]string{"--h 1e+308", "overflows"}, []string{"mc", "--T", "2", "--sweeps", "10", "--h", "1e308"}},
		{[]string{"--J 1e+308", "overflows"}, []string{"mc", "--T", "1", "--sweeps", "10", "--J", "1e308"}},
		{[]string{"--T 1e-320", "overflows"}, []string{"mc", "--T", "1e-320", "--sweeps", "10"}},
		{[]string{"--J 1e+308", "overflows"}, []string{"exact", "--T", "1", "--J", "1e308"}},
		{[]string{"--T 1e-320", "overflows"}, []string{"exact", "--T", "1e-320"}},
		{[]string{"--sweeps 9223372036854775807"}, []string{"mc", "--T", "2", "--sweeps", "9223372036854775807"}},
		{[]string{"--thermalize 9223372036854775807"}, []string{"mc", "--T", "2", "--sweeps", "10", "--thermalize", "9223372036854775807"}},
		{[]string{"--sweeps", "single-spin updates"}, []string{"mc", "--T", "2", "--size", "256", "--sweeps", "10000000000000", "--thermalize", "0"}},
	} {
		_, _, err := execApp(c.args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%v: error %q does not mention %q", c.args, err, w)
			}
		}
	}
}

// Flags that cannot take effect and empty values are errors.
func TestIneffectiveAndEmptyFlags(t *testing.T) {
	mc := []string{"mc", "--T", "2", "--sweeps", "10", "--thermalize", "0"}
	for _, c := range []struct {
		want string
		args []string
	}{
		{"--local wolff", append(mc, "--local", "wolff")},
		{"--order random", append(mc, "--algorithm", "wolff", "--order", "random")},
		{"--order random", append(mc, "--algorithm", "pt", "--T", "2,3", "--local", "sw", "--order", "random")},
		{"--sample-every 5", append(mc, "--sample-every", "5")},
		{"--checkpoint-every 1s", append(mc, "--checkpoint-every", "1s")},
		{"--boundary \"\"", append(mc, "--boundary", "")},
		{"--shard \"\"", append(mc, "--shard", "")},
		{"--shift \"\"", []string{"hs", "--beta", "0.3", "--shift", ""}},
		{"--method \"\"", []string{"exact", "--T", "2", "--method", ""}},
		{"--size \"\"", []string{"lattice", "--size", ""}},
		{"--export \"\"", []string{"lattice", "--export", ""}},
	} {
		wantError(t, c.want, c.args...)
	}
}

// A 5 MB bad value gives a one-line error of bounded length.
func TestLongValueQuoted(t *testing.T) {
	long := strings.Repeat("ab", 2_500_000)
	for _, args := range [][]string{
		{"lattice", "--boundary", long},
		{"lattice", "--size", long},
		{"exact", "--T", long},
		{"mc", "--T", "2", "--algorithm", "pt", "--local", long},
		{"mc", "--T", "2", "--shard", long},
		{"lattice", long},
	} {
		_, _, err := execApp(args...)
		if err == nil || len(err.Error()) > 400 {
			n := 0
			if err != nil {
				n = len(err.Error())
			}
			t.Errorf("%s %s: error of %d bytes", args[0], args[1], n)
		}
	}
}

// Resources beyond the memory budget are refused up front with the estimate
// and the flag to change.
func TestMemoryBudgetCLI(t *testing.T) {
	t.Setenv(budget.EnvVar, "256M")
	for _, c := range []struct {
		want []string
		args []string
	}{
		{[]string{"--size", "memory budget"}, []string{"lattice", "--size", "2000x2000"}},
		{[]string{"--size", "memory budget"}, []string{"lattice", "--lattice", "complete", "--size", "8000"}},
		{[]string{"--export", "memory budget", ".edges"}, []string{"lattice", "--size", "100x100", "--export", filepath.Join(t.TempDir(), "big.json")}},
		{[]string{"--export-matrix", "memory budget"}, []string{"lattice", "--size", "100x100", "--export-matrix", filepath.Join(t.TempDir(), "m.csv")}},
		{[]string{"--size", "memory budget"}, []string{"hs", "--size", "100x100", "--beta", "0.3"}},
		{[]string{"--sweeps", "memory budget"}, []string{"mc", "--T", "2", "--size", "64", "--sweeps", "100000", "--thermalize", "0",
			"--save-samples", filepath.Join(t.TempDir(), "s.npy"), "--sample-every", "1"}},
	} {
		_, _, err := execApp(c.args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q does not mention %q", c.args, err, w)
			}
		}
	}
}

// The README promises O(log N) for the uniform chain: a chain of 10^9
// sites is computed without building the model, and equals the model path.
func TestExactLongChain(t *testing.T) {
	t.Setenv(budget.EnvVar, "256M")
	out, _, err := execApp("exact", "--lattice", "chain", "--size", "1000000000", "--T", "1", "--json")
	if err != nil || !strings.Contains(out, `"ln_z": 1126928011.04`) {
		t.Fatalf("chain of 10^9: %v\n%s", err, out)
	}
	short, _, err := execApp("exact", "--lattice", "chain", "--size", "200000", "--T", "1,2.5", "--h", "0.1", "--boundary", "open", "--json")
	if err != nil {
		t.Fatal(err)
	}
	// --h-disorder pm with h 0 builds the model (uniform zero field) and
	// goes through transfer.Compute.
	model, _, err := execApp("exact", "--lattice", "chain", "--size", "200000", "--T", "1,2.5", "--h", "0.1", "--boundary", "open", "--json", "--method", "transfer", "--h-disorder", "gaussian", "--h-sigma", "0")
	if err == nil && model != short {
		t.Errorf("shortcut and model path differ:\n%s\n%s", short, model)
	}
}

// A second run given the same --out or --checkpoint is refused while the
// first holds it.
func TestOutputLocked(t *testing.T) {
	dir := t.TempDir()
	for _, flag := range []string{"out", "checkpoint"} {
		p := filepath.Join(dir, "run."+map[string]string{"out": "json", "checkpoint": "ckpt"}[flag])
		release, err := atomicfile.Lock(p)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, "--"+flag+" "+p+": in use by another process", "mc", "--T", "2", "--sweeps", "10", "--thermalize", "0", "--"+flag, p)
		release()
		if _, _, err := execApp("mc", "--T", "2", "--sweeps", "10", "--thermalize", "0", "--"+flag, p); err != nil {
			t.Errorf("--%s after release: %v", flag, err)
		}
	}
}
