package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// isingrbmBinary is the path of the isingrbm executable built once for the end-to-end tests that
// need a real process (exit codes, stderr).
var isingrbmBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "isingrbm-test-")
	if err != nil {
		panic(err)
	}
	isingrbmBinary = filepath.Join(dir, "isingrbm")
	build := exec.Command("go", "build", "-o", isingrbmBinary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building isingrbm for the CLI tests: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// execApp runs the app in-process with args (without the program name) and
// returns stdout, stderr and the error Run returned.
func execApp(args ...string) (string, string, error) {
	return execAppContext(context.Background(), args...)
}

// wantError runs the app with args and reports a test error unless the run
// fails with an error message containing want.
func wantError(t *testing.T, want string, args ...string) {
	t.Helper()
	_, _, err := execApp(args...)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%v: error %v, want one containing %q", args, err, want)
	}
}

// execAppContext is execApp with the context given to the commands (App.Run
// is RunContext with context.Background()).
func execAppContext(ctx context.Context, args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	app := newApp()
	app.Writer = &out
	app.ErrWriter = &errb
	args, err := rewriteArgs(args)
	if err != nil {
		return "", "", err
	}
	err = app.RunContext(ctx, append([]string{"isingrbm"}, args...))
	return out.String(), errb.String(), err
}

// execBinary runs the built binary and returns stdout, stderr and the exit code.
func execBinary(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(isingrbmBinary, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestLatticeJSON(t *testing.T) {
	cases := []struct {
		args         []string
		sites, bonds int
		coord        map[string]int
	}{
		{[]string{"--size", "4x4"}, 16, 32, map[string]int{"4": 16}},
		{[]string{"--size", "2x2"}, 4, 8, map[string]int{"4": 4}},
		{[]string{"--size", "4x4", "--boundary", "open"}, 16, 24, map[string]int{"2": 4, "3": 8, "4": 4}},
		{[]string{"--lattice", "chain", "--size", "16"}, 16, 16, map[string]int{"2": 16}},
		{[]string{"--lattice", "cubic", "--size", "4x4x4"}, 64, 192, map[string]int{"6": 64}},
		{[]string{"--lattice", "triangular", "--size", "4x4"}, 16, 48, map[string]int{"6": 16}},
		{[]string{"--lattice", "complete", "--size", "5", "--scale", "n"}, 5, 10, map[string]int{"4": 5}},
	}
	for _, c := range cases {
		out, _, err := execApp(append([]string{"lattice", "--json"}, c.args...)...)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		var s latticeSummary
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("%v: bad JSON %q: %v", c.args, out, err)
		}
		if s.Sites != c.sites || s.Bonds != c.bonds {
			t.Errorf("%v: sites %d bonds %d, want %d %d", c.args, s.Sites, s.Bonds, c.sites, c.bonds)
		}
		for k, v := range c.coord {
			if s.Coordination[k] != v {
				t.Errorf("%v: coordination %v, want %v", c.args, s.Coordination, c.coord)
			}
		}
	}
}

func TestLatticeExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	edges := filepath.Join(dir, "m.edges")
	_, _, err := execApp("lattice", "--lattice", "triangular", "--size", "3x3", "--disorder", "gaussian",
		"--sigma", "1", "--h-disorder", "gaussian", "--h-sigma", "0.5", "--disorder-seed", "5", "--export", edges)
	if err != nil {
		t.Fatal(err)
	}
	out1, _, err := execApp("lattice", "--lattice", "triangular", "--size", "3x3", "--disorder", "gaussian",
		"--sigma", "1", "--h-disorder", "gaussian", "--h-sigma", "0.5", "--disorder-seed", "5", "--json")
	if err != nil {
		t.Fatal(err)
	}
	out2, _, err := execApp("lattice", "--lattice", "edges", "--edges", edges, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var a, b latticeSummary
	json.Unmarshal([]byte(out1), &a)
	json.Unmarshal([]byte(out2), &b)
	if a.Sites != b.Sites || a.Bonds != b.Bonds || a.SumCouplings != b.SumCouplings || a.SumFields != b.SumFields {
		t.Errorf("edge-list round trip changed the model: %+v vs %+v", a, b)
	}
	for _, ext := range []string{"json", "csv"} {
		p := filepath.Join(dir, "m."+ext)
		if _, _, err := execApp("lattice", "--size", "3x3", "--export", p, "--export-matrix", filepath.Join(dir, "j.csv")); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("export %s: %v", p, err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "j.csv"))
	if rows := strings.Count(string(data), "\n"); rows != 9 {
		t.Errorf("coupling matrix CSV has %d rows, want 9", rows)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.edges")
	os.WriteFile(bad, []byte("0 1 1\n1 2 oops\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"lattice", "--size", "0"}, "--size"},
		{[]string{"lattice", "--size", "-4x4"}, "--size"},
		{[]string{"lattice", "--size", "4x"}, "--size"},
		{[]string{"lattice", "--size", "axb"}, "--size"},
		{[]string{"lattice", "--lattice", "kagome"}, "--lattice"},
		{[]string{"lattice", "--lattice", "edges", "--edges", bad}, "bad.edges:2"},
		{[]string{"lattice", "--lattice", "edges"}, "--edges"},
		{[]string{"lattice", "--J", "NaN"}, "--J"},
		{[]string{"lattice", "--boundary", "mobius"}, "--boundary"},
		{[]string{"lattice", "--disorder", "cauchy"}, "--disorder"},
		{[]string{"lattice", "--export", filepath.Join(dir, "x.xlsx")}, "--export"},
		{[]string{"lattice", "stray"}, "unexpected argument"},
		{[]string{"nosuchcommand"}, "nosuchcommand"},
	}
	for _, c := range cases {
		wantError(t, c.want, c.args...)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.xlsx")); err == nil {
		t.Error("a rejected export left a file behind")
	}
}

func TestTemperatureParsing(t *testing.T) {
	v, err := parseValues("1.5:3.5:0.1")
	if err != nil || len(v) != 21 || v[0] != 1.5 || v[20] != 3.5 || v[1] != 1.6 {
		t.Errorf("range: %v %v", v, err)
	}
	if v, err := parseValues("2,2.27, 3"); err != nil || len(v) != 3 || v[1] != 2.27 {
		t.Errorf("list: %v %v", v, err)
	}
	for _, bad := range []string{"", "1:2", "1:2:0", "3:1:0.1", "a", "1,,2", "NaN", "0:1e9:1e-9"} {
		if _, err := parseValues(bad); err == nil {
			t.Errorf("parseValues(%q) accepted", bad)
		}
	}
}

// TestProcess checks the real binary: exit codes, stderr, help and version.
func TestProcess(t *testing.T) {
	out, _, code := execBinary(t, "lattice", "--size", "4x4", "--json")
	if code != 0 || !strings.Contains(out, `"bonds": 32`) {
		t.Errorf("lattice: exit %d, output %q", code, out)
	}
	_, errOut, code := execBinary(t, "lattice", "--size", "4x")
	if code == 0 || !strings.Contains(errOut, "--size") {
		t.Errorf("bad size: exit %d, stderr %q", code, errOut)
	}
	out, _, code = execBinary(t, "version")
	if code != 0 || !strings.HasPrefix(out, "isingrbm ") {
		t.Errorf("version: exit %d, output %q", code, out)
	}
	out, _, code = execBinary(t, "lattice", "--help")
	if code != 0 || !strings.Contains(out, "--boundary") || !strings.Contains(out, "energy units") {
		t.Errorf("lattice --help: exit %d, output %q", code, out)
	}
}
