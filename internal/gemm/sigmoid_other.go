//go:build !amd64 || purego

package gemm

func sigmoidAVX(x, b *float64, n int, scale float64) int { return 0 }
