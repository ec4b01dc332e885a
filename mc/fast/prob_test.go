package fast

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// laneProbs returns 64 probabilities covering the awkward cases: tiny
// (subnormal), long expansions, dyadic, and close to 0 and 1.
func laneProbs() []float64 {
	p := []float64{0.5, 0.25, 0.75, 1 - 0x1p-53, 0x1p-60, 5e-324, 1e-300, 1.0 / 3, 2.0 / 3, 0.1,
		math.Exp(-4 * betaC), math.Exp(-8 * betaC), 0.999999, 1e-6, 0x1p-1 + 0x1p-53, 0.171, 0.3, 0.9, 1, 0}
	r := rand.New(rng.New(7, 1))
	for len(p) < 64 {
		p = append(p, r.Float64())
	}
	return p
}

// TestBernoulliDecidesExactly checks, lane by lane, that the bit-sliced
// decision equals the exact comparison u < p, where u's binary digits are the
// lane's bits of the random words the sampler drew: with R words drawn,
// u lies in [U/2^R, (U+1)/2^R) and the decision must be implied by that
// interval (or, if the lane used all digits of p, u >= p).
func TestBernoulliDecidesExactly(t *testing.T) {
	probs := laneProbs()
	tab, err := newProbTable(1, ^uint64(0), func(_, k int) float64 { return probs[k] })
	if err != nil {
		t.Fatal(err)
	}
	g := newGen(rng.New(3, 4))
	var m [maxClasses]uint64
	m[0] = ^uint64(0)
	pr := make([]*big.Rat, 64)
	for k, p := range probs {
		pr[k] = new(big.Rat).SetFloat64(p)
	}
	for trial := 0; trial < 3000; trial++ {
		g0 := g
		acc, words := tab.decide(&m, &g)
		ws := make([]uint64, words)
		for i := range ws {
			ws[i] = g0.next()
		}
		if g0 != g {
			t.Fatal("decide drew a different number of words than reported")
		}
		for k, p := range probs {
			got := acc>>uint(k)&1 == 1
			if p == 1 || p == 0 {
				if got != (p == 1) {
					t.Fatalf("lane %d p=%v: decided %v", k, p, got)
				}
				continue
			}
			// Find the round at which lane k was decided: the first j with
			// u_j != p_j.
			d := digits(p)
			isOne := map[int]bool{}
			for _, j := range d {
				isOne[j] = true
			}
			U := new(big.Int)
			dec := -1
			for j := 1; j <= words; j++ {
				b := ws[j-1] >> uint(k) & 1
				U.Lsh(U, 1)
				U.Or(U, big.NewInt(int64(b)))
				if (b == 1) != isOne[j] && dec < 0 {
					dec = j
				}
			}
			R := int64(words)
			lo := new(big.Rat).SetFrac(U, new(big.Int).Lsh(big.NewInt(1), uint(R)))
			hi := new(big.Rat).SetFrac(new(big.Int).Add(U, big.NewInt(1)), new(big.Int).Lsh(big.NewInt(1), uint(R)))
			switch {
			case hi.Cmp(pr[k]) <= 0:
				if !got {
					t.Fatalf("trial %d lane %d p=%v: u < p for sure but rejected", trial, k, p)
				}
			case lo.Cmp(pr[k]) >= 0:
				if got {
					t.Fatalf("trial %d lane %d p=%v: u >= p for sure but accepted", trial, k, p)
				}
			default:
				t.Fatalf("trial %d lane %d p=%v: undecided after %d words (decided at %d)", trial, k, p, words, dec)
			}
		}
	}
}

// TestBernoulliFrequencies checks the acceptance frequency of every lane
// against its p: each |z| < 5 and the total chi-square within 5 sigma of its
// mean.
func TestBernoulliFrequencies(t *testing.T) {
	probs := laneProbs()
	tab, err := newProbTable(1, ^uint64(0), func(_, k int) float64 { return probs[k] })
	if err != nil {
		t.Fatal(err)
	}
	g := newGen(rng.New(5, 6))
	var m [maxClasses]uint64
	m[0] = ^uint64(0)
	const n = 200000
	var cnt [64]int
	words := 0
	for range n {
		acc, w := tab.decide(&m, &g)
		words += w
		for k := range cnt {
			cnt[k] += int(acc >> uint(k) & 1)
		}
	}
	chi2, dof := 0.0, 0
	for k, p := range probs {
		v := n * p * (1 - p)
		if v == 0 {
			if float64(cnt[k]) != n*p {
				t.Errorf("lane %d p=%v: %d accepts of %d", k, p, cnt[k], n)
			}
			continue
		}
		z := (float64(cnt[k]) - n*p) / math.Sqrt(v)
		if math.Abs(z) > 5 {
			t.Errorf("lane %d p=%v: %d accepts of %d (z=%.1f)", k, p, cnt[k], n, z)
		}
		chi2 += z * z
		dof++
	}
	if math.Abs(chi2-float64(dof)) > 5*math.Sqrt(2*float64(dof)) {
		t.Errorf("chi2 = %.1f for %d lanes", chi2, dof)
	}
	t.Logf("chi2 = %.1f for %d lanes; %.2f random words per 64-lane decision", chi2, dof, float64(words)/n)
}

// TestDigits checks the binary expansion against big.Float.
func TestDigits(t *testing.T) {
	for _, p := range laneProbs() {
		if p == 0 || p == 1 {
			continue
		}
		sum := new(big.Float).SetPrec(2000)
		for _, j := range digits(p) {
			sum.Add(sum, new(big.Float).SetMantExp(big.NewFloat(1), -j))
		}
		if sum.Cmp(new(big.Float).SetFloat64(p)) != 0 {
			t.Errorf("digits(%v) do not sum to p", p)
		}
	}
}
