package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestRGStack(t *testing.T) {
	dir := t.TempDir()
	out, _, err := execApp("rg", "stack", "--size", "8", "--samples", "300", "--epochs", "2", "--layers", "16,4",
		"--flow-T", "2,3", "--flow-steps", "2", "--flow-samples", "50", "--seed", "3", "--out", dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var s stackSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err, out)
	}
	if s.L != 8 || len(s.Locality) != 2 || len(s.Control) != 2 || len(s.Flow) != 2 || len(s.Flow[0].Points) != 3 {
		t.Fatalf("summary: L %d, %d localities, %d controls, %d flows", s.L, len(s.Locality), len(s.Control), len(s.Flow))
	}
	if s.Method != "cd" || s.Units != "spin" || s.L1 != 0.02 || s.Layers[0] != 16 {
		t.Errorf("summary config %+v", s)
	}
	for _, f := range []string{"samples.npy", "layer1.json", "layer2.json", "summary.json", "rg_stack_fields_layer1.png",
		"rg_stack_fields_layer2.svg", "rg_stack_locality.png", "rg_stack_flow.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// The same seed gives the same summary (timings aside).
	out2, _, err := execApp("rg", "stack", "--size", "8", "--samples", "300", "--epochs", "2", "--layers", "16,4",
		"--flow-T", "2,3", "--flow-steps", "2", "--flow-samples", "50", "--seed", "3", "--out", dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var s2 stackSummary
	if err := json.Unmarshal([]byte(out2), &s2); err != nil {
		t.Fatal(err)
	}
	if s.Locality[0] != s2.Locality[0] || s.Flow[1].Points[2] != s2.Flow[1].Points[2] {
		t.Errorf("two runs with one seed differ: %+v vs %+v", s.Locality[0], s2.Locality[0])
	}
}

func TestRGStackBadFlags(t *testing.T) {
	dir := t.TempDir()
	wantError(t, "--size", "rg", "stack", "--size", "3", "--out", dir)
	wantError(t, "--size", "rg", "stack", "--size", "8x16", "--out", dir)
	wantError(t, "--T", "rg", "stack", "--T", "0", "--out", dir)
	wantError(t, "--samples", "rg", "stack", "--samples", "10", "--out", dir)
	wantError(t, "--layers", "rg", "stack", "--size", "8", "--layers", "16,x", "--out", dir)
	wantError(t, "--layers", "rg", "stack", "--size", "8", "--layers", "0", "--out", dir)
	wantError(t, "--method", "rg", "stack", "--method", "exact", "--out", dir)
	wantError(t, "--units", "rg", "stack", "--units", "gaussian", "--out", dir)
	wantError(t, "--input mean", "rg", "stack", "--method", "pl", "--input", "mean", "--out", dir)
	wantError(t, "--l1", "rg", "stack", "--l1", "-1", "--out", dir)
	wantError(t, "--flow-T", "rg", "stack", "--flow-T", "2,abc", "--out", dir)
	wantError(t, "--flow-steps", "rg", "stack", "--flow-steps", "-1", "--out", dir)
	wantError(t, "--epochs", "rg", "stack", "--epochs", "0", "--out", dir)
}
