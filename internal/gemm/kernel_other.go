//go:build !amd64 || purego

package gemm

const hasAsm, hasAsm512 = false, false

func kernel(k int, a, b, c *float64, ldc int, alpha, beta float64) {
	panic("gemm: no assembly kernel on this architecture")
}

func kernel512(k int, a, b, c *float64, ldc int, alpha, beta float64) {
	panic("gemm: no assembly kernel on this architecture")
}
