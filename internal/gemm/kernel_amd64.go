//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

var (
	hasAsm    = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAsm512 = hasAsm && cpu.X86.HasAVX512F
)

// kernel computes the mr x nr tile c = alpha a b (beta = 0; c is not read)
// or c = fma(beta, c, alpha a b) from the packed panels a (k x mr) and b
// (k x nr); c has leading dimension ldc. AVX2 + FMA, mr x nr = 6 x 8.
//
//go:noescape
func kernel(k int, a, b, c *float64, ldc int, alpha, beta float64)

// kernel512 is kernel for the 10 x 16 tile with AVX-512.
//
//go:noescape
func kernel512(k int, a, b, c *float64, ldc int, alpha, beta float64)
