package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/rbm"
)

func TestHSCheckJSON(t *testing.T) {
	for _, args := range [][]string{
		{"--size", "4x4", "--beta", "0.6", "--h", "0.1"},
		{"--size", "3x3", "--beta", "0.3", "--hidden", "bond", "--encoding", "bernoulli"},
		{"--lattice", "triangular", "--size", "3x3", "--J", "-1", "--T", "2", "--factor", "cholesky", "--encoding", "bernoulli"},
		{"--lattice", "complete", "--size", "8", "--scale", "sqrtn", "--disorder", "gaussian", "--J", "0", "--sigma", "1", "--h-disorder", "gaussian", "--h-sigma", "0.5", "--beta", "1.5", "--shift", "min"},
		{"--lattice", "chain", "--size", "3", "--beta", "0.8", "--h", "0.3"},
	} {
		out, _, err := execApp(append([]string{"hs", "--check", "--json"}, args...)...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		var s map[string]any
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		for _, k := range []string{"visible", "hidden", "shift", "ln_z_ising", "ln_z_rbm", "ln_z_offset", "max_abs_log_prob_diff", "kl_ising_rbm", "kl_rbm_ising", "total_variation"} {
			if _, ok := s[k]; !ok {
				t.Errorf("%v: key %q missing", args, k)
			}
		}
		if d := s["max_abs_log_prob_diff"].(float64); !(d < 1e-10) {
			t.Errorf("%v: max_abs_log_prob_diff %v", args, d)
		}
		lzi, lzr, off := s["ln_z_ising"].(float64), s["ln_z_rbm"].(float64), s["ln_z_offset"].(float64)
		if math.Abs(lzr-lzi-off) > 1e-10*math.Max(1, math.Abs(lzi)) {
			t.Errorf("%v: ln Z_RBM - ln Z_Ising = %v, offset %v", args, lzr-lzi, off)
		}
		if c, ok := s["ln_z_continuum"]; ok {
			if math.Abs(c.(float64)-lzi) > 1e-12*math.Abs(lzi) {
				t.Errorf("%v: continuum ln Z %v, exact %v", args, c, lzi)
			}
		} else if s["visible"].(float64) <= 3 {
			t.Errorf("%v: ln_z_continuum missing for N <= 3", args)
		}
	}
}

func TestHSExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rbm.json")
	out, _, err := execApp("hs", "--size", "3x3", "--beta", "0.4", "--encoding", "bernoulli", "--export", path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "9 visible (bernoulli) x 9 hidden (gaussian)") || !strings.Contains(out, "wrote") {
		t.Errorf("text output:\n%s", out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := rbm.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.Visible.Type != rbm.Bernoulli || r.Hidden.Type != rbm.Gaussian {
		t.Errorf("exported layers %v/%v", r.Visible.Type, r.Hidden.Type)
	}
}

func TestHSErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--size", "4x4", "--beta", "0.5", "--shift", "1"}, "--shift 1: hs: shift 1: A = beta J + c I has smallest eigenvalue -1, not positive semidefinite: need c >= 2"},
		{[]string{"--size", "4x4", "--beta", "0.5", "--shift", "2", "--factor", "cholesky"}, "not positive definite as Cholesky needs: need c > 2"},
		{[]string{"--size", "4x4", "--beta", "0.5", "--shift", "min", "--factor", "cholesky"}, "Cholesky cannot factor"},
		{[]string{"--size", "5x5", "--beta", "0.5", "--check"}, "--check: 25 sites: the state-by-state check enumerates 2^N states, allowed N <= 24"},
		{[]string{"--size", "4x4"}, "give the temperature with --beta B or --T T"},
		{[]string{"--size", "4x4", "--beta", "0.1,0.2"}, "hs takes one temperature"},
		{[]string{"--size", "4x4", "--beta", "0.5", "--hidden", "potts"}, "--hidden: unknown hidden layer \"potts\": allowed gaussian or bond"},
		{[]string{"--size", "4x4", "--beta", "0.5", "--encoding", "x"}, "--encoding: unknown encoding \"x\": allowed spin or bernoulli"},
		{[]string{"--size", "4x4", "--beta", "0.5", "--factor", "lu"}, "--factor: unknown factorization \"lu\": allowed eigen or cholesky"},
		{[]string{"--size", "4x4", "--beta", "0.5", "--shift", "big"}, "--shift: shift \"big\": allowed auto, min or a finite number"},
		{[]string{"--size", "4x4", "--beta", "0.5", "--hidden", "bond", "--shift", "3"}, "apply to --hidden gaussian only"},
		{[]string{"--size", "4x4", "--beta", "0.5", "--export", "x.txt"}, "--export \"x.txt\": unknown file type \"txt\", allowed extensions: .json"},
	} {
		wantError(t, c.want, append([]string{"hs"}, c.args...)...)
	}
}
