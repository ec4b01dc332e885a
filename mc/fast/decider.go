package fast

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// Algorithm selects the single-spin update rule of the multi-spin kernels.
type Algorithm int

// The update rules. The zero value is Metropolis.
const (
	// Metropolis flips a spin with probability min(1, exp(-beta dE)).
	Metropolis Algorithm = iota
	// HeatBath sets a spin from its conditional distribution, which is a flip
	// with probability 1/(1+exp(beta dE)).
	HeatBath
)

func (a Algorithm) String() string {
	switch a {
	case Metropolis:
		return "metropolis"
	case HeatBath:
		return "heatbath"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// flipProb returns the probability of flipping a spin of value sp (±1) with u
// unsatisfied bonds out of z, so that dE = 2J(z-2u) + 2h sp.
func flipProb(alg Algorithm, beta, j, h float64, z, u, sp int) float64 {
	dE := 2*j*float64(z-2*u) + 2*h*float64(sp)
	if alg == HeatBath {
		return numeric.Sigmoid(-beta * dE)
	}
	if dE <= 0 {
		return 1
	}
	return math.Exp(-beta * dE)
}

// decider turns the bit-sliced neighbour counts of a word into an exact flip
// mask (see probTable for the method). Classes are c = u + (z+1) sbit, where u
// is the number of unsatisfied bonds (bits u0,u1,u2) and sbit = 1 for s = +1
// (only with a field; without one the spin word passed is all ones).
type decider struct {
	g          gen
	lanes      uint64
	complement bool
	nu, ns     int
	uf         [maxClasses][5]uint64 // per uncertain class: xor selectors of u0,u1,u2,s and its lane mask
	sf         [maxClasses][5]uint64 // per sure class (only used when !complement)
	rows       []uint64
	nrounds    int
	tracing    bool
	trace      []int32 // words drawn per call, when tracing
}

func selectors(c, z int, lanes uint64) [5]uint64 {
	u := c % (z + 1)
	sb := c / (z + 1)
	var f [5]uint64
	for b := 0; b < 3; b++ {
		if u>>uint(b)&1 == 0 {
			f[b] = ^uint64(0)
		}
	}
	if sb == 0 {
		f[3] = ^uint64(0)
	}
	f[4] = lanes
	return f
}

// setTable installs the probabilities of t for coordination z; field says
// whether classes distinguish the spin value.
func (d *decider) setTable(t *probTable, z int, field bool) {
	d.lanes = t.lanes
	d.complement = t.complement
	d.nu, d.ns = len(t.unc), len(t.sure)
	for i, c := range t.unc {
		d.uf[i] = selectors(c, z, t.uncLanes[c])
		if !field {
			d.uf[i][3] = 0
		}
	}
	for i, c := range t.sure {
		d.sf[i] = selectors(c, z, t.sureLns[c])
		if !field {
			d.sf[i][3] = 0
		}
	}
	d.rows, d.nrounds = t.rows, t.nrounds
}

// Rounds done without an exit test when at least denseLanes lanes of a word
// are undecided (see flips).
const (
	fixedRounds = 7
	denseLanes  = 24
)

// flips returns the lanes to flip for a word with unsatisfied-bond count bits
// u0,u1,u2 and spin word sel (all ones when there is no field).
func (d *decider) flips(u0, u1, u2, sel uint64) uint64 {
	var mu [maxClasses]uint64
	var und, acc uint64
	nu := d.nu
	for i := 0; i < nu; i++ {
		f := &d.uf[i]
		m := (u0 ^ f[0]) & (u1 ^ f[1]) & (u2 ^ f[2]) & (sel ^ f[3]) & f[4]
		mu[i] = m
		und |= m
	}
	if d.complement {
		acc = d.lanes &^ und
	} else {
		for i := 0; i < d.ns; i++ {
			f := &d.sf[i]
			acc |= (u0 ^ f[0]) & (u1 ^ f[1]) & (u2 ^ f[2]) & (sel ^ f[3]) & f[4]
		}
	}
	words := 0
	rows := d.rows
	g := d.g
	// With many undecided lanes the word needs about 7 rounds anyway; doing
	// them without testing for early completion avoids a mispredicted loop
	// exit on most words (measured: 8 % faster at beta_c). The words drawn
	// in rounds after all lanes are decided are simply not used.
	minR := 0
	if bits.OnesCount64(und) >= denseLanes {
		minR = min(fixedRounds, d.nrounds)
	}
	switch nu {
	case 1:
		m0 := mu[0]
		for j := 0; (j < minR || und != 0) && j < len(rows); j++ {
			r := g.next()
			words++
			p := m0 & rows[j]
			acc |= und & p &^ r
			und &^= p ^ r
		}
	case 2:
		d.g = g
		var n int
		acc, n = rounds2(&d.g, rows, mu[0], mu[1], und, acc, 2*minR)
		g = d.g
		words = n
	case 3:
		d.g = g
		var n int
		acc, n = rounds3(&d.g, rows, &mu, und, acc, 3*minR)
		g = d.g
		words = n
	case 10:
		d.g = g
		var n int
		acc, n = rounds10(&d.g, rows, &mu, und, acc)
		g = d.g
		words = n
	case 5:
		d.g = g
		var n int
		acc, n = rounds5(&d.g, rows, &mu, und, acc, 5*minR)
		g = d.g
		words = n
	default:
		for j := 0; und != 0 && j < d.nrounds; j++ {
			r := g.next()
			words++
			row := rows[j*nu : j*nu+nu]
			var p uint64
			for i, b := range row {
				p |= mu[i] & b
			}
			acc |= und & p &^ r
			und &^= p ^ r
		}
	}
	d.g = g
	if d.tracing {
		d.trace = append(d.trace, int32(words))
	}
	return acc
}

// rounds2 is the round loop for two uncertain classes, in a small function
// so that the generator state, masks and accumulators stay in registers.
// It returns the accepted lanes and the number of words drawn.
func rounds2(g *gen, rows []uint64, m0, m1, und, acc uint64, min2 int) (uint64, int) {
	s0, s1, s2, s3 := g.s0, g.s1, g.s2, g.s3
	j := 0
	for ; (j < min2 || und != 0) && j+1 < len(rows); j += 2 {
		// xoshiro256** (see gen.next), inlined on locals.
		r := bits.RotateLeft64(s1*5, 7) * 9
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		p := m0&rows[j] | m1&rows[j+1]
		acc |= und & p &^ r
		und &^= p ^ r
	}
	g.s0, g.s1, g.s2, g.s3 = s0, s1, s2, s3
	return acc, j / 2
}

// rounds5 is rounds2 for five uncertain classes (heat bath without field,
// Metropolis with a field on the square lattice).
func rounds5(g *gen, rows []uint64, mu *[maxClasses]uint64, und, acc uint64, min5 int) (uint64, int) {
	s0, s1, s2, s3 := g.s0, g.s1, g.s2, g.s3
	m0, m1, m2, m3, m4 := mu[0], mu[1], mu[2], mu[3], mu[4]
	j := 0
	for ; (j < min5 || und != 0) && j+4 < len(rows); j += 5 {
		r := bits.RotateLeft64(s1*5, 7) * 9
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		row := rows[j : j+5 : j+5]
		p := m0&row[0] | m1&row[1] | m2&row[2] | m3&row[3] | m4&row[4]
		acc |= und & p &^ r
		und &^= p ^ r
	}
	g.s0, g.s1, g.s2, g.s3 = s0, s1, s2, s3
	return acc, j / 5
}

// rounds3 is rounds2 for three uncertain classes (Metropolis without field on
// the simple cubic lattice).
func rounds3(g *gen, rows []uint64, mu *[maxClasses]uint64, und, acc uint64, min3 int) (uint64, int) {
	s0, s1, s2, s3 := g.s0, g.s1, g.s2, g.s3
	m0, m1, m2 := mu[0], mu[1], mu[2]
	j := 0
	for ; (j < min3 || und != 0) && j+2 < len(rows); j += 3 {
		r := bits.RotateLeft64(s1*5, 7) * 9
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		row := rows[j : j+3 : j+3]
		p := m0&row[0] | m1&row[1] | m2&row[2]
		acc |= und & p &^ r
		und &^= p ^ r
	}
	g.s0, g.s1, g.s2, g.s3 = s0, s1, s2, s3
	return acc, j / 3
}

// flips2 is flips for the common case of two uncertain classes and no lane
// with p = 0 (Metropolis without field on the square lattice), without the
// generic class loop.
func (d *decider) flips2(u0, u1, u2, sel uint64) uint64 {
	f0, f1 := &d.uf[0], &d.uf[1]
	m0 := (u0 ^ f0[0]) & (u1 ^ f0[1]) & (u2 ^ f0[2]) & (sel ^ f0[3]) & f0[4]
	m1 := (u0 ^ f1[0]) & (u1 ^ f1[1]) & (u2 ^ f1[2]) & (sel ^ f1[3]) & f1[4]
	und := m0 | m1
	acc := d.lanes &^ und
	minR := 0
	if bits.OnesCount64(und) >= denseLanes {
		minR = min(fixedRounds, d.nrounds)
	}
	acc, n := rounds2(&d.g, d.rows, m0, m1, und, acc, 2*minR)
	if d.tracing {
		d.trace = append(d.trace, int32(n))
	}
	return acc
}

// rounds10 is the round loop for ten uncertain classes (heat bath with a
// field on the square lattice).
func rounds10(g *gen, rows []uint64, mu *[maxClasses]uint64, und, acc uint64) (uint64, int) {
	s0, s1, s2, s3 := g.s0, g.s1, g.s2, g.s3
	j := 0
	for ; und != 0 && j+9 < len(rows); j += 10 {
		r := bits.RotateLeft64(s1*5, 7) * 9
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		row := rows[j : j+10 : j+10]
		p := mu[0]&row[0] | mu[1]&row[1] | mu[2]&row[2] | mu[3]&row[3] | mu[4]&row[4] |
			mu[5]&row[5] | mu[6]&row[6] | mu[7]&row[7] | mu[8]&row[8] | mu[9]&row[9]
		acc |= und & p &^ r
		und &^= p ^ r
	}
	g.s0, g.s1, g.s2, g.s3 = s0, s1, s2, s3
	return acc, j / 10
}
