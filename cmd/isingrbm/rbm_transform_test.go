package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/isingrbm/isingrbm/internal/datafile"
	"github.com/isingrbm/isingrbm/rbm"
)

// rbm transform writes E[h | v] of every sample: tanh(b + v W) for spin
// hidden units, checked against the model file, as .npy and as a CSV with a
// header row.
func TestRBMTransform(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	if _, _, err := execApp("hs", "--size", "2x2", "--beta", "0.4", "--hidden", "bond", "--export", model); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "d.csv")
	os.WriteFile(data, []byte("1,1,-1,1\n-1,-1,-1,-1\n1,-1,1,-1\n"), 0o644)
	npy, csvPath := filepath.Join(dir, "h.npy"), filepath.Join(dir, "h.csv")
	for _, out := range []string{npy, csvPath} {
		if _, _, err := execApp("rbm", "transform", "--model", model, "--data", data, "--out", out); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := os.Open(model)
	r, err := rbm.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	n, m := r.Dims()
	x, _ := rbm.LoadData(data)
	nf, _ := os.Open(npy)
	st, _ := nf.Stat()
	arr, err := datafile.ReadNPY(nf, st.Size())
	nf.Close()
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := os.Open(csvPath)
	recs, err := csv.NewReader(cf).ReadAll()
	cf.Close()
	if err != nil || len(recs) != 4 || len(recs[0]) != m || recs[0][0] != "h0" {
		t.Fatalf("csv: %v %v", err, recs)
	}
	for k := 0; k < 3; k++ {
		for mu := 0; mu < m; mu++ {
			t0 := r.Hidden.Bias[mu]
			for i := 0; i < n; i++ {
				t0 += x.At(k, i) * r.W.At(i, mu)
			}
			got, _ := strconv.ParseFloat(recs[k+1][mu], 64)
			if math.Abs(got-math.Tanh(t0)) > 1e-15 || arr.Float64(k*m+mu) != got {
				t.Errorf("sample %d unit %d: %v, want tanh = %v", k, mu, got, math.Tanh(t0))
			}
		}
	}
	wantError(t, "--out", "rbm", "transform", "--model", model, "--data", data, "--out", filepath.Join(dir, "h.txt"))
}
