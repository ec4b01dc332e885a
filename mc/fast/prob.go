package fast

import (
	"fmt"
	"math"
)

// maxClasses bounds the number of acceptance classes: (z+1) values of the
// number of unsatisfied bonds, times 2 spin values when there is a field,
// for coordination z <= 6.
const maxClasses = 14

// probTable is the bit-sliced form of a set of acceptance probabilities
// p[c][k] for class c (a neighbourhood configuration) and lane k (a bit of a
// machine word: a site of one lattice, or one replica).
//
// A lane is decided exactly as "u < p" for a uniform u in [0,1) whose binary
// digits u_1 u_2 ... are the lane's bits of successive fresh random words.
// Every float64 p in (0,1) has a finite binary expansion p = 0.p_1 p_2 ... p_n
// (n <= 1127), so the comparison is decided at the first position j where
// u_j != p_j (u < p iff p_j = 1), and if u agrees with p on all n digits then
// u >= p. Each round halves the undecided lanes on average; the loop stops
// when no lane of the word is undecided (see decider.flips for a fixed
// minimum number of rounds). Lanes with p = 1 are accepted
// and lanes with p = 0 rejected without consuming random bits.
//
// Because every word is drawn fresh, each bit is read by one lane only, and
// the number of words a decision draws is a stopping time of the i.i.d. bit
// stream, the bits any lane uses for a decision are fresh and independent of
// everything before: each lane makes an exact, independent Bernoulli(p)
// decision.
type probTable struct {
	lanes uint64 // mask of the lanes in use

	unc      []int              // classes with at least one lane 0 < p < 1
	uncLanes [maxClasses]uint64 // per class: lanes with 0 < p < 1
	sure     []int              // classes with at least one lane p = 1
	sureLns  [maxClasses]uint64 // per class: lanes with p = 1
	// complement is true when no lane of any class has p = 0, so that the
	// accepted-for-sure lanes are the complement of the undecided ones.
	complement bool

	rows    []uint64 // rows[j*len(unc)+t]: lanes whose p of class unc[t] has digit j+1 set
	nrounds int      // no digit of any p beyond this position
}

// digits returns the positions (1-based, in increasing order) of the one bits
// of the binary expansion of p in (0,1).
func digits(p float64) []int {
	f, e := math.Frexp(p) // p = f 2^e, f in [1/2,1), e <= 0
	mant := uint64(math.Ldexp(f, 53))
	var pos []int
	// bit b of mant has value 2^(b+e-53), i.e. position 53-e-b.
	for b := 52; b >= 0; b-- {
		if mant>>uint(b)&1 == 1 {
			pos = append(pos, 53-e-b)
		}
	}
	return pos
}

// newProbTable builds the table for nc classes and the lanes in mask, with
// prob(c, k) the probability of class c in lane k. It returns an error naming
// the class if a probability is NaN or outside [0,1].
func newProbTable(nc int, mask uint64, prob func(c, k int) float64) (*probTable, error) {
	if nc > maxClasses {
		panic("fast: too many classes")
	}
	t := &probTable{lanes: mask, complement: true}
	type bitpos struct {
		c   int
		pos []int
		k   int
	}
	var expansions []bitpos
	for c := 0; c < nc; c++ {
		for k := 0; k < 64; k++ {
			if mask>>uint(k)&1 == 0 {
				continue
			}
			p := prob(c, k)
			switch {
			case math.IsNaN(p) || p < 0 || p > 1:
				return nil, fmt.Errorf("fast: acceptance probability %v of class %d, lane %d: must be in [0,1]", p, c, k)
			case p == 1:
				t.sureLns[c] |= 1 << uint(k)
			case p == 0:
				t.complement = false
			default:
				t.uncLanes[c] |= 1 << uint(k)
				d := digits(p)
				expansions = append(expansions, bitpos{c, d, k})
				if last := d[len(d)-1]; last > t.nrounds {
					t.nrounds = last
				}
			}
		}
		if t.uncLanes[c] != 0 {
			t.unc = append(t.unc, c)
		}
		if t.sureLns[c] != 0 {
			t.sure = append(t.sure, c)
		}
	}
	slot := make(map[int]int)
	for i, c := range t.unc {
		slot[c] = i
	}
	nu := len(t.unc)
	t.rows = make([]uint64, t.nrounds*nu)
	for _, e := range expansions {
		for _, j := range e.pos {
			t.rows[(j-1)*nu+slot[e.c]] |= 1 << uint(e.k)
		}
	}
	return t, nil
}

// decide returns the lanes that accept, given the class masks m (m[c] holds
// the lanes of class c; the masks partition the lanes in use), drawing random
// words from g. It also returns the number of words drawn. This is the
// reference form; the kernels inline the same steps.
func (t *probTable) decide(m *[maxClasses]uint64, g *gen) (acc uint64, words int) {
	var und uint64
	var mu [maxClasses]uint64
	for i, c := range t.unc {
		mu[i] = m[c] & t.uncLanes[c]
		und |= mu[i]
	}
	if t.complement {
		acc = t.lanes &^ und
	} else {
		for _, c := range t.sure {
			acc |= m[c] & t.sureLns[c]
		}
	}
	nu := len(t.unc)
	for j := 0; und != 0 && j < t.nrounds; j++ {
		r := g.next()
		words++
		row := t.rows[j*nu : j*nu+nu]
		var p uint64
		for i, b := range row {
			p |= mu[i] & b
		}
		acc |= und & p &^ r
		und &^= p ^ r
	}
	return acc, words
}

// tableCache keeps the tables of the last few temperatures a kernel used, so
// that parallel tempering, which changes temperatures at every accepted swap,
// does not rebuild them.
type tableCache struct {
	m map[float64]*probTable
}

func (c *tableCache) get(beta float64, build func() (*probTable, error)) (*probTable, error) {
	if t, ok := c.m[beta]; ok {
		return t, nil
	}
	t, err := build()
	if err != nil {
		return nil, err
	}
	if c.m == nil || len(c.m) >= 256 {
		c.m = make(map[float64]*probTable)
	}
	c.m[beta] = t
	return t, nil
}
