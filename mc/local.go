package mc

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"unsafe"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// state is the part shared by every generic kernel: the model, the spins,
// the tracked energy and magnetization, and the random source.
type state struct {
	m    *lattice.Model
	nb   *lattice.Neighbors
	beta float64
	s    []int8
	e    float64 // H(s)
	mag  int     // sum_i s_i (of the physical spins)
	src  rand.Source
	pcg  *rand.PCG // src when it is a *rand.PCG (direct calls are faster)
	r    *rand.Rand
}

// u64 returns the next random 64-bit number of the source.
func (st *state) u64() uint64 {
	if st.pcg != nil {
		return st.pcg.Uint64()
	}
	return st.src.Uint64()
}

// float returns a uniform number in [0, 1), as rand.Rand.Float64 does.
func (st *state) float() float64 { return float64(st.u64()<<11>>11) / (1 << 53) }

// intn returns a uniform integer in [0, n) (Lemire's multiply-shift with
// rejection, exact), n >= 1.
func (st *state) intn(n int) int {
	un := uint64(n)
	hi, lo := bits.Mul64(st.u64(), un)
	if lo < un {
		thresh := -un % un
		for lo < thresh {
			hi, lo = bits.Mul64(st.u64(), un)
		}
	}
	return int(hi)
}

// threshold returns p * 2^64 as a uint64 threshold t, so that u64() < t has
// probability p (to within 2^-64); p >= 1 gives the largest uint64.
func threshold(p float64) uint64 {
	if p >= 1 {
		return math.MaxUint64
	}
	if !(p > 0) {
		return 0
	}
	return uint64(p * (1 << 64))
}

// init validates and fills the shared state with a random start (each spin
// +1 or -1 with probability 1/2, drawn from src). It panics on a nil model or
// source, or a negative or non-finite beta (programmer errors).
func (st *state) init(m *lattice.Model, beta float64, src rand.Source) {
	if m == nil || src == nil {
		panic("mc: nil model or random source")
	}
	if !(beta >= 0) || math.IsInf(beta, 0) {
		panic(fmt.Sprintf("mc: beta %v: must be finite and >= 0", beta))
	}
	st.m, st.nb, st.beta, st.src, st.r = m, m.Neighbors(), beta, src, rand.New(src)
	st.pcg, _ = src.(*rand.PCG)
	st.s = make([]int8, m.N)
	for i := range st.s {
		if st.r.Uint64()&1 == 1 {
			st.s[i] = 1
		} else {
			st.s[i] = -1
		}
	}
	st.e = m.Energy(st.s)
	st.mag = lattice.Magnetization(st.s)
}

func (st *state) Energy() float64    { return st.e }
func (st *state) Magnetization() int { return st.mag }
func (st *state) Spins(dst []int8) []int8 {
	if cap(dst) < len(st.s) {
		dst = make([]int8, len(st.s))
	}
	dst = dst[:len(st.s)]
	copy(dst, st.s)
	return dst
}

// marshal encodes tag, spins, energy, magnetization and the source state.
func (st *state) marshal(tag byte, extra []int8, words []uint64) ([]byte, error) {
	bm, ok := st.src.(encoding.BinaryMarshaler)
	if !ok {
		return nil, fmt.Errorf("mc: random source %T cannot be saved (does not implement encoding.BinaryMarshaler)", st.src)
	}
	rs, err := bm.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("mc: saving random source: %w", err)
	}
	b := []byte{'M', 'C', 1, tag}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(st.s)))
	for _, v := range st.s {
		b = append(b, byte(v))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(extra)))
	for _, v := range extra {
		b = append(b, byte(v))
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(st.e))
	b = binary.LittleEndian.AppendUint64(b, uint64(int64(st.mag)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(words)))
	for _, w := range words {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	b = append(b, rs...)
	return b, nil
}

var errCorrupt = errors.New("mc: corrupt or foreign kernel state")

// unmarshal restores what marshal wrote; extra receives the extra spins and
// words the extra words (both of the lengths written).
func (st *state) unmarshal(tag byte, b []byte, extra []int8, words []uint64) error {
	if len(b) < 8 || b[0] != 'M' || b[1] != 'C' || b[2] != 1 {
		return errCorrupt
	}
	if b[3] != tag {
		return fmt.Errorf("mc: kernel state of type %d, want %d (different algorithm)", b[3], tag)
	}
	n := int(binary.LittleEndian.Uint32(b[4:]))
	if n != len(st.s) {
		return fmt.Errorf("mc: kernel state has %d spins, model has %d", n, len(st.s))
	}
	b = b[8:]
	if len(b) < n+4 {
		return errCorrupt
	}
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(b[i])
		if s[i] != 1 && s[i] != -1 {
			return errCorrupt
		}
	}
	b = b[n:]
	ne := int(binary.LittleEndian.Uint32(b))
	b = b[4:]
	if ne != len(extra) || len(b) < ne+16 {
		return errCorrupt
	}
	for i := range extra {
		extra[i] = int8(b[i])
		if extra[i] != 1 && extra[i] != -1 {
			return errCorrupt
		}
	}
	b = b[ne:]
	e := math.Float64frombits(binary.LittleEndian.Uint64(b))
	mag := int(int64(binary.LittleEndian.Uint64(b[8:])))
	b = b[16:]
	if len(b) < 4 || int(binary.LittleEndian.Uint32(b)) != len(words) || len(b) < 4+8*len(words) {
		return errCorrupt
	}
	b = b[4:]
	for i := range words {
		words[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	b = b[8*len(words):]
	bu, ok := st.src.(encoding.BinaryUnmarshaler)
	if !ok {
		return fmt.Errorf("mc: random source %T cannot be restored", st.src)
	}
	if err := bu.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("mc: restoring random source: %w", err)
	}
	copy(st.s, s)
	st.e, st.mag = e, mag
	return nil
}

// Local is a single-spin-flip kernel for any lattice.Model (arbitrary
// couplings and fields): Metropolis (accept a flip with probability
// min(1, e^{-beta dE})) or heat bath (set s_i = +1 with probability
// sigmoid(2 beta h_i^eff), h_i^eff = sum_j J_ij s_j + h_i), visiting sites in
// random or sequential order. The energy is tracked incrementally (exact for
// integer couplings and fields, within rounding otherwise).
type Local struct {
	state
	heat  bool
	order Order
	// Integer path, used when every coupling and field is an integer
	// multiple of quantum q with |local field| <= qmax q: couplings and
	// fields in units of q, the energy in units of q (exact), and acceptance
	// thresholds indexed by the local field.
	q    float64
	qmax int
	ic   []int32
	ih   []int32
	eint int64
	thr  []uint64 // Metropolis: by s_i f + qmax; heat bath: P(s_i = +1) by f + qmax
	// Compact layout of the integer path when every site has the same
	// number z of neighbour entries: site i's record of 2z+1 words,
	// rec[(2z+1)i : (2z+1)(i+1)], holds its z neighbours, their z couplings
	// and its field, in quanta (nil otherwise), so that one site's data are
	// contiguous.
	z   int
	rec []int32
}

// maxQuantumField bounds the table of the integer path.
const maxQuantumField = 1 << 12

// quantize sets up the integer path if the model allows it.
func (k *Local) quantize() {
	nb, h := k.nb, k.m.Fields
	var q float64
	for _, c := range nb.Couplings {
		if c != 0 {
			q = math.Abs(c)
			break
		}
	}
	if q == 0 {
		for _, v := range h {
			if v != 0 {
				q = math.Abs(v)
				break
			}
		}
	}
	if q == 0 {
		q = 1
	}
	toInt := func(v float64) (int32, bool) {
		x := math.Round(v / q)
		if math.Abs(x) > maxQuantumField || math.Abs(x*q-v) > 1e-12*math.Max(q, math.Abs(v)) {
			return 0, false
		}
		return int32(x), true
	}
	ic := make([]int32, len(nb.Couplings))
	ih := make([]int32, len(h))
	var qmax int
	for i := range h {
		v, ok := toInt(h[i])
		if !ok {
			return
		}
		ih[i] = v
		f := int(abs32(v))
		for p := nb.Start[i]; p < nb.Start[i+1]; p++ {
			c, ok := toInt(nb.Couplings[p])
			if !ok {
				return
			}
			ic[p] = c
			f += int(abs32(c))
		}
		if f > maxQuantumField {
			return
		}
		qmax = max(qmax, f)
	}
	k.q, k.qmax, k.ic, k.ih = q, qmax, ic, ih
	k.compact()
	k.eint = int64(math.Round(k.e / q))
	k.e = float64(k.eint) * q
	k.thr = make([]uint64, 2*qmax+1)
	k.tables()
}

// compact sets up the fixed-stride neighbour layout of the integer path
// when every site has the same number of neighbour entries (square,
// triangular, cubic lattices, complete graphs, disorder or not).
func (k *Local) compact() {
	st := k.nb.Start
	n := len(st) - 1
	if n < 1 {
		return
	}
	z := int(st[1] - st[0])
	for i := 0; i < n; i++ {
		if int(st[i+1]-st[i]) != z {
			return
		}
	}
	if z == 0 || z > 1<<20 {
		return
	}
	k.z = z
	k.rec = make([]int32, 0, (2*z+1)*n)
	for i := 0; i < n; i++ {
		at := len(k.rec)
		k.rec = append(k.rec, k.nb.Sites[st[i]:st[i+1]]...)
		k.rec = append(k.rec, k.ic[st[i]:st[i+1]]...)
		k.rec = append(k.rec, k.ih[i])
		// Slot 0: the neighbour updated last before i in a sequential
		// sweep (the largest index below i), see metropolis_amd64.s.
		nb, c := k.rec[at:at+z], k.rec[at+z:at+2*z]
		best := 0
		for j := range nb {
			if int(nb[j]) < i && (int(nb[best]) >= i || nb[j] > nb[best]) {
				best = j
			}
		}
		nb[0], nb[best] = nb[best], nb[0]
		c[0], c[best] = c[best], c[0]
	}
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// tables fills the acceptance thresholds of the integer path for k.beta.
func (k *Local) tables() {
	if k.ic == nil {
		return
	}
	for v := -k.qmax; v <= k.qmax; v++ {
		if k.heat {
			k.thr[v+k.qmax] = threshold(numeric.Sigmoid(2 * k.beta * k.q * float64(v)))
		} else {
			k.thr[v+k.qmax] = threshold(math.Exp(-2 * k.beta * k.q * float64(v)))
		}
	}
}

// NewMetropolis returns a Metropolis kernel for m at inverse temperature beta
// with a random start drawn from src. The source must implement
// encoding.BinaryMarshaler/Unmarshaler for checkpoints (a *rand.PCG from
// internal/rng.New does). Model.Neighbors is called, so m must not be in use
// by another goroutine for its first call.
//
// When every coupling and field is an integer multiple of a common quantum
// (uniform J and h, ±J disorder, ...) with local fields of at most 4096
// quanta, the kernel works in integers with tabulated acceptance
// probabilities, and the tracked energy is exact; otherwise it evaluates
// exp per proposal. On the integer path every attempt draws one 64-bit
// number u and flips iff the move is downhill or u < floor(p 2^64); when
// every site has the same number of neighbours (periodic square,
// triangular and cubic lattices, complete graphs, with or without
// disorder) the sweep runs on a compact per-site record (neighbours,
// couplings, field), in sequential order with 4 or 6 neighbours in
// assembly on amd64, giving the same chain bit for bit.
func NewMetropolis(m *lattice.Model, beta float64, order Order, src rand.Source) *Local {
	k := &Local{order: order}
	k.init(m, beta, src)
	k.quantize()
	return k
}

// NewHeatBath returns a heat-bath kernel; see NewMetropolis.
func NewHeatBath(m *lattice.Model, beta float64, order Order, src rand.Source) *Local {
	k := &Local{heat: true, order: order}
	k.init(m, beta, src)
	k.quantize()
	return k
}

// SetBeta changes the inverse temperature.
func (k *Local) SetBeta(beta float64) {
	k.beta = beta
	k.tables()
}

// Sweep performs N single-spin updates; it returns (N, flips).
func (k *Local) Sweep() (updates, accepted int64) {
	if k.ic != nil {
		return k.sweepInt()
	}
	n := len(k.s)
	nb, s, h, beta := k.nb, k.s, k.m.Fields, k.beta
	var acc int64
	for t := 0; t < n; t++ {
		i := t
		if k.order != Sequential {
			i = k.intn(n)
		}
		f := h[i]
		for p := nb.Start[i]; p < nb.Start[i+1]; p++ {
			f += nb.Couplings[p] * float64(s[nb.Sites[p]])
		}
		old := s[i]
		dE := 2 * float64(old) * f
		var flip bool
		if k.heat {
			var nw int8 = -1
			if k.float() < numeric.Sigmoid(2*beta*f) {
				nw = 1
			}
			flip = nw != old
		} else {
			flip = dE <= 0 || k.float() < math.Exp(-beta*dE)
		}
		if flip {
			s[i] = -old
			k.e += dE
			k.mag -= 2 * int(old)
			acc++
		}
	}
	return int64(n), acc
}

// sweepInt is Sweep on the integer path.
func (k *Local) sweepInt() (updates, accepted int64) {
	if k.rec != nil && k.pcg != nil && !k.heat {
		return k.sweepMetropolisCompact()
	}
	n := len(k.s)
	start, sites, ic, ih, s, thr, qmax := k.nb.Start, k.nb.Sites, k.ic, k.ih, k.s, k.thr, k.qmax
	var acc int64
	seq := k.order == Sequential
	for t := 0; t < n; t++ {
		i := t
		if !seq {
			i = k.intn(n)
		}
		f := ih[i]
		for p := start[i]; p < start[i+1]; p++ {
			f += ic[p] * int32(s[sites[p]])
		}
		old := s[i]
		var flip bool
		if k.heat {
			up := k.u64() < thr[int(f)+qmax]
			flip = up != (old > 0)
		} else {
			// One random number per attempt, also when the move is
			// downhill (p = 1): the compact path decides without a branch.
			u := k.u64()
			v := int32(old) * f
			flip = v <= 0 || u < thr[int(v)+qmax]
		}
		if flip {
			s[i] = -old
			k.eint += 2 * int64(old) * int64(f)
			k.mag -= 2 * int(old)
			acc++
		}
	}
	k.e = float64(k.eint) * k.q
	return int64(n), acc
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sweepMetropolisCompact is sweepInt for Metropolis on the compact layout,
// drawing from an inlined mirror of the *rand.PCG source (the same numbers
// src.Uint64 returns, without a call each; the state is copied in and
// written back): the same chain, bit for bit, as the general path. The
// decision is branch-free: one random number per attempt, a flip iff the
// move is downhill or the number is below the uphill threshold.
func (k *Local) sweepMetropolisCompact() (updates, accepted int64) {
	n := len(k.s)
	var g pcgMirror
	g.Load(k.pcg)
	var de, t int64
	switch {
	case k.z == 4 && k.order == Sequential && useMetropolisAsm:
		de, t = metropolisAsm4(&k.s[0], n, &k.rec[0], &k.thr[k.qmax], &g)
	case k.z == 6 && k.order == Sequential && useMetropolisAsm:
		de, t = metropolisAsm6(&k.s[0], n, &k.rec[0], &k.thr[k.qmax], &g)
	case k.z == 4 && k.order == Sequential:
		de, t = metropolis4(k.s, k.thr, k.qmax, k.rec, &g)
	case k.z == 6 && k.order == Sequential:
		de, t = metropolis6(k.s, k.thr, k.qmax, k.rec, &g)
	default:
		de, t = metropolisZ(k.s, k.thr, k.qmax, k.z, k.rec, k.order == Sequential, &g)
	}
	g.Store(k.pcg)
	// t packs the flips (high 32 bits) and the change of magnetization.
	acc := (t + 1<<31) >> 32
	k.eint += de
	k.mag += int(t - acc<<32)
	k.e = float64(k.eint) * k.q
	return int64(n), acc
}

// flipDelta returns 1 if Metropolis flips spin old with local field f (in
// quanta) given the random number u, else 0, without a branch.
func flipDelta(thr []uint64, qmax int, old int8, f int32, u uint64) int {
	m := int32(old) >> 31 // -1 for old = -1, 0 for +1
	v := (f ^ m) - m      // old * f
	return b2i(v <= 0) | b2i(u < thr[int(v)+qmax])
}

// metropolis4 is the sequential sweep for 4 neighbours per site. What
// limits it is the number of instructions per site: the loop is written
// with raw pointers and the generator state in locals so that everything
// stays in registers.
func metropolis4(s []int8, thr []uint64, qmax int, rec []int32, g *pcgMirror) (de, t int64) {
	n := len(s)
	if n == 0 {
		return 0, 0
	}
	_ = rec[9*n-1]
	_ = thr[2*qmax]
	// Raw pointers: every index is in range by construction (neighbours
	// < n, |s_i f| <= qmax), and without bounds checks and slice lengths
	// the loop fits in the registers.
	sp := unsafe.Pointer(unsafe.SliceData(s))
	rp := unsafe.Pointer(unsafe.SliceData(rec))
	tp := unsafe.Add(unsafe.Pointer(unsafe.SliceData(thr)), 8*qmax) // thr[v] for -qmax <= v <= qmax
	spin := func(j int32) int32 { return int32(*(*int8)(unsafe.Add(sp, int(j)))) }
	accept := func(m, f int32, u uint64) int {
		v := (f ^ m) - m // old * f
		return b2i(v <= 0) | b2i(u < *(*uint64)(unsafe.Add(tp, 8*int(v))))
	}
	ghi, glo := g.Hi, g.Lo
	for i := 0; i < n; i++ {
		r := (*[9]int32)(unsafe.Add(rp, 36*i))
		f := r[8] + r[4]*spin(r[0]) + r[5]*spin(r[1]) + r[6]*spin(r[2]) + r[7]*spin(r[3])
		old := *(*int8)(unsafe.Add(sp, i))
		// PCG step (rng.Mirror.Uint64), state in registers.
		const (
			mulHi    = 2549297995355413924
			mulLo    = 4865540595714422341
			incHi    = 6364136223846793005
			incLo    = 1442695040888963407
			cheapMul = 0xda942042e4dd58b5
		)
		hi, lo := bits.Mul64(glo, mulLo)
		hi += ghi*mulLo + glo*mulHi
		lo, c := bits.Add64(lo, incLo, 0)
		hi, _ = bits.Add64(hi, incHi, c)
		glo, ghi = lo, hi
		hi ^= hi >> 32
		hi *= cheapMul
		hi ^= hi >> 48
		u := hi * (lo | 1)

		a := accept(int32(old)>>31, f, u)
		*(*int8)(unsafe.Add(sp, i)) = old ^ int8(-2*a)
		de += int64(a) * 2 * int64(old) * int64(f)
		t += int64(a) * (1<<32 - 2*int64(old))
	}
	g.Hi, g.Lo = ghi, glo
	return de, t
}

// metropolis6 is metropolis4 for 6 neighbours per site (triangular, cubic).
func metropolis6(s []int8, thr []uint64, qmax int, rec []int32, g *pcgMirror) (de, t int64) {
	n := len(s)
	if n == 0 {
		return 0, 0
	}
	_ = rec[13*n-1]
	_ = thr[2*qmax]
	// Raw pointers: every index is in range by construction (neighbours
	// < n, |s_i f| <= qmax), and without bounds checks and slice lengths
	// the loop fits in the registers.
	sp := unsafe.Pointer(unsafe.SliceData(s))
	rp := unsafe.Pointer(unsafe.SliceData(rec))
	tp := unsafe.Add(unsafe.Pointer(unsafe.SliceData(thr)), 8*qmax) // thr[v] for -qmax <= v <= qmax
	spin := func(j int32) int32 { return int32(*(*int8)(unsafe.Add(sp, int(j)))) }
	accept := func(m, f int32, u uint64) int {
		v := (f ^ m) - m // old * f
		return b2i(v <= 0) | b2i(u < *(*uint64)(unsafe.Add(tp, 8*int(v))))
	}
	ghi, glo := g.Hi, g.Lo
	for i := 0; i < n; i++ {
		r := (*[13]int32)(unsafe.Add(rp, 52*i))
		f := r[12] + r[6]*spin(r[0]) + r[7]*spin(r[1]) + r[8]*spin(r[2]) +
			r[9]*spin(r[3]) + r[10]*spin(r[4]) + r[11]*spin(r[5])
		old := *(*int8)(unsafe.Add(sp, i))
		// PCG step (rng.Mirror.Uint64), state in registers.
		const (
			mulHi    = 2549297995355413924
			mulLo    = 4865540595714422341
			incHi    = 6364136223846793005
			incLo    = 1442695040888963407
			cheapMul = 0xda942042e4dd58b5
		)
		hi, lo := bits.Mul64(glo, mulLo)
		hi += ghi*mulLo + glo*mulHi
		lo, c := bits.Add64(lo, incLo, 0)
		hi, _ = bits.Add64(hi, incHi, c)
		glo, ghi = lo, hi
		hi ^= hi >> 32
		hi *= cheapMul
		hi ^= hi >> 48
		u := hi * (lo | 1)

		a := accept(int32(old)>>31, f, u)
		*(*int8)(unsafe.Add(sp, i)) = old ^ int8(-2*a)
		de += int64(a) * 2 * int64(old) * int64(f)
		t += int64(a) * (1<<32 - 2*int64(old))
	}
	g.Hi, g.Lo = ghi, glo
	return de, t
}

// metropolisZ is the sweep for any number z of neighbours per site, in
// sequential or random order.
func metropolisZ(s []int8, thr []uint64, qmax, z int, rec []int32, seq bool, g *pcgMirror) (de, t int64) {
	n := len(s)
	un := uint64(n)
	for k := 0; k < n; k++ {
		i := k
		if !seq {
			i = g.IntN(un)
		}
		r := rec[(2*z+1)*i : (2*z+1)*(i+1)]
		nb, c := r[:z], r[z:2*z]
		f := r[2*z]
		for j, x := range nb {
			f += c[j] * int32(s[x])
		}
		old := s[i]
		a := flipDelta(thr, qmax, old, f, g.Uint64())
		s[i] = old ^ int8(-2*a)
		de += int64(a) * 2 * int64(old) * int64(f)
		t += int64(a) * (1<<32 - 2*int64(old))
	}
	return de, t
}

// pcgMirror is the shared PCG mirror (its layout is read by metropolis_amd64.s).
type pcgMirror = rng.Mirror

const (
	tagMetropolis byte = 1
	tagHeatBath   byte = 2
	tagWolff      byte = 3
	tagSW         byte = 4
)

func (k *Local) tag() byte {
	if k.heat {
		return tagHeatBath
	}
	return tagMetropolis
}

// MarshalBinary saves spins, energy and random-source state.
func (k *Local) MarshalBinary() ([]byte, error) { return k.marshal(k.tag(), nil, nil) }

// UnmarshalBinary restores a state saved by MarshalBinary.
func (k *Local) UnmarshalBinary(b []byte) error {
	if err := k.unmarshal(k.tag(), b, nil, nil); err != nil {
		return err
	}
	if k.ic != nil {
		k.eint = int64(math.Round(k.e / k.q))
	}
	return nil
}
