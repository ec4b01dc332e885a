package transfer

import (
	"fmt"
	"math"
)

// Critical point of the square lattice with J = k_B = 1 (Onsager 1944;
// Kramers & Wannier 1941): sinh 2K_c = 1.
const (
	// KCritical is K_c = ln(1 + sqrt 2)/2.
	KCritical = 0.44068679350977151262
	// TCritical is T_c = 1/K_c = 2/ln(1 + sqrt 2) in units of J.
	TCritical = 2.2691853142130221
)

// EllipticK returns the complete elliptic integral of the first kind K(k)
// of modulus k, 0 <= k < 1, by the arithmetic-geometric mean
// K = pi / (2 AGM(1, k')), k' = sqrt(1 - k^2). kp must be k' (passed
// separately so that callers near k = 1 can compute it without cancellation).
func EllipticK(k, kp float64) float64 {
	a, b := 1.0, kp
	for range 64 {
		if math.Abs(a-b) <= 1e-16*a {
			break
		}
		a, b = (a+b)/2, math.Sqrt(a*b)
	}
	return math.Pi / (a + b)
}

// EllipticE returns the complete elliptic integral of the second kind E(k)
// (k' = sqrt(1 - k^2) given as kp), by the AGM:
// E = K (1 - sum_{n>=0} 2^{n-1} c_n^2), c_0 = k, c_{n+1} = (a_n - b_n)/2 =
// c_n^2/(4 a_{n+1}).
func EllipticE(k, kp float64) float64 {
	a, b, c := 1.0, kp, k
	sum := k * k / 2
	p := 1.0
	for range 64 {
		if c <= 1e-17*a {
			break
		}
		a, b = (a+b)/2, math.Sqrt(a*b)
		c = c * c / (4 * a) // c_{n+1} = (a_n - b_n)/2 without the cancellation
		sum += p * c * c
		p *= 2
	}
	return math.Pi / (a + b) * (1 - sum)
}

// ellipticDeltas returns K(k) - pi/2 and pi/2 - E(k): by their power series
// (pi/2) sum_{n>=1} a_n^2 k^{2n} and (pi/2) sum a_n^2 k^{2n}/(2n-1),
// a_n = (2n-1)!!/(2n)!!, for k < 0.5, and from the AGM otherwise.
func ellipticDeltas(k, kp float64) (dK, dE float64) {
	if k >= 0.5 {
		return EllipticK(k, kp) - math.Pi/2, math.Pi/2 - EllipticE(k, kp)
	}
	a, k2, p := 1.0, k*k, 1.0
	for n := 1; n < 200; n++ {
		a *= float64(2*n-1) / float64(2*n)
		p *= k2
		t := a * a * p
		dK += t
		dE += t / float64(2*n-1)
		if t < 1e-17*dK {
			break
		}
	}
	return math.Pi / 2 * dK, math.Pi / 2 * dE
}

// onsagerModulus returns k = 2 sinh 2K / cosh^2 2K and k' = |sinh^2 2K - 1| / cosh^2 2K.
func onsagerModulus(kk float64) (k, kp float64) {
	s, c := math.Sinh(2*kk), math.Cosh(2*kk)
	return 2 * s / (c * c), math.Abs((s-1)*(s+1)) / (c * c)
}

// Onsager returns the thermodynamic limit per site of the ferromagnetic
// square lattice in zero field at K = beta J (Onsager, Phys. Rev. 65, 117
// (1944); Yang, Phys. Rev. 85, 808 (1952)):
//
//	ln Z/N = ln(2 cosh 2K) + (1/pi) int_0^{pi/2} ln[(1 + sqrt(1 - k^2 sin^2 t))/2] dt,
//	u = -J coth 2K [1 + (2/pi)(2 tanh^2 2K - 1) K1(k)],
//	c = (4/pi)(K coth 2K)^2 {K1 - E1 - (1 - tanh^2 2K)[pi/2 + (2 tanh^2 2K - 1) K1]},
//	<|m|> = (1 - sinh^{-4} 2K)^{1/8} below T_c, 0 above,
//
// with k = 2 sinh 2K/cosh^2 2K. The elliptic integrals are computed by the AGM
// and the integral by Gauss–Legendre quadrature on geometric panels with
// 1 - k^2 sin^2 t written as cos^2 t + k'^2 sin^2 t. Sites is 0 and LnZ is
// ln Z/N. At K = K_c exactly c diverges and is left out. J must be > 0.
// u and c are rewritten with K1 - pi/2 and pi/2 - E1 (power series at small
// modulus) so that they keep their relative precision at high temperature.
func Onsager(j, beta float64) (*Result, error) {
	if !(j > 0) || math.IsInf(j, 0) {
		return nil, fmt.Errorf("transfer: onsager: J=%v: must be finite and > 0 (ferromagnetic)", j)
	}
	if err := checkBeta(beta); err != nil {
		return nil, err
	}
	if beta*j > 300 {
		return nil, fmt.Errorf("transfer: onsager: beta J = %g: must be <= 300", beta*j)
	}
	kk := beta * j
	r := newResult(MethodOnsager, 0, beta)
	r.Has = 0
	if kk == 0 {
		r.setLnZ(math.Ln2)
		r.set(HasEnergy, 0)
		r.set(HasHeatCapacity, 0)
		r.set(HasAbsMagnetization, 0)
		return r, nil
	}
	k, kp := onsagerModulus(kk)
	integral := onsagerIntegral(kp)
	r.setLnZ(math.Log(2*math.Cosh(2*kk)) + integral/math.Pi)
	th := math.Tanh(2 * kk)
	coth := 1 / th
	t2 := th * th
	if kp == 0 {
		r.set(HasEnergy, -j*coth)
	} else {
		// With dK = K1 - pi/2 and dE = pi/2 - E1 (series at small k):
		// 1 + (2/pi)(2t^2 - 1) K1 = (4/pi) t^2 K1 - (2/pi) dK and
		// K1 - E1 - (1 - t^2)[pi/2 + (2t^2 - 1) K1]
		//   = (2 - t^2) dK + dE - 2 t^2 (1 - t^2) K1,
		// which do not cancel at high temperature.
		dK, dE := ellipticDeltas(k, kp)
		k1 := math.Pi/2 + dK
		r.set(HasEnergy, -j*coth*(4/math.Pi*t2*k1-2/math.Pi*dK))
		r.set(HasHeatCapacity, 4/math.Pi*(kk*coth)*(kk*coth)*((2-t2)*dK+dE-2*t2*(1-t2)*k1))
	}
	mag := 0.0
	if s := math.Sinh(2 * kk); s > 1 {
		mag = math.Pow(1-math.Pow(s, -4), 0.125)
	}
	r.set(HasAbsMagnetization, mag)
	return r, nil
}

// gauss–Legendre nodes and weights on [-1, 1], 20 points.
var glX, glW = func() ([]float64, []float64) {
	const n = 20
	x, w := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (n + 0.5))
		var pp float64
		for range 100 {
			p1, p2 := 1.0, 0.0
			for j := 1; j <= n; j++ {
				p1, p2 = ((2*float64(j)-1)*z*p1-(float64(j)-1)*p2)/float64(j), p1
			}
			pp = n * (z*p1 - p2) / (z*z - 1)
			dz := p1 / pp
			z -= dz
			if math.Abs(dz) < 1e-17 {
				break
			}
		}
		x[i], w[i] = z, 2/((1-z*z)*pp*pp)
	}
	return x, w
}()

func glRule(f func(float64) float64, a, b float64) float64 {
	c, h := (a+b)/2, (b-a)/2
	var s float64
	for i := range glX {
		s += glW[i] * f(c+h*glX[i])
	}
	return s * h
}

// onsagerIntegral returns int_0^{pi/2} ln[(1 + sqrt(cos^2 t + k'^2 sin^2 t))/2] dt.
// With s = pi/2 - t the integrand behaves like sqrt(s^2 + k'^2) near s = 0,
// with branch points at s = ±i k'; panels in s that halve towards 0, down to
// k'/1000 (or 2^-60), keep each panel far from the singularity relative to
// its width, so 20-point Gauss–Legendre is exact to rounding on each.
func onsagerIntegral(kp float64) float64 {
	f := func(s float64) float64 {
		ss, cs := math.Sin(s), math.Cos(s)
		return math.Log((1 + math.Sqrt(ss*ss+kp*kp*cs*cs)) / 2)
	}
	var sum float64
	hi := math.Pi / 2
	for j := 0; j < 60 && hi > kp/1000; j++ {
		lo := hi / 2
		sum += glRule(f, lo, hi)
		hi = lo
	}
	return sum + glRule(f, 0, hi)
}
