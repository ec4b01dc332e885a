package fast

import (
	"context"
	"syscall"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

const betaC = 0.44068679350977147

// cpuNanos returns the process's user+system CPU time. The benchmarks report
// throughput both per wall-clock ns (the usual figure) and per CPU ns, which
// is robust on a shared, loaded machine when run with -cpu 1.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// report reports work/ns per wall-clock and per CPU time.
func report(b *testing.B, work float64, cpu0 int64, unit string) {
	b.ReportMetric(work/float64(b.Elapsed().Nanoseconds()), unit+"/ns")
	if c := cpuNanos() - cpu0; c > 0 {
		b.ReportMetric(work/float64(c), unit+"/cpu-ns")
	}
}

// benchSweeps does 20 sweeps of k, then times sweeps and reports perSweep
// units of work per sweep as unit/ns (see report).
func benchSweeps(b *testing.B, k Sweeper, perSweep float64, unit string) {
	for range 20 {
		k.Sweep()
	}
	c0 := cpuNanos()
	for b.Loop() {
		k.Sweep()
	}
	report(b, perSweep*float64(b.N), c0, unit)
}

func benchCheckerboard(b *testing.B, dims []int, alg Algorithm, h float64) {
	k, err := NewCheckerboard(Params{Dims: dims, J: 1, H: h, Beta: betaC, Algorithm: alg}, rng.New(1, 0))
	if err != nil {
		b.Fatal(err)
	}
	benchSweeps(b, k, float64(k.N()), "flips")
}

// BenchmarkCheckerboard reports attempted flips/ns (metropolis.c figure: see the Performance section of README.md).
func BenchmarkCheckerboard(b *testing.B) {
	b.Run("L256/metropolis", func(b *testing.B) { benchCheckerboard(b, []int{256, 256}, Metropolis, 0) })
	b.Run("L256/heatbath", func(b *testing.B) { benchCheckerboard(b, []int{256, 256}, HeatBath, 0) })
	b.Run("L256/metropolis-h", func(b *testing.B) { benchCheckerboard(b, []int{256, 256}, Metropolis, 0.1) })
	b.Run("L256/heatbath-h", func(b *testing.B) { benchCheckerboard(b, []int{256, 256}, HeatBath, 0.1) })
	b.Run("L1024/metropolis", func(b *testing.B) { benchCheckerboard(b, []int{1024, 1024}, Metropolis, 0) })
	b.Run("L32cubic/metropolis", func(b *testing.B) { benchCheckerboard(b, []int{32, 32, 32}, Metropolis, 0) })
	b.Run("L128cubic/metropolis", func(b *testing.B) { benchCheckerboard(b, []int{128, 128, 128}, Metropolis, 0) })
}

func benchReplicas(b *testing.B, dims []int, alg Algorithm, betas []float64) {
	k, err := NewReplicas(Params{Dims: dims, J: 1, Beta: betaC, Algorithm: alg}, betas, rng.New(1, 0))
	if err != nil {
		b.Fatal(err)
	}
	benchSweeps(b, k, float64(k.N()*k.Len()), "replica-updates")
}

// BenchmarkReplicas reports replica-updates/ns of the 64-replica kernel.
func BenchmarkReplicas(b *testing.B) {
	sweep := make([]float64, 64)
	for i := range sweep {
		sweep[i] = 0.3 + 0.3*float64(i)/63
	}
	b.Run("L256/metropolis", func(b *testing.B) { benchReplicas(b, []int{256, 256}, Metropolis, nil) })
	b.Run("L256/heatbath", func(b *testing.B) { benchReplicas(b, []int{256, 256}, HeatBath, nil) })
	b.Run("L256/metropolis-Tsweep", func(b *testing.B) { benchReplicas(b, []int{256, 256}, Metropolis, sweep) })
	b.Run("L32cubic/metropolis", func(b *testing.B) { benchReplicas(b, []int{32, 32, 32}, Metropolis, nil) })
	// The typewriter path (an odd length) and the pure-Go row kernel that
	// machines without AVX-512 use.
	b.Run("L255x256/metropolis-typewriter", func(b *testing.B) { benchReplicas(b, []int{255, 256}, Metropolis, nil) })
	b.Run("L256/metropolis-go", func(b *testing.B) {
		defer func(v int) { replicaKernel = v }(replicaKernel)
		replicaKernel = kernGo
		benchReplicas(b, []int{256, 256}, Metropolis, nil)
	})
	if haveAVX2 {
		b.Run("L256/metropolis-avx2", func(b *testing.B) {
			defer func(v int) { replicaKernel = v }(replicaKernel)
			replicaKernel = kernAVX2
			benchReplicas(b, []int{256, 256}, Metropolis, nil)
		})
		b.Run("L256/heatbath-avx2", func(b *testing.B) {
			defer func(v int) { replicaKernel = v }(replicaKernel)
			replicaKernel = kernAVX2
			benchReplicas(b, []int{256, 256}, HeatBath, nil)
		})
	}
}

func benchCluster(b *testing.B, sw bool) {
	p := Params{Dims: []int{256, 256}, J: 1, Beta: betaC}
	var k *Cluster
	if sw {
		k, _ = NewSwendsenWang(p, rng.New(1, 0))
	} else {
		k, _ = NewWolff(p, rng.New(1, 0))
	}
	for range 20 {
		k.Sweep()
	}
	k.EndAdaptation()
	var flipped int64
	c0 := cpuNanos()
	for b.Loop() {
		f, _ := k.Sweep()
		flipped += f
	}
	report(b, float64(flipped), c0, "flipped")
}

// BenchmarkCluster reports flipped spins/ns of Wolff and Swendsen–Wang at
// L = 256, beta_c (wolff.c figure: see the Performance section of README.md).
func BenchmarkCluster(b *testing.B) {
	b.Run("L256/wolff", func(b *testing.B) { benchCluster(b, false) })
	b.Run("L256/sw", func(b *testing.B) { benchCluster(b, true) })
}

// BenchmarkParallel runs independent kernels on GOMAXPROCS workers (run with
// -cpu 2 to use both cores): two 64-replica groups, or two checkerboard
// lattices at different temperatures. Throughput is per wall-clock ns.
func BenchmarkParallel(b *testing.B) {
	b.Run("replicas-2x64/L256", func(b *testing.B) {
		betas := make([]float64, 128)
		for i := range betas {
			betas[i] = betaC
		}
		set, err := NewReplicaSet(Params{Dims: []int{256, 256}, J: 1}, betas, 1, 0)
		if err != nil {
			b.Fatal(err)
		}
		ks := []Sweeper{set[0], set[1]}
		Parallel(context.Background(), ks, 10, 0)
		for b.Loop() {
			Parallel(context.Background(), ks, 1, 0)
		}
		b.ReportMetric(float64(128*256*256)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "replica-updates/ns")
	})
	b.Run("checkerboard-2T/L256", func(b *testing.B) {
		var ks []Sweeper
		for i, beta := range []float64{betaC, 0.42} {
			k, _ := NewCheckerboard(Params{Dims: []int{256, 256}, J: 1, Beta: beta}, rng.New(1, uint64(i)))
			ks = append(ks, k)
		}
		Parallel(context.Background(), ks, 10, 0)
		for b.Loop() {
			Parallel(context.Background(), ks, 20, 0)
		}
		b.ReportMetric(float64(2*20*256*256)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "flips/ns")
	})
}

// BenchmarkSpins measures exporting a configuration (used for snapshots).
func BenchmarkSpins(b *testing.B) {
	k, _ := NewCheckerboard(Params{Dims: []int{256, 256}, J: 1, Beta: betaC}, rng.New(1, 0))
	var dst []int8
	for b.Loop() {
		dst = k.Spins(dst)
	}
}

// BenchmarkReplicaEnergies measures the bit-sliced per-replica energies.
func BenchmarkReplicaEnergies(b *testing.B) {
	k, _ := NewReplicas(Params{Dims: []int{256, 256}, J: 1, Beta: betaC}, nil, rng.New(1, 0))
	var e []float64
	for b.Loop() {
		e = k.Energies(e)
	}
}

// BenchmarkReplicaMeasure measures Measure (energy and magnetization of 64
// replicas from the bit-sliced words), the per-sweep cost of 'isingrbm mc
// --replicas'.
func BenchmarkReplicaMeasure(b *testing.B) {
	k, _ := NewReplicas(Params{Dims: []int{256, 256}, J: 1, Beta: betaC}, nil, rng.New(1, 0))
	k.Sweep()
	var e, m []float64
	for b.Loop() {
		e, m = k.Measure(e, m)
	}
}
