package fast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// randomSigns returns d*N random bond signs of the lattice dims.
func randomSigns(dims []int, seed uint64) []int8 {
	n := 1
	for _, l := range dims {
		n *= l
	}
	r := rand.New(rand.NewPCG(seed, 17))
	s := make([]int8, len(dims)*n)
	for i := range s {
		s[i] = int8(1 - 2*r.IntN(2))
	}
	return s
}

// pmjModel returns the lattice.Model of the ±J instance: the bond from site
// i to its +a neighbour gets coupling j*signs[d i + a]. The axis of a bond
// is found from the sites' coordinates, independently of the kernel.
func pmjModel(t testing.TB, dims []int, signs []int8, j float64) *lattice.Model {
	t.Helper()
	m := model(t, dims)
	d := len(dims)
	coord := func(i int) [3]int {
		var c [3]int
		for a, l := range dims {
			c[a] = i % l
			i /= l
		}
		return c
	}
	for k, b := range m.BondList() {
		ci, cj := coord(b.I), coord(b.J)
		axis := -1
		for a := 0; a < d; a++ {
			want := ci
			want[a] = (want[a] + 1) % dims[a]
			if want == cj {
				axis = a
				break
			}
		}
		if axis < 0 {
			t.Fatalf("bond %d (%d,%d) is not a +axis bond", k, b.I, b.J)
		}
		m.SetCoupling(k, j*float64(signs[d*b.I+axis]))
	}
	return m
}

// enumerateModel returns the exact per-site moments of m at beta with the
// uniform field h, by brute force over the 2^N states (couplings from m).
func enumerateModel(m *lattice.Model, beta, h float64) exactMoments {
	n := m.N
	bonds := m.BondList()
	type st struct{ e, mg float64 }
	all := make([]st, 0, 1<<n)
	emin := math.Inf(1)
	for k := 0; k < 1<<n; k++ {
		e := 0.0
		for _, b := range bonds {
			if (k>>b.I^k>>b.J)&1 == 0 {
				e -= b.Coupling
			} else {
				e += b.Coupling
			}
		}
		mg := float64(2*bitsOnes(k, n) - n)
		e -= h * mg
		all = append(all, st{e, mg})
		emin = math.Min(emin, e)
	}
	var w, we, wm2, wabs, wm4 float64
	for _, x := range all {
		p := math.Exp(-beta * (x.e - emin))
		mm := x.mg / float64(n)
		w += p
		we += p * x.e
		wm2 += p * mm * mm
		wabs += p * math.Abs(mm)
		wm4 += p * mm * mm * mm * mm
	}
	return exactMoments{lnZ: math.Log(w) - beta*emin, u: we / w / float64(n), m2: wm2 / w, absM: wabs / w, m4: wm4 / w}
}

func bitsOnes(k, n int) int {
	c := 0
	for i := 0; i < n; i++ {
		c += k >> i & 1
	}
	return c
}

// sameReplicas fails unless a and b hold the same configurations, with
// gauge eps applied to b's (nil: none).
func sameReplicas(t *testing.T, name string, a, b *Replicas, eps []int8) {
	t.Helper()
	for r := 0; r < a.Len(); r++ {
		sa, sb := a.Spins(r, nil), b.Spins(r, nil)
		for i := range sb {
			if eps != nil {
				sb[i] *= eps[i]
			}
		}
		if string(int8s(sa)) != string(int8s(sb)) {
			t.Fatalf("%s: replica %d differs", name, r)
		}
	}
}

var pmjDims = [][]int{{8, 4}, {5, 3}, {4, 2, 6}, {3, 4, 2}, {2, 6}, {2, 2, 2}, {18, 4}}

// TestReplicasPMJUniform checks that the ±J kernel with every sign +1 is,
// bit for bit, the uniform kernel with the same source, and with every
// sign -1 the uniform kernel with coupling -J (both paths, with a field).
func TestReplicasPMJUniform(t *testing.T) {
	for _, dims := range pmjDims {
		for _, sign := range []int8{1, -1} {
			for _, alg := range []Algorithm{Metropolis, HeatBath} {
				name := fmt.Sprintf("%v sign %d %v", dims, sign, alg)
				p := Params{Dims: dims, J: 0.8, H: 0.15, Beta: 0.7, Algorithm: alg}
				signs := randomSigns(dims, 1)
				for i := range signs {
					signs[i] = sign
				}
				a, err := NewReplicasPMJ(p, signs, nil, rng.New(4, 1))
				if err != nil {
					t.Fatal(err)
				}
				p.J *= float64(sign)
				b, err := NewReplicas(p, nil, rng.New(4, 1))
				if err != nil {
					t.Fatal(err)
				}
				var fa, fb int64
				for range 4 {
					_, x := a.Sweep()
					_, y := b.Sweep()
					fa, fb = fa+x, fb+y
				}
				if fa != fb {
					t.Fatalf("%s: %d flips, uniform kernel %d", name, fa, fb)
				}
				sameReplicas(t, name, a, b, nil)
				ea, ma := a.Measure(nil, nil)
				eb, mb := b.Measure(nil, nil)
				for r := range ea {
					if math.Abs(ea[r]-eb[r]) > 1e-9 || ma[r] != mb[r] {
						t.Fatalf("%s replica %d: E %v M %v, uniform kernel %v %v", name, r, ea[r], ma[r], eb[r], mb[r])
					}
				}
			}
		}
	}
}

// TestReplicasPMJGauge checks the sign masks of every bond through the gauge
// symmetry: with eps_i = ±1, the instance J'_ij = eps_i eps_j J_ij started
// from eps_i s_i has, with the same random bits and h = 0, exactly the
// gauge image of the chain of J_ij (each bond's unsatisfied state, hence
// every decision, is gauge invariant). A misplaced mask breaks this.
func TestReplicasPMJGauge(t *testing.T) {
	for _, dims := range pmjDims {
		for _, alg := range []Algorithm{Metropolis, HeatBath} {
			name := fmt.Sprintf("%v %v", dims, alg)
			p := Params{Dims: dims, J: 1, Beta: 0.9, Algorithm: alg}
			signs := randomSigns(dims, 7)
			n := len(signs) / len(dims)
			eps := randomSigns([]int{n}, 9)
			gs := make([]int8, len(signs))
			d := len(dims)
			for i := 0; i < n; i++ {
				for ax := 0; ax < d; ax++ {
					j := i
					stride := 1
					for q := 0; q < ax; q++ {
						stride *= dims[q]
					}
					c := i / stride % dims[ax]
					j += stride * ((c+1)%dims[ax] - c)
					gs[d*i+ax] = signs[d*i+ax] * eps[i] * eps[j]
				}
			}
			a, err := NewReplicasPMJ(p, signs, nil, rng.New(8, 2))
			if err != nil {
				t.Fatal(err)
			}
			b, err := NewReplicasPMJ(p, gs, nil, rng.New(8, 2))
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < b.Len(); r++ {
				s := a.Spins(r, nil)
				for i := range s {
					s[i] *= eps[i]
				}
				b.SetSpins(r, s)
			}
			for range 4 {
				_, x := a.Sweep()
				_, y := b.Sweep()
				if x != y {
					t.Fatalf("%s: flips %d and %d", name, x, y)
				}
			}
			sameReplicas(t, name, a, b, eps)
			ea, _ := a.Measure(nil, nil)
			eb := b.Energies(nil)
			for r := range ea {
				if math.Abs(ea[r]-eb[r]) > 1e-9 {
					t.Fatalf("%s replica %d: E %v, gauge image %v", name, r, ea[r], eb[r])
				}
			}
		}
	}
}

// TestReplicasPMJEnergies checks Energies, Magnetizations and Measure
// against lattice.Model with the instance's couplings, on both paths.
func TestReplicasPMJEnergies(t *testing.T) {
	for _, dims := range append(pmjDims, []int{64, 2}, []int{4, 4, 4}) {
		signs := randomSigns(dims, 3)
		m := pmjModel(t, dims, signs, 1.5)
		k, err := NewReplicasPMJ(Params{Dims: dims, J: 1.5, H: 0.25, Beta: 0.4}, signs, nil, rng.New(1, 1))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			k.Sweep()
			e, mg := k.Measure(nil, nil)
			e2, mg2 := k.Energies(nil), k.Magnetizations(nil)
			for r := 0; r < k.Len(); r++ {
				s := k.Spins(r, nil)
				want := m.Energy(s) - 0.25*sum(s)
				if math.Abs(e[r]-want) > 1e-9 || mg[r] != sum(s) || math.Abs(e2[r]-want) > 1e-9 || mg2[r] != sum(s) {
					t.Fatalf("%v replica %d: Measure %v %v, Energies %v %v, want %v %v", dims, r, e[r], mg[r], e2[r], mg2[r], want, sum(s))
				}
			}
		}
	}
}

// TestReplicasPMJExact checks the ±J replicas against exact enumeration of
// frustrated instances (4x4, 5x3, 4x2x2, 3x3x2 tori; both paths) at two
// temperatures, 32 replicas each: u, m^2 and |m| within 4 standard errors
// (from 50 blocks), with bounded error bars. With a field the lower
// temperature is 1/0.7: at beta = 1.1 the field splits the two
// spin-reversed ground-state valleys of the 4x4 instance and the tunnelling
// between them takes thousands of sweeps (physics, not a kernel property).
func TestReplicasPMJExact(t *testing.T) {
	for ci, c := range []struct {
		dims  []int
		alg   Algorithm
		h     float64
		temps [2]float64
	}{{[]int{4, 4}, Metropolis, 0, [2]float64{0.5, 1.1}}, {[]int{4, 4}, HeatBath, 0.2, [2]float64{0.4, 0.7}},
		{[]int{5, 3}, Metropolis, 0, [2]float64{0.5, 1.1}}, {[]int{4, 2, 2}, HeatBath, 0, [2]float64{0.5, 1.1}},
		{[]int{3, 3, 2}, Metropolis, 0, [2]float64{0.5, 1.1}}} {
		temps := c.temps
		betas := make([]float64, 64)
		for r := range betas {
			betas[r] = temps[r%2]
		}
		signs := randomSigns(c.dims, uint64(11+ci))
		m := pmjModel(t, c.dims, signs, 1)
		k, err := NewReplicasPMJ(Params{Dims: c.dims, J: 1, H: c.h, Algorithm: c.alg}, signs, betas, rng.New(5, uint64(ci)))
		if err != nil {
			t.Fatal(err)
		}
		for range 1000 {
			k.Sweep()
		}
		n := float64(k.N())
		const nsw = 10000
		u := make([][]float64, 2)
		m2 := make([][]float64, 2)
		am := make([][]float64, 2)
		var e, mg []float64
		for range nsw {
			k.Sweep()
			e, mg = k.Measure(e, mg)
			var su, sm2, sam [2]float64
			for r := range e {
				x := mg[r] / n
				su[r%2] += e[r] / n / 32
				sm2[r%2] += x * x / 32
				sam[r%2] += math.Abs(x) / 32
			}
			for ti := range temps {
				u[ti] = append(u[ti], su[ti])
				m2[ti] = append(m2[ti], sm2[ti])
				am[ti] = append(am[ti], sam[ti])
			}
		}
		for ti, b := range temps {
			ex := enumerateModel(m, b, c.h)
			checkAgainst(t, fmt.Sprintf("±J replicas %v %v h=%v beta=%v", c.dims, c.alg, c.h, b), ex, u[ti], m2[ti], am[ti], 4)
		}
	}
}

// TestReplicasPMJAsmMatchesGo runs ±J instances on the checkerboard path
// with each assembly row kernel and with replicaRowGo from the same seed:
// spins, flip counts and generator states must agree bit for bit.
func TestReplicasPMJAsmMatchesGo(t *testing.T) {
	kerns := availableKernels()
	if len(kerns) == 1 {
		t.Skip("no assembly row kernel on this machine")
	}
	defer func(v int) { replicaKernel = v }(replicaKernel)
	betas := make([]float64, 50)
	for r := range betas {
		betas[r] = 0.2 + 0.03*float64(r)
	}
	for _, c := range []struct {
		dims []int
		alg  Algorithm
		h    float64
		b    []float64
	}{
		{[]int{16, 8}, Metropolis, 0, nil}, {[]int{10, 6}, HeatBath, 0, betas}, {[]int{36, 4}, Metropolis, 0.2, betas},
		{[]int{22, 2}, HeatBath, -0.1, nil}, {[]int{4, 6, 8}, Metropolis, 0, betas}, {[]int{2, 2, 2}, HeatBath, 0.4, nil},
		{[]int{40, 40}, Metropolis, 0, nil}, {[]int{18, 6, 4}, HeatBath, 0, nil}, {[]int{16, 16, 16}, Metropolis, 0, nil},
	} {
		p := Params{Dims: c.dims, J: 1, H: c.h, Beta: 0.9, Algorithm: c.alg}
		signs := randomSigns(c.dims, 5)
		ks := make([]*Replicas, len(kerns))
		acc := make([]int64, len(kerns))
		for i, kern := range kerns {
			replicaKernel = kern
			k, err := NewReplicasPMJ(p, signs, c.b, rng.New(9, 4))
			if err != nil {
				t.Fatal(err)
			}
			for range 5 {
				_, a := k.Sweep()
				acc[i] += a
			}
			ks[i] = k
		}
		for i := 1; i < len(kerns); i++ {
			name := fmt.Sprintf("%v %v h=%v kernel %d", c.dims, c.alg, c.h, kerns[i])
			if acc[0] != acc[i] || ks[0].cb.g != ks[i].cb.g {
				t.Fatalf("%s: differs from Go (flips %d, %d)", name, acc[i], acc[0])
			}
			sameReplicas(t, name, ks[0], ks[i], nil)
		}
	}
}

// TestReplicasPMJErrors checks the refusal of bad sign lists.
func TestReplicasPMJErrors(t *testing.T) {
	p := Params{Dims: []int{4, 4}, J: 1, Beta: 0.5}
	if _, err := NewReplicasPMJ(p, make([]int8, 31), nil, rng.New(1, 1)); err == nil {
		t.Fatal("31 signs for 32 bonds accepted")
	}
	s := randomSigns(p.Dims, 1)
	s[5] = 0
	if _, err := NewReplicasPMJ(p, s, nil, rng.New(1, 1)); err == nil {
		t.Fatal("sign 0 accepted")
	}
}

// TestReplicasOverlaps checks Overlaps against the unpacked configurations
// on both paths, for several shifts and replica counts.
func TestReplicasOverlaps(t *testing.T) {
	for _, dims := range [][]int{{8, 6}, {5, 3}, {4, 2, 6}, {3, 3, 2}} {
		for _, nr := range []int{64, 40} {
			betas := make([]float64, nr)
			for r := range betas {
				betas[r] = 0.5
			}
			k, err := NewReplicasPMJ(Params{Dims: dims, J: 1}, randomSigns(dims, 2), betas, rng.New(6, 6))
			if err != nil {
				t.Fatal(err)
			}
			k.Sweep()
			spins := make([][]int8, nr)
			for r := range spins {
				spins[r] = k.Spins(r, nil)
			}
			for _, shift := range []int{1, 7, nr / 2, nr - 1} {
				q := k.Overlaps(shift, nil)
				if len(q) != nr-shift {
					t.Fatalf("%v shift %d: %d overlaps", dims, shift, len(q))
				}
				for l := range q {
					s := 0
					for i := range spins[l] {
						s += int(spins[l][i]) * int(spins[l+shift][i])
					}
					if want := float64(s) / float64(k.N()); math.Abs(q[l]-want) > 1e-12 {
						t.Fatalf("%v %d replicas shift %d pair %d: q %v, want %v", dims, nr, shift, l, q[l], want)
					}
				}
			}
		}
	}
}
