// Package gemm computes the general matrix product
//
//	C = alpha op(A) op(B) + beta C
//
// for row-major float64 matrices (op(X) = X or X^T), with the signature of
// gonum's blas64 Dgemm. On amd64 CPUs with AVX2 and FMA it packs panels of A
// and B into contiguous, cache-blocked buffers and runs an assembly
// micro-kernel (6 x 8 register tile of fused multiply-adds); elsewhere it
// calls blas64's Dgemm (gonum's pure-Go BLAS, or whatever blas64.Use set).
//
// Results are deterministic: every element of C is summed over k in
// increasing order (in blocks of KC, each block accumulated with fused
// multiply-adds and added to C), by one goroutine, so the bits depend on
// the shapes only — not on GOMAXPROCS or on the call history. The assembly
// and pure-Go paths may differ in the last bits (different summation order).
//
// The packing buffers come from a sync.Pool: steady-state calls do not
// allocate, and Dgemm is safe for concurrent use.
package gemm

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Register tile and cache blocking of the packed path.
const (
	mr = 6   // rows of the register tile
	nr = 8   // columns of the register tile
	kc = 256 // depth of a packed block (a 6 x 256 and 8 x 256 panel stay in L1)
	mc = 96  // rows of a packed A block (mc x kc stays in L2)
	nc = 2048
)

// path selects the implementation (tests switch it).
type path int

const (
	pathGonum  path = iota // blas64's Dgemm (gonum's by default)
	pathKernel             // packed, Go micro-kernel (reference for the assembly)
	pathAsm                // packed, assembly micro-kernel
)

// current is the implementation Dgemm uses.
var current = defaultPath()

func defaultPath() path {
	if hasAsm {
		return pathAsm
	}
	return pathGonum
}

// Accelerated reports whether Dgemm uses the assembly kernel on this CPU.
func Accelerated() bool { return current == pathAsm }

type workspace struct {
	a, b []float64 // packed panels
	tile [mr * nr]float64
}

var pool = sync.Pool{New: func() any {
	return &workspace{a: make([]float64, mc*kc), b: make([]float64, kc*nc)}
}}

// Dgemm computes C = alpha op(A) op(B) + beta C, with op(A) m x k, op(B)
// k x n and C m x n, all row-major with leading dimensions lda, ldb, ldc
// (as blas64's Dgemm; A is m x k if tA is blas.NoTrans, else k x m, and
// likewise B). When beta is zero, C is not read (NaNs in C do not
// propagate). It panics on invalid arguments (negative sizes, leading
// dimensions too small, slices too short), like gonum's Dgemm. C must not
// share memory with A or B.
func Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if current == pathGonum {
		blas64.Implementation().Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkArgs(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	w := pool.Get().(*workspace)
	w.dgemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	pool.Put(w)
}

func checkArgs(tA, tB blas.Transpose, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if (tA != blas.NoTrans && tA != blas.Trans && tA != blas.ConjTrans) || (tB != blas.NoTrans && tB != blas.Trans && tB != blas.ConjTrans) {
		panic("gemm: bad transpose")
	}
	if m < 0 || n < 0 || k < 0 {
		panic("gemm: negative dimension")
	}
	ar, ac := m, k
	if tA != blas.NoTrans {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB != blas.NoTrans {
		br, bc = n, k
	}
	if lda < max(1, ac) || ldb < max(1, bc) || ldc < max(1, n) {
		panic("gemm: bad leading dimension")
	}
	if (ar > 0 && ac > 0 && len(a) < lda*(ar-1)+ac) || (br > 0 && bc > 0 && len(b) < ldb*(br-1)+bc) || (m > 0 && n > 0 && len(c) < ldc*(m-1)+n) {
		panic("gemm: slice too short")
	}
}

// scaleC sets C = beta C (C = 0 when beta is zero, without reading C).
func scaleC(m, n int, beta float64, c []float64, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

func (w *workspace) dgemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	asm := current == pathAsm
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			be := beta
			if pc > 0 {
				be = 1
			}
			packB(w.b, tB, b, ldb, pc, kb, jc, nb)
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				packA(w.a, tA, a, lda, ic, mb, pc, kb)
				for jr := 0; jr < nb; jr += nr {
					nn := min(nr, nb-jr)
					bp := w.b[jr*kb : jr*kb+nr*kb]
					for ir := 0; ir < mb; ir += mr {
						mm := min(mr, mb-ir)
						ap := w.a[ir*kb : ir*kb+mr*kb]
						ci := (ic+ir)*ldc + jc + jr
						if mm == mr && nn == nr {
							if asm {
								kernel(kb, &ap[0], &bp[0], &c[ci], ldc, alpha, be)
							} else {
								goKernel(kb, ap, bp, c[ci:], ldc, alpha, be)
							}
							continue
						}
						// Edge tile: compute alpha A B into the tile buffer, then update C.
						t := w.tile[:]
						if asm {
							kernel(kb, &ap[0], &bp[0], &t[0], nr, alpha, 0)
						} else {
							goKernel(kb, ap, bp, t, nr, alpha, 0)
						}
						for i := 0; i < mm; i++ {
							crow := c[ci+i*ldc : ci+i*ldc+nn]
							trow := t[i*nr : i*nr+nn]
							if be == 0 {
								copy(crow, trow)
								continue
							}
							for j, x := range trow {
								crow[j] = math.FMA(be, crow[j], x)
							}
						}
					}
				}
			}
		}
	}
}

// packA copies the block op(A)[i0:i0+mb, p0:p0+kb] into dst as row panels of
// mr rows: panel r holds, for each p in turn, the mr values of column p
// (zero-padded past mb).
func packA(dst []float64, trans bool, a []float64, lda, i0, mb, p0, kb int) {
	for ir := 0; ir < mb; ir += mr {
		mm := min(mr, mb-ir)
		d := dst[ir*kb : ir*kb+mr*kb]
		if !trans {
			// op(A)[i, p] = a[i*lda + p]
			if mm == mr {
				r0 := a[(i0+ir)*lda+p0:]
				r1 := a[(i0+ir+1)*lda+p0:]
				r2 := a[(i0+ir+2)*lda+p0:]
				r3 := a[(i0+ir+3)*lda+p0:]
				r4 := a[(i0+ir+4)*lda+p0:]
				r5 := a[(i0+ir+5)*lda+p0:]
				r0, r1, r2, r3, r4, r5 = r0[:kb], r1[:kb], r2[:kb], r3[:kb], r4[:kb], r5[:kb]
				for p := range kb {
					q := d[p*mr : p*mr+mr : p*mr+mr]
					q[0], q[1], q[2], q[3], q[4], q[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
				}
				continue
			}
			for p := range kb {
				q := d[p*mr : p*mr+mr]
				for i := range mr {
					if i < mm {
						q[i] = a[(i0+ir+i)*lda+p0+p]
					} else {
						q[i] = 0
					}
				}
			}
			continue
		}
		// op(A)[i, p] = a[p*lda + i]: each packed column is a contiguous run
		// (copied element by element: copy's call costs more than 6 moves).
		if mm == mr {
			for p := range kb {
				q := d[p*mr : p*mr+mr : p*mr+mr]
				src := a[(p0+p)*lda+i0+ir:]
				src = src[:mr:mr]
				q[0], q[1], q[2], q[3], q[4], q[5] = src[0], src[1], src[2], src[3], src[4], src[5]
			}
			continue
		}
		for p := range kb {
			q := d[p*mr : p*mr+mr]
			src := a[(p0+p)*lda+i0+ir:]
			n := copy(q[:mm], src[:mm])
			clear(q[n:])
		}
	}
}

// packB copies the block op(B)[p0:p0+kb, j0:j0+nb] into dst as column panels
// of nr columns: panel c holds, for each p in turn, the nr values of row p
// (zero-padded past nb).
func packB(dst []float64, trans bool, b []float64, ldb, p0, kb, j0, nb int) {
	for jr := 0; jr < nb; jr += nr {
		nn := min(nr, nb-jr)
		d := dst[jr*kb : jr*kb+nr*kb]
		if !trans {
			// op(B)[p, j] = b[p*ldb + j]: contiguous runs.
			if nn == nr {
				for p := range kb {
					q := d[p*nr : p*nr+nr : p*nr+nr]
					src := b[(p0+p)*ldb+j0+jr:]
					src = src[:nr:nr]
					q[0], q[1], q[2], q[3] = src[0], src[1], src[2], src[3]
					q[4], q[5], q[6], q[7] = src[4], src[5], src[6], src[7]
				}
				continue
			}
			for p := range kb {
				q := d[p*nr : p*nr+nr]
				src := b[(p0+p)*ldb+j0+jr:]
				n := copy(q[:nn], src[:nn])
				clear(q[n:])
			}
			continue
		}
		// op(B)[p, j] = b[j*ldb + p]
		for j := range nr {
			if j >= nn {
				for p := range kb {
					d[p*nr+j] = 0
				}
				continue
			}
			src := b[(j0+jr+j)*ldb+p0:]
			src = src[:kb]
			for p, x := range src {
				d[p*nr+j] = x
			}
		}
	}
}

// goKernel is the pure-Go reference of the assembly kernel, with the same
// operation order (so the same bits): for each of the mr x nr elements,
// s = sum_p a_p b_p accumulated with fused multiply-adds from zero in
// increasing p, then c = alpha s (beta = 0) or c = fma(beta, c, alpha s).
func goKernel(k int, a, b, c []float64, ldc int, alpha, beta float64) {
	var acc [mr][nr]float64
	for p := range k {
		ap := a[p*mr : p*mr+mr]
		bp := b[p*nr : p*nr+nr]
		for i := range mr {
			for j := range nr {
				acc[i][j] = math.FMA(ap[i], bp[j], acc[i][j])
			}
		}
	}
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		for j := range nr {
			s := alpha * acc[i][j]
			if beta == 0 {
				row[j] = s
			} else {
				row[j] = math.FMA(beta, row[j], s)
			}
		}
	}
}
