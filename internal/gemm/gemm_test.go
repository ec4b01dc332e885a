package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// paths returns the implementations testable on this machine.
func paths() []path {
	p := []path{pathGonum, pathKernel, pathKernel2}
	if hasAsm {
		p = append(p, pathAsm)
	}
	if hasAsm512 {
		p = append(p, pathAsm512)
	}
	return p
}

func pathName(p path) string {
	return [...]string{"gonum", "gokernel6x8", "avx2", "gokernel10x16", "avx512"}[p]
}

// withPath runs f with Dgemm switched to p.
func withPath(p path, f func()) {
	old := current
	current = p
	defer func() { current = old }()
	f()
}

func randSlice(rnd *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 2*rnd.Float64() - 1
	}
	return x
}

// check compares Dgemm with gonum's Dgemm on one problem: relative error
// |c - ref| <= 1e-13 * k * (|alpha| sum_p |a||b| + |beta c|) elementwise.
func check(t *testing.T, rnd *rand.Rand, tA, tB blas.Transpose, m, n, k int, alpha, beta float64, pad int) {
	t.Helper()
	ar, ac := m, k
	if tA == blas.Trans {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB == blas.Trans {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+pad, bc+pad, n+pad
	a := randSlice(rnd, max(0, ar*lda))
	b := randSlice(rnd, max(0, br*ldb))
	c0 := randSlice(rnd, max(0, m*ldc))
	if beta == 0 {
		for i := range c0 {
			c0[i] = math.NaN() // must not be read
		}
	}
	ref := append([]float64(nil), c0...)
	gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, ref, ldc)
	// Error bound from the absolute values.
	aa := make([]float64, len(a))
	bb := make([]float64, len(b))
	for i := range a {
		aa[i] = math.Abs(a[i])
	}
	for i := range b {
		bb[i] = math.Abs(b[i])
	}
	bound := make([]float64, len(c0))
	if beta != 0 {
		for i := range c0 {
			bound[i] = math.Abs(beta * c0[i])
		}
	}
	gonum.Implementation{}.Dgemm(tA, tB, m, n, k, math.Abs(alpha), aa, lda, bb, ldb, 1, bound, ldc)
	for _, p := range paths() {
		c := append([]float64(nil), c0...)
		withPath(p, func() { Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) })
		for i := 0; i < m; i++ {
			for j := 0; j < ldc; j++ {
				x, y := c[i*ldc+j], ref[i*ldc+j]
				if j >= n {
					// Padding must be untouched.
					if math.Float64bits(x) != math.Float64bits(c0[i*ldc+j]) {
						t.Fatalf("%s %v%v m=%d n=%d k=%d: padding (%d,%d) changed", pathName(p), tA, tB, m, n, k, i, j)
					}
					continue
				}
				tol := 1e-13 * float64(max(k, 1)) * bound[i*ldc+j]
				if !(math.Abs(x-y) <= tol) {
					t.Fatalf("%s %v%v m=%d n=%d k=%d alpha=%v beta=%v pad=%d: C[%d,%d] = %v, gonum %v (tol %g)",
						pathName(p), tA, tB, m, n, k, alpha, beta, pad, i, j, x, y, tol)
				}
			}
		}
	}
}

var trans = []blas.Transpose{blas.NoTrans, blas.Trans}

func TestDgemmShapes(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	sizes := []int{1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 31, 64, 100}
	for _, tA := range trans {
		for _, tB := range trans {
			for _, m := range sizes {
				for _, n := range sizes {
					for _, k := range []int{1, 3, 7, 8, 9, 31, 100} {
						check(t, rnd, tA, tB, m, n, k, 1, 0, 0)
					}
				}
			}
		}
	}
}

func TestDgemmAlphaBetaStride(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tA := range trans {
		for _, tB := range trans {
			for _, ab := range [][2]float64{{1, 0}, {1, 1}, {-0.01, 1}, {0.5, -2}, {2, 0.25}, {0, 3}, {0, 0}, {-1, 0}} {
				for _, pad := range []int{0, 1, 5} {
					for _, sh := range [][3]int{{7, 9, 13}, {13, 17, 5}, {6, 8, 4}, {12, 16, 300}, {1, 1, 1}} {
						check(t, rnd, tA, tB, sh[0], sh[1], sh[2], ab[0], ab[1], pad)
					}
				}
			}
		}
	}
}

// TestDgemmLarge covers the cache blocks (k > kc, m > mc, n > nc) and the
// shapes of RBM training.
func TestDgemmLarge(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, sh := range []struct {
		tA, tB  blas.Transpose
		m, n, k int
	}{
		{blas.NoTrans, blas.NoTrans, 100, 128, 784},
		{blas.NoTrans, blas.Trans, 100, 784, 128},
		{blas.Trans, blas.NoTrans, 784, 128, 100},
		{blas.NoTrans, blas.NoTrans, 100, 32, 64},
		{blas.NoTrans, blas.Trans, 100, 64, 32},
		{blas.Trans, blas.NoTrans, 64, 32, 100},
		{blas.NoTrans, blas.NoTrans, 197, 2100, 517},
		{blas.Trans, blas.Trans, 101, 2053, 259},
	} {
		check(t, rnd, sh.tA, sh.tB, sh.m, sh.n, sh.k, 1, 0, 0)
		check(t, rnd, sh.tA, sh.tB, sh.m, sh.n, sh.k, -0.01, 1, 3)
	}
}

// TestAsmMatchesGoKernel checks that the assembly kernels give the same
// bits as their pure-Go reference (same fused operations in the same order).
func TestAsmMatchesGoKernel(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	for _, pair := range [][2]path{{pathKernel, pathAsm}, {pathKernel2, pathAsm512}} {
		if (pair[1] == pathAsm && !hasAsm) || (pair[1] == pathAsm512 && !hasAsm512) {
			t.Logf("%s: not supported by this CPU", pathName(pair[1]))
			continue
		}
		for _, sh := range [][3]int{{6, 8, 1}, {10, 16, 1}, {6, 8, 5}, {10, 16, 3}, {13, 17, 300}, {100, 128, 784}, {784, 128, 100}} {
			for _, beta := range []float64{0, 1, 0.3} {
				m, n, k := sh[0], sh[1], sh[2]
				a, b := randSlice(rnd, m*k), randSlice(rnd, k*n)
				c0 := randSlice(rnd, m*n)
				var res [2][]float64
				for i, p := range pair {
					res[i] = append([]float64(nil), c0...)
					withPath(p, func() { Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 0.7, a, k, b, n, beta, res[i], n) })
				}
				for i := range res[0] {
					if math.Float64bits(res[0][i]) != math.Float64bits(res[1][i]) {
						t.Fatalf("%s %v beta=%v: element %d: go %v, asm %v", pathName(pair[1]), sh, beta, i, res[0][i], res[1][i])
					}
				}
			}
		}
	}
}

func TestDgemmPanics(t *testing.T) {
	for i, f := range []func(){
		func() {
			Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float64, 3), 2, make([]float64, 4), 2, 0, make([]float64, 4), 2)
		},
		func() {
			Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float64, 4), 1, make([]float64, 4), 2, 0, make([]float64, 4), 2)
		},
		func() { Dgemm(blas.NoTrans, blas.NoTrans, -1, 2, 2, 1, nil, 2, nil, 2, 0, nil, 2) },
	} {
		for _, p := range paths() {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("case %d, %s: no panic", i, pathName(p))
					}
				}()
				withPath(p, f)
			}()
		}
	}
}

// TestNoAllocs checks that the packed paths do not allocate in steady state
// (gonum's Dgemm, the fallback, may start goroutines).
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("-race: sync.Pool drops items at random, so the packing buffers are reallocated")
	}
	p := pathKernel
	if Accelerated() {
		p = current
	}
	old := current
	current = p
	defer func() { current = old }()
	a, b, c := make([]float64, 100*784), make([]float64, 784*128), make([]float64, 100*128)
	Dgemm(blas.NoTrans, blas.NoTrans, 100, 128, 784, 1, a, 784, b, 128, 0, c, 128)
	if n := testing.AllocsPerRun(10, func() {
		Dgemm(blas.NoTrans, blas.NoTrans, 100, 128, 784, 1, a, 784, b, 128, 0, c, 128)
	}); n > 0 {
		t.Errorf("%v allocations per call", n)
	}
}

// BenchmarkDgemm reports GFLOP/s (2 m n k per call) for the products of RBM
// training (batch 100).
func BenchmarkDgemm(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, sh := range []struct {
		name    string
		tA, tB  blas.Transpose
		m, n, k int
	}{
		{"vW_100x784x128", blas.NoTrans, blas.NoTrans, 100, 128, 784},
		{"hWT_100x128x784", blas.NoTrans, blas.Trans, 100, 784, 128},
		{"VTH_784x100x128", blas.Trans, blas.NoTrans, 784, 128, 100},
		{"vW_100x64x32", blas.NoTrans, blas.NoTrans, 100, 32, 64},
		{"hWT_100x32x64", blas.NoTrans, blas.Trans, 100, 64, 32},
		{"VTH_64x100x32", blas.Trans, blas.NoTrans, 64, 32, 100},
	} {
		ar, ac := sh.m, sh.k
		if sh.tA == blas.Trans {
			ar, ac = ac, ar
		}
		br, bc := sh.k, sh.n
		if sh.tB == blas.Trans {
			br, bc = bc, br
		}
		a, bb := randSlice(rnd, ar*ac), randSlice(rnd, br*bc)
		c := make([]float64, sh.m*sh.n)
		for _, p := range paths() {
			b.Run(fmt.Sprintf("%s/%s", sh.name, pathName(p)), func(b *testing.B) {
				withPath(p, func() {
					for b.Loop() {
						Dgemm(sh.tA, sh.tB, sh.m, sh.n, sh.k, 1, a, ac, bb, bc, 0, c, sh.n)
					}
				})
				b.ReportMetric(2*float64(sh.m*sh.n*sh.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// TestTilesAgree checks that both register tiles give the same bits (the sum
// over k runs in the same order whatever the tile), so AVX2 and AVX-512
// machines train identically.
func TestTilesAgree(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	for _, tA := range trans {
		for _, tB := range trans {
			for _, sh := range [][3]int{{7, 9, 13}, {100, 128, 300}, {31, 64, 100}} {
				m, n, k := sh[0], sh[1], sh[2]
				a, b := randSlice(rnd, m*k), randSlice(rnd, k*n)
				c0 := randSlice(rnd, m*n)
				lda, ldb := k, n
				if tA == blas.Trans {
					lda = m
				}
				if tB == blas.Trans {
					ldb = k
				}
				var res [2][]float64
				for i, p := range []path{pathKernel, pathKernel2} {
					res[i] = append([]float64(nil), c0...)
					withPath(p, func() { Dgemm(tA, tB, m, n, k, -0.3, a, lda, b, ldb, 1, res[i], n) })
				}
				for i := range res[0] {
					if math.Float64bits(res[0][i]) != math.Float64bits(res[1][i]) {
						t.Fatalf("%v%v %v: element %d: 6x8 %v, 10x16 %v", tA, tB, sh, i, res[0][i], res[1][i])
					}
				}
			}
		}
	}
}

// TestConcurrent runs products of different shapes from several goroutines
// (the packing buffers come from a pool) and compares with sequential runs.
func TestConcurrent(t *testing.T) {
	rnd := rand.New(rand.NewPCG(15, 16))
	type prob struct {
		m, n, k int
		a, b    []float64
		want    []float64
	}
	var probs []prob
	for _, sh := range [][3]int{{100, 128, 784}, {7, 300, 5}, {64, 32, 100}, {300, 20, 600}} {
		p := prob{m: sh[0], n: sh[1], k: sh[2], a: randSlice(rnd, sh[0]*sh[2]), b: randSlice(rnd, sh[2]*sh[1])}
		p.want = make([]float64, p.m*p.n)
		Dgemm(blas.NoTrans, blas.NoTrans, p.m, p.n, p.k, 1, p.a, p.k, p.b, p.n, 0, p.want, p.n)
		probs = append(probs, p)
	}
	errs := make(chan string, 8*20)
	done := make(chan bool)
	for g := range 8 {
		go func() {
			for it := range 20 {
				p := probs[(g+it)%len(probs)]
				c := make([]float64, p.m*p.n)
				Dgemm(blas.NoTrans, blas.NoTrans, p.m, p.n, p.k, 1, p.a, p.k, p.b, p.n, 0, c, p.n)
				for i := range c {
					if math.Float64bits(c[i]) != math.Float64bits(p.want[i]) {
						errs <- fmt.Sprintf("goroutine %d, shape %dx%dx%d: element %d differs", g, p.m, p.n, p.k, i)
						break
					}
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
