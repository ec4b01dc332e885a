package fast

import (
	"fmt"
	"math"
	"math/bits"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// TestReplicaRowFrequencies drives each row kernel (Go, AVX2, AVX-512) with
// random spin and neighbour words on a square-lattice row of 8 + 3 words
// (one whole group and a partial one) and checks, for every lane (64
// replicas at 64 temperatures) and every class (number of unsatisfied
// bonds), the flip frequency against the exact p: each |z| < 5, sure classes
// always flipped, and the chi-square within 5 sigma of its mean.
func TestReplicaRowFrequencies(t *testing.T) {
	for _, alg := range []Algorithm{Metropolis, HeatBath} {
		for _, kern := range availableKernels() {
			t.Run(fmt.Sprintf("%v-kernel%d", alg, kern), func(t *testing.T) {
				defer func(v int) { replicaKernel = v }(replicaKernel)
				replicaKernel = kern
				testRowFrequencies(t, alg)
			})
		}
	}
}

func testRowFrequencies(t *testing.T, alg Algorithm) {
	const z, w = 4, 11
	betas := make([]float64, 64)
	for l := range betas {
		betas[l] = 0.02 + 0.012*float64(l)
	}
	prob := func(c, l int) float64 { return flipProb(alg, betas[l], 1, 0, z, c, 1) }
	tab, err := newProbTable(z+1, ^uint64(0), prob)
	if err != nil {
		t.Fatal(err)
	}
	var d decider
	d.setTable(tab, z, false)
	cb := &cbReplicas{w: w, g: newGen8(rng.New(8, 1)), trace: make([]int32, 4)}
	cb.qidx, cb.qund, cb.qacc = make([]uint64, w+8), make([]uint64, w+8), make([]uint64, w+8)
	cb.qm = make([]uint64, maxClasses*(w+8))
	for i := range cb.uf4 {
		for j := range cb.uf4[i] {
			for k := range cb.uf4[i][j] {
				cb.uf4[i][j][k], cb.sf4[i][j][k] = d.uf[i][j], d.sf[i][j]
			}
		}
	}
	a := rowArgs{
		w: w, uf: &d.uf, nu: d.nu, sf: &d.sf, ns: d.ns, lanes: d.lanes, nr: d.nrounds,
		g: &cb.g, selc: ^uint64(0), mbuf: &cb.mbuf, abuf: &cb.abuf, k1: min(phase1Rounds, d.nrounds),
		uf4: &cb.uf4, sf4: &cb.sf4, trace: &cb.trace[0],
		qidx: &cb.qidx[0], qund: &cb.qund[0], qacc: &cb.qacc[0], qm: &cb.qm[0], qcap: w + 8,
	}
	if d.complement {
		a.comp = 1
	}
	a.rows = &d.rows[0]
	rowFn := map[int]func(*rowArgs) int{kernGo: replicaRowGo, kernAVX2: replicaRowAVX2Tail, kernAVX512: replicaRowAsm}[replicaKernel]
	src := rng.New(8, 2)
	s := make([]uint64, w)
	same := make([]uint64, w+2)
	yp, ym := make([]uint64, w), make([]uint64, w)
	var cnt, tot [z + 1][64]int
	const calls = 12000
	for it := range calls {
		for h := 0; h < w; h++ {
			s[h], same[h+1], yp[h], ym[h] = src.Uint64(), src.Uint64(), src.Uint64(), src.Uint64()
		}
		same[0], same[w+1] = same[w], same[1]
		a.d = 2*(it&1) - 1
		a.s, a.same, a.yp, a.ym, a.zp, a.zm = &s[0], &same[1], &yp[0], &ym[0], &s[0], &s[0]
		old := append([]uint64(nil), s...)
		a.nq, a.ntr = 0, 0
		var u [w][64]int
		for h := 0; h < w; h++ {
			x := old[h]
			for _, nb := range []uint64{same[h+1], same[h+1+a.d], yp[h], ym[h]} {
				for l := range 64 {
					u[h][l] += int((x ^ nb) >> uint(l) & 1)
				}
			}
		}
		f := rowFn(&a)
		nf := 0
		for h := 0; h < w; h++ {
			fl := old[h] ^ s[h]
			nf += bits.OnesCount64(fl)
			for l := range 64 {
				tot[u[h][l]][l]++
				cnt[u[h][l]][l] += int(fl >> uint(l) & 1)
			}
		}
		if nf != f {
			t.Fatalf("call %d: kernel counted %d flips, spins show %d", it, f, nf)
		}
	}
	chi2, dof := 0.0, 0
	for c := 0; c <= z; c++ {
		for l := range 64 {
			n, k, p := float64(tot[c][l]), float64(cnt[c][l]), prob(c, l)
			v := n * p * (1 - p)
			if v == 0 {
				if k != n*p {
					t.Errorf("class %d lane %d p=%v: %v flips of %v", c, l, p, k, n)
				}
				continue
			}
			zz := (k - n*p) / math.Sqrt(v)
			if math.Abs(zz) > 5 {
				t.Errorf("class %d lane %d p=%v: %v flips of %v (z=%.1f)", c, l, p, k, n, zz)
			}
			chi2 += zz * zz
			dof++
		}
	}
	if math.Abs(chi2-float64(dof)) > 5*math.Sqrt(2*float64(dof)) {
		t.Errorf("chi2 = %.1f for %d class-lanes", chi2, dof)
	}
	t.Logf("chi2 = %.1f for %d class-lanes", chi2, dof)
}
