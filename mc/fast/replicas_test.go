package fast

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/rng"
)

// TestReplicasReferenceChain replays two sweeps of the 64-replica kernel with
// a scalar int8 implementation of the documented reference chain: sites in
// typewriter order; replica r flips site i iff u < p, with p computed here
// independently from dE = 2 s_i (J sum_j s_j + h), and u's binary digits the
// bit r of the random words the kernel drew for site i. Every replica (in
// particular replica 0) must end in exactly the same configuration.
func TestReplicasReferenceChain(t *testing.T) {
	defer func(v int) { replicaKernel = v }(replicaKernel)
	for _, kern := range availableKernels() {
		replicaKernel = kern
		testReplicasReferenceChain(t)
	}
}

func testReplicasReferenceChain(t *testing.T) {
	// zero: even replicas at beta = 0, where heat bath has p = 1/2 (one
	// binary digit) next to long expansions, so that lanes whose digits are
	// exhausted stay undecided into the second phase.
	for _, c := range []struct {
		dims []int
		alg  Algorithm
		h    float64
		zero bool
	}{
		{[]int{4, 6}, Metropolis, 0, false}, {[]int{5, 3}, HeatBath, 0.2, false}, {[]int{6, 4}, Metropolis, -0.3, false},
		{[]int{3, 2, 4}, HeatBath, 0, false}, {[]int{4, 4}, HeatBath, 0, false}, {[]int{2, 4, 3}, Metropolis, 0, false},
		{[]int{4, 2, 4}, Metropolis, 0, false}, {[]int{18, 4}, Metropolis, 0, false}, {[]int{34, 2}, HeatBath, 0.1, false},
		{[]int{2, 2}, Metropolis, 0.2, false}, {[]int{6, 4, 2}, HeatBath, 0.3, false}, {[]int{16, 16}, HeatBath, 0, true},
	} {
		t.Run(fmt.Sprintf("%v-%v-h%v-zero%v", c.dims, c.alg, c.h, c.zero), func(t *testing.T) {
			betas := make([]float64, 64)
			for r := range betas {
				betas[r] = 0.05 + 0.02*float64(r)
				if c.zero && r%2 == 0 {
					betas[r] = 0
				}
			}
			p := Params{Dims: c.dims, J: 1, H: c.h, Algorithm: c.alg}
			k, err := NewReplicas(p, betas, rng.New(21, 3))
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				k.Sweep()
			}
			spins := make([][]int8, 64)
			for r := range spins {
				spins[r] = k.Spins(r, nil)
			}
			g, g8 := k.dec.g, gen8{}
			if k.cb != nil {
				g8 = k.cb.g
			}
			k.dec.tracing, k.dec.trace = true, nil
			const sweeps = 2
			for range sweeps {
				k.Sweep()
			}
			adj := adjacency(model(t, c.dims))
			prob := func(i, r int) float64 {
				s := spins[r]
				nb := 0
				for _, j := range adj[i] {
					nb += int(s[j])
				}
				dE := 2 * float64(s[i]) * (p.J*float64(nb) + p.H)
				if c.alg == Metropolis {
					return math.Min(1, math.Exp(-betas[r]*dE))
				}
				return numeric.Sigmoid(-betas[r] * dE)
			}
			// decide applies replica r's decision at site i; with pend it
			// returns true instead when no digit of words decides it and
			// fewer than nrounds words were drawn (the kernel's undecided).
			decide := func(i, r int, words []uint64, pend bool) bool {
				pf := prob(i, r)
				flip, ok := scalarDecide(pf, words, r)
				if pend && pf > 0 && pf < 1 && len(words) < k.dec.nrounds && !decidedByDigit(pf, words, r) {
					return true
				}
				if !ok {
					t.Fatalf("site %d replica %d p=%v: undecided after %d words", i, r, pf, len(words))
				}
				if flip {
					spins[r][i] = -spins[r][i]
				}
				return false
			}
			tr := 0
			if k.cb == nil {
				for range sweeps {
					for i := 0; i < k.N(); i++ {
						words := make([]uint64, k.dec.trace[tr])
						tr++
						for w := range words {
							words[w] = g.next()
						}
						for r := range spins {
							decide(i, r, words, false)
						}
					}
				}
			} else {
				// Checkerboard path: colour 0 then 1, rows (y,z). First
				// phase: groups of eight sites x = 2h + (y+z+c)%2; site h0+i
				// of a group reads stream i of the rounds drawn for the group.
				// Second phase: the sites with undecided replicas, in
				// groups of eight, site i of a group reading stream i of the
				// group's further rounds.
				lx, ly, lz := k.dims[0], k.dims[1], k.dims[2]
				w := lx / 2
				draw := func(words [][]uint64) {
					n := int(k.dec.trace[tr])
					tr++
					for range n {
						var r [8]uint64
						g8.next(&r)
						for i := range words {
							words[i] = append(words[i], r[i])
						}
					}
				}
				type pending struct {
					site  int
					words []uint64
					reps  []int
				}
				for range sweeps {
					for col := 0; col < 2; col++ {
						for z := 0; z < lz; z++ {
							for y := 0; y < ly; y++ {
								var queue []pending
								for h0 := 0; h0 < w; h0 += 8 {
									words := make([][]uint64, 8)
									draw(words)
									for i := 0; i < 8 && h0+i < w; i++ {
										x := 2*(h0+i) + (y+z+col)%2
										site := x + lx*(y+ly*z)
										pd := pending{site: site, words: words[i]}
										for r := range spins {
											if decide(site, r, words[i], true) {
												pd.reps = append(pd.reps, r)
											}
										}
										if pd.reps != nil {
											queue = append(queue, pd)
										}
									}
								}
								for q0 := 0; q0 < len(queue); q0 += 8 {
									words := make([][]uint64, 8)
									draw(words)
									for i := 0; i < 8 && q0+i < len(queue); i++ {
										pd := queue[q0+i]
										all := append(append([]uint64(nil), pd.words...), words[i]...)
										for _, r := range pd.reps {
											decide(pd.site, r, all, false)
										}
									}
								}
							}
						}
					}
				}
			}
			if tr != len(k.dec.trace) {
				t.Fatalf("replayed %d groups, kernel traced %d", tr, len(k.dec.trace))
			}
			for r := range spins {
				if string(int8s(spins[r])) != string(int8s(k.Spins(r, nil))) {
					t.Fatalf("replica %d differs from the reference chain", r)
				}
			}
		})
	}
}

// decidedByDigit says whether some digit of u (bit r of words) differs from
// the corresponding digit of p in (0,1).
func decidedByDigit(p float64, words []uint64, r int) bool {
	one := make(map[int]bool)
	for _, j := range digits(p) {
		one[j] = true
	}
	for j, w := range words {
		if (w>>uint(r)&1 == 1) != one[j+1] {
			return true
		}
	}
	return false
}

// scalarDecide decides u < p for the uniform u whose digits are bit r of
// words; ok is false if the words do not decide it.
func scalarDecide(p float64, words []uint64, r int) (flip, ok bool) {
	if p >= 1 {
		return true, true
	}
	if p <= 0 {
		return false, true
	}
	d := digits(p)
	one := make(map[int]bool, len(d))
	for _, j := range d {
		one[j] = true
	}
	for j, w := range words {
		b := w>>uint(r)&1 == 1
		if b != one[j+1] {
			return one[j+1], true
		}
	}
	if len(words) >= d[len(d)-1] {
		return false, true // u agrees with every digit of p: u >= p
	}
	return false, false
}

// TestReplicasExact checks per-replica temperatures against exact
// enumeration of the 4x4 torus (checkerboard path, 8 sites per group) and the
// 5x3 torus (typewriter path): 64 replicas at 4 temperatures, 16 each.
func TestReplicasExact(t *testing.T) {
	temps := []float64{0.25, 0.35, betaC, 0.6}
	betas := make([]float64, 64)
	for r := range betas {
		betas[r] = temps[r%4]
	}
	for _, c := range []struct {
		lx, ly int
		alg    Algorithm
		h      float64
	}{{4, 4, Metropolis, 0}, {4, 4, HeatBath, 0.15}, {5, 3, Metropolis, 0.1}} {
		n := float64(c.lx * c.ly)
		k, err := NewReplicas(Params{Dims: []int{c.lx, c.ly}, J: 1, H: c.h, Algorithm: c.alg}, betas, rng.New(5, uint64(c.alg)))
		if err != nil {
			t.Fatal(err)
		}
		for range 500 {
			k.Sweep()
		}
		const nsw = 20000
		u := make([][]float64, 4)
		m2 := make([][]float64, 4)
		am := make([][]float64, 4)
		var e, mg []float64
		for range nsw {
			k.Sweep()
			e = k.Energies(e)
			mg = k.Magnetizations(mg)
			var su, sm2, sam [4]float64
			for r := range e {
				m := mg[r] / n
				su[r%4] += e[r] / n / 16
				sm2[r%4] += m * m / 16
				sam[r%4] += math.Abs(m) / 16
			}
			for ti := range temps {
				u[ti] = append(u[ti], su[ti])
				m2[ti] = append(m2[ti], sm2[ti])
				am[ti] = append(am[ti], sam[ti])
			}
		}
		for ti, b := range temps {
			ex := enumerate(t, c.lx, c.ly, b, 1, c.h)
			checkAgainst(t, fmt.Sprintf("replicas %dx%d %v h=%v beta=%.4f", c.lx, c.ly, c.alg, c.h, b), ex, u[ti], m2[ti], am[ti], 4.5)
		}
	}
}

// TestReplicasEnergies checks the bit-sliced per-replica energies and
// magnetizations against lattice.Model.
func TestReplicasEnergies(t *testing.T) {
	for _, dims := range [][]int{{4, 4}, {5, 3}, {2, 6}, {3, 4, 2}} {
		m := model(t, dims)
		k, err := NewReplicas(Params{Dims: dims, J: 1.5, H: 0.25, Beta: 0.3}, nil, rng.New(1, 1))
		if err != nil {
			t.Fatal(err)
		}
		k.Sweep()
		e := k.Energies(nil)
		mg := k.Magnetizations(nil)
		for r := 0; r < k.Len(); r++ {
			s := k.Spins(r, nil)
			want := 1.5*m.Energy(s) - 0.25*sum(s)
			if math.Abs(e[r]-want) > 1e-9 || mg[r] != sum(s) {
				t.Fatalf("%v replica %d: E %v M %v, want %v %v", dims, r, e[r], mg[r], want, sum(s))
			}
		}
	}
}

// TestParallelIndependentOfGOMAXPROCS runs a replica set and checkerboard
// lattices with one and with several workers and GOMAXPROCS values.
func TestParallelIndependentOfGOMAXPROCS(t *testing.T) {
	run := func(procs, workers int) [][]int8 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		betas := make([]float64, 150)
		for i := range betas {
			betas[i] = 0.2 + 0.003*float64(i)
		}
		set, err := NewReplicaSet(Params{Dims: []int{8, 8}, J: 1}, betas, 7, 100)
		if err != nil {
			t.Fatal(err)
		}
		var ks []Sweeper
		for _, r := range set {
			ks = append(ks, r)
		}
		var cbs []*Checkerboard
		for i := range 3 {
			cb, err := NewCheckerboard(Params{Dims: []int{16, 16}, J: 1, Beta: 0.4}, rng.New(7, uint64(i)))
			if err != nil {
				t.Fatal(err)
			}
			cbs = append(cbs, cb)
			ks = append(ks, cb)
		}
		if err := Parallel(context.Background(), ks, 50, workers); err != nil {
			t.Fatal(err)
		}
		var out [][]int8
		for _, r := range set {
			for i := range r.Len() {
				out = append(out, r.Spins(i, nil))
			}
		}
		for _, cb := range cbs {
			out = append(out, cb.Spins(nil))
		}
		return out
	}
	a, b, c := run(1, 1), run(4, 0), run(2, 3)
	for i := range a {
		if string(int8s(a[i])) != string(int8s(b[i])) || string(int8s(a[i])) != string(int8s(c[i])) {
			t.Fatalf("chain %d depends on GOMAXPROCS/workers", i)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	k, _ := NewCheckerboard(Params{Dims: []int{4, 4}, J: 1}, rng.New(1, 1))
	if err := Parallel(ctx, []Sweeper{k}, 10, 1); err == nil {
		t.Error("Parallel ignored a cancelled context")
	}
}

// availableKernels lists the row kernels this machine can run, Go first.
func availableKernels() []int {
	ks := []int{kernGo}
	if haveAVX2 {
		ks = append(ks, kernAVX2)
	}
	if haveAVX512 {
		ks = append(ks, kernAVX512)
	}
	return ks
}

// TestReplicasAsmMatchesGo runs the checkerboard path with each assembly row
// kernel (AVX-512, AVX2) and with the pure-Go replicaRowGo (the fallback
// elsewhere) from the same seed: spins, flip counts and generator states must
// agree bit for bit.
func TestReplicasAsmMatchesGo(t *testing.T) {
	kerns := availableKernels()
	if len(kerns) == 1 {
		t.Skip("no assembly row kernel on this machine")
	}
	defer func(v int) { replicaKernel = v }(replicaKernel)
	betas := make([]float64, 50)
	for r := range betas {
		betas[r] = 0.1 + 0.015*float64(r)
	}
	halfZero := make([]float64, 64)
	for r := 1; r < 64; r += 2 {
		halfZero[r] = 0.3
	}
	for _, c := range []struct {
		dims []int
		alg  Algorithm
		h    float64
		b    []float64
	}{
		{[]int{16, 8}, Metropolis, 0, nil}, {[]int{10, 6}, HeatBath, 0, betas}, {[]int{36, 4}, Metropolis, 0.2, betas},
		{[]int{22, 2}, HeatBath, -0.1, nil}, {[]int{4, 6, 8}, Metropolis, 0, betas}, {[]int{2, 2, 2}, HeatBath, 0.4, nil},
		{[]int{40, 40}, Metropolis, 0, nil}, {[]int{16, 8}, Metropolis, 0, betas[:5]}, {[]int{12, 4}, HeatBath, 0.2, betas[40:]},
		{[]int{24, 24}, HeatBath, 0, halfZero}, {[]int{8, 4}, Metropolis, 0, make([]float64, 64)}, {[]int{8, 4}, HeatBath, 0, make([]float64, 64)},
	} {
		p := Params{Dims: c.dims, J: 1, H: c.h, Beta: betaC, Algorithm: c.alg}
		ks := make([]*Replicas, len(kerns))
		acc := make([]int64, len(kerns))
		for i, kern := range kerns {
			replicaKernel = kern
			k, err := NewReplicas(p, c.b, rng.New(9, 4))
			if err != nil {
				t.Fatal(err)
			}
			if k.cb == nil {
				t.Fatalf("%v: no checkerboard path", c.dims)
			}
			for range 7 {
				_, a := k.Sweep()
				acc[i] += a
			}
			ks[i] = k
		}
		for i := 1; i < len(kerns); i++ {
			if acc[0] != acc[i] || ks[0].cb.g != ks[i].cb.g {
				t.Fatalf("%v %v h=%v: kernel %d and Go differ (flips %d, %d)", c.dims, c.alg, c.h, kerns[i], acc[i], acc[0])
			}
			for r := 0; r < ks[0].Len(); r++ {
				if string(int8s(ks[0].Spins(r, nil))) != string(int8s(ks[i].Spins(r, nil))) {
					t.Fatalf("%v %v h=%v: replica %d differs between kernel %d and Go", c.dims, c.alg, c.h, r, kerns[i])
				}
			}
		}
	}
}

// TestReplicasSetSpins checks that configurations set between sweeps are the
// ones the checkerboard path sweeps: a replica set to the ground state at a
// very low temperature stays there, and Spins returns what SetSpins set.
func TestReplicasSetSpins(t *testing.T) {
	for _, dims := range [][]int{{8, 6}, {18, 4}, {4, 2, 6}, {5, 4}} {
		k, err := NewReplicas(Params{Dims: dims, J: 1, Beta: 20}, nil, rng.New(3, 3))
		if err != nil {
			t.Fatal(err)
		}
		k.Sweep()
		up := make([]int8, k.N())
		for i := range up {
			up[i] = 1
		}
		pattern := make([]int8, k.N())
		for i := range pattern {
			pattern[i] = int8(1 - 2*(i*7%3%2))
		}
		k.SetSpins(3, up)
		k.SetSpins(5, pattern)
		if string(int8s(k.Spins(5, nil))) != string(int8s(pattern)) {
			t.Fatalf("%v: Spins does not return what SetSpins set", dims)
		}
		for range 3 {
			k.Sweep()
		}
		if string(int8s(k.Spins(3, nil))) != string(int8s(up)) {
			t.Fatalf("%v: ground state set by SetSpins left at beta = 20", dims)
		}
		if m := k.Magnetizations(nil)[3]; m != float64(k.N()) {
			t.Fatalf("%v: magnetization %v, want %d", dims, m, k.N())
		}
	}
}
