package mc

import (
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// TestRegistry checks that every registered algorithm parses by name and
// alias, that kernel algorithms build a kernel, that drivers do not, and
// that every kernel algorithm is exercised by the exact tests (algos).
func TestRegistry(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	tested := map[Algorithm]bool{}
	for _, a := range algos {
		tested[a.alg] = true
		if a.cluster != a.alg.Cluster() {
			t.Errorf("%s: Cluster() = %v", a.alg, a.alg.Cluster())
		}
	}
	for _, r := range Registry() {
		for _, s := range append([]string{string(r.Name)}, r.Aliases...) {
			if a, err := ParseAlgorithm(s); err != nil || a != r.Name {
				t.Errorf("ParseAlgorithm(%q) = %q, %v", s, a, err)
			}
		}
		k, err := NewKernel(m, 0.4, r.Name, Sequential, rng.New(1, 1))
		if (r.New != nil) != (err == nil) || (err == nil) != (k != nil) {
			t.Errorf("%s: NewKernel gave %T, %v (has a constructor: %v)", r.Name, k, err, r.New != nil)
		}
		if r.New != nil && !tested[r.Name] {
			t.Errorf("%s: not in algos, so never checked against exact results", r.Name)
		}
		if r.Help == "" {
			t.Errorf("%s: no help line", r.Name)
		}
	}
	if _, err := ParseAlgorithm("glauber"); err == nil || !strings.Contains(err.Error(), "metropolis, heatbath, wolff, sw, pt") {
		t.Errorf("unknown algorithm: %v", err)
	}
}
