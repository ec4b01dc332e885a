package gemm

import "github.com/isingrbm/isingrbm/internal/numeric"

// SigmoidBias sets x[j] = numeric.Sigmoid(scale*(b[j]+x[j])) for every j,
// bit for bit (len(b) must be at least len(x); it panics otherwise). With
// scale 1 this is the Bernoulli conditional mean from the input x and the
// biases b, with scale 2 the spin-unit probability of +1.
//
// On amd64 CPUs with AVX2 and FMA it evaluates four elements at a time with
// the operations of Go's math.Exp in the same order, so the result equals
// the scalar one exactly; values with |scale (b + x)| >= 708 and NaNs go
// through numeric.Sigmoid.
func SigmoidBias(x, b []float64, scale float64) {
	b = b[:len(x)]
	i := 0
	for i < len(x) {
		if sigmoidOK {
			i += sigmoidAVX(&x[i], &b[i], len(x)-i, scale)
		}
		// Scalar: the tail, or a group of four the vector code declined.
		end := min(i+4, len(x))
		if !sigmoidOK {
			end = len(x)
		}
		for ; i < end; i++ {
			x[i] = numeric.Sigmoid(scale * (b[i] + x[i]))
		}
	}
}

// sigmoidOK enables the vector code (tests switch it off).
var sigmoidOK = hasAsm
