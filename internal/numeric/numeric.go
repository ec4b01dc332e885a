// Package numeric holds the small, numerically stable helpers shared by the
// isingrbm packages: log-sum-exp, softplus, log cosh, sigmoid.
//
// Each function is written once here and used everywhere else, so that the
// overflow behaviour of the whole project is decided in one place.
package numeric

import "math"

// LogSumExp returns ln sum_i exp(x_i) without overflow, with a compensated
// sum so that the result is accurate to a few ulp even for 2^30 terms. It returns -Inf for an
// empty slice or when every element is -Inf, and +Inf if any element is +Inf.
func LogSumExp(x []float64) float64 {
	if len(x) == 0 {
		return math.Inf(-1)
	}
	m := math.Inf(-1)
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	if math.IsInf(m, 0) {
		return m
	}
	// Neumaier-compensated sum: a plain sum of 2^24 terms loses ~1e-11
	// relative accuracy, which exact methods cannot afford.
	var s, c float64
	for _, v := range x {
		t := math.Exp(v - m)
		u := s + t
		if math.Abs(s) >= t {
			c += (s - u) + t
		} else {
			c += (t - u) + s
		}
		s = u
	}
	return m + math.Log(s+c)
}

// LogAddExp returns ln(exp(a) + exp(b)) without overflow.
func LogAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(a, -1) {
		return a
	}
	if math.IsInf(a, 1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// Softplus returns ln(1 + e^x), accurate for all x (no overflow for large x,
// no loss of precision for very negative x).
func Softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// LogCosh returns ln cosh(x), accurate for all x: |x| + log1p(e^{-2|x|}) - ln 2.
func LogCosh(x float64) float64 {
	a := math.Abs(x)
	return a + math.Log1p(math.Exp(-2*a)) - math.Ln2
}

// Log2Cosh returns ln(2 cosh x) = |x| + log1p(e^{-2|x|}).
func Log2Cosh(x float64) float64 {
	a := math.Abs(x)
	return a + math.Log1p(math.Exp(-2*a))
}

// Sigmoid returns 1/(1+e^{-x}) without overflow for either sign of x.
// Saturated inputs return at once, with the same bits as the formula: for
// x > 37, e^{-x} < 2^-53 and 1/(1+e^{-x}) rounds to 1; for x < -746, e^x
// underflows to 0. Without these shortcuts math.Exp would produce subnormal
// intermediates for |x| in [708, 745], which cost about 100 cycles each on
// x86, and a model with saturated units would sample several times slower.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		if x > 37 {
			return 1
		}
		return 1 / (1 + math.Exp(-x))
	}
	if x < -746 {
		return 0
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// LogSigmoid returns ln sigmoid(x) = -softplus(-x).
func LogSigmoid(x float64) float64 { return -Softplus(-x) }

// RelDiff returns |a-b| / max(|a|, |b|, tiny), the relative difference used by
// the tests and checks that compare exact methods.
func RelDiff(a, b float64) float64 {
	d := math.Abs(a - b)
	s := math.Max(math.Abs(a), math.Abs(b))
	if s < 1e-300 {
		return d
	}
	return d / s
}
