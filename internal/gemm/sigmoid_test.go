package gemm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// checkSigmoid compares SigmoidBias with numeric.Sigmoid bit for bit.
func checkSigmoid(t *testing.T, x, b []float64, scale float64) {
	t.Helper()
	got := append([]float64(nil), x...)
	SigmoidBias(got, b, scale)
	for j := range x {
		want := numeric.Sigmoid(scale * (b[j] + x[j]))
		if math.Float64bits(got[j]) != math.Float64bits(want) && !(math.IsNaN(got[j]) && math.IsNaN(want)) {
			t.Fatalf("scale %v, b %v + x %v: got %v (%#x), numeric.Sigmoid %v (%#x)",
				scale, b[j], x[j], got[j], math.Float64bits(got[j]), want, math.Float64bits(want))
		}
	}
}

// TestSigmoidBiasExact sweeps the whole double range: dense grids where the
// logistic function varies, random bit patterns, and the special values, in
// slices of every length mod 4 (vector groups and scalar tails).
func TestSigmoidBiasExact(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	var x []float64
	for v := -800.0; v <= 800; v += 0.0137 {
		x = append(x, v)
	}
	for range 200000 {
		x = append(x, (2*rnd.Float64()-1)*40)
		x = append(x, math.Float64frombits(rnd.Uint64())) // any double, NaN and Inf included
		x = append(x, rnd.NormFloat64()*math.Exp(rnd.Float64()*20-10))
	}
	special := []float64{0, math.Copysign(0, -1), 707.9999999999999, 708, -708, -707.9999999999999, 709.78, -745.2, -745.1, 1e-310, -1e-310,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, -math.MaxFloat64, 36.7368005696771, -36.7368005696771, 1e-17, -1e-17}
	x = append(x, special...)
	b := make([]float64, len(x))
	for _, scale := range []float64{1, 2} {
		checkSigmoid(t, x, b, scale)
		for i := range b {
			b[i] = rnd.NormFloat64()
		}
		checkSigmoid(t, x, b, scale)
		clear(b)
	}
	// Lengths 0..9 and special values at every position of a group.
	for n := 0; n < 10; n++ {
		for _, s := range special {
			for pos := 0; pos < n; pos++ {
				xs := make([]float64, n)
				for i := range xs {
					xs[i] = rnd.NormFloat64() * 5
				}
				xs[pos] = s
				checkSigmoid(t, xs, make([]float64, n), 1)
			}
		}
	}
}

func TestSigmoidBiasFallback(t *testing.T) {
	old := sigmoidOK
	sigmoidOK = false
	defer func() { sigmoidOK = old }()
	rnd := rand.New(rand.NewPCG(13, 14))
	x, b := make([]float64, 1003), make([]float64, 1003)
	for i := range x {
		x[i], b[i] = rnd.NormFloat64()*10, rnd.NormFloat64()
	}
	checkSigmoid(t, x, b, 1)
	checkSigmoid(t, x, b, 2)
}

func BenchmarkSigmoidBias(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 1))
	x, bias := make([]float64, 784), make([]float64, 784)
	for i := range x {
		bias[i] = rnd.NormFloat64()
	}
	run := func(b *testing.B, f func()) {
		for b.Loop() {
			for i := range x {
				x[i] = rnd.NormFloat64() * 3
			}
			f()
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*len(x)), "ns/elem")
	}
	b.Run("vector", func(b *testing.B) { run(b, func() { SigmoidBias(x, bias, 1) }) })
	b.Run("scalar", func(b *testing.B) {
		run(b, func() {
			for i := range x {
				x[i] = numeric.Sigmoid(bias[i] + x[i])
			}
		})
	})
}
