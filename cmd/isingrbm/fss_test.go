package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/mc"
)

// TestFSSCommand runs mc --reweight for L = 8 and 16 and checks the fss
// JSON (one crossing near T_c, exponents present) and its refusals.
func TestFSSCommand(t *testing.T) {
	dir := t.TempDir()
	files := []string{}
	for _, l := range []string{"8x8", "16x16"} {
		p := filepath.Join(dir, l+".json")
		if _, _, err := execApp("mc", "--size", l, "--T", "2.2,2.27,2.34", "--algorithm", "wolff", "--sweeps", "4000",
			"--reweight", "2.23:2.31:0.01", "--out", p, "--progress=false"); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	out, _, err := execApp(append([]string{"fss", "--json", "--plot", filepath.Join(dir, "fss")}, files...)...)
	if err != nil {
		t.Fatal(err)
	}
	var r mc.FSSResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Crossings) != 1 || r.Crossings[0].Sizes != [2]int{8, 16} || r.Crossings[0].Temperature.Mean < 2.24 || r.Crossings[0].Temperature.Mean > 2.30 ||
		!(r.Exponents.GammaOverNu.Error > 0) {
		t.Errorf("fss: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "fss.png")); err != nil {
		t.Errorf("no figure: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"fss", files[0]}, "at least 2"},
		{[]string{"fss", "--tc", "-1", files[0], files[1]}, "--tc"},
		{[]string{"fss", "--omega", "1", files[0], files[1]}, "--omega"},
	} {
		if _, _, err := execApp(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}
