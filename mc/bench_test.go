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

// BenchmarkTempering measures parallel tempering (4 replicas around K_c,
// local move Metropolis in sequential order and Wolff) per attempted
// single-spin update or flipped spin, swaps and measurement included.
func BenchmarkTempering(b *testing.B) {
	betas := []float64{0.42, 0.4336, 0.4472, 0.46}
	for _, l := range []int{32, 128} {
		m, _ := lattice.Square(l, l, lattice.Periodic, lattice.Periodic)
		m.Neighbors()
		for _, a := range []algo{algos[1], algos[4]} {
			b.Run(fmt.Sprintf("%s/L=%d", a.name, l), func(b *testing.B) {
				reps := make([]TemperedKernel, len(betas))
				for i := range reps {
					reps[i], _ = NewKernel(m, betas[i], a.alg, a.order, rng.New(1, uint64(i)))
				}
				pt, _ := NewTempering(betas, m.N, reps, rng.New(1, 99), RunConfig{Thermalize: 20, Sweeps: 1 << 30})
				for d := int64(0); d < 20; d++ {
					pt.step(d)
				}
				b.ResetTimer()
				d := int64(20)
				for b.Loop() {
					pt.step(d)
					d++
				}
				var upd int64
				for _, s := range pt.Series {
					upd += s.Updates
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
