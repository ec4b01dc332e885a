package experiments

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// noTemperature are the tables without a temperature: random RBMs whose
// weights already include beta.
var noTemperature = []string{"cumulant_orders.csv", "cumulant_truncation.csv"}

// checkSchemaDir checks every data file of a run against the one schema:
// each CSV starts with its header (no comment line), every column is in the
// schema (InSchema), every table but noTemperature has temperature and beta,
// and the JSON twin has the same columns. With python3, pandas and numpy
// installed, it loads every CSV with pandas.read_csv(path) and
// numpy.genfromtxt(path, delimiter=",", names=True), no other options.
func checkSchemaDir(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "data", "*.csv"))
	if len(files) == 0 {
		return
	}
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		head, err := csv.NewReader(f).Read()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		base := filepath.Base(p)
		for _, c := range head {
			if strings.HasPrefix(c, "#") || !InSchema(c) {
				t.Errorf("%s: column %q is not in the schema (experiments.QuantityKeys, SchemaColumns)", base, c)
			}
		}
		if !slices.Contains(noTemperature, base) && (!slices.Contains(head, "temperature") || !slices.Contains(head, "beta")) {
			t.Errorf("%s: no temperature or beta column: %v", base, head)
		}
	}
	checkPandas(t, files)
}

// checkPandas loads files with pandas and numpy defaults (skipped without them).
func checkPandas(t *testing.T, files []string) {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		return
	}
	if exec.Command(py, "-c", "import pandas, numpy").Run() != nil {
		return
	}
	script := `import sys, csv, pandas, numpy
for p in sys.argv[1:]:
    head = next(csv.reader(open(p)))
    d = pandas.read_csv(p)
    assert list(d.columns) == head, (p, list(d.columns), head)
    a = numpy.genfromtxt(p, delimiter=",", names=True)
    assert list(a.dtype.names) == head, (p, a.dtype.names, head)
    if "temperature" in head and len(d):
        assert d["temperature"].dtype.kind in "fi", (p, d["temperature"].dtype)
`
	out, err := exec.Command(py, append([]string{"-c", script}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("pandas/numpy cannot load the data files with their defaults: %v\n%s", err, out)
	}
}

// TestSchemaTables runs the tiny spec (every table kind but the learning and
// exact-z ones, which their own tests check through runSpec) and checks its
// data files against the schema; the column lists are checked directly too.
func TestSchemaTables(t *testing.T) {
	for _, cols := range [][]string{mcColumns, exactColumns} {
		for _, c := range cols {
			if !InSchema(c) {
				t.Errorf("column %q not in the schema", c)
			}
		}
	}
	for _, old := range []string{"u", "u_err", "T", "U4", "abs_m", "chi", "chi_abs", "c", "N", "diff"} {
		if InSchema(old) {
			t.Errorf("old column name %q is in the schema", old)
		}
	}
	s, err := Parse([]byte(tiny), "tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	s.Figures.Formats = []string{"png"}
	runSpec(t, s) // runSpec checks the schema
}
