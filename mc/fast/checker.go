package fast

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// Params describes a periodic square (2 axes) or simple cubic (3 axes)
// lattice with uniform coupling and field, H = -J sum_<ij> s_i s_j - h sum_i s_i,
// and the sampling temperature. On an axis of length 2 the pair (i,i+1) and
// (i,i-1) are both kept, so that pair carries 2J, as in package lattice.
type Params struct {
	// Dims holds Lx, Ly (and Lz): sites are x + Lx*(y + Ly*z), as in
	// lattice.Square and lattice.Cubic. Every axis is periodic. The
	// checkerboard kernel needs every length even and >= 2; the replica and
	// cluster kernels need lengths >= 2.
	Dims []int
	// J is the uniform coupling; the zero value means free spins.
	J float64
	// H is the uniform field; the zero value means no field.
	H float64
	// Beta is the inverse temperature, finite and >= 0.
	Beta float64
	// Algorithm is the update rule; the zero value is Metropolis.
	Algorithm Algorithm
}

func (p *Params) validate(even bool) error {
	if len(p.Dims) != 2 && len(p.Dims) != 3 {
		return fmt.Errorf("fast: Dims %v: need 2 (square) or 3 (cubic) axes", p.Dims)
	}
	n := 1
	for a, l := range p.Dims {
		if l < 2 {
			return fmt.Errorf("fast: Dims[%d] = %d: must be >= 2", a, l)
		}
		if even && l%2 != 0 {
			return fmt.Errorf("fast: Dims[%d] = %d: the checkerboard kernel needs even lengths", a, l)
		}
		if n > math.MaxInt32/l/8 {
			return fmt.Errorf("fast: Dims %v: too many sites", p.Dims)
		}
		n *= l
	}
	if math.IsNaN(p.J) || math.IsInf(p.J, 0) {
		return fmt.Errorf("fast: J = %v: must be finite", p.J)
	}
	if math.IsNaN(p.H) || math.IsInf(p.H, 0) {
		return fmt.Errorf("fast: H = %v: must be finite", p.H)
	}
	if math.IsNaN(p.Beta) || math.IsInf(p.Beta, 0) || p.Beta < 0 {
		return fmt.Errorf("fast: Beta = %v: must be finite and >= 0", p.Beta)
	}
	if p.Algorithm != Metropolis && p.Algorithm != HeatBath {
		return fmt.Errorf("fast: Algorithm %d: allowed Metropolis or HeatBath", int(p.Algorithm))
	}
	return nil
}

// Checkerboard is the multi-spin-coded single-lattice kernel: the two
// checkerboard sublattices are stored as bits of uint64 words (bit set means
// s = +1), and one Sweep updates first every even site (x+y+z even), then
// every odd site, 64 sites per word operation, each with its own exact
// Bernoulli decision (see the package documentation).
//
// Layout: each row (fixed y, z) of Lx sites holds Lx/2 sites of each colour,
// indexed by m = x/2. These are stored in wd words of nl lanes, nl the largest
// divisor of Lx/2 not above 64, with m = j + wd*k in word j, lane k, so the
// x-neighbours of a word are the same word or the next/previous one (rotated by
// one lane at the row's end), and the y/z-neighbours are the same word of the
// adjacent rows. When nl < 64, a word holds nb blocks of nl lanes: block b
// holds slab b of the last axis (y in 2D, z in 3D; slabs of even length
// L_last/nb), so small lattices still fill the words; a neighbour across a slab
// boundary is the adjacent row's word rotated by one block.
//
// A Checkerboard is not safe for concurrent use.
type Checkerboard struct {
	p        Params
	lx, ly   int
	lz, d, z int
	n        int
	wd, nl   int // words per row segment, lanes per block
	nb, lsub int // blocks per word, slab length along the last axis
	lanes    uint64
	low      uint64 // first lane of every block
	high     uint64 // last lane of every block
	rows     int    // base rows
	par      []uint8
	perp     []int32 // per base row, 2(d-1) word offsets of the adjacent rows
	prot     []int8  // per base row and neighbour: 0, +1 (blockNext), -1 (blockPrev)
	s        [2][]uint64
	dec      decider
	field    bool
	sweeps   uint64
	tables   tableCache
	// cached counts of the current configuration (see count)
	counted     bool
	cUnsat, cUp int
}

// NewCheckerboard returns a kernel for p with a random start, drawing all its
// random numbers from a generator seeded by src (use internal/rng.New). It
// returns an error naming the offending field if p is invalid.
func NewCheckerboard(p Params, src rand.Source) (*Checkerboard, error) {
	if err := p.validate(true); err != nil {
		return nil, err
	}
	p.Dims = append([]int(nil), p.Dims...)
	k := &Checkerboard{p: p, lx: p.Dims[0], ly: p.Dims[1], lz: 1, d: len(p.Dims)}
	if k.d == 3 {
		k.lz = p.Dims[2]
	}
	k.z = 2 * k.d
	k.n = k.lx * k.ly * k.lz
	half := k.lx / 2
	for nl := min(64, half); nl >= 1; nl-- {
		if half%nl == 0 {
			k.nl = nl
			break
		}
	}
	k.wd = half / k.nl
	// Stack nb slabs of the last axis in the blocks of a word when a row
	// segment has fewer than 64 lanes; every slab must have even length so
	// that all blocks of a word have the same checkerboard parity.
	last := p.Dims[k.d-1]
	k.nb = 1
	for b := 64 / k.nl; b >= 1; b-- {
		if last%b == 0 && (last/b)%2 == 0 {
			k.nb = b
			break
		}
	}
	k.lsub = last / k.nb
	for b := 0; b < k.nb; b++ {
		k.low |= 1 << uint(b*k.nl)
		k.high |= 1 << uint(b*k.nl+k.nl-1)
	}
	if L := k.nb * k.nl; L == 64 {
		k.lanes = ^uint64(0)
	} else {
		k.lanes = 1<<uint(L) - 1
	}
	ly, lz := k.ly, k.lz
	if k.d == 2 {
		ly = k.lsub
	} else {
		lz = k.lsub
	}
	k.rows = ly * lz
	k.par = make([]uint8, k.rows)
	np := 2 * (k.d - 1)
	k.perp = make([]int32, k.rows*np)
	k.prot = make([]int8, k.rows*np)
	for z := 0; z < lz; z++ {
		for y := 0; y < ly; y++ {
			r := y + ly*z
			k.par[r] = uint8((y + z) & 1)
			type nbr struct {
				row int
				rot int8
			}
			// Neighbours along the last (stacked) axis cross into the next
			// or previous block at the slab boundary.
			cross := func(c, n int, rowOf func(int) int) (nbr, nbr) {
				up, dn := nbr{rowOf((c + 1) % n), 0}, nbr{rowOf((c + n - 1) % n), 0}
				if c == n-1 {
					up.rot = 1
				}
				if c == 0 {
					dn.rot = -1
				}
				return up, dn
			}
			var nb []nbr
			if k.d == 2 {
				u, dn := cross(y, ly, func(c int) int { return c })
				nb = []nbr{u, dn}
			} else {
				nb = []nbr{{(y+1)%ly + ly*z, 0}, {(y+ly-1)%ly + ly*z, 0}}
				u, dn := cross(z, lz, func(c int) int { return y + ly*c })
				nb = append(nb, u, dn)
			}
			for i, q := range nb {
				k.perp[r*np+i] = int32(q.row * k.wd)
				k.prot[r*np+i] = q.rot
			}
		}
	}
	k.dec.g = newGen(src)
	for c := range k.s {
		k.s[c] = make([]uint64, k.rows*k.wd)
		for i := range k.s[c] {
			k.s[c][i] = k.dec.g.next() & k.lanes
		}
	}
	if err := k.setBeta(p.Beta); err != nil {
		return nil, err
	}
	return k, nil
}

// N returns the number of sites.
func (k *Checkerboard) N() int { return k.n }

// Params returns the kernel's parameters.
func (k *Checkerboard) Params() Params {
	p := k.p
	p.Dims = append([]int(nil), p.Dims...)
	return p
}

// SetBeta changes the inverse temperature, keeping spins and generator state;
// it panics if beta is not finite and >= 0 (the callers validate
// temperatures).
func (k *Checkerboard) SetBeta(beta float64) {
	if err := k.setBeta(beta); err != nil {
		panic(err)
	}
}

func (k *Checkerboard) setBeta(beta float64) error {
	if math.IsNaN(beta) || math.IsInf(beta, 0) || beta < 0 {
		return fmt.Errorf("fast: Beta = %v: must be finite and >= 0", beta)
	}
	k.field = k.p.H != 0
	nc := k.z + 1
	if k.field {
		nc *= 2
	}
	t, err := k.tables.get(beta, func() (*probTable, error) {
		return newProbTable(nc, k.lanes, func(c, _ int) float64 {
			u, sb := c%(k.z+1), c/(k.z+1)
			return flipProb(k.p.Algorithm, beta, k.p.J, k.p.H, k.z, u, 2*sb-1)
		})
	})
	if err != nil {
		return err
	}
	k.p.Beta = beta
	k.dec.setTable(t, k.z, k.field)
	return nil
}

// Sweeps returns the number of sweeps done.
func (k *Checkerboard) Sweeps() uint64 { return k.sweeps }

// rotUp moves every lane k of a block to k+1, the last lane to the first
// (the neighbour m-1 at the start of a row segment).
func (k *Checkerboard) rotUp(w uint64) uint64 {
	return (w<<1&^k.low | w>>uint(k.nl-1)&k.low) & k.lanes
}

// rotDown moves every lane k of a block to k-1, the first to the last.
func (k *Checkerboard) rotDown(w uint64) uint64 {
	return w>>1&^k.high | w<<uint(k.nl-1)&k.high
}

// pw returns the word at offset off+j of o as seen from the current row:
// rotated by one block when the neighbour row lies in the next (rot = 1) or
// previous (rot = -1) slab.
func (k *Checkerboard) pw(o []uint64, off int, rot int8, j int) uint64 {
	w := o[off+j]
	switch rot {
	case 1: // block b gets block b+1
		l := uint(k.nb * k.nl)
		return w>>uint(k.nl) | (w&(1<<uint(k.nl)-1))<<(l-uint(k.nl))
	case -1: // block b gets block b-1
		l := uint(k.nb * k.nl)
		return (w<<uint(k.nl) | w>>(l-uint(k.nl))) & k.lanes
	}
	return w
}

// xnb returns the x-neighbour word of word j of a row starting at base in O
// that is not the same word: m-1 for q = 0, m+1 for q = 1.
func (k *Checkerboard) xnb(o []uint64, base, j, q int) uint64 {
	if q == 0 {
		if j > 0 {
			return o[base+j-1]
		}
		return k.rotUp(o[base+k.wd-1])
	}
	if j < k.wd-1 {
		return o[base+j+1]
	}
	return k.rotDown(o[base])
}

// Sweep updates every site once (even sublattice, then odd) and returns the
// number of attempted updates (N) and of flipped spins.
func (k *Checkerboard) Sweep() (updates, accepted int64) {
	k.counted = false
	flipped := 0
	two := k.dec.nu == 2 && k.dec.complement
	sel := uint64(0)
	if !k.field {
		sel = ^uint64(0)
	}
	wd := k.wd
	for c := 0; c < 2; c++ {
		S, O := k.s[c], k.s[1-c]
		if k.d == 2 {
			for r := 0; r < k.rows; r++ {
				q := (c + int(k.par[r])) & 1
				base := r * wd
				pa, pb := int(k.perp[2*r]), int(k.perp[2*r+1])
				ra, rb := k.prot[2*r], k.prot[2*r+1]
				for j := 0; j < wd; j++ {
					s := S[base+j]
					a1 := s ^ O[base+j]
					a2 := s ^ k.xnb(O, base, j, q)
					a3 := s ^ k.pw(O, pa, ra, j)
					a4 := s ^ k.pw(O, pb, rb, j)
					u0, u1, u2 := add4(a1, a2, a3, a4)
					var f uint64
					if two {
						f = k.dec.flips2(u0, u1, u2, s|sel)
					} else {
						f = k.dec.flips(u0, u1, u2, s|sel)
					}
					flipped += bits.OnesCount64(f)
					S[base+j] = s ^ f
				}
			}
		} else {
			for r := 0; r < k.rows; r++ {
				q := (c + int(k.par[r])) & 1
				base := r * wd
				pp := k.perp[4*r : 4*r+4]
				pa, pb, pc, pd := int(pp[0]), int(pp[1]), int(pp[2]), int(pp[3])
				rc, rd := k.prot[4*r+2], k.prot[4*r+3]
				for j := 0; j < wd; j++ {
					s := S[base+j]
					a1 := s ^ O[base+j]
					a2 := s ^ k.xnb(O, base, j, q)
					a3 := s ^ O[pa+j]
					a4 := s ^ O[pb+j]
					a5 := s ^ k.pw(O, pc, rc, j)
					a6 := s ^ k.pw(O, pd, rd, j)
					u0, u1, u2 := add6(a1, a2, a3, a4, a5, a6)
					var f uint64
					if two {
						f = k.dec.flips2(u0, u1, u2, s|sel)
					} else {
						f = k.dec.flips(u0, u1, u2, s|sel)
					}
					flipped += bits.OnesCount64(f)
					S[base+j] = s ^ f
				}
			}
		}
	}
	k.sweeps++
	return int64(k.n), int64(flipped)
}

// add4 returns the bit-sliced sum u = a1+a2+a3+a4 as bits u0, u1, u2.
func add4(a1, a2, a3, a4 uint64) (u0, u1, u2 uint64) {
	s1, c1 := a1^a2, a1&a2
	s2, c2 := a3^a4, a3&a4
	u0, c3 := s1^s2, s1&s2
	u1, u2 = c1^c2^c3, c1&c2
	return
}

// add6 returns the bit-sliced sum u = a1+...+a6 as bits u0, u1, u2.
func add6(a1, a2, a3, a4, a5, a6 uint64) (u0, u1, u2 uint64) {
	t1 := a1 ^ a2
	s1, c1 := t1^a3, a1&a2|t1&a3
	t2 := a4 ^ a5
	s2, c2 := t2^a6, a4&a5|t2&a6
	u0, c3 := s1^s2, s1&s2
	u1 = c1 ^ c2 ^ c3
	u2 = c1&c2 | c1&c3 | c2&c3
	return
}

// count returns the number of unsatisfied bonds (s_i != s_j, a doubled pair
// counted twice) and of +1 spins, in one pass, cached until the next change.
func (k *Checkerboard) count() (unsat, up int) {
	if k.counted {
		return k.cUnsat, k.cUp
	}
	S, O := k.s[0], k.s[1]
	np := 2 * (k.d - 1)
	wd := k.wd
	for r := 0; r < k.rows; r++ {
		q := int(k.par[r]) & 1
		base := r * wd
		perp := k.perp[r*np : r*np+np]
		prot := k.prot[r*np : r*np+np]
		for j := 0; j < wd; j++ {
			s := S[base+j]
			o := O[base+j]
			up += bits.OnesCount64(s) + bits.OnesCount64(o)
			unsat += bits.OnesCount64(s^o) + bits.OnesCount64(s^k.xnb(O, base, j, q))
			for i, pr := range perp {
				unsat += bits.OnesCount64(s ^ k.pw(O, int(pr), prot[i], j))
			}
		}
	}
	k.cUnsat, k.cUp, k.counted = unsat, up, true
	return unsat, up
}

// Magnetization returns the total magnetization sum_i s_i.
func (k *Checkerboard) Magnetization() int {
	_, up := k.count()
	return 2*up - k.n
}

// Energy returns the total energy H(s).
func (k *Checkerboard) Energy() float64 {
	nb := k.n * k.d
	unsat, _ := k.count()
	e := -k.p.J * float64(nb-2*unsat)
	if k.p.H != 0 {
		e -= k.p.H * float64(k.Magnetization())
	}
	return e
}

// Spins writes the configuration (site order x + Lx*(y + Ly*z)) into dst,
// which is grown if needed, and returns it.
func (k *Checkerboard) Spins(dst []int8) []int8 {
	dst = grow(dst, k.n)
	i := 0
	for z := 0; z < k.lz; z++ {
		for y := 0; y < k.ly; y++ {
			base, shift := k.rowOf(y, z)
			// Sites x = 2m and 2m+1 share m: walk m with its word j and lane
			// without division.
			j, lane := 0, shift
			for x := 0; x < k.lx; x += 2 {
				c := (x + y + z) & 1
				dst[i] = int8(2*int(k.s[c][base+j]>>uint(lane)&1) - 1)
				dst[i+1] = int8(2*int(k.s[1-c][base+j]>>uint(lane)&1) - 1)
				i += 2
				if j++; j == k.wd {
					j, lane = 0, lane+1
				}
			}
		}
	}
	return dst
}

// rowOf returns the first word of the base row holding row (y, z) and the
// lane of the first site of its block.
func (k *Checkerboard) rowOf(y, z int) (base, shift int) {
	var blk, r int
	if k.d == 2 {
		blk, r = y/k.lsub, y%k.lsub
	} else {
		blk, r = z/k.lsub, y+k.ly*(z%k.lsub)
	}
	return r * k.wd, blk * k.nl
}

// SetSpins sets the configuration. It panics if len(s) != N() or a spin is
// not ±1 (programmer errors).
func (k *Checkerboard) SetSpins(s []int8) {
	if len(s) != k.n {
		panic(fmt.Sprintf("fast: SetSpins: %d spins for %d sites", len(s), k.n))
	}
	for i, v := range s {
		if v != 1 && v != -1 {
			panic(fmt.Sprintf("fast: SetSpins: spin %d at site %d is not ±1", v, i))
		}
	}
	k.counted = false
	for c := range k.s {
		clear(k.s[c])
	}
	i := 0
	for z := 0; z < k.lz; z++ {
		for y := 0; y < k.ly; y++ {
			base, shift := k.rowOf(y, z)
			j, lane := 0, shift
			for x := 0; x < k.lx; x += 2 {
				c := (x + y + z) & 1
				if s[i] == 1 {
					k.s[c][base+j] |= 1 << uint(lane)
				}
				if s[i+1] == 1 {
					k.s[1-c][base+j] |= 1 << uint(lane)
				}
				i += 2
				if j++; j == k.wd {
					j, lane = 0, lane+1
				}
			}
		}
	}
}

func grow(dst []int8, n int) []int8 {
	if cap(dst) < n {
		return make([]int8, n)
	}
	return dst[:n]
}

// MarshalBinary encodes the spins, the generator state and beta.
func (k *Checkerboard) MarshalBinary() ([]byte, error) {
	b := header('C', k.p)
	b = k.dec.g.appendBinary(b)
	b = appendU64(b, k.sweeps)
	return appendSpins(b, k.Spins(nil)), nil
}

// UnmarshalBinary restores a state saved by MarshalBinary on a kernel built
// for the same lattice, coupling, field and algorithm.
func (k *Checkerboard) UnmarshalBinary(b []byte) error {
	b, beta, g, err := checkHeaderGen(b, 'C', k.p)
	if err != nil {
		return err
	}
	w, b, err := readU64(b, 1)
	if err != nil {
		return err
	}
	s := make([]int8, k.n)
	if err := readSpins(b, s); err != nil {
		return err
	}
	if err := k.setBeta(beta); err != nil {
		return err
	}
	k.dec.g = g
	k.sweeps = w[0]
	k.SetSpins(s)
	return nil
}
