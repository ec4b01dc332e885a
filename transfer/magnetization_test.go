package transfer

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
)

// magCase is a uniform square lattice for the magnetization transfer matrix.
type magCase struct {
	lx, ly    int
	bx, by    lattice.Boundary
	jx, jy, h float64
}

func (c magCase) model(t testing.TB) *lattice.Model {
	m := mustSquare(t, c.lx, c.ly, c.bx, c.by)
	for i, b := range m.Bonds() {
		if b.I/c.lx == b.J/c.lx && c.lx > 1 {
			m.SetCoupling(i, c.jx)
		} else {
			m.SetCoupling(i, c.jy)
		}
	}
	return setField(m, c.h)
}

// histMagDist returns ln P(M) at beta from the exact (E, M) histogram of
// enumeration: ln P(M) = ln sum_E g(E, M) e^{-beta E} - ln Z, each sum
// compensated (Neumaier), so that the reference is more accurate than the
// transfer matrix under test.
func histMagDist(h *Histogram, beta float64) (lnP []float64, lnZ float64) {
	n := h.N
	stride := n + 1
	mx := math.Inf(-1)
	for idx, cnt := range h.Count {
		if cnt > 0 {
			mx = max(mx, -beta*float64(int64(idx/stride)-h.R)*h.Quantum)
		}
	}
	sums := make([]ksum, n+1)
	for idx, cnt := range h.Count {
		if cnt > 0 {
			e := float64(int64(idx/stride)-h.R) * h.Quantum
			sums[idx%stride].add(float64(cnt) * math.Exp(-beta*e-mx))
		}
	}
	var z ksum
	for k := range sums {
		z.add(sums[k].sum())
	}
	lnZ = mx + math.Log(z.sum())
	lnP = make([]float64, n+1)
	for k := range sums {
		lnP[k] = math.Log(sums[k].sum() / z.sum())
	}
	return lnP, lnZ
}

var (
	pp, oo = lattice.Periodic, lattice.Open
	// magBetas lie on both sides of beta_c = 0.4407 (J = 1).
	magBetas = []float64{0, 0.2, 0.4406868, 0.7, 2}
)

// magCases are tori 2x2..4x4, 3x5, 4x5 and cylinders and open strips, with
// and without field, isotropic and anisotropic, ferro- and antiferromagnetic.
func magCases() []magCase {
	var cs []magCase
	for _, sz := range [][2]int{{2, 2}, {2, 3}, {3, 3}, {3, 4}, {4, 4}, {3, 5}, {4, 5}} {
		for _, bc := range [][2]lattice.Boundary{{pp, pp}, {pp, oo}, {oo, pp}, {oo, oo}} {
			cs = append(cs, magCase{sz[0], sz[1], bc[0], bc[1], 1, 1, 0})
			cs = append(cs, magCase{sz[0], sz[1], bc[0], bc[1], 1, 0.6, 0.3})
		}
	}
	return append(cs, magCase{4, 4, pp, pp, -1, 1, 0.2}, magCase{3, 4, oo, pp, 0.5, -0.8, -0.4},
		magCase{5, 1, oo, oo, 1, 1, 0.1}, magCase{1, 5, oo, pp, 1, 1, 0.1}, magCase{2, 5, pp, pp, 1, 1, 0})
}

// TestMagnetizationDistributionMatchesEnumeration: P(M) and ln Z equal
// brute force. ln P(M) is compared absolutely (= the relative error of
// P(M)): the transfer matrix sums positive terms, so rounding is a few ulps
// per row; 1e-12 leaves ample room.
func TestMagnetizationDistributionMatchesEnumeration(t *testing.T) {
	ctx := context.Background()
	worst := 0.0
	for _, c := range magCases() {
		m := c.model(t)
		hist, err := EnergyMagnetizationHistogram(ctx, m, EnumOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, beta := range magBetas {
			d, err := MagnetizationDistribution(ctx, c.lx, c.ly, c.bx, c.by, c.jx, c.jy, c.h, beta, StripOptions{})
			if err != nil {
				t.Fatal(err)
			}
			lnP, lnZ := histMagDist(hist, beta)
			label := fmt.Sprintf("%+v beta=%v", c, beta)
			if d.Sites != m.N || len(d.LnP) != m.N+1 {
				t.Fatalf("%s: sites %d, %d entries", label, d.Sites, len(d.LnP))
			}
			if e := math.Abs(d.LnZ-lnZ) / math.Max(1, math.Abs(lnZ)); e > 1e-12 {
				t.Errorf("%s: ln Z %.17g, enumeration %.17g", label, d.LnZ, lnZ)
			}
			var sum float64
			for k := range lnP {
				sum += math.Exp(d.LnP[k])
				if math.IsInf(lnP[k], -1) != math.IsInf(d.LnP[k], -1) {
					t.Errorf("%s: ln P(M=%d) = %v, enumeration %v", label, d.M(k), d.LnP[k], lnP[k])
					continue
				}
				if math.IsInf(lnP[k], -1) {
					continue
				}
				e := math.Abs(d.LnP[k] - lnP[k])
				worst = max(worst, e)
				if e > 1e-12 {
					t.Errorf("%s: ln P(M=%d) = %.17g, enumeration %.17g", label, d.M(k), d.LnP[k], lnP[k])
				}
			}
			if math.Abs(sum-1) > 1e-13 {
				t.Errorf("%s: sum P = %v", label, sum)
			}
			if c.h == 0 {
				for k := range d.LnP {
					if d.LnP[k] != d.LnP[m.N-k] {
						t.Errorf("%s: P(%d) != P(%d) at h = 0", label, d.M(k), -d.M(k))
					}
				}
			}
		}
	}
	t.Logf("largest |ln P - ln P_enum| = %.3g", worst)
}

// TestTransferMMatchesEnumeration: every quantity, <|m|> and chi' included,
// equals enumeration (through Compute, so the registry is exercised).
func TestTransferMMatchesEnumeration(t *testing.T) {
	ctx := context.Background()
	for _, c := range magCases() {
		m := c.model(t)
		got, err := Compute(ctx, m, magBetas, MethodTransferM, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := EnumerateBetas(ctx, m, magBetas, EnumOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			has := HasAll
			if got[i].Beta == 0 {
				has &^= HasFreeEnergy
			}
			if got[i].Has != has || got[i].Method != MethodTransferM {
				t.Errorf("%+v: method %s has %b, want every quantity", c, got[i].Method, got[i].Has)
			}
			compare(t, fmt.Sprintf("transfer-m %+v", c), got[i], want[i], 1e-12)
		}
	}
}

// TestTransferMChain: a chain is an N x 1 strip.
func TestTransferMChain(t *testing.T) {
	ctx := context.Background()
	for _, bc := range []lattice.Boundary{pp, oo} {
		for _, n := range []int{2, 3, 11} {
			m, err := lattice.Chain(n, bc)
			if err != nil {
				t.Fatal(err)
			}
			setField(setCoupling(m, -0.7), 0.25)
			got, err := Compute(ctx, m, magBetas, MethodTransferM, Options{})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := EnumerateBetas(ctx, m, magBetas, EnumOptions{})
			for i := range got {
				compare(t, fmt.Sprintf("chain %d %v", n, bc), got[i], want[i], 1e-12)
			}
		}
	}
}

// TestMagnetizationDistributionLargeTorus: ln Z of 8x8 and 10x10 (12x12
// with ISINGRBM_LONG=1) equals Kaufman; at high beta <|m|> -> 1.
func TestMagnetizationDistributionLargeTorus(t *testing.T) {
	ctx := context.Background()
	sizes := []int{8, 10}
	if os.Getenv("ISINGRBM_LONG") != "" {
		sizes = append(sizes, 12)
	}
	for _, l := range sizes {
		for _, beta := range []float64{0.3, KCritical, 0.6} {
			d, err := MagnetizationDistribution(ctx, l, l, pp, pp, 1, 1, 0, beta, StripOptions{})
			if err != nil {
				t.Fatal(err)
			}
			k, _ := Kaufman(l, l, 1, 1, beta)
			e := math.Abs(d.LnZ-k.LnZ) / k.LnZ
			t.Logf("%dx%d beta=%v: ln Z rel. diff. from Kaufman %.2g", l, l, beta, e)
			if e > 1e-12 {
				t.Errorf("%dx%d beta=%v: ln Z %.17g, Kaufman %.17g (rel %.2g)", l, l, beta, d.LnZ, k.LnZ, e)
			}
		}
	}
	r, err := TransferM(ctx, 8, 8, pp, pp, 1, 1, 0, 5, StripOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if 1-r.AbsMagnetization > 1e-12 || r.AbsMagnetization > 1 {
		t.Errorf("8x8 at beta = 5: <|m|> = %.17g, want 1 - O(e^{-40})", r.AbsMagnetization)
	}
}

func benchTransferM(b *testing.B, l int, h float64) {
	for b.Loop() {
		if _, err := TransferM(context.Background(), l, l, pp, pp, 1, 1, h, 0.44, StripOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// Every quantity of the torus (P(M), then u and c from Strip's beta passes).
func BenchmarkTransferM8x8(b *testing.B)        { benchTransferM(b, 8, 0) }
func BenchmarkTransferM10x10Field(b *testing.B) { benchTransferM(b, 10, 0.1) }
func BenchmarkTransferM12x12(b *testing.B)      { benchTransferM(b, 12, 0) }

// P(M) alone on one core: the rate of butterfly pair updates (magCost)
// behind the cost estimates.
func BenchmarkMagnetizationDistribution12x12OneCore(b *testing.B) {
	sq, _ := newSquare(12, 12, pp, pp, 1, 1, 0, 0.44)
	p, err := magPlan(sq, 1)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := p.magDist(context.Background(), 0.44, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(p.magCost()*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

// TestTransferMYang: below T_c the <|m|> of a 10x10 torus approaches Yang's
// spontaneous magnetization (finite-size corrections are exponentially small
// deep in the ordered phase; loose tolerance), and chi' << chi.
func TestTransferMYang(t *testing.T) {
	for _, beta := range []float64{0.6, 0.8} {
		r, err := TransferM(context.Background(), 10, 10, pp, pp, 1, 1, 0, beta, StripOptions{})
		if err != nil {
			t.Fatal(err)
		}
		y, _ := Onsager(1, beta)
		t.Logf("beta=%v: 10x10 <|m|> = %.10f, Yang %.10f", beta, r.AbsMagnetization, y.AbsMagnetization)
		if d := math.Abs(r.AbsMagnetization - y.AbsMagnetization); d > 2e-5 { // 3e-6 at beta = 0.6
			t.Errorf("beta=%v: 10x10 <|m|> = %v, Yang %v", beta, r.AbsMagnetization, y.AbsMagnetization)
		}
		if !(r.SusceptibilityAbs > 0 && r.SusceptibilityAbs < r.Susceptibility/10) {
			t.Errorf("beta=%v: chi' = %v, chi = %v", beta, r.SusceptibilityAbs, r.Susceptibility)
		}
	}
}
