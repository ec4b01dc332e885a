package gemm

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Cache blocking of the packed path: a kc-deep panel of the register tile's
// rows and columns stays in L1, an mc x kc block of A in L2.
const (
	kc = 256
	mc = 120 // a multiple of every tile's rows
	nc = 2048

	maxMR, maxNR = 10, 16
)

// tile is a register tile: the micro-kernel computes mr x nr of C.
type tile struct {
	mr, nr int
	// asm computes the tile c = alpha a b (beta = 0; c is not read) or
	// c = fma(beta, c, alpha a b) from the packed panels a (k x mr) and b
	// (k x nr); c has leading dimension ldc. nil for the Go kernel.
	asm func(k int, a, b, c *float64, ldc int, alpha, beta float64)
}

var (
	tileAVX2   = tile{6, 8, kernel}
	tileAVX512 = tile{10, 16, kernel512}
)

// path selects the implementation (tests switch it).
type path int

const (
	pathGonum   path = iota // blas64's Dgemm (gonum's by default)
	pathKernel              // packed, Go micro-kernel with the 6 x 8 tile (reference)
	pathAsm                 // packed, AVX2 assembly micro-kernel, 6 x 8
	pathKernel2             // packed, Go micro-kernel with the 10 x 16 tile (reference)
	pathAsm512              // packed, AVX-512 assembly micro-kernel, 10 x 16
)

// current is the implementation Dgemm uses.
var current = defaultPath()

func defaultPath() path {
	switch {
	case hasAsm512:
		return pathAsm512
	case hasAsm:
		return pathAsm
	}
	return pathGonum
}

// Accelerated reports whether Dgemm uses the assembly kernel on this CPU.
func Accelerated() bool { return current == pathAsm || current == pathAsm512 }

// Kernel names the implementation Dgemm uses on this CPU: "avx512" or "avx2"
// (the assembly micro-kernels) or "gonum" (the blas64 fallback).
func Kernel() string {
	switch current {
	case pathAsm512:
		return "avx512"
	case pathAsm:
		return "avx2"
	case pathGonum:
		return "gonum"
	}
	return "go-reference"
}

type workspace struct {
	a, b []float64 // packed panels
	tile [maxMR * maxNR]float64
}

var pool = sync.Pool{New: func() any { return new(workspace) }}

// grow makes the packing buffers large enough for an m x n x k product
// (they only grow, up to mc x kc and kc x nc).
func (w *workspace) grow(tl tile, m, n, k int) {
	kb := min(k, kc)
	if need := kb * roundUp(min(m, mc), tl.mr); len(w.a) < need {
		w.a = make([]float64, need)
	}
	if need := kb * roundUp(min(n, nc), tl.nr); len(w.b) < need {
		w.b = make([]float64, need)
	}
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }

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
	var tl tile
	switch current {
	case pathKernel:
		tl = tile{6, 8, nil}
	case pathAsm:
		tl = tileAVX2
	case pathKernel2:
		tl = tile{10, 16, nil}
	default:
		tl = tileAVX512
	}
	w := pool.Get().(*workspace)
	w.grow(tl, m, n, k)
	w.dgemm(tl, tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
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

func (w *workspace) dgemm(tl tile, tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	mr, nr := tl.mr, tl.nr
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			be := beta
			if pc > 0 {
				be = 1
			}
			packB(w.b, nr, tB, b, ldb, pc, kb, jc, nb)
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				packA(w.a, mr, tA, a, lda, ic, mb, pc, kb)
				for jr := 0; jr < nb; jr += nr {
					nn := min(nr, nb-jr)
					bp := w.b[jr*kb : jr*kb+nr*kb]
					for ir := 0; ir < mb; ir += mr {
						mm := min(mr, mb-ir)
						ap := w.a[ir*kb : ir*kb+mr*kb]
						ci := (ic+ir)*ldc + jc + jr
						if mm == mr && nn == nr {
							if tl.asm != nil {
								tl.asm(kb, &ap[0], &bp[0], &c[ci], ldc, alpha, be)
							} else {
								goKernel(mr, nr, kb, ap, bp, c[ci:], ldc, alpha, be)
							}
							continue
						}
						// Edge tile: compute alpha A B into the tile buffer, then update C.
						t := w.tile[:mr*nr]
						if tl.asm != nil {
							tl.asm(kb, &ap[0], &bp[0], &t[0], nr, alpha, 0)
						} else {
							goKernel(mr, nr, kb, ap, bp, t, nr, alpha, 0)
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

// panelWidth reports whether copyRuns and gatherRows have an unrolled loop for
// panels of w values (the kernels' mr = 6, 10 and nr = 8, 16).
func panelWidth(w int) bool { return w == 6 || w == 8 || w == 10 || w == 16 }

// packA copies the block op(A)[i0:i0+mb, p0:p0+kb] into dst as row panels of
// mr rows: panel r holds, for each p in turn, the mr values of column p
// (zero-padded past mb).
func packA(dst []float64, mr int, trans bool, a []float64, lda, i0, mb, p0, kb int) {
	for ir := 0; ir < mb; ir += mr {
		mm := min(mr, mb-ir)
		d := dst[ir*kb : ir*kb+mr*kb]
		if !trans {
			// op(A)[i, p] = a[i*lda + p].
			if mm == mr && panelWidth(mr) {
				gatherRows(d, mr, a[(i0+ir)*lda+p0:], lda, kb)
				continue
			}
			// Edge panel: read each row, write with stride mr.
			for i := range mr {
				if i >= mm {
					for p := range kb {
						d[p*mr+i] = 0
					}
					continue
				}
				src := a[(i0+ir+i)*lda+p0:]
				src = src[:kb]
				for p, x := range src {
					d[p*mr+i] = x
				}
			}
			continue
		}
		// op(A)[i, p] = a[p*lda + i]: each packed column is a contiguous run.
		if mm == mr && panelWidth(mr) {
			copyRuns(d, mr, a[p0*lda+i0+ir:], lda, kb)
			continue
		}
		for p := range kb {
			q := d[p*mr : p*mr+mr]
			src := a[(p0+p)*lda+i0+ir:]
			src = src[:mm]
			for i, x := range src {
				q[i] = x
			}
			clear(q[mm:])
		}
	}
}

// packB copies the block op(B)[p0:p0+kb, j0:j0+nb] into dst as column panels
// of nr columns: panel c holds, for each p in turn, the nr values of row p
// (zero-padded past nb). Column j of op(B) is row j of op(B)^T, whose storage
// is b read with the other transposition, so this is packA of op(B)^T.
func packB(dst []float64, nr int, trans bool, b []float64, ldb, p0, kb, j0, nb int) {
	packA(dst, nr, !trans, b, ldb, j0, nb, p0, kb)
}

// copyRuns sets d[p*w : p*w+w] = src[p*ld : p*ld+w] for p < kb, for the
// panel widths w = 6, 8, 10 or 16 (unrolled: a copy call per run costs more).
func copyRuns(d []float64, w int, src []float64, ld, kb int) {
	d = d[:kb*w]
	switch w {
	case 6:
		for p := range kb {
			q, s := d[p*6:p*6+6:p*6+6], src[p*ld:p*ld+6:p*ld+6]
			q[0], q[1], q[2], q[3], q[4], q[5] = s[0], s[1], s[2], s[3], s[4], s[5]
		}
	case 8:
		for p := range kb {
			q, s := d[p*8:p*8+8:p*8+8], src[p*ld:p*ld+8:p*ld+8]
			q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7] = s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
		}
	case 10:
		for p := range kb {
			q, s := d[p*10:p*10+10:p*10+10], src[p*ld:p*ld+10:p*ld+10]
			q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9] = s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]
		}
	case 16:
		for p := range kb {
			q, s := d[p*16:p*16+16:p*16+16], src[p*ld:p*ld+16:p*ld+16]
			q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7] = s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
			q[8], q[9], q[10], q[11], q[12], q[13], q[14], q[15] = s[8], s[9], s[10], s[11], s[12], s[13], s[14], s[15]
		}
	default:
		panic("gemm: copyRuns width")
	}
}

// gatherRows sets d[p*w + i] = src[i*ld + p] for i < w, p < kb (w rows of
// src interleaved), for w = 6, 8, 10 or 16: the rows are read in parallel,
// in groups of at most 8 so that the slices stay in registers.
func gatherRows(d []float64, w int, src []float64, ld, kb int) {
	d = d[:kb*w]
	for i0 := 0; i0 < w; i0 += 8 {
		switch min(8, w-i0) {
		case 8:
			r0, r1, r2, r3 := src[i0*ld:][:kb], src[(i0+1)*ld:][:kb], src[(i0+2)*ld:][:kb], src[(i0+3)*ld:][:kb]
			r4, r5, r6, r7 := src[(i0+4)*ld:][:kb], src[(i0+5)*ld:][:kb], src[(i0+6)*ld:][:kb], src[(i0+7)*ld:][:kb]
			for p := range kb {
				q := d[p*w+i0 : p*w+i0+8 : p*w+i0+8]
				q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p], r6[p], r7[p]
			}
		case 6:
			r0, r1, r2, r3 := src[i0*ld:][:kb], src[(i0+1)*ld:][:kb], src[(i0+2)*ld:][:kb], src[(i0+3)*ld:][:kb]
			r4, r5 := src[(i0+4)*ld:][:kb], src[(i0+5)*ld:][:kb]
			for p := range kb {
				q := d[p*w+i0 : p*w+i0+6 : p*w+i0+6]
				q[0], q[1], q[2], q[3], q[4], q[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
			}
		case 2:
			r0, r1 := src[i0*ld:][:kb], src[(i0+1)*ld:][:kb]
			for p := range kb {
				q := d[p*w+i0 : p*w+i0+2 : p*w+i0+2]
				q[0], q[1] = r0[p], r1[p]
			}
		default:
			panic("gemm: gatherRows width")
		}
	}
}

// goKernel is the pure-Go reference of the assembly kernels, with the same
// operation order (so the same bits): for each of the mr x nr elements,
// s = sum_p a_p b_p accumulated with fused multiply-adds from zero in
// increasing p, then c = alpha s (beta = 0) or c = fma(beta, c, alpha s).
func goKernel(mr, nr, k int, a, b, c []float64, ldc int, alpha, beta float64) {
	var acc [maxMR * maxNR]float64
	for p := range k {
		ap := a[p*mr : p*mr+mr]
		bp := b[p*nr : p*nr+nr]
		for i, x := range ap {
			row := acc[i*nr : i*nr+nr]
			for j, y := range bp {
				row[j] = math.FMA(x, y, row[j])
			}
		}
	}
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		for j := range nr {
			s := alpha * acc[i*nr+j]
			if beta == 0 {
				row[j] = s
			} else {
				row[j] = math.FMA(beta, row[j], s)
			}
		}
	}
}
