// Package gemm holds the dense kernels of RBM training: the general matrix
// product (Dgemm) and the logistic function over a row (SigmoidBias).
//
// Dgemm computes
//
//	C = alpha op(A) op(B) + beta C
//
// for row-major float64 matrices (op(X) = X or X^T), with the signature of
// gonum's blas64 Dgemm. On amd64 CPUs with AVX2 and FMA it packs panels of A
// and B into contiguous, cache-blocked buffers and runs an assembly
// micro-kernel (a 10 x 16 register tile of fused multiply-adds with
// AVX-512, 6 x 8 with AVX2); elsewhere it calls blas64's Dgemm (gonum's
// pure-Go BLAS, or whatever blas64.Use set).
//
// Results are deterministic: in the assembly path every element of C is
// summed over k in increasing order (in blocks of 256, each accumulated
// with fused multiply-adds and then added to C) by the calling goroutine,
// so the bits depend on the shapes only, not on GOMAXPROCS or on the call
// history. The fallback differs from it in the last bits (another
// summation order).
//
// The packing buffers come from a sync.Pool: steady-state calls do not
// allocate, and Dgemm is safe for concurrent use. Both register tiles
// give the same bits (the order of the sum over k does not depend on the
// tile), so AVX2 and AVX-512 machines agree exactly.
//
// SigmoidBias evaluates numeric.Sigmoid(scale*(b+x)) over a slice, four
// elements at a time on AVX2+FMA CPUs, bit for bit equal to the scalar code.
//
// The kernels are chosen once, from golang.org/x/sys/cpu;
// GODEBUG=cpu.avx512f=off selects the AVX2 kernel and GODEBUG=cpu.avx2=off
// the portable code, and the purego build tag drops the assembly.
package gemm
