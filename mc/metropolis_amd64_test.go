//go:build amd64 && !purego

package mc

import (
	"fmt"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// TestMetropolisAsmMatchesGo checks the assembly loops against the Go loops
// of the compact Metropolis sweep, bit for bit (spins, energy,
// magnetization, flips, random-source state), with 4 and 6 neighbours,
// uniform and ±J couplings and fields.
func TestMetropolisAsmMatchesGo(t *testing.T) {
	defer func() { useMetropolisAsm = true }()
	for mi, m := range compactModels() {
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
