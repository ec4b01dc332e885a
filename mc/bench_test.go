package mc

import (
	"fmt"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// Benchmarks of the generic kernels on the L x L torus at K_c (beta = 0.4406868,
// the peers' setting). Reported metrics: ns/flip-attempt for single-spin
// kernels, flips/ns (spins flipped per ns) for cluster kernels. Compare with
// /work/shared/peers/metropolis.c and wolff.c run on the same machine.
//
//	go test -run '^$' -bench . -benchtime 2s ./mc/
const benchBeta = 0.4406868

func BenchmarkKernels(b *testing.B) {
	for _, l := range []int{64, 256} {
		m, _ := lattice.Square(l, l, lattice.Periodic, lattice.Periodic)
		m.Neighbors()
		for _, a := range algos {
			b.Run(fmt.Sprintf("%s/L=%d", a.name, l), func(b *testing.B) {
				k, _ := NewKernel(m, benchBeta, a.alg, a.order, rng.New(1, 0))
				for range 50 {
					k.Sweep()
				}
				if ad, ok := k.(Adapter); ok {
					ad.EndAdaptation()
				}
				var upd int64
				b.ResetTimer()
				for b.Loop() {
					u, _ := k.Sweep()
					upd += u
				}
				ns := float64(b.Elapsed().Nanoseconds())
				if a.cluster {
					b.ReportMetric(float64(upd)/ns, "flips/ns")
				} else {
					b.ReportMetric(ns/float64(upd), "ns/attempt")
				}
			})
		}
	}
}

// BenchmarkChain measures the driver overhead (recording E and M every sweep).
func BenchmarkChainMetropolis64(b *testing.B) {
	m, _ := lattice.Square(64, 64, lattice.Periodic, lattice.Periodic)
	m.Neighbors()
	k := NewMetropolis(m, benchBeta, Sequential, rng.New(1, 0))
	c, _ := NewChain(k, benchBeta, m.N, RunConfig{Sweeps: 1 << 30})
	b.ResetTimer()
	for b.Loop() {
		c.step(c.Done())
		c.done.Add(1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*int64(m.N)), "ns/attempt")
}

// BenchmarkAnalyze measures the error analysis of a 10^5-sweep series.
func BenchmarkAnalyze(b *testing.B) {
	x := ar1(100000, 0.9, 1)
	for b.Loop() {
		Analyze(0.44, 1024, x, x, AnalysisOptions{})
	}
}
