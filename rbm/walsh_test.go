package rbm

import (
	"math"
	"math/bits"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// Brute-force J_S = 2^-N sum_s f(s) prod_{i in S} s_i against the fast transform.
func TestWalshBruteForce(t *testing.T) {
	r := rng.NewRand(1, 7)
	for _, n := range []int{1, 2, 3, 6} {
		f := make([]float64, 1<<n)
		for i := range f {
			f[i] = r.NormFloat64()
		}
		g := append([]float64(nil), f...)
		WalshTransform(g)
		for S := range f {
			var want float64
			for k := range f {
				sign := 1.0
				// prod_{i in S} s_i = (-1)^{#i in S with bit i of k clear}
				if bits.OnesCount(uint(S&^k))%2 == 1 {
					sign = -1
				}
				want += sign * f[k]
			}
			want /= float64(len(f))
			if math.Abs(g[S]-want) > 1e-14 {
				t.Fatalf("N=%d S=%b: fast %v brute %v", n, S, g[S], want)
			}
		}
		InverseWalshTransform(g)
		for k := range f {
			if math.Abs(g[k]-f[k]) > 1e-13 {
				t.Fatalf("N=%d inverse Walsh state %d: %v want %v", n, k, g[k], f[k])
			}
		}
		// Möbius: reconstruct f(v) = sum_{S subset v} c_S.
		c := append([]float64(nil), f...)
		MobiusTransform(c)
		for k := range f {
			var s float64
			for S := range c {
				if S&^k == 0 {
					s += c[S]
				}
			}
			if math.Abs(s-f[k]) > 1e-12 {
				t.Fatalf("N=%d Möbius state %d: %v want %v", n, k, s, f[k])
			}
		}
		InverseMobiusTransform(c)
		for k := range f {
			if math.Abs(c[k]-f[k]) > 1e-12 {
				t.Fatalf("N=%d inverse Möbius state %d: %v want %v", n, k, c[k], f[k])
			}
		}
	}
}

// A pair energy -K s_0 s_2 + B s_1 has exactly two non-zero coefficients.
func TestWalshKnownFunction(t *testing.T) {
	const n = 3
	f := make([]float64, 1<<n)
	for k := range f {
		s := func(i int) float64 { return float64(2*((k>>i)&1) - 1) }
		f[k] = 0.7*s(0)*s(2) - 0.3*s(1) + 2
	}
	WalshTransform(f)
	want := map[int]float64{0: 2, 0b101: 0.7, 0b010: -0.3}
	for S, v := range f {
		if math.Abs(v-want[S]) > 1e-15 {
			t.Errorf("J_%03b = %v, want %v", S, v, want[S])
		}
	}
}

func BenchmarkWalsh20(b *testing.B) {
	f := make([]float64, 1<<20)
	for i := range f {
		f[i] = float64(i % 7)
	}
	b.SetBytes(int64(8 * len(f)))
	for b.Loop() {
		WalshTransform(f)
	}
}
