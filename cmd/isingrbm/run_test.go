package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const runTestSpec = `name = "clitest"
seed = 3
[lattice]
kind = "square"
size = "3x3"
[exact]
T = [1.5, 2.5, 3.5]
[mc]
T = [2.5]
sweeps = 500
[hs]
T = 2.0
[figures]
formats = ["png"]
thermo = ["u"]
`

func writeSpec(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunCommand(t *testing.T) {
	spec := writeSpec(t, runTestSpec)
	out := filepath.Join(t.TempDir(), "out")
	// The documented form: flags after the spec file.
	stdout, _, err := execApp("run", spec, "--out", out, "--formats", "png,svg")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "clitest:") || !strings.Contains(stdout, "hs_max_abs_log_prob_diff") {
		t.Errorf("stdout %q", stdout)
	}
	for _, f := range []string{"manifest.json", "data/exact.csv", "data/mc.json", "data/hs.csv", "figures/thermo_u.png", "figures/thermo_u.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	// Flags before the file work too, and the data are identical.
	out2 := filepath.Join(t.TempDir(), "out2")
	if _, _, err := execApp("run", "--out", out2, "--workers", "1", spec); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"exact.csv", "exact.json", "mc.csv", "mc.json", "hs.csv"} {
		a, _ := os.ReadFile(filepath.Join(out, "data", f))
		b, _ := os.ReadFile(filepath.Join(out2, "data", f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("data/%s differs between runs", f)
		}
	}
	// Two shards and a merge give the same data.
	out3 := filepath.Join(t.TempDir(), "out3")
	for _, k := range []string{"1/2", "2/2"} {
		stdout, _, err := execApp("run", spec, "--out", out3, "--shard", k)
		if err != nil || !strings.Contains(stdout, "--merge") {
			t.Fatalf("--shard %s: %q, %v", k, stdout, err)
		}
	}
	if _, _, err := execApp("run", spec, "--out", out3, "--merge"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"exact.csv", "mc.csv", "mc.json", "hs.csv"} {
		a, _ := os.ReadFile(filepath.Join(out, "data", f))
		b, _ := os.ReadFile(filepath.Join(out3, "data", f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("data/%s differs between the unsharded and the merged run", f)
		}
	}
	stdout, _, err = execApp("run", spec, "--check")
	if err != nil || !strings.Contains(stdout, "valid") {
		t.Errorf("--check: %q, %v", stdout, err)
	}
}

func TestRunCommandErrors(t *testing.T) {
	good := writeSpec(t, runTestSpec)
	badKey := writeSpec(t, strings.Replace(runTestSpec, "sweeps = 500", "sweeps = 500\nsweps = 2", 1))
	badVal := writeSpec(t, strings.Replace(runTestSpec, "sweeps = 500", "sweeps = 5", 1))
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"run"}, []string{"exactly one spec file"}},
		{[]string{"run", good, good}, []string{"exactly one spec file", "got 2"}},
		{[]string{"run", "spec.json"}, []string{"want a .toml file"}},
		{[]string{"run", filepath.Join(t.TempDir(), "none.toml")}, []string{"no such file"}},
		{[]string{"run", badKey, "--check"}, []string{"spec.toml:11:", "mc.sweps", "unknown key", "allowed here"}},
		{[]string{"run", badVal, "--check"}, []string{"spec.toml:10:", "mc.sweeps", "must be in 100.."}},
		{[]string{"run", good, "--formats", "png,gif"}, []string{"--formats", "gif", "png, svg, pdf"}},
		{[]string{"run", good, "--workers", "-1"}, []string{"--workers -1", ">= 0"}},
		{[]string{"run", good, "--out"}, []string{"--out needs a value"}},
		{[]string{"run", good, "--bogus"}, []string{"unknown flag", "--out DIR"}},
		{[]string{"run", good, "--shard", "3/2"}, []string{"--shard", "1 <= k <= n"}},
		{[]string{"run", good, "--shard", "1/2x"}, []string{"--shard", "1 <= k <= n"}},
		{[]string{"run", good, "--shard", "1/2", "--merge"}, []string{"--shard and --merge"}},
		{[]string{"run", good, "--merge", "--out", t.TempDir()}, []string{"--merge: no shard files"}},
	}
	for _, c := range cases {
		_, _, err := execApp(c.args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q does not contain %q", c.args, err, w)
			}
		}
	}
}

// TestRunOutFolder: the default folder is out/NAME, so two experiments do not
// collide; a folder holding another experiment's results is refused with a
// one-line error unless --force; the manifest records the command line, the
// Go version and, from a checkout, the git commit and whether the tree was
// dirty.
func TestRunOutFolder(t *testing.T) {
	spec := writeSpec(t, runTestSpec)
	other := writeSpec(t, strings.Replace(runTestSpec, `name = "clitest"`, `name = "other"`, 1))
	t.Chdir(t.TempDir())
	if _, _, err := execApp("run", spec); err != nil {
		t.Fatal(err)
	}
	if _, _, err := execApp("run", other); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"out/clitest/manifest.json", "out/other/manifest.json", "out/clitest/data/mc.csv", "out/other/data/mc.csv"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("default folder: %v", err)
		}
	}
	_, _, err := execApp("run", other, "--out", "out/clitest")
	if err == nil || !strings.Contains(err.Error(), `experiment "clitest"`) || !strings.Contains(err.Error(), "--force") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("another experiment's folder: %v", err)
	}
	if _, _, err := execApp("run", other, "--out", "out/clitest", "--force"); err != nil {
		t.Fatalf("--force: %v", err)
	}
	var man struct {
		Name        string   `json:"name"`
		CommandLine []string `json:"command_line"`
		GoVersion   string   `json:"go_version"`
	}
	b, _ := os.ReadFile("out/clitest/manifest.json")
	if err := json.Unmarshal(b, &man); err != nil || man.Name != "other" || len(man.CommandLine) == 0 || man.GoVersion == "" {
		t.Errorf("manifest: %+v, %v", man, err)
	}
}

// TestGitState: inside this checkout gitState finds the commit.
func TestGitState(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	wd, _ := os.Getwd()
	commit, dirty := gitState(wd)
	if len(commit) != 40 || dirty == nil {
		t.Skipf("not a git checkout (commit %q)", commit)
	}
	if c, _ := gitState(t.TempDir()); c != "" {
		t.Errorf("outside a checkout: commit %q", c)
	}
}
