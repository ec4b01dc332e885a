package transfer

import "math"

// jetOrder is the order of the truncated Taylor series used to differentiate
// ln Z exactly (automatic differentiation, not finite differences).
const jetOrder = 4

// jet is a truncated Taylor series f(t0 + t) = sum_k c[k] t^k, k <= jetOrder;
// c[k] = f^(k)(t0)/k!. The arithmetic below is the standard recurrence set of
// Taylor-mode automatic differentiation (Griewank & Walther, "Evaluating
// Derivatives", chapter 13).
type jet [jetOrder + 1]float64

func constJ(v float64) jet { return jet{v} }

// varJ is the variable t0 + t with scale s: s*(t0 + t) = s*t0 + s t.
func varJ(v, slope float64) jet { return jet{v, slope} }

func (a jet) add(b jet) jet {
	for k := range a {
		a[k] += b[k]
	}
	return a
}

func (a jet) sub(b jet) jet {
	for k := range a {
		a[k] -= b[k]
	}
	return a
}

func (a jet) scale(s float64) jet {
	for k := range a {
		a[k] *= s
	}
	return a
}

func (a jet) addC(c float64) jet { a[0] += c; return a }

func (a jet) mul(b jet) jet {
	var c jet
	for k := range c {
		var s float64
		for i := 0; i <= k; i++ {
			s += a[i] * b[k-i]
		}
		c[k] = s
	}
	return c
}

func (a jet) div(b jet) jet {
	var q jet
	for k := range q {
		s := a[k]
		for j := 1; j <= k; j++ {
			s -= b[j] * q[k-j]
		}
		q[k] = s / b[0]
	}
	return q
}

// expJ returns exp(a).
func expJ(a jet) jet {
	var e jet
	e[0] = math.Exp(a[0])
	for k := 1; k < len(e); k++ {
		var s float64
		for j := 1; j <= k; j++ {
			s += float64(j) * a[j] * e[k-j]
		}
		e[k] = s / float64(k)
	}
	return e
}

// expm1J returns exp(a) - 1 with an accurate constant term.
func expm1J(a jet) jet {
	e := expJ(a)
	e[0] = math.Expm1(a[0])
	return e
}

// logAt returns log(a) where a[0] is given as base and the value as l0
// (so that log1p can pass an accurate value).
func logAt(a jet, base, l0 float64) jet {
	var l jet
	l[0] = l0
	for k := 1; k < len(l); k++ {
		s := a[k]
		for j := 1; j < k; j++ {
			s -= float64(j) * l[j] * a[k-j] / float64(k)
		}
		l[k] = s / base
	}
	return l
}

// logJ returns ln a (a[0] > 0).
func logJ(a jet) jet { return logAt(a, a[0], math.Log(a[0])) }

// log1pJ returns ln(1 + a) with an accurate constant term.
func log1pJ(a jet) jet {
	b := a
	b[0] = 1 + a[0]
	return logAt(b, b[0], math.Log1p(a[0]))
}

// sqrtJ returns sqrt(a) (a[0] > 0).
func sqrtJ(a jet) jet {
	var s jet
	s[0] = math.Sqrt(a[0])
	for k := 1; k < len(s); k++ {
		v := a[k]
		for j := 1; j < k; j++ {
			v -= s[j] * s[k-j]
		}
		s[k] = v / (2 * s[0])
	}
	return s
}

func coshJ(a jet) jet { return expJ(a).add(expJ(a.scale(-1))).scale(0.5) }
func sinhJ(a jet) jet { return expJ(a).sub(expJ(a.scale(-1))).scale(0.5) }

// powJ returns a^n for n >= 0 by binary powering.
func powJ(a jet, n int) jet { return power(a, constJ(1), n) }

// power returns x^n for n >= 0 by binary powering; one is the identity of mul.
func power[T interface{ mul(T) T }](x, one T, n int) T {
	r := one
	for n > 0 {
		if n&1 == 1 {
			r = r.mul(x)
		}
		x = x.mul(x)
		n >>= 1
	}
	return r
}

// log2coshJ returns ln(2 cosh a) = |a| + log1p(exp(-2|a|)).
func log2coshJ(a jet) jet {
	if a[0] < 0 {
		a = a.scale(-1)
	}
	return a.add(log1pJ(expJ(a.scale(-2))))
}

// logAbs2sinhJ returns ln|2 sinh a| = |a| + log1p(-exp(-2|a|)) (a[0] != 0).
func logAbs2sinhJ(a jet) jet {
	if a[0] < 0 {
		a = a.scale(-1)
	}
	return a.add(log1pJ(expJ(a.scale(-2)).scale(-1)))
}

// deriv returns the k-th derivative k! c[k].
func (a jet) deriv(k int) float64 {
	f := 1.0
	for i := 2; i <= k; i++ {
		f *= float64(i)
	}
	return f * a[k]
}

// momentsFromCumulants returns the raw moments mu1, mu2, mu4 of a variable
// from its first four cumulants.
func momentsFromCumulants(k1, k2, k3, k4 float64) (mu1, mu2, mu4 float64) {
	mu1 = k1
	mu2 = k2 + k1*k1
	mu4 = k4 + 4*k3*k1 + 3*k2*k2 + 6*k2*k1*k1 + k1*k1*k1*k1
	return
}

// setFromJets fills r from ln Z as a jet in beta (lnZb) and, if hasB, as a
// jet in B = beta h at fixed beta (lnZB): u = -(1/N) d lnZ/dbeta,
// c = beta^2 d^2 lnZ/dbeta^2 / N, and the cumulants of M = N m are the
// B-derivatives of ln Z. <|m|> is not available from derivatives.
func setFromJets(r *Result, lnZb jet, hasB bool, lnZB jet) {
	n := float64(r.Sites)
	r.setLnZ(lnZb[0])
	r.set(HasEnergy, -lnZb.deriv(1)/n)
	r.set(HasHeatCapacity, r.Beta*r.Beta*lnZb.deriv(2)/n)
	if !hasB {
		return
	}
	mu1, mu2, mu4 := momentsFromCumulants(lnZB.deriv(1), lnZB.deriv(2), lnZB.deriv(3), lnZB.deriv(4))
	r.set(HasMagnetization, mu1/n)
	r.set(HasM2, mu2/(n*n))
	r.set(HasM4, mu4/(n*n*n*n))
	if mu2 > 0 {
		r.set(HasBinder, 1-(mu4/(n*n*n*n))/(3*(mu2/(n*n))*(mu2/(n*n))))
	}
	r.set(HasSusceptibility, r.Beta*lnZB.deriv(2)/n)
}
