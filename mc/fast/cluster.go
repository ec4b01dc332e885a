package fast

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/isingrbm/isingrbm/mc"
)

// Cluster is a Wolff (U. Wolff, PRL 62, 361 (1989)) or Swendsen–Wang
// (PRL 58, 86 (1987)) kernel specialised to the periodic square or simple
// cubic lattice with uniform ferromagnetic coupling J > 0 and no field: int8
// spins, a flat neighbour table, the in-kernel xoshiro256** generator and an
// exact Bernoulli(1 - e^{-2 beta J}) bond test (see threshold). A bond is
// added only between aligned spins.
//
// Sweeps follow package mc's convention: a Swendsen–Wang sweep decomposes the
// whole lattice (bonds of each site to its +x, +y (+z) neighbour, union-find
// with union by smaller index) and flips each cluster with probability 1/2;
// a Wolff sweep grows single clusters from uniformly chosen seeds until at
// least N spins have been flipped while adapting, and exactly
// ClustersPerSweep clusters after EndAdaptation.
type Cluster struct {
	p      Params
	sw     bool
	n, z   int
	s      []int8
	nbr    []int32 // z per site
	dec    decider // bond bits and all random words
	buf    uint64  // unused bond bits
	nbuf   int
	tables tableCache
	stack  []int32
	parent []int32
	coin   []int8
	bonds  int64 // sum over bonds of s_i s_j, valid unless dirty
	dirty  bool
	mag    int64

	perSweep int
	adapt    mc.WolffAdaptation
}

// NewWolff returns a Wolff kernel; NewSwendsenWang a Swendsen–Wang kernel.
// p.J must be > 0 and p.H == 0; p.Algorithm is ignored. The start is random,
// drawn from the kernel's generator seeded by src (use internal/rng.New).
func NewWolff(p Params, src rand.Source) (*Cluster, error) { return newCluster(p, src, false) }

// NewSwendsenWang returns a Swendsen–Wang kernel; see NewWolff.
func NewSwendsenWang(p Params, src rand.Source) (*Cluster, error) { return newCluster(p, src, true) }

func newCluster(p Params, src rand.Source, sw bool) (*Cluster, error) {
	p.Algorithm = Metropolis
	if err := p.validate(false); err != nil {
		return nil, err
	}
	if !(p.J > 0) {
		return nil, fmt.Errorf("fast: J = %v: the cluster kernels need J > 0", p.J)
	}
	if p.H != 0 {
		return nil, fmt.Errorf("fast: H = %v: the cluster kernels need H = 0", p.H)
	}
	if len(p.Dims) == 2 && (p.Dims[0] >= 1<<16 || p.Dims[1] >= 1<<15) {
		return nil, fmt.Errorf("fast: Dims %v: the cluster kernels need Lx < 65536 and Ly < 32768", p.Dims)
	}
	p.Dims = append([]int(nil), p.Dims...)
	k := &Cluster{p: p, sw: sw, z: 2 * len(p.Dims)}
	dims := [3]int{1, 1, 1}
	k.n = 1
	for a, l := range p.Dims {
		dims[a] = l
		k.n *= l
	}
	lx, ly, lz := dims[0], dims[1], dims[2]
	k.nbr = make([]int32, 0, k.n*k.z)
	for i := 0; i < k.n; i++ {
		x, y, z := i%lx, i/lx%ly, i/(lx*ly)
		at := func(x, y, z int) int32 {
			return int32((x+lx)%lx + lx*((y+ly)%ly+ly*((z+lz)%lz)))
		}
		// The +x, +y (+z) neighbours come first: Swendsen–Wang uses them as
		// the bond list.
		k.nbr = append(k.nbr, at(x+1, y, z), at(x, y+1, z))
		if lz > 1 || len(p.Dims) == 3 {
			k.nbr = append(k.nbr, at(x, y, z+1))
		}
		k.nbr = append(k.nbr, at(x-1, y, z), at(x, y-1, z))
		if lz > 1 || len(p.Dims) == 3 {
			k.nbr = append(k.nbr, at(x, y, z-1))
		}
	}
	k.s = make([]int8, k.n)
	k.dec.g = newGen(src)
	for i := range k.s {
		k.s[i] = int8(2*int(k.dec.g.next()>>63) - 1)
	}
	k.recount()
	if sw {
		k.parent = make([]int32, k.n)
		k.coin = make([]int8, k.n)
	}
	if err := k.setBeta(p.Beta); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *Cluster) setBeta(beta float64) error {
	if math.IsNaN(beta) || math.IsInf(beta, 0) || beta < 0 {
		return fmt.Errorf("fast: Beta = %v: must be finite and >= 0", beta)
	}
	padd := -math.Expm1(-2 * beta * k.p.J)
	t, err := k.tables.get(beta, func() (*probTable, error) {
		return newProbTable(1, ^uint64(0), func(int, int) float64 { return padd })
	})
	if err != nil {
		return err
	}
	k.p.Beta = beta
	k.dec.setTable(t, k.z, false)
	k.buf, k.nbuf = 0, 0 // bits drawn at the old temperature are discarded
	return nil
}

// SetBeta changes the inverse temperature; it panics if beta is not finite
// and >= 0 (the callers validate temperatures).
func (k *Cluster) SetBeta(beta float64) {
	if err := k.setBeta(beta); err != nil {
		panic(err)
	}
}

// N returns the number of sites.
func (k *Cluster) N() int { return k.n }

func (k *Cluster) recount() {
	d := k.z / 2
	var b, m int64
	for i, s := range k.s {
		m += int64(s)
		for _, j := range k.nbr[i*k.z : i*k.z+d] {
			b += int64(s * k.s[j])
		}
	}
	k.bonds, k.mag, k.dirty = b, m, false
}

// Energy returns the total energy H = -J sum_<ij> s_i s_j.
func (k *Cluster) Energy() float64 {
	if k.dirty {
		k.recount()
	}
	return -k.p.J * float64(k.bonds)
}

// Magnetization returns sum_i s_i.
func (k *Cluster) Magnetization() int { return int(k.mag) }

// Spins copies the configuration into dst (grown if needed).
func (k *Cluster) Spins(dst []int8) []int8 {
	dst = grow(dst, k.n)
	copy(dst, k.s)
	return dst
}

// SetSpins sets the configuration; it panics if len(s) != N() or a spin is
// not ±1.
func (k *Cluster) SetSpins(s []int8) {
	if len(s) != k.n {
		panic(fmt.Sprintf("fast: SetSpins: %d spins for %d sites", len(s), k.n))
	}
	for i, v := range s {
		if v != 1 && v != -1 {
			panic(fmt.Sprintf("fast: SetSpins: spin %d at site %d is not ±1", v, i))
		}
	}
	copy(k.s, s)
	k.recount()
}

// Sweep performs one sweep (see Cluster) and returns (spins flipped,
// clusters built).
func (k *Cluster) Sweep() (updates, accepted int64) {
	if k.sw {
		return k.sweepSW()
	}
	var flipped, clusters int64
	target := int64(k.perSweep)
	for (target == 0 && flipped < int64(k.n)) || (target > 0 && clusters < target) {
		flipped += int64(k.Step())
		clusters++
	}
	if target == 0 {
		k.adapt.Record(clusters, flipped)
	}
	return flipped, clusters
}

// Step grows and flips one Wolff cluster from a uniformly chosen seed and
// returns its size. Spins are flipped when they join the cluster (so an
// aligned neighbour is never in it), the stack holds packed coordinates so
// that neighbours are found without division or a table, and the energy is
// recomputed lazily.
func (k *Cluster) Step() int {
	seed := int(k.dec.g.bounded(uint64(k.n)))
	var size int
	if k.z == 4 {
		size = k.step2(seed)
	} else {
		size = k.step3(seed)
	}
	k.mag += 2 * int64(k.s[seed]) * int64(size) // s[seed] is the new value
	k.dirty = true
	return size
}

// bondBits returns 64 fresh independent exact Bernoulli(padd) bits, decided
// together by the bit-sliced sampler (about 7 random words per 64 bits).
func (k *Cluster) bondBits() uint64 { return k.dec.flips(0, 0, 0, ^uint64(0)) }

func (k *Cluster) step2(seed int) int {
	lx, ly := k.p.Dims[0], k.p.Dims[1]
	s := k.s
	if cap(k.stack) < k.n+4 {
		k.stack = make([]int32, k.n+4)
	}
	st := k.stack[:cap(k.stack)]
	old := s[seed]
	s[seed] = -old
	st[0] = int32(seed%lx | seed/lx<<16)
	top := 1
	size := 0
	buf, nb := k.buf, k.nbuf
	// Every neighbour visit consumes one bond bit, aligned or not, so that
	// the loop has no data-dependent branch: a neighbour joins iff it is
	// aligned and its bit is set.
	for top > 0 {
		if nb < 4 {
			buf, nb = k.bondBits(), 64
		}
		top--
		c := int(st[top])
		x, y := c&0xffff, c>>16
		row := y * lx
		size++
		xl, xr := x-1, x+1
		if x == 0 {
			xl = lx - 1
		}
		if xr == lx {
			xr = 0
		}
		yd, yu := y-1, y+1
		if y == 0 {
			yd = ly - 1
		}
		if yu == ly {
			yu = 0
		}
		j := row + xr
		a := b2i(s[j] == old) & int(buf&1)
		s[j] -= int8(2*a) * old
		st[top] = int32(xr | y<<16)
		top += a
		j = row + xl
		a = b2i(s[j] == old) & int(buf>>1&1)
		s[j] -= int8(2*a) * old
		st[top] = int32(xl | y<<16)
		top += a
		j = yu*lx + x
		a = b2i(s[j] == old) & int(buf>>2&1)
		s[j] -= int8(2*a) * old
		st[top] = int32(x | yu<<16)
		top += a
		j = yd*lx + x
		a = b2i(s[j] == old) & int(buf>>3&1)
		s[j] -= int8(2*a) * old
		st[top] = int32(x | yd<<16)
		top += a
		buf >>= 4
		nb -= 4
	}
	k.buf, k.nbuf = buf, nb
	return size
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// step3 is the simple cubic version with the neighbour table.
func (k *Cluster) step3(seed int) int {
	s, nbr, z := k.s, k.nbr, k.z
	buf, nb := k.buf, k.nbuf
	if cap(k.stack) < k.n+6 {
		k.stack = make([]int32, k.n+6)
	}
	st := k.stack[:cap(k.stack)]
	old := s[seed]
	s[seed] = -old
	st[0] = int32(seed)
	top := 1
	size := 0
	for top > 0 {
		top--
		i := int(st[top])
		size++
		for _, j := range nbr[i*z : i*z+z] {
			if nb == 0 {
				buf, nb = k.bondBits(), 64
			}
			a := b2i(s[j] == old) & int(buf&1)
			buf >>= 1
			nb--
			s[j] -= int8(2*a) * old
			st[top] = j
			top += a
		}
	}
	k.buf, k.nbuf = buf, nb
	return size
}

// EndAdaptation fixes the number of Wolff clusters per sweep to
// round(N / mean cluster size) (at least 1) from the later thermalization
// sweeps, the same rule as the generic kernel (mc.WolffAdaptation); see mc.Adapter. It does
// nothing for Swendsen–Wang or when already called.
func (k *Cluster) EndAdaptation() {
	if k.sw || k.perSweep > 0 {
		return
	}
	k.perSweep = k.adapt.ClustersPerSweep(k.n)
}

// ClustersPerSweep returns the fixed number of Wolff clusters per sweep, or 0
// while adapting.
func (k *Cluster) ClustersPerSweep() int { return k.perSweep }

func (k *Cluster) sweepSW() (updates, accepted int64) {
	s, nbr, z, d := k.s, k.nbr, k.z, k.z/2
	par := k.parent
	for i := range par {
		par[i] = int32(i)
	}
	buf, nb := k.buf, k.nbuf
	if d == 2 {
		// Square lattice: the +x and +y neighbours by index arithmetic.
		lx := k.p.Dims[0]
		n := k.n
		for row := 0; row < n; row += lx {
			jyRow := row + lx
			if jyRow >= n {
				jyRow -= n
			}
			for x := 0; x < lx; x++ {
				if nb < 2 {
					buf, nb = k.bondBits(), 64
				}
				i := row + x
				si := s[i]
				jx := i + 1
				if x == lx-1 {
					jx = row
				}
				jy := jyRow + x
				if s[jx] == si && buf&1 == 1 {
					mc.Union(par, int32(i), int32(jx))
				}
				if s[jy] == si && buf&2 == 2 {
					mc.Union(par, int32(i), int32(jy))
				}
				buf >>= 2
				nb -= 2
			}
		}
	} else {
		for i := 0; i < k.n; i++ {
			si := s[i]
			for _, j := range nbr[i*z : i*z+d] {
				if nb == 0 {
					buf, nb = k.bondBits(), 64
				}
				bit := buf & 1
				buf >>= 1
				nb--
				if s[j] == si && bit == 1 {
					mc.Union(par, int32(i), j)
				}
			}
		}
	}
	k.buf, k.nbuf = buf, nb
	// Union by smaller index makes every root the smallest site of its
	// cluster, so sites are met in increasing order after their root: a root
	// draws its cluster's coin when it is met, the other sites read it.
	g := &k.dec.g
	coin := k.coin
	var flipped, clusters, mag int64
	var word uint64
	nbits := 0
	for i := 0; i < k.n; i++ {
		r := mc.FindRoot(par, int32(i))
		par[i] = r
		if int(r) == i {
			if nbits == 0 {
				word, nbits = g.next(), 64
			}
			coin[i] = int8(word & 1)
			word >>= 1
			nbits--
			clusters += int64(coin[i])
		}
		f := coin[r]
		v := s[i] * (1 - 2*f)
		s[i] = v
		flipped += int64(f)
		mag += int64(v)
	}
	k.dirty = true
	k.mag = mag
	return flipped, clusters
}

// cluster checkpoint tags.
const (
	tagWolff = 'W'
	tagSW    = 'S'
)

// MarshalBinary encodes spins, generator state, beta and the Wolff
// adaptation state.
func (k *Cluster) MarshalBinary() ([]byte, error) {
	tag := byte(tagWolff)
	if k.sw {
		tag = tagSW
	}
	b := header(tag, k.p)
	b = k.dec.g.appendBinary(b)
	b = appendU64(b, uint64(k.perSweep), k.buf, uint64(k.nbuf))
	b = appendU64(b, k.adapt.Words()...)
	b = appendSpins(b, k.s)
	return b, nil
}

// UnmarshalBinary restores a state saved by MarshalBinary on a kernel built
// for the same lattice and coupling.
func (k *Cluster) UnmarshalBinary(b []byte) error {
	tag := byte(tagWolff)
	if k.sw {
		tag = tagSW
	}
	b, beta, g, err := checkHeaderGen(b, tag, k.p)
	if err != nil {
		return err
	}
	w, b, err := readU64(b, 3)
	if err != nil {
		return err
	}
	aw, b, err := readU64(b, mc.WolffAdaptationWords)
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
	if w[2] > 64 {
		return fmt.Errorf("%w: bad bond-bit count %d", errState, w[2])
	}
	k.dec.g = g
	k.perSweep = int(w[0])
	k.adapt.SetWords(aw)
	k.buf, k.nbuf = w[1], int(w[2])
	copy(k.s, s)
	k.recount()
	return nil
}

var errState = errors.New("fast: checkpoint does not match this kernel")
