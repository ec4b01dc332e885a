package lattice

import (
	"strings"
	"testing"
)

// TestReadEdgesOneBased: a file numbered from 1 (site 0 in no line, no
// "sites N") is refused with a one-line error naming the fix; with a "sites
// N" line an isolated site 0 is deliberate and accepted; a 0-based file reads.
func TestReadEdgesOneBased(t *testing.T) {
	_, err := ReadEdges(strings.NewReader("1 2 1\n2 3 1\n3 1 1\n"), "tri.edges")
	if err == nil || !strings.Contains(err.Error(), "tri.edges: site 0") || !strings.Contains(err.Error(), "0-based") ||
		!strings.Contains(err.Error(), "sites 4") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("1-based file: err = %v", err)
	}
	m, err := ReadEdges(strings.NewReader("sites 4\n1 2 1\n2 3 1\n3 1 1\n"), "tri.edges")
	if err != nil || m.N != 4 {
		t.Fatalf("declared isolated site: %v", err)
	}
	if m, err := ReadEdges(strings.NewReader("0 1 1\n1 2 1\n2 0 1\n"), "tri.edges"); err != nil || m.N != 3 {
		t.Fatalf("0-based file: %v", err)
	}
	if m, err := ReadEdges(strings.NewReader("h 0 0.5\n1 2 1\n"), "f.edges"); err != nil || m.N != 3 {
		t.Fatalf("site 0 in a field line: %v", err)
	}
}
