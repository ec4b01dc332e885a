package transfer

import (
	"context"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// BenchmarkEnumerateHistogram5x5: uniform torus with field (integer
// histogram path); states/s is reported.
func BenchmarkEnumerateHistogram5x5(b *testing.B) {
	m := setField(mustSquare(b, 5, 5, lattice.Periodic, lattice.Periodic), 0.1)
	for b.Loop() {
		if _, err := Enumerate(context.Background(), m, 0.44, EnumOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(1<<25)/b.Elapsed().Seconds(), "states/s")
}

// BenchmarkEnumerateFloat5x5: Gaussian couplings (float path with exp per state).
func BenchmarkEnumerateFloat5x5(b *testing.B) {
	m := mustSquare(b, 5, 5, lattice.Periodic, lattice.Periodic)
	r := rng.NewRand(1, 1)
	for i := range m.Bonds() {
		m.SetCoupling(i, r.NormFloat64())
	}
	for b.Loop() {
		if _, err := Enumerate(context.Background(), m, 0.44, EnumOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(1<<25)/b.Elapsed().Seconds(), "states/s")
}

func BenchmarkKaufman1024(b *testing.B) {
	for b.Loop() {
		if _, err := Kaufman(1024, 1024, 1, 1, KCritical); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOnsager(b *testing.B) {
	for b.Loop() {
		if _, err := Onsager(1, 0.43); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDOS32x32(b *testing.B) {
	for b.Loop() {
		if _, err := DOS(context.Background(), 32, 32); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDOS16x16(b *testing.B) {
	for b.Loop() {
		if _, err := DOS(context.Background(), 16, 16); err != nil {
			b.Fatal(err)
		}
	}
}
