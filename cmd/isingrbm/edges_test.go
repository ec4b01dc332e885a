package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEdgesOneBasedEndToEnd: 'isingrbm exact --lattice edges' refuses a
// 1-based edge list in one line naming the file and the fix.
func TestEdgesOneBasedEndToEnd(t *testing.T) {
	p := filepath.Join(t.TempDir(), "one.edges")
	os.WriteFile(p, []byte("1 2 1\n2 3 1\n"), 0o644)
	_, _, err := execApp("exact", "--lattice", "edges", "--edges", p, "--T", "2")
	if err == nil || !strings.Contains(err.Error(), "one.edges: site 0") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
}

// TestSKScale: --scale sqrtn --disorder gaussian --sigma 1 --J 0 is the
// Sherrington-Kirkpatrick model, J_ij ~ N(0, 1/N): mean 0, N var = 1.
func TestSKScale(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sk.edges")
	if _, _, err := execApp("lattice", "--lattice", "complete", "--size", "200", "--scale", "sqrtn",
		"--disorder", "gaussian", "--sigma", "1", "--J", "0", "--export", p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	var n, s, s2 float64
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) != 3 || f[0] == "h" || strings.HasPrefix(f[0], "#") {
			continue
		}
		v := mustFloat(t, f[2])
		n, s, s2 = n+1, s+v, s2+v*v
	}
	mean, nvar := s/n, 200*(s2/n-(s/n)*(s/n))
	if n != 200*199/2 || mean*mean*n*200 > 16 || nvar < 0.97 || nvar > 1.03 {
		t.Errorf("%v bonds, mean %v, N var %v: want N(N-1)/2, 0, 1", n, mean, nvar)
	}
}
