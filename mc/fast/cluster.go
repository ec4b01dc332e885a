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
	p       Params
	sw      bool
	n, z    int
	s       []int8
	nbr     []int32 // z per site
	dec     decider // bond bits and all random words
	buf     uint64  // unused bond bits
	nbuf    int
	tables  tableCache
	stack   []int32
	stack64 []uint64
	parent  []int32
	coin    []int8
	act     []uint8 // Swendsen–Wang: active +x, +y bonds per site
	zeros   []int8  // Swendsen–Wang: a row of zeros (no row above row 0)
	bonds   int64   // sum over bonds of s_i s_j, tracked exactly
	mag     int64

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
	k.bonds, k.mag = b, m
}

// Energy returns the total energy H = -J sum_<ij> s_i s_j. The bond sum is
// tracked exactly (an integer) by every cluster flip, so a measurement costs
// O(1), not a pass over the lattice.
func (k *Cluster) Energy() float64 { return -k.p.J * float64(k.bonds) }

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
// returns its size. The stack holds packed coordinates so that neighbours are
// found without division or a table.
//
// Energy and magnetization are tracked exactly without a pass over the
// lattice: a site joins the cluster as "pending" (stored as 2*old, so that it
// is no longer aligned and cannot join twice) and is flipped when it is
// popped. Each flip is then an ordinary single-spin flip, whose change of the
// bond sum is -2 old sum_j s_j = 2z - 4c with c the number of neighbours
// that are physically old (old or pending) at that moment, which the visit
// counts anyway. Which neighbours join, and which bond bits they use, is
// exactly as when flipping at push time.
func (k *Cluster) Step() int {
	seed := int(k.dec.g.bounded(uint64(k.n)))
	var size, same int
	if k.z == 4 {
		size, same = k.step2(seed)
	} else {
		size, same = k.step3(seed)
	}
	k.mag += 2 * int64(k.s[seed]) * int64(size) // s[seed] is the new value
	k.bonds += int64(2*k.z*size - 4*same)
	return size
}

// bondBits returns 64 fresh independent exact Bernoulli(padd) bits, decided
// together by the bit-sliced sampler (about 7 random words per 64 bits).
func (k *Cluster) bondBits() uint64 { return k.dec.flips(0, 0, 0, ^uint64(0)) }

// step2 is Step on the square lattice. A stack entry packs the site index
// (bits 0-31), x (bits 32-47) and y (bits 48-63), so that the neighbours'
// entries are the popped one plus a constant (a different constant across
// the periodic edge), with no multiplication or table on the dependency
// chain from one pop to the next.
func (k *Cluster) step2(seed int) (size, same int) {
	lx, ly := k.p.Dims[0], k.p.Dims[1]
	s := k.s
	if cap(k.stack64) < k.n+4 {
		k.stack64 = make([]uint64, k.n+4)
	}
	st := k.stack64[:cap(k.stack64)]
	const xu, yu = 1 << 32, 1 << 48
	var (
		right     = uint64(1 + xu)
		rightWrap = -uint64(lx-1) * (1 + xu)
		left      = -right
		leftWrap  = uint64(lx-1) * (1 + xu)
		up        = uint64(lx) + yu
		upWrap    = -uint64(ly-1) * (uint64(lx) + yu)
		down      = -up
		downWrap  = uint64(ly-1) * (uint64(lx) + yu)
		xmax      = uint64(lx - 1)
		ymax      = uint64(ly - 1)
	)
	old := s[seed]
	s[seed] = 2 * old // pending: flipped when popped
	st[0] = uint64(seed) | uint64(seed%lx)<<32 | uint64(seed/lx)<<48
	top := 1
	buf, nb := k.buf, k.nbuf
	// nOld counts the neighbour visits that found old, sum adds the visited
	// values (-old, old or 2*old when pending).
	nOld, sum := 0, 0
	// Every neighbour visit consumes one bond bit, aligned or not, so that
	// the loop has no data-dependent branch: a neighbour joins iff it is
	// aligned and its bit is set.
	for top > 0 {
		if nb < 4 {
			buf, nb = k.bondBits(), 64
		}
		top--
		w := st[top]
		s[uint32(w)] = -old
		size++
		x, y := w>>32&0xffff, w>>48
		dr, dl, du, dd := right, left, up, down
		if x == xmax {
			dr = rightWrap
		}
		if x == 0 {
			dl = leftWrap
		}
		if y == ymax {
			du = upWrap
		}
		if y == 0 {
			dd = downWrap
		}
		wn := w + dr
		v := s[uint32(wn)]
		eq := b2i(v == old)
		a := eq & int(buf&1)
		nOld += eq
		sum += int(v)
		s[uint32(wn)] = v + int8(a)*old
		st[top] = wn
		top += a
		wn = w + dl
		v = s[uint32(wn)]
		eq = b2i(v == old)
		a = eq & int(buf>>1&1)
		nOld += eq
		sum += int(v)
		s[uint32(wn)] = v + int8(a)*old
		st[top] = wn
		top += a
		wn = w + du
		v = s[uint32(wn)]
		eq = b2i(v == old)
		a = eq & int(buf>>2&1)
		nOld += eq
		sum += int(v)
		s[uint32(wn)] = v + int8(a)*old
		st[top] = wn
		top += a
		wn = w + dd
		v = s[uint32(wn)]
		eq = b2i(v == old)
		a = eq & int(buf>>3&1)
		nOld += eq
		sum += int(v)
		s[uint32(wn)] = v + int8(a)*old
		st[top] = wn
		top += a
		buf >>= 4
		nb -= 4
	}
	k.buf, k.nbuf = buf, nb
	// With A visits finding -old and P finding a pending spin,
	// 4 size = nOld + A + P and old*sum = nOld - A + 2P, so
	// A = (8 size - nOld - old*sum)/3 (exactly divisible), and the visits
	// that found a physically old spin are 4 size - A.
	anti := (8*size - nOld - int(old)*sum) / 3
	return size, 4*size - anti
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// step3 is the simple cubic version with the neighbour table.
func (k *Cluster) step3(seed int) (size, same int) {
	s, nbr, z := k.s, k.nbr, k.z
	buf, nb := k.buf, k.nbuf
	if cap(k.stack) < k.n+6 {
		k.stack = make([]int32, k.n+6)
	}
	st := k.stack[:cap(k.stack)]
	old := s[seed]
	s[seed] = 2 * old
	st[0] = int32(seed)
	top := 1
	for top > 0 {
		top--
		i := int(st[top])
		s[i] = -old
		size++
		for _, j := range nbr[i*z : i*z+z] {
			if nb == 0 {
				buf, nb = k.bondBits(), 64
			}
			v := s[j]
			a := b2i(v == old) & int(buf&1)
			same += b2i(v^old >= 0)
			buf >>= 1
			nb--
			s[j] = v + int8(a)*old
			st[top] = j
			top += a
		}
	}
	k.buf, k.nbuf = buf, nb
	return size, same
}

// EndAdaptation fixes the number of Wolff clusters per sweep to
// round(N / mean cluster size) (at least 1) from the later thermalization
// sweeps, the same rule as the generic kernel (mc.WolffAdaptation); see
// mc.Adapter. When fewer than mc.MinAdaptationSweeps sweeps were recorded
// (a run with little or no thermalization) it first performs the missing
// adaptation sweeps (clusters until N spins have flipped), so that a
// measured sweep flips about N spins from the first one; these sweeps are
// extra thermalization and are not counted. It does nothing for
// Swendsen–Wang or when already called.
func (k *Cluster) EndAdaptation() {
	if k.sw || k.perSweep > 0 {
		return
	}
	for k.adapt.Words()[0] < uint64(mc.MinAdaptationSweeps) {
		k.Sweep()
	}
	k.perSweep = k.adapt.ClustersPerSweep(k.n)
}

// ClustersPerSweep returns the fixed number of Wolff clusters per sweep, or 0
// while adapting.
func (k *Cluster) ClustersPerSweep() int { return k.perSweep }

func (k *Cluster) sweepSW() (updates, accepted int64) {
	if k.z == 4 {
		return k.sweepSW2()
	}
	return k.sweepSWTable()
}

// sweepSWTable is the Swendsen–Wang sweep with the neighbour table (any
// dimension): bond bits for the +x, +y (+z) bonds of sites 0, 1, ..., mc.Union,
// then the coins of the roots in increasing order.
func (k *Cluster) sweepSWTable() (updates, accepted int64) {
	s, nbr, z, d := k.s, k.nbr, k.z, k.z/2
	par := k.parent
	for i := range par {
		par[i] = int32(i)
	}
	buf, nb := k.buf, k.nbuf
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
	k.buf, k.nbuf = buf, nb
	// Union by smaller index makes every root the smallest site of its
	// cluster, so sites are met in increasing order after their root: a root
	// draws its cluster's coin when it is met, the other sites read it. The
	// bond sum is accumulated in the same pass: the bond between i and a
	// neighbour j < i (already final) is counted at i, so every bond once.
	g := &k.dec.g
	coin := k.coin
	var flipped, clusters, mag, bonds int64
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
		var b int
		for _, j := range nbr[i*z : i*z+z] {
			if int(j) < i {
				b += int(s[j])
			}
		}
		bonds += int64(int(v) * b)
	}
	k.mag, k.bonds = mag, bonds
	return flipped, clusters
}

// sweepSW2 is the Swendsen–Wang sweep of the square lattice, the same chain
// as the general path (the same bond bits for the same bonds, the same
// clusters, roots and coins) in three cache-friendly passes:
//
//  1. bond bits: act[i] bit 0 says that the bond to the +x neighbour is
//     active (aligned and its bond bit set), bit 1 the bond to +y;
//  2. raster labelling: site i takes the root of its left and upper
//     neighbours when those bonds are active (the left neighbour's parent is
//     a root at that moment), joining two trees under the smaller root; the
//     periodic bonds of the last column and row are ordinary unions. Every
//     root stays the smallest site of its tree, as with mc.Union;
//  3. flips: roots draw their coins in increasing order, every site reads
//     its root's coin, and the bond sum and magnetization of the new
//     configuration are accumulated (each bond is counted at its larger
//     end, whose neighbour is already final).
func (k *Cluster) sweepSW2() (updates, accepted int64) {
	s, par, n := k.s, k.parent, k.n
	lx := k.p.Dims[0]
	ly := n / lx
	if len(k.act) != n {
		k.act = make([]uint8, n)
	}
	act := k.act
	buf, nb := k.buf, k.nbuf
	for row := 0; row < n; row += lx {
		jyRow := row + lx
		if jyRow >= n {
			jyRow -= n
		}
		sr, sy, ar := s[row:row+lx], s[jyRow:jyRow+lx], act[row:row+lx]
		for x := range sr {
			if nb < 2 {
				buf, nb = k.bondBits(), 64
			}
			si := sr[x]
			xr := x + 1
			if xr == lx {
				xr = 0
			}
			ax := b2i(sr[xr] == si) & int(buf&1)
			ay := b2i(sy[x] == si) & int(buf>>1&1)
			ar[x] = uint8(ax | ay<<1)
			buf >>= 2
			nb -= 2
		}
	}
	k.buf, k.nbuf = buf, nb

	// Pass 2: labels.
	find := func(i int32) int32 {
		for par[i] != i {
			par[i] = par[par[i]]
			i = par[i]
		}
		return i
	}
	join := func(ra, rb int32) { // roots: the larger points to the smaller
		if rb < ra {
			ra, rb = rb, ra
		}
		par[rb] = ra
	}
	// Row 0: only +x bonds.
	par[0] = 0
	for i := int32(1); i < int32(lx); i++ {
		r := i
		if act[i-1]&1 != 0 {
			r = par[i-1]
		}
		par[i] = r
	}
	if act[lx-1]&1 != 0 {
		join(find(int32(lx-1)), find(0))
	}
	for y := 1; y < ly; y++ {
		row := int32(y * lx)
		// Site i takes the root r of its left neighbour if that bond is
		// active (the left neighbour's parent is a root at that moment), and
		// joins it with the root above if that bond is active, the smaller
		// root becoming the root of both (branch-free selects).
		ac, au, pr := act[row:row+int32(lx)], act[row-int32(lx):row], par[row:row+int32(lx)]
		r := row
		ru := find(row - int32(lx))
		if au[0]&2 == 0 {
			ru = row
		}
		lo, hi := min(r, ru), max(r, ru)
		par[hi] = lo
		pr[0] = lo
		prev := lo // the left neighbour's parent, kept in a register
		for x := 1; x < len(pr); x++ {
			i := row + int32(x)
			r := i
			if ac[x-1]&1 != 0 {
				r = prev
			}
			ru := find(i - int32(lx))
			if au[x]&2 == 0 {
				ru = i
			}
			lo, hi := min(r, ru), max(r, ru)
			par[hi] = lo
			pr[x] = lo
			prev = lo
		}
		if ac[lx-1]&1 != 0 {
			join(find(row+int32(lx)-1), find(row))
		}
	}
	// The periodic bonds of the last row to the first.
	last := int32((ly - 1) * lx)
	for x := int32(0); x < int32(lx); x++ {
		if act[last+x]&2 != 0 {
			join(find(last+x), find(x))
		}
	}

	// Pass 3: coins, flips, bond sum and magnetization. A root draws the
	// next bit of the coin word; every site writes a coin (only the roots'
	// are read) so that the loop needs no branch on "is a root".
	g := &k.dec.g
	coin := k.coin
	var flipped, clusters, mag, bonds int64
	word, nbits := uint64(0), 0
	if len(k.zeros) != lx {
		k.zeros = make([]int8, lx)
	}
	above := k.zeros // the row above (final), zeros for row 0
	for y := 0; y < ly; y++ {
		row := y * lx
		sr, pr, cr := s[row:row+lx], par[row:row+lx], coin[row:row+lx]
		above = above[:len(sr)]
		left := 0 // the final spin to the left, 0 at x = 0
		for x := range sr {
			i := row + x
			// Every site points to a smaller (or its own) index, so in
			// increasing order par[par[i]] is already a root (flatten).
			r := par[pr[x]]
			pr[x] = r
			root := b2i(int(r) == i)
			if nbits == 0 && root == 1 {
				word, nbits = g.next(), 64
			}
			cr[x] = int8(word & 1)
			word >>= uint(root)
			nbits -= root
			f := coin[r]
			clusters += int64(int(f) & root)
			v := sr[x] * (1 - 2*f)
			sr[x] = v
			flipped += int64(f)
			mag += int64(v)
			// Bonds to the left and upper neighbours (already final).
			bonds += int64(int(v) * (left + int(above[x])))
			left = int(v)
		}
		above = sr
	}
	// The periodic bonds: last column to first, last row to first.
	for row := 0; row < n; row += lx {
		bonds += int64(s[row+lx-1]) * int64(s[row])
	}
	for x := 0; x < lx; x++ {
		bonds += int64(s[n-lx+x]) * int64(s[x])
	}
	k.mag, k.bonds = mag, bonds
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
