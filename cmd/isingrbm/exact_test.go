package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

func TestExactMethodsAgree(t *testing.T) {
	// The same 4x4 torus by every applicable method, via the CLI and JSON.
	var ref map[string]any
	for _, method := range []string{"enumerate", "transfer", "kaufman", "auto"} {
		out, _, err := execApp("exact", "--size", "4x4", "--T", "2.5", "--method", method, "--json")
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v\n%s", method, err, out)
		}
		if method == "auto" && r["method"] != "transfer-m" {
			t.Errorf("auto chose %v, want transfer-m (every quantity, cheap)", r["method"])
		}
		if method == "kaufman" {
			if _, ok := r["m2"]; ok {
				t.Error("kaufman JSON has m2, which it cannot compute")
			}
		}
		if ref == nil {
			ref = r
			for _, k := range []string{"method", "sites", "beta", "ln_z", "free_energy_per_site", "energy_per_site", "heat_capacity_per_site",
				"magnetization_per_site", "abs_magnetization_per_site", "m2", "m4", "binder", "susceptibility_per_site",
				"susceptibility_abs_per_site"} {
				if _, ok := r[k]; !ok {
					t.Errorf("enumerate JSON lacks key %q", k)
				}
			}
			continue
		}
		for _, k := range []string{"ln_z", "energy_per_site", "heat_capacity_per_site"} {
			a, b := r[k].(float64), ref[k].(float64)
			if numeric.RelDiff(a, b) > 1e-12 {
				t.Errorf("%s %s = %v, enumerate %v", method, k, a, b)
			}
		}
	}
}

func TestExactRangeCSVAndTable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	out, _, err := execApp("exact", "--lattice", "chain", "--size", "10", "--h", "0.2", "--T", "1:3:0.5", "--out", p, "--method", "transfer-m")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "\n10    transfer-m ") != 5 {
		t.Errorf("table:\n%s", out)
	}
	// auto picks a method that gives every quantity here (enumeration or
	// transfer-m, whichever its estimate finds cheaper) and says so.
	auto, _, err := execApp("exact", "--lattice", "chain", "--size", "10", "--h", "0.2", "--T", "2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(auto, "gives every quantity") || strings.Contains(strings.SplitN(auto, "\n", 3)[2], " - ") {
		t.Errorf("auto table:\n%s", auto)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[0][5] != "ln_z" || rows[0][10] != "abs_magnetization_per_site" || rows[1][10] == "" {
		t.Errorf("csv rows: %v", rows)
	}
	// JSON array for several temperatures, enumeration agrees with the chain.
	js, _, err := execApp("exact", "--lattice", "chain", "--size", "10", "--h", "0.2", "--T", "1,2", "--json", "--method", "enumerate")
	if err != nil {
		t.Fatal(err)
	}
	var arr []map[string]any
	if err := json.Unmarshal([]byte(js), &arr); err != nil || len(arr) != 2 {
		t.Fatalf("json array: %v\n%s", err, js)
	}
	lnz := 0.0
	for _, r := range rows[1:] {
		if r[3] == "1" {
			lnz = mustFloat(t, r[5])
		}
	}
	if arr[0]["temperature"] != 1.0 || arr[0]["size"] != "10" {
		t.Errorf("json: temperature %v, size %v", arr[0]["temperature"], arr[0]["size"])
	}
	if numeric.RelDiff(lnz, arr[0]["ln_z"].(float64)) > 1e-12 {
		t.Errorf("chain ln Z %v, enumeration %v", lnz, arr[0]["ln_z"])
	}
}

func mustFloat(t *testing.T, s string) float64 {
	var v float64
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestExactOnsager(t *testing.T) {
	out, _, err := execApp("exact", "--size", "8", "--method", "onsager", "--beta", "0.44068679350977151", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	json.Unmarshal([]byte(out), &r)
	if d := math.Abs(r["ln_z"].(float64) - 0.9296953983416); d > 1e-12 {
		t.Errorf("onsager ln Z/N at K_c = %v", r["ln_z"])
	}
	if r["sites"].(float64) != 0 {
		t.Errorf("onsager sites = %v, want 0 (infinite lattice)", r["sites"])
	}
}

func TestExactBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--size", "4x4", "--T", "2", "--method", "magic"}, []string{"--method", "allowed", "transfer-m"}},
		{[]string{"--size", "16x16", "--T", "2", "--method", "transfer-m"}, []string{"--method transfer-m: --size 16x16", "row width 16 > 14", "operations"}},
		{[]string{"--size", "20x40", "--boundary", "open", "--T", "2", "--method", "transfer-m"}, []string{"--size 20x40", "GiB", "at most 2 GiB"}},
		{[]string{"--lattice", "triangular", "--size", "3x3", "--T", "2", "--method", "transfer-m"}, []string{"transfer-m", "square lattice"}},
		{[]string{"--size", "4x4", "--T", "2", "--h", "0.1", "--method", "kaufman"}, []string{"--method kaufman", "zero field"}},
		{[]string{"--lattice", "chain", "--size", "40", "--T", "2", "--method", "enumerate"}, []string{"at most 36", "would take about"}},
		{[]string{"--size", "64", "--h", "0.1", "--T", "2"}, []string{"width 64 > 14", "at most 36"}},
		{[]string{"--size", "30x30", "--boundary", "open", "--T", "2", "--method", "transfer"}, []string{"row width 30 > 24", "GiB"}},
		{[]string{"--size", "4x4", "--T", "-1"}, []string{"--T", "> 0"}},
		{[]string{"--size", "4x4"}, []string{"--beta", "--T"}},
		{[]string{"--size", "4x4", "--T", "2", "--out", "x.txt"}, []string{"--out", ".csv"}},
		{[]string{"--size", "3x5", "--T", "2", "--method", "dos"}, []string{"dos", "even"}},
		{[]string{"--size", "4x4", "--h", "0.1", "--method", "dos", "--json"}, []string{"dos", "zero field"}},
		{[]string{"--lattice", "triangular", "--size", "4x4", "--T", "2", "--method", "kaufman"}, []string{"kaufman", "square torus"}},
		{[]string{"--size", "4x4", "--T", "2", "--J", "-1", "--method", "onsager"}, []string{"onsager", "J > 0"}},
	} {
		_, _, err := execApp(append([]string{"exact"}, c.args...)...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", c.args, err, w)
			}
		}
	}
}

func TestExactDOS(t *testing.T) {
	out, _, err := execApp("exact", "--size", "4x4", "--method", "dos", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Sites int `json:"sites"`
		DOS   []struct {
			Energy float64 `json:"energy"`
			Count  string  `json:"count"`
		} `json:"dos"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Sites != 16 || len(d.DOS) != 15 || d.DOS[0].Energy != -32 || d.DOS[0].Count != "2" || d.DOS[7].Count != "20524" {
		t.Errorf("dos json: %+v", d)
	}
	// Z(beta) from the DOS = Kaufman.
	a, _, err := execApp("exact", "--size", "6x4", "--method", "dos", "--T", "2.3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := execApp("exact", "--size", "6x4", "--method", "kaufman", "--T", "2.3", "--json")
	var ra, rb map[string]any
	json.Unmarshal([]byte(a), &ra)
	json.Unmarshal([]byte(b), &rb)
	if numeric.RelDiff(ra["ln_z"].(float64), rb["ln_z"].(float64)) > 1e-12 || ra["method"] != "dos" {
		t.Errorf("dos %v, kaufman %v", ra, rb)
	}
}

// TestExactTransferM: auto on a 4x4 torus picks the magnetization transfer
// matrix and prints every quantity (no "-"), equal to enumeration, with
// susceptibility_abs_per_site in the JSON and the CSV; the derivative-only
// transfer method leaves <|m|> and chi' out.
func TestExactTransferM(t *testing.T) {
	out, _, err := execApp("exact", "--size", "4x4", "--T", "2.5")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "# auto: transfer-m (gives every quantity") ||
		!strings.HasSuffix(lines[1], "chi'") || strings.Contains(lines[2], " - ") || strings.HasSuffix(lines[2], "-") {
		t.Errorf("table:\n%s", out)
	}
	for _, h := range []string{"0", "0.1"} {
		var got, want map[string]any
		for _, x := range []struct {
			method string
			r      *map[string]any
		}{{"transfer-m", &got}, {"enumerate", &want}} {
			js, _, err := execApp("exact", "--size", "4x3", "--boundary", "periodic,open", "--h", h, "--T", "2", "--method", x.method, "--json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(js), x.r); err != nil {
				t.Fatal(err)
			}
		}
		for _, k := range []string{"ln_z", "energy_per_site", "heat_capacity_per_site", "abs_magnetization_per_site", "m2", "m4", "binder",
			"susceptibility_per_site", "susceptibility_abs_per_site"} {
			a, okA := got[k].(float64)
			b, okB := want[k].(float64)
			if !okA || !okB || numeric.RelDiff(a, b) > 1e-12 {
				t.Errorf("h=%s %s: transfer-m %v, enumerate %v", h, k, got[k], want[k])
			}
		}
	}
	p := filepath.Join(t.TempDir(), "x.csv")
	tbl, _, err := execApp("exact", "--size", "4x4", "--T", "2.5", "--method", "transfer", "--out", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.TrimSpace(tbl), "-") {
		t.Errorf("transfer (derivatives only) should print - for chi':\n%s", tbl)
	}
	b, _ := os.ReadFile(p)
	if rows := strings.Split(string(b), "\n"); !strings.HasSuffix(rows[0], ",susceptibility_abs_per_site") || !strings.HasSuffix(rows[1], ",") {
		t.Errorf("csv:\n%s", b)
	}
}
