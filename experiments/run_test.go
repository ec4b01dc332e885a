package experiments

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/gob"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tiny exercises every computation in well under a second.
const tiny = `name = "tiny"
seed = 7
sizes = ["2x2", "3x3"]
[lattice]
kind = "square"
[exact]
T_range = [1.0, 4.0, 0.5]
[mc]
algorithms = ["metropolis", "wolff"]
T = [1.5, 2.5, 3.5]
sweeps = 2000
snapshot_T = 2.5
[rbm_sampling]
T = [2.0, 3.0]
sweeps = 2000
chains = 2
[hs]
T = 2.0
hidden = ["gaussian", "bond"]
extra = [{ kind = "complete", size = "5", scale = "sqrtn", disorder = "gaussian", sigma = 1.0, disorder_seed = 3 }]
continuum = { kind = "chain", size = "3" }
continuum_nodes = [4, 16]
[cumulants]
visible = 5
hidden = 3
order = 4
[figures]
formats = ["png"]
thermo = ["u", "c", "chi_abs", "U4"]
`

func mustParse(t *testing.T, src string) *Spec {
	t.Helper()
	s, err := Parse([]byte(src), "test.toml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRunDeterministic runs the tiny spec twice with different numbers of
// workers: every data file must be byte-identical.
func TestRunDeterministic(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	m1, err := Run(context.Background(), mustParse(t, tiny), d1, Options{Workers: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), mustParse(t, tiny), d2, Options{Workers: 4, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	a, b := readTree(t, filepath.Join(d1, "data")), readTree(t, filepath.Join(d2, "data"))
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("data files: %d vs %d", len(a), len(b))
	}
	for name, x := range a {
		if !bytes.Equal(x, b[name]) {
			t.Errorf("data/%s differs between runs", name)
		}
	}
	for _, f := range m1.Data {
		if _, ok := a[strings.TrimPrefix(f, "data/")]; !ok {
			t.Errorf("manifest lists %s, not written", f)
		}
	}
	figs := readTree(t, filepath.Join(d1, "figures"))
	if len(figs) != len(m1.Figures) || len(figs) < 10 {
		t.Errorf("%d figures written, manifest lists %d", len(figs), len(m1.Figures))
	}
	for name, x := range figs {
		if !bytes.HasPrefix(x, []byte("\x89PNG")) {
			t.Errorf("figure %s is not a PNG", name)
		}
	}
	var man Manifest
	raw, err := os.ReadFile(filepath.Join(d1, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatal(err)
	}
	if man.Version != "test" || man.GoVersion == "" || man.Spec == nil || len(man.Seeds) == 0 || man.WallSeconds["total"] <= 0 {
		t.Errorf("manifest incomplete: %+v", man)
	}
	ents, _ := os.ReadDir(d1)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".staging") {
			t.Errorf("staging directory %s left behind", e.Name())
		}
	}
}

// TestRunInterrupted cancels a run part way: the output directory must keep
// the previous complete run and hold no partial files.
func TestRunInterrupted(t *testing.T) {
	dir := t.TempDir()
	if _, err := Run(context.Background(), mustParse(t, tiny), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, dir)
	long := strings.Replace(tiny, "sweeps = 2000\nsnapshot_T", "sweeps = 50000000\nsnapshot_T", 1)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := Run(ctx, mustParse(t, long), dir, Options{Logf: func(f string, a ...any) {
		calls++
		if strings.Contains(f+strings.TrimSpace(a[len(a)-1].(string)), "mc") {
			cancel() // while the Monte Carlo chains start
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("interrupted run: err = %v", err)
	}
	after := readTree(t, dir)
	if len(after) != len(before) {
		t.Errorf("files: %d before, %d after the interrupted run", len(before), len(after))
	}
	for name, x := range before {
		if !bytes.Equal(x, after[name]) {
			t.Errorf("%s changed by the interrupted run", name)
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("%s left behind", e.Name())
		}
	}
	// A fresh directory stays empty.
	empty := t.TempDir()
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := Run(ctx2, mustParse(t, tiny), empty, Options{}); err == nil {
		t.Fatal("cancelled run succeeded")
	}
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Errorf("cancelled run left %v", ents)
	}
}

// readCSV returns the rows of a data file as maps column -> cell.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("cell %q: %v", s, err)
	}
	return v
}

// TestQuickstartNumbers runs the shipped quickstart and checks its numbers:
// MC (both algorithms) within 4 sigma of exact enumeration for u, c, <|m|>
// and U4 at every temperature, the HS RBM equal to the Ising distribution to
// 1e-11 in ln p, and the continuum integral converged to 1e-12.
func TestQuickstartNumbers(t *testing.T) {
	dir, man, s := runShipped(t, "quickstart")
	exact := map[string]map[string]string{}
	for _, r := range readCSV(t, filepath.Join(dir, "data", "exact.csv")) {
		exact[r["temperature"]] = r
	}
	pairs := [][2]string{{"energy_per_site", "energy_per_site"}, {"heat_capacity_per_site", "heat_capacity_per_site"}, {"abs_magnetization_per_site", "abs_magnetization_per_site"}, {"binder", "binder"}, {"susceptibility_abs_per_site", "susceptibility_abs_per_site"}}
	nmc := 0
	for _, r := range readCSV(t, filepath.Join(dir, "data", "mc.csv")) {
		ex, ok := exact[r["temperature"]]
		if !ok {
			t.Fatalf("no exact row at T = %s", r["temperature"])
		}
		for _, p := range pairs {
			v, e, x := num(t, r[p[0]]), num(t, r[p[0]+"_error"]), num(t, ex[p[1]])
			if e <= 0 || math.Abs(v-x) > 4*e {
				t.Errorf("%s T=%s %s: MC %.6g ± %.2g, exact %.6g (%.1f sigma)", r["algorithm"], r["temperature"], p[0], v, e, x, math.Abs(v-x)/e)
			}
		}
		nmc++
	}
	if nmc != 22 {
		t.Errorf("%d MC rows, want 2 algorithms x 11 temperatures", nmc)
	}
	checkHS(t, dir, s, man, 1e-11, 1e-12)
}

// TestShardMerge splits the chains of the tiny spec into 3 shards, merges
// them, and compares the data with an unsharded run byte for byte.
func TestShardMerge(t *testing.T) {
	whole, split := t.TempDir(), t.TempDir()
	if _, err := Run(context.Background(), mustParse(t, tiny), whole, Options{}); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 3; k++ {
		man, err := Run(context.Background(), mustParse(t, tiny), split, Options{Shard: Shard{K: k, N: 3}})
		if err != nil {
			t.Fatal(err)
		}
		if len(man.Data) != 1 || !strings.HasSuffix(man.Data[0], "tiny."+strconv.Itoa(k)+"-of-3.gob") {
			t.Errorf("shard %d wrote %v", k, man.Data)
		}
		if _, err := os.Stat(filepath.Join(split, "data")); err == nil {
			t.Errorf("shard %d wrote data/", k)
		}
		if k == 2 {
			// A merge with a shard missing must fail and name it.
			_, err := Run(context.Background(), mustParse(t, tiny), split, Options{Merge: true})
			if err == nil || !strings.Contains(err.Error(), "shard 3 of 3 is missing") {
				t.Errorf("merge of 2 of 3 shards: %v", err)
			}
		}
	}
	if _, err := Run(context.Background(), mustParse(t, tiny), split, Options{Merge: true}); err != nil {
		t.Fatal(err)
	}
	a, b := readTree(t, filepath.Join(whole, "data")), readTree(t, filepath.Join(split, "data"))
	if len(a) != len(b) {
		t.Fatalf("%d data files unsharded, %d merged", len(a), len(b))
	}
	for name, x := range a {
		if !bytes.Equal(x, b[name]) {
			t.Errorf("data/%s differs between the unsharded and the merged run", name)
		}
	}
	// A shard file with a chain removed (altered) is refused, not recomputed.
	g := filepath.Join(split, "shards", "tiny.2-of-3.gob")
	orig, err := os.ReadFile(g)
	if err != nil {
		t.Fatal(err)
	}
	var sf shardFile
	if err := gob.NewDecoder(bytes.NewReader(orig)).Decode(&sf); err != nil {
		t.Fatal(err)
	}
	sf.MC = sf.MC[1:]
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&sf); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(g, buf.Bytes(), 0o644)
	if _, err := Run(context.Background(), mustParse(t, tiny), split, Options{Merge: true, Force: true}); err == nil || !strings.Contains(err.Error(), "is in no shard file") {
		t.Errorf("merge with a chain missing: %v", err)
	}
	os.WriteFile(g, orig, 0o644)
	// Shards of another spec are refused.
	other := strings.Replace(tiny, "seed = 7", "seed = 8", 1)
	if _, err := Run(context.Background(), mustParse(t, other), split, Options{Merge: true}); err == nil || !strings.Contains(err.Error(), "different spec") {
		t.Errorf("merge with another seed: %v", err)
	}
	for _, sh := range []Shard{{K: 0, N: 2}, {K: 3, N: 2}, {K: 1, N: -1}} {
		if _, err := Run(context.Background(), mustParse(t, tiny), t.TempDir(), Options{Shard: sh}); err == nil || !strings.Contains(err.Error(), "1 <= k <= n") {
			t.Errorf("shard %v: %v", sh, err)
		}
	}
	noChains := strings.Split(tiny, "[mc]")[0] + "[figures]\nformats = [\"png\"]\n"
	if _, err := Run(context.Background(), mustParse(t, noChains), t.TempDir(), Options{Shard: Shard{K: 1, N: 2}}); err == nil || !strings.Contains(err.Error(), "no [mc]") {
		t.Errorf("shard of a spec without chains: %v", err)
	}
}
