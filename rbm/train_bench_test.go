package rbm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// prototypeData mimics /work/shared/peers/rbm_sklearn.py: 8 random binary
// prototypes, each bit flipped with probability 0.1.
func prototypeData(n, nv int, seed uint64) *mat.Dense {
	rnd := rng.NewRand(seed, 5)
	protos := make([][]bool, 8)
	for p := range protos {
		protos[p] = make([]bool, nv)
		for i := range protos[p] {
			protos[p][i] = rnd.Float64() < 0.5
		}
	}
	x := mat.NewDense(n, nv, nil)
	for s := 0; s < n; s++ {
		p := protos[rnd.IntN(8)]
		row := x.RawRowView(s)
		for i := range row {
			b := p[i] != (rnd.Float64() < 0.1)
			if b {
				row[i] = 1
			}
		}
	}
	return x
}

// processCPU returns the user+system CPU seconds of the process.
func processCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkTrainPCD1 measures training throughput (samples/s) of PCD-1 with
// batch 100 and Bernoulli units on both layers, the setting of scikit-learn's
// BernoulliRBM (peer: /work/shared/peers/rbm_sklearn.py, learning rate 0.05).
// One op is one epoch over 10000 samples.
func BenchmarkTrainPCD1(b *testing.B) {
	for _, sh := range []struct{ nv, nh int }{{64, 32}, {784, 128}} {
		b.Run(fmt.Sprintf("%dx%d", sh.nv, sh.nh), func(b *testing.B) {
			const n = 10000
			data := prototypeData(n, sh.nv, 1)
			r, err := InitRBM(sh.nv, sh.nh, Bernoulli, Bernoulli, nil, 1)
			if err != nil {
				b.Fatal(err)
			}
			cfg := TrainConfig{Method: PCD, K: 1, Epochs: 1, BatchSize: 100, LearningRate: 0.05, Seed: 1}
			cpu0 := processCPU()
			start := time.Now()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Train(context.Background(), r, data, cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "samples/s")
			// On a shared, loaded machine the CPU-time rate is the steadier figure.
			b.ReportMetric(float64(n*b.N)/(processCPU()-cpu0), "samples/cpu-s")
		})
	}
}

// TestPCGMirror checks that the inlined generator of the sampling loops
// returns exactly the numbers of the rand.PCG it mirrors, and hands the
// state back so that later draws continue the same sequence.
func TestPCGMirror(t *testing.T) {
	a, b := rng.New(3, 4), rng.New(3, 4)
	ra := rand.New(a)
	for round := range 5 {
		var g pcgDXSM
		g.load(b)
		for i := range 1000 + round {
			if x, y := ra.Float64(), g.float64(); x != y {
				t.Fatalf("round %d, draw %d: rand.Rand.Float64 %v, mirror %v", round, i, x, y)
			}
		}
		g.store(b)
		if x, y := ra.Uint64(), b.Uint64(); x != y {
			t.Fatalf("round %d: after store: %#x, want %#x", round, y, x)
		}
	}
}

// BenchmarkGibbsWeights compares block Gibbs sweeps of two 64 x 64 models of
// the same shape: ordinary weights, and weights so large that most hidden
// inputs are saturated (|b + t| in the hundreds). Sampling speed must not
// depend on the weights (the saturated sigmoid used to go through
// subnormal intermediates of math.Exp, several times slower).
func BenchmarkGibbsWeights(b *testing.B) {
	for _, c := range []struct {
		name  string
		scale float64
	}{{"normal", 0.1}, {"saturated", 20}} {
		b.Run(c.name, func(b *testing.B) {
			n, m := 64, 64
			w := mat.NewDense(n, m, nil)
			for i := 0; i < n; i++ {
				for j := 0; j < m; j++ {
					w.Set(i, j, c.scale*float64((i*7+j*3)%11-5))
				}
			}
			r, err := New(Layer{Type: Spin, Bias: make([]float64, n)}, Layer{Type: Bernoulli, Bias: make([]float64, m)}, w)
			if err != nil {
				b.Fatal(err)
			}
			rnd := rng.NewRand(1, 2)
			v := mat.NewDense(256, n, nil)
			for i := 0; i < 256; i++ {
				for j := 0; j < n; j++ {
					v.Set(i, j, float64(2*rnd.IntN(2)-1))
				}
			}
			h := mat.NewDense(256, m, nil)
			b.ResetTimer()
			for range b.N {
				r.Gibbs(v, h, 1, rnd)
			}
		})
	}
}
