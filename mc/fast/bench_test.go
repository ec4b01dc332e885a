package fast

import (
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

const betaC = 0.44068679350977147

func benchCheckerboard(b *testing.B, dims []int, alg Algorithm, h float64) {
	k, err := NewCheckerboard(Params{Dims: dims, J: 1, H: h, Beta: betaC, Algorithm: alg}, rng.New(1, 0))
	if err != nil {
		b.Fatal(err)
	}
	for range 20 {
		k.Sweep()
	}
	b.ResetTimer()
	for b.Loop() {
		k.Sweep()
	}
	b.ReportMetric(float64(k.N())*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "flips/ns")
}

// BenchmarkCheckerboard reports attempted flips/ns (metropolis.c figure: see docs/performance.md).
func BenchmarkCheckerboard(b *testing.B) {
	b.Run("L256/metropolis", func(b *testing.B) { benchCheckerboard(b, []int{256, 256}, Metropolis, 0) })
	b.Run("L256/heatbath", func(b *testing.B) { benchCheckerboard(b, []int{256, 256}, HeatBath, 0) })
	b.Run("L256/metropolis-h", func(b *testing.B) { benchCheckerboard(b, []int{256, 256}, Metropolis, 0.1) })
	b.Run("L1024/metropolis", func(b *testing.B) { benchCheckerboard(b, []int{1024, 1024}, Metropolis, 0) })
	b.Run("L32cubic/metropolis", func(b *testing.B) { benchCheckerboard(b, []int{32, 32, 32}, Metropolis, 0) })
}
