package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/experiments"
)

// TestSchemaEveryWriter collects the CSV headers and JSON keys of every
// writer of thermodynamic results ('exact --out FILE.csv|json' over a list of
// sizes, 'exact --json', 'mc --out FILE.csv' with its sidecar and
// FILE_reweighted.csv, 'mc --out FILE.json', 'merge' of CSV shards, 'exact
// --method dos --out') and checks them against the one list,
// experiments.InSchema: no comment line before the header, temperature and
// beta in every per-temperature table, the exact and Monte Carlo quantity
// names equal. With python3, pandas and numpy installed it loads every CSV
// with pandas.read_csv(path) and numpy.genfromtxt(path, delimiter=",",
// names=True), no options.
func TestSchemaEveryWriter(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	run := func(args ...string) {
		t.Helper()
		if _, _, err := execApp(args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	run("exact", "--size", "2x2,3x3", "--T", "2,3", "--out", p("exact.csv"))
	run("exact", "--size", "2x2,3x3", "--T", "2,3", "--out", p("exact.json"))
	run("exact", "--size", "4x4", "--method", "dos", "--out", p("dos.csv"))
	mcArgs := []string{"mc", "--size", "4x4", "--T", "2.2,2.4", "--sweeps", "2000", "--algorithm", "wolff", "--seconds=false", "--progress=false"}
	run(append(mcArgs, "--out", p("mc.csv"), "--reweight", "2.25:2.35:0.05")...)
	for k := 1; k <= 2; k++ {
		run(append(mcArgs, "--out", p("shard"+string(rune('0'+k))+".csv"), "--shard", string(rune('0'+k))+"/2")...)
	}
	run("merge", "--out", p("merged.csv"), p("shard1.csv"), p("shard2.csv"))

	headers := map[string][]string{}
	for _, f := range []string{"exact.csv", "dos.csv", "mc.csv", "mc_reweighted.csv", "merged.csv"} {
		fh, err := os.Open(p(f))
		if err != nil {
			t.Fatal(err)
		}
		h, err := csv.NewReader(fh).Read()
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		headers[f] = h
	}
	// JSON keys: exact (array of objects), mc results and the sidecar.
	var ex []map[string]any
	b, _ := os.ReadFile(p("exact.json"))
	if err := json.Unmarshal(b, &ex); err != nil || len(ex) != 4 {
		t.Fatalf("exact.json: %v (%d objects)", err, len(ex))
	}
	for k := range ex[0] {
		headers["exact.json"] = append(headers["exact.json"], k)
	}
	var mcOut struct {
		Results []map[string]json.RawMessage `json:"results"`
	}
	b, _ = os.ReadFile(p("mc.json")) // the sidecar of mc.csv
	if err := json.Unmarshal(b, &mcOut); err != nil || len(mcOut.Results) != 2 {
		t.Fatalf("mc.json (sidecar of mc.csv): %v", err)
	}
	for k := range mcOut.Results[0] {
		headers["mc.json"] = append(headers["mc.json"], k)
	}
	for f, h := range headers {
		for _, c := range h {
			if !experiments.InSchema(c) {
				t.Errorf("%s: column or key %q is not in the schema", f, c)
			}
		}
		if f != "dos.csv" && (!slices.Contains(h, "temperature") || !slices.Contains(h, "beta")) {
			t.Errorf("%s: no temperature or beta: %v", f, h)
		}
	}
	// The exact quantity names are the Monte Carlo ones.
	for _, q := range experiments.MCQuantityKeys {
		for _, f := range []string{"exact.csv", "exact.json", "mc.json"} {
			if !slices.Contains(headers[f], q) {
				t.Errorf("%s has no %q", f, q)
			}
		}
		for _, s := range []string{"", "_error", "_tau_int"} {
			if !slices.Contains(headers["mc.csv"], q+s) {
				t.Errorf("mc.csv has no %q", q+s)
			}
		}
	}
	if a, b := strings.Join(headers["mc.csv"], ","), strings.Join(headers["merged.csv"], ","); a != b {
		t.Errorf("merged header %s, mc header %s", b, a)
	}
	for _, f := range []string{"exact.csv", "mc.csv", "merged.csv", "mc_reweighted.csv", "dos.csv"} {
		b, _ := os.ReadFile(p(f))
		if strings.HasPrefix(string(b), "#") {
			t.Errorf("%s starts with a comment line", f)
		}
	}
	var files []string
	for f := range headers {
		if strings.HasSuffix(f, ".csv") {
			files = append(files, p(f))
		}
	}
	pandasLoads(t, files)
}

// pandasLoads loads each CSV with pandas.read_csv(path) and
// numpy.genfromtxt(path, delimiter=",", names=True) and compares the column
// names with the header (skipped without python3, pandas and numpy).
func pandasLoads(t *testing.T, files []string) {
	t.Helper()
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import pandas, numpy").Run() != nil {
		t.Log("python3 with pandas and numpy not found: the load check is skipped")
		return
	}
	script := `import sys, csv, pandas, numpy
for p in sys.argv[1:]:
    head = next(csv.reader(open(p)))
    d = pandas.read_csv(p)
    assert list(d.columns) == head, (p, list(d.columns), head)
    a = numpy.genfromtxt(p, delimiter=",", names=True)
    assert list(a.dtype.names) == head, (p, a.dtype.names, head)
    assert len(d) >= 1, p
`
	if out, err := exec.Command(py, append([]string{"-c", script}, files...)...).CombinedOutput(); err != nil {
		t.Errorf("pandas/numpy defaults cannot load the CSV outputs: %v\n%s", err, out)
	}
}
