//go:build amd64 && !purego

package gemm

// sigmoidAVX sets x[j] = sigmoid(scale (b[j] + x[j])) for j in [0, d) where
// d, the return value, is a multiple of 4 <= n: it stops before the first
// group of four holding a |scale (b + x)| >= 708 or a NaN.
//
//go:noescape
func sigmoidAVX(x, b *float64, n int, scale float64) int
