package mc

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// compactModels are the models of the compact-sweep equivalence tests: 4
// and 6 neighbours (square, triangular, cubic), uniform couplings, and ±J
// couplings with fields.
func compactModels() []*lattice.Model {
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
	return []*lattice.Model{sq, tri, cub, pm}
}

// TestMetropolisCompactSameChain checks that the compact Metropolis sweep
// (fixed-stride neighbours, inlined PCG) is the general integer path bit for
// bit: the same spins, energy, magnetization, flip counts and random-source
// state after every sweep, in both site orders, on uniform, triangular,
// ±J-disordered and field-carrying models.
func TestMetropolisCompactSameChain(t *testing.T) {
	for mi, m := range compactModels() {
		for _, order := range []Order{Sequential, Random} {
			name := fmt.Sprintf("model %d %s", mi, order)
			a := NewMetropolis(m, 0.45, order, rng.New(2, uint64(mi)))
			b := NewMetropolis(m, 0.45, order, rng.New(2, uint64(mi)))
			if a.rec == nil {
				t.Fatalf("%s: no compact layout", name)
			}
			b.rec = nil // the general integer path
			for sw := range 20 {
				ua, aa := a.Sweep()
				ub, ab := b.Sweep()
				if ua != ub || aa != ab || a.e != b.e || a.mag != b.mag || string(i8(a.s)) != string(i8(b.s)) || a.u64() != b.u64() {
					t.Fatalf("%s sweep %d: compact and general paths differ", name, sw)
				}
				if e := m.Energy(a.s); e != a.e {
					t.Fatalf("%s sweep %d: tracked energy %v, recount %v", name, sw, a.e, e)
				}
			}
		}
	}
}

func i8(s []int8) []byte {
	b := make([]byte, len(s))
	for i, v := range s {
		b[i] = byte(v)
	}
	return b
}

// BenchmarkMetropolisGeneric reports ns per attempted flip (per wall and per
// CPU ns) of the generic Metropolis kernel at beta = 0.4406868, sequential
// order, on the 256x256 torus (metropolis.c's setting), the triangular
// lattice and a ±J spin glass of the same size.
func BenchmarkMetropolisGeneric(b *testing.B) {
	sq, _ := lattice.Square(256, 256, lattice.Periodic, lattice.Periodic)
	sq64, _ := lattice.Square(64, 64, lattice.Periodic, lattice.Periodic)
	tri, _ := lattice.Triangular(256, 256, lattice.Periodic, lattice.Periodic)
	pm, _ := lattice.Square(256, 256, lattice.Periodic, lattice.Periodic)
	if err := pm.SetCouplings(lattice.Dist{Kind: lattice.PlusMinus, Mean: 1}, rng.New(1, 9)); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    *lattice.Model
	}{{"square", sq}, {"square64", sq64}, {"triangular", tri}, {"pmJ", pm}} {
		for _, order := range []Order{Sequential, Random} {
			b.Run(c.name+"/"+string(order), func(b *testing.B) {
				k := NewMetropolis(c.m, 0.4406868, order, rng.New(1, 0))
				k.Sweep()
				c0 := cpuNanos()
				for b.Loop() {
					k.Sweep()
				}
				att := float64(b.N) * float64(c.m.N)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/att, "ns/attempt")
				b.ReportMetric(float64(cpuNanos()-c0)/att, "cpu-ns/attempt")
			})
		}
	}
}

func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
