package fast

import (
	"fmt"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

func benchReplicasPMJ(b *testing.B, dims []int, alg Algorithm, beta float64, kern int) {
	defer func(v int) { replicaKernel = v }(replicaKernel)
	replicaKernel = kern
	k, err := NewReplicasPMJ(Params{Dims: dims, J: 1, Beta: beta, Algorithm: alg}, randomSigns(dims, 1), nil, rng.New(1, 0))
	if err != nil {
		b.Fatal(err)
	}
	benchSweeps(b, k, float64(k.N()*k.Len()), "replica-updates")
}

// BenchmarkReplicasPMJ reports replica-updates/ns of 64 replicas of one ±J
// instance: L = 64 square lattice at T = 1 and L = 16 simple cubic lattice
// at T = 1.1 (near the ±J spin-glass transition), with the fastest row
// kernel, and the pure-Go row kernel.
func BenchmarkReplicasPMJ(b *testing.B) {
	sq, cu := []int{64, 64}, []int{16, 16, 16}
	best := bestReplicaKernel()
	b.Run("L64/metropolis", func(b *testing.B) { benchReplicasPMJ(b, sq, Metropolis, 1, best) })
	b.Run("L64/heatbath", func(b *testing.B) { benchReplicasPMJ(b, sq, HeatBath, 1, best) })
	b.Run("L16cubic/metropolis", func(b *testing.B) { benchReplicasPMJ(b, cu, Metropolis, 1/1.1, best) })
	b.Run("L16cubic/heatbath", func(b *testing.B) { benchReplicasPMJ(b, cu, HeatBath, 1/1.1, best) })
	b.Run("L64/metropolis-go", func(b *testing.B) { benchReplicasPMJ(b, sq, Metropolis, 1, kernGo) })
	b.Run("L16cubic/metropolis-go", func(b *testing.B) { benchReplicasPMJ(b, cu, Metropolis, 1/1.1, kernGo) })
	if haveAVX2 {
		b.Run("L64/metropolis-avx2", func(b *testing.B) { benchReplicasPMJ(b, sq, Metropolis, 1, kernAVX2) })
		b.Run("L16cubic/metropolis-avx2", func(b *testing.B) { benchReplicasPMJ(b, cu, Metropolis, 1/1.1, kernAVX2) })
	}
}

// BenchmarkReplicasPMJMeasure reports ns per call of Measure (energies and
// magnetizations) and Overlaps (32 pairs) of 64 ±J replicas, L = 64 and
// 16³ (compare with the ns/op of a sweep in BenchmarkReplicasPMJ).
func BenchmarkReplicasPMJMeasure(b *testing.B) {
	for _, dims := range [][]int{{64, 64}, {16, 16, 16}} {
		k, err := NewReplicasPMJ(Params{Dims: dims, J: 1, Beta: 1}, randomSigns(dims, 1), nil, rng.New(1, 0))
		if err != nil {
			b.Fatal(err)
		}
		k.Sweep()
		b.Run(fmt.Sprintf("%v/measure", dims), func(b *testing.B) {
			var e, m []float64
			for b.Loop() {
				e, m = k.Measure(e, m)
			}
		})
		b.Run(fmt.Sprintf("%v/overlaps", dims), func(b *testing.B) {
			var q []float64
			for b.Loop() {
				q = k.Overlaps(32, q)
			}
		})
	}
}
