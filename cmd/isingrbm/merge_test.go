package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestMergeIdentity runs a temperature list in 3 shards and checks that
// merging them gives exactly the file of a single run, for JSON and CSV, for
// any order of the shard files; and that incomplete or mixed shard sets are
// refused.
func TestMergeIdentity(t *testing.T) {
	dir := t.TempDir()
	run := func(out string, extra ...string) {
		t.Helper()
		args := append([]string{"mc", "--size", "4x4", "--T", "1.5:3.5:0.25", "--sweeps", "1500", "--algorithm", "sw",
			"--seconds=false", "--progress=false", "--out", out}, extra...)
		if _, _, err := execApp(args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, ext := range []string{"json", "csv"} {
		p := func(name string) string { return filepath.Join(dir, name+"."+ext) }
		run(p("full"))
		for k := 1; k <= 3; k++ {
			run(p(fmt.Sprint("s", k)), "--shard", fmt.Sprintf("%d/3", k))
		}
		if _, _, err := execApp("merge", "--out", p("merged"), p("s3"), p("s1"), p("s2")); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(p("full"))
		b, _ := os.ReadFile(p("merged"))
		if string(a) != string(b) {
			t.Errorf("%s: merged file differs from the single run:\n%s\n---\n%s", ext, a, b)
		}
		// Refusals.
		run(p("other"), "--shard", "1/3", "--seed", "9")
		for _, c := range []struct {
			files []string
			want  string
		}{
			{[]string{p("s1"), p("s2")}, "shard 3/3 is missing"},
			{[]string{p("s1"), p("s1"), p("s2"), p("s3")}, "given twice"},
			// Every problem at once, with the shards to rerun.
			{[]string{p("s1"), p("s1")}, "shard 1/3 given twice (" + p("s1") + " and " + p("s1") + "); 2 shards of 3 are missing: 2-3 (rerun them, e.g. sbatch --array=2-3"},
			{[]string{p("other"), p("s2"), p("s3")}, "different runs"},
			{[]string{p("full")}, "not a shard output"},
		} {
			wantError(t, c.want, append([]string{"merge", "--out", p("bad")}, c.files...)...)
		}
	}
	wantError(t, "extension", "merge", "--out", filepath.Join(dir, "x.json"), filepath.Join(dir, "s1.csv"))
	wantError(t, "--out", "merge", "--out", filepath.Join(dir, "x.txt"), filepath.Join(dir, "s1.csv"))
}

// A shard with a key 'isingrbm mc' never writes is refused, not merged.
func TestMergeRefusesUnknownKeys(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.json")
	if _, _, err := execApp("mc", "--size", "4x4", "--T", "2.0,2.5", "--sweeps", "200", "--seconds=false", "--shard", "1/2", "--out", a, "--progress=false"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(a)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, bytes.Replace(b, []byte(`"algorithm"`), []byte(`"extra": 1, "algorithm"`), 1), 0o644)
	wantError(t, "unknown field", "merge", "--out", filepath.Join(dir, "m.json"), bad)
}
