package transfer

import (
	"math"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

func TestOnsagerCritical(t *testing.T) {
	r, err := Onsager(1, KCritical)
	if err != nil {
		t.Fatal(err)
	}
	if d := numeric.RelDiff(r.LnZ, 0.9296953983416); d > 1e-12 {
		t.Errorf("ln Z/N at K_c = %.16g, want 0.9296953983416 (rel %.2g)", r.LnZ, d)
	}
	// ln 2/2 + 2G/pi with Catalan's G.
	const catalan = 0.915965594177219015054603514932
	if d := numeric.RelDiff(r.LnZ, math.Ln2/2+2*catalan/math.Pi); d > 1e-14 {
		t.Errorf("ln Z/N at K_c = %.17g, want ln2/2 + 2G/pi (rel %.2g)", r.LnZ, d)
	}
	if d := numeric.RelDiff(r.Energy, -math.Sqrt2); d > 1e-14 {
		t.Errorf("u(K_c) = %.17g, want -sqrt 2", r.Energy)
	}
	if math.Abs(1/KCritical-TCritical) > 1e-15 || math.Abs(math.Sinh(2*KCritical)-1) > 1e-15 {
		t.Error("K_c, T_c inconsistent")
	}
}

func TestOnsagerDerivatives(t *testing.T) {
	// u = -d(lnZ/N)/dbeta and c = -beta^2 du/dbeta, by 8th-order central differences.
	d1 := func(f func(float64) float64, x, h float64) float64 {
		return (-f(x+2*h) + 8*f(x+h) - 8*f(x-h) + f(x-2*h)) / (12 * h)
	}
	lnz := func(b float64) float64 { r, _ := Onsager(1, b); return r.LnZ }
	en := func(b float64) float64 { r, _ := Onsager(1, b); return r.Energy }
	for _, beta := range []float64{0.1, 0.3, 0.4, 0.43, 0.45, 0.5, 0.7, 1.2} {
		r, _ := Onsager(1, beta)
		u := -d1(lnz, beta, 1e-4)
		c := -beta * beta * d1(en, beta, 1e-4)
		if math.Abs(u-r.Energy) > 1e-9 {
			t.Errorf("beta=%v: u = %.15g, numeric %.15g", beta, r.Energy, u)
		}
		if numeric.RelDiff(c, r.HeatCapacity) > 1e-7 {
			t.Errorf("beta=%v: c = %.15g, numeric %.15g", beta, r.HeatCapacity, c)
		}
	}
}

func TestKaufmanTendsToOnsager(t *testing.T) {
	// Away from T_c the finite-size corrections vanish exponentially in L,
	// except for the two ordered sectors below T_c: Z -> 2 Z_inf there.
	for _, beta := range []float64{0.3, 0.6, 1} {
		o, _ := Onsager(1, beta)
		k, err := Kaufman(256, 256, 1, 1, beta)
		if err != nil {
			t.Fatal(err)
		}
		sectors := 0.0
		if beta > KCritical {
			sectors = math.Ln2
		}
		if d := math.Abs((k.LnZ-sectors)/float64(k.Sites) - o.LnZ); d > 1e-13 {
			t.Errorf("beta=%v: ln Z/N Kaufman 256^2 %.16g Onsager %.16g", beta, k.LnZ/float64(k.Sites), o.LnZ)
		}
		if d := math.Abs(k.Energy - o.Energy); d > 1e-12 {
			t.Errorf("beta=%v: u Kaufman %.16g Onsager %.16g", beta, k.Energy, o.Energy)
		}
		if d := numeric.RelDiff(k.HeatCapacity, o.HeatCapacity); d > 1e-10 {
			t.Errorf("beta=%v: c Kaufman %.16g Onsager %.16g", beta, k.HeatCapacity, o.HeatCapacity)
		}
	}
	// At T_c: ln Z/N converges like 1/L^2, c grows like (8 K_c^2/pi) ln L.
	o, _ := Onsager(1, KCritical)
	var prev float64
	for i, l := range []int{64, 128, 256, 512} {
		k, _ := Kaufman(l, l, 1, 1, KCritical)
		d := math.Abs(k.LnZ/float64(k.Sites) - o.LnZ)
		if d > 1/float64(l*l) {
			t.Errorf("L=%d: |ln Z/N - Onsager| = %.3g > 1/L^2", l, d)
		}
		if i > 0 {
			slope := (k.HeatCapacity - prev) / math.Ln2
			if want := 8 * KCritical * KCritical / math.Pi; math.Abs(slope-want) > 0.01 {
				t.Errorf("L=%d: dc/dlnL = %.5f, want %.5f", l, slope, want)
			}
		}
		prev = k.HeatCapacity
	}
}

func TestYang(t *testing.T) {
	r, _ := Onsager(1, 0.5)
	want := math.Pow(1-math.Pow(math.Sinh(1), -4), 0.125)
	if numeric.RelDiff(r.AbsMagnetization, want) > 1e-15 {
		t.Errorf("M(0.5) = %v want %v", r.AbsMagnetization, want)
	}
	r, _ = Onsager(1, 0.4)
	if r.AbsMagnetization != 0 {
		t.Errorf("M above T_c = %v", r.AbsMagnetization)
	}
}

func TestOnsagerHighTemperature(t *testing.T) {
	// Kaufman on a large torus equals the infinite lattice at high T, where
	// the correlation length is tiny; u ~ -2K and c ~ 2K^2 must keep their
	// relative precision.
	for _, beta := range []float64{1e-5, 1e-3, 0.05, 0.2} {
		o, _ := Onsager(1, beta)
		k, _ := Kaufman(256, 256, 1, 1, beta)
		if d := numeric.RelDiff(o.Energy, k.Energy); d > 1e-11+1e-15/beta {
			t.Errorf("beta=%v: u Onsager %.16g Kaufman %.16g (rel %.2g)", beta, o.Energy, k.Energy, d)
		}
		if d := numeric.RelDiff(o.HeatCapacity, k.HeatCapacity); d > 1e-10+1e-15/beta {
			t.Errorf("beta=%v: c Onsager %.16g Kaufman %.16g (rel %.2g)", beta, o.HeatCapacity, k.HeatCapacity, d)
		}
	}
	// The series and the AGM agree where both apply.
	for _, k := range []float64{0.3, 0.49} {
		kp := math.Sqrt(1 - k*k)
		dK, dE := ellipticDeltas(k, kp)
		if d := math.Abs(dK - (EllipticK(k, kp) - math.Pi/2)); d > 1e-15 {
			t.Errorf("k=%v: dK series - AGM = %.3g", k, d)
		}
		if d := math.Abs(dE - (math.Pi/2 - EllipticE(k, kp))); d > 1e-15 {
			t.Errorf("k=%v: dE series - AGM = %.3g", k, d)
		}
	}
}
