package numeric

import (
	"math"
	"testing"
)

func TestStableFunctions(t *testing.T) {
	for _, x := range []float64{-1000, -40, -1, -1e-9, 0, 1e-9, 0.3, 1, 20, 40, 700, 1000, 1e6} {
		// Softplus: ln(1+e^x) = x + softplus(-x).
		if d := Softplus(x) - (x + Softplus(-x)); math.Abs(d) > 1e-12*math.Max(1, math.Abs(x)) {
			t.Errorf("softplus identity at %v: %v", x, d)
		}
		if math.IsInf(Softplus(x), 0) || math.IsNaN(Softplus(x)) {
			t.Errorf("softplus(%v) = %v", x, Softplus(x))
		}
		if math.Abs(x) < 20 {
			if d := RelDiff(Softplus(x), math.Log(1+math.Exp(x))); d > 1e-12 && Softplus(x) > 1e-300 {
				t.Errorf("softplus(%v) = %v, naive %v", x, Softplus(x), math.Log(1+math.Exp(x)))
			}
			if d := math.Abs(LogCosh(x) - math.Log(math.Cosh(x))); d > 1e-14 {
				t.Errorf("logcosh(%v) off by %v", x, d)
			}
			if d := RelDiff(Sigmoid(x), 1/(1+math.Exp(-x))); d > 1e-14 {
				t.Errorf("sigmoid(%v) off by %v", x, d)
			}
		}
		if d := Log2Cosh(x) - (LogCosh(x) + math.Ln2); math.Abs(d) > 1e-12*math.Max(1, math.Abs(x)) {
			t.Errorf("log2cosh(%v) inconsistent: %v", x, d)
		}
		if s := Sigmoid(x); s < 0 || s > 1 || math.IsNaN(s) {
			t.Errorf("sigmoid(%v) = %v", x, s)
		}
		if d := LogSigmoid(x) - math.Log(Sigmoid(x)); x > -700 && math.Abs(d) > 1e-12 {
			t.Errorf("logsigmoid(%v) off by %v", x, d)
		}
	}
	if got := LogCosh(1000); math.Abs(got-(1000-math.Ln2)) > 1e-12 {
		t.Errorf("logcosh(1000) = %v", got)
	}
	if got := Softplus(-800); got != 0 && got > 1e-300 {
		t.Errorf("softplus(-800) = %v", got)
	}
}

func TestLogSumExp(t *testing.T) {
	if got := LogSumExp([]float64{1000, 1000}); math.Abs(got-(1000+math.Ln2)) > 1e-12 {
		t.Errorf("LogSumExp overflow case: %v", got)
	}
	if got := LogSumExp([]float64{-1000, -1000, -1000}); math.Abs(got-(-1000+math.Log(3))) > 1e-12 {
		t.Errorf("LogSumExp underflow case: %v", got)
	}
	if got := LogSumExp(nil); !math.IsInf(got, -1) {
		t.Errorf("LogSumExp(nil) = %v", got)
	}
	if got := LogSumExp([]float64{math.Inf(-1), math.Inf(-1)}); !math.IsInf(got, -1) {
		t.Errorf("LogSumExp(-Inf...) = %v", got)
	}
	if got := LogAddExp(3, math.Inf(-1)); got != 3 {
		t.Errorf("LogAddExp(3, -Inf) = %v", got)
	}
	if got := LogAddExp(0.5, 2); math.Abs(got-math.Log(math.Exp(0.5)+math.Exp(2))) > 1e-14 {
		t.Errorf("LogAddExp = %v", got)
	}
}

// TestLogSumExpCompensated sums 2^22 terms whose plain sum loses digits.
func TestLogSumExpCompensated(t *testing.T) {
	n := 1 << 22
	x := make([]float64, n)
	x[0] = 0 // one term of 1, then many of 1e-7: exact sum 1 + (n-1)e-7
	for i := 1; i < n; i++ {
		x[i] = math.Log(1e-7)
	}
	want := math.Log1p(float64(n-1) * 1e-7)
	if got := LogSumExp(x); RelDiff(got, want) > 1e-14 {
		t.Errorf("LogSumExp = %.17g, want %.17g (rel %.3g)", got, want, RelDiff(got, want))
	}
}

// The shortcuts of Sigmoid for saturated inputs give the bits of the formula.
func TestSigmoidSaturatedBits(t *testing.T) {
	formula := func(x float64) float64 {
		if x >= 0 {
			return 1 / (1 + math.Exp(-x))
		}
		e := math.Exp(x)
		return e / (1 + e)
	}
	for _, lo := range []float64{30, 36, 700, -760, -746.5, -745.5, -710} {
		for k := 0; k < 20000; k++ {
			x := lo + float64(k)*1e-3
			if got, want := Sigmoid(x), formula(x); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("Sigmoid(%v) = %v, formula %v", x, got, want)
			}
		}
	}
}
