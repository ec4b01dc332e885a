//go:build amd64 && !purego

package mc

import (
	"fmt"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// TestMetropolisAsmMatchesGo checks the assembly loops against the Go loops
// of the compact Metropolis sweep, bit for bit (spins, energy,
// magnetization, flips, random-source state), with 4 and 6 neighbours,
// uniform and ±J couplings and fields.
func TestMetropolisAsmMatchesGo(t *testing.T) {
	sq, _ := lattice.Square(6, 5, lattice.Periodic, lattice.Periodic)
	tri, _ := lattice.Triangular(6, 6, lattice.Periodic, lattice.Periodic)
	cub, _ := lattice.Cubic(3, 4, 2, lattice.Periodic, lattice.Periodic, lattice.Periodic)
	pm, _ := lattice.Square(8, 8, lattice.Periodic, lattice.Periodic)
	for i := range pm.Fields {
		pm.Fields[i] = float64(i%3 - 1)
	}
	for b := range pm.NumBonds() {
		pm.SetCoupling(b, float64(1-2*(b*7%3%2)))
	}
	defer func() { useMetropolisAsm = true }()
	for mi, m := range []*lattice.Model{sq, tri, cub, pm} {
		for _, beta := range []float64{0.2, 0.45, 1.5} {
			name := fmt.Sprintf("model %d beta %v", mi, beta)
			a := NewMetropolis(m, beta, Sequential, rng.New(3, uint64(mi)))
			b := NewMetropolis(m, beta, Sequential, rng.New(3, uint64(mi)))
			for sw := range 30 {
				useMetropolisAsm = true
				ua, aa := a.Sweep()
				useMetropolisAsm = false
				ub, ab := b.Sweep()
				if ua != ub || aa != ab || a.e != b.e || a.mag != b.mag || string(i8(a.s)) != string(i8(b.s)) || a.u64() != b.u64() {
					t.Fatalf("%s sweep %d: assembly and Go loops differ", name, sw)
				}
			}
		}
	}
}
