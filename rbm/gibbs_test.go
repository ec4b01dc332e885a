package rbm

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// TestGibbsReproducible: the same seed gives the same chains, and a batch row
// is a valid state of the layer.
func TestGibbsReproducible(t *testing.T) {
	r := randomRBM(t, Bernoulli, Bernoulli, 20, 7, 4)
	run := func() *mat.Dense {
		rnd := rng.NewRand(5, 1)
		v := mat.NewDense(3, 20, nil)
		h := mat.NewDense(3, 7, nil)
		r.Gibbs(v, h, 10, rnd)
		return v
	}
	a, b := run(), run()
	if !mat.Equal(a, b) {
		t.Error("same seed, different chains")
	}
	for _, x := range a.RawMatrix().Data {
		if x != 0 && x != 1 {
			t.Fatalf("bernoulli unit has value %v", x)
		}
	}
}

func TestGibbsShapePanics(t *testing.T) {
	r := randomRBM(t, Spin, Gaussian, 4, 3, 1)
	defer func() {
		if recover() == nil {
			t.Error("no panic on a 2 x 5 dst")
		}
	}()
	r.HiddenMean(mat.NewDense(2, 5, nil), mat.NewDense(2, 4, nil))
}

// BenchmarkGibbsPCD is the training hot path: a batch of 100 chains, 784
// Bernoulli visible and 128 Bernoulli hidden units, one full sweep v -> h -> v.
func BenchmarkGibbsPCD(b *testing.B) {
	benchGibbs(b, Bernoulli, Bernoulli, 100, 784, 128)
}

// BenchmarkGibbsHS16 is one chain of the Hubbard–Stratonovich RBM of a 4x4 torus.
func BenchmarkGibbsHS16(b *testing.B) {
	benchGibbs(b, Spin, Gaussian, 1, 16, 16)
}

func benchGibbs(b *testing.B, vt, ht LayerType, batch, n, m int) {
	t := &testing.T{}
	r := randomRBM(t, vt, ht, n, m, 1)
	rnd := rng.NewRand(1, 1)
	v := mat.NewDense(batch, n, nil)
	h := mat.NewDense(batch, m, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r.Gibbs(v, h, 1, rnd)
	}
}

func BenchmarkLogZ20x20(b *testing.B) {
	t := &testing.T{}
	r := randomRBM(t, Spin, Gaussian, 20, 20, 1)
	for range b.N {
		r.LogZ()
	}
}
