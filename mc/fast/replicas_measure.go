package fast

import "math/bits"

// Measurement of all replicas at once, straight from the bit-sliced words
// (no unpacking, no change of layout): the number of +1 spins and of
// unsatisfied bonds of every replica are vertical (per-lane) bit counts,
// accumulated with carry-save adders.

// csa is a carry-save (full) adder on 64 lanes: per lane, a+b+c = s + 2 carry.
func csa(a, b, c uint64) (s, carry uint64) {
	u := a ^ b
	return u ^ c, a&b | u&c
}

// lanes16 counts per lane, in bit planes, with a Harley–Seal carry-save
// tree: 16 input words become one word of weight 16 in about 4.7 operations
// per word; the weight-16 words go into a rippled vertical counter.
type lanes16 struct {
	ones, twos, fours, eights uint64
	buf                       [16]uint64
	nbuf                      int
	big                       [40]uint64 // weight-16 counter, plane b has weight 16 * 2^b
}

func (v *lanes16) add(x uint64) {
	v.buf[v.nbuf] = x
	if v.nbuf++; v.nbuf == 16 {
		v.flush16()
	}
}

func (v *lanes16) flush16() {
	v.addBlock(&v.buf)
	v.nbuf = 0
}

// addBlock adds 16 words (b need not be v.buf).
func (v *lanes16) addBlock(b *[16]uint64) {
	var twosA, twosB, foursA, foursB, eightsA, eightsB, sixteens uint64
	v.ones, twosA = csa(v.ones, b[0], b[1])
	v.ones, twosB = csa(v.ones, b[2], b[3])
	v.twos, foursA = csa(v.twos, twosA, twosB)
	v.ones, twosA = csa(v.ones, b[4], b[5])
	v.ones, twosB = csa(v.ones, b[6], b[7])
	v.twos, foursB = csa(v.twos, twosA, twosB)
	v.fours, eightsA = csa(v.fours, foursA, foursB)
	v.ones, twosA = csa(v.ones, b[8], b[9])
	v.ones, twosB = csa(v.ones, b[10], b[11])
	v.twos, foursA = csa(v.twos, twosA, twosB)
	v.ones, twosA = csa(v.ones, b[12], b[13])
	v.ones, twosB = csa(v.ones, b[14], b[15])
	v.twos, foursB = csa(v.twos, twosA, twosB)
	v.fours, eightsB = csa(v.fours, foursA, foursB)
	v.eights, sixteens = csa(v.eights, eightsA, eightsB)
	for p := 0; sixteens != 0; p++ {
		c := v.big[p] & sixteens
		v.big[p] ^= sixteens
		sixteens = c
	}
}

// addSlice adds the words of b.
func (v *lanes16) addSlice(b []uint64) {
	for len(b) >= 16 {
		v.addBlock((*[16]uint64)(b))
		b = b[16:]
	}
	for _, x := range b {
		v.add(x)
	}
}

// counts writes the count of every lane into dst (len(dst) lanes).
func (v *lanes16) counts(dst []int64) {
	for i := 0; i < v.nbuf; i++ { // the words not yet in the tree
		for l := range dst {
			dst[l] += int64(v.buf[i] >> uint(l) & 1)
		}
	}
	for l := range dst {
		n := int64(0)
		for b := len(v.big) - 1; b >= 0; b-- {
			n = n<<1 | int64(v.big[b]>>uint(l)&1)
		}
		dst[l] += 16*n + 8*int64(v.eights>>uint(l)&1) + 4*int64(v.fours>>uint(l)&1) +
			2*int64(v.twos>>uint(l)&1) + int64(v.ones>>uint(l)&1)
	}
}

// useMeasureAsm selects the AVX-512 counters (tests switch it off).
var useMeasureAsm = haveAVX512

// measureAsm is measure with measureRowAVX512 (rows of a multiple of 32
// words).
func (cb *cbReplicas) measureAsm(up, unsat []int64) {
	ly, lz := cb.dims[1], cb.dims[2]
	st := cb.w + 2
	S, O := cb.c[0], cb.c[1]
	var acc measAcc
	a := measArgs{blocks: cb.w / 32, acc: &acc}
	if lz > 1 {
		a.three = 1
	}
	blocks := 0
	for z := 0; z < lz; z++ {
		zp, zm := (z+1)%lz, (z+lz-1)%lz
		for y := 0; y < ly; y++ {
			r := y + ly*z
			d := 0
			if cb.off(y, z, 0) == 1 {
				d = 2
			}
			a.s, a.o, a.ox = &S[r*st+1], &O[r*st+1], &O[r*st+d]
			a.oy, a.om = &O[((y+1)%ly+ly*z)*st+1], &O[((y+ly-1)%ly+ly*z)*st+1]
			a.oz, a.oq = a.o, a.o
			if lz > 1 {
				a.oz, a.oq = &O[(y+ly*zp)*st+1], &O[(y+ly*zm)*st+1]
			}
			measureRowAVX512(&a)
			if blocks += a.blocks; blocks >= measFlushBlocks {
				acc.flush(up, unsat)
				blocks = 0
			}
		}
	}
	acc.flush(up, unsat)
}

// Measure writes the total energy H and the magnetization sum_i s_i of every
// replica into e and m (grown if needed) and returns them. It reads the
// bit-sliced words where they are (on the checkerboard path the two colour
// arrays: every bond joins a site of colour 0 to one of colour 1, so the
// unsatisfied bonds are counted from the colour-0 sites), in about one
// pass over the words; Energies and Magnetizations give the same numbers.
func (k *Replicas) Measure(e, m []float64) ([]float64, []float64) {
	nl := len(k.betas)
	var up, un [64]int64
	if k.cb != nil && !k.linNewer {
		k.cb.measure(up[:nl], un[:nl])
	} else {
		u, s := k.counts()
		for l := 0; l < nl; l++ {
			up[l], un[l] = int64(u.lane(l)), int64(s.lane(l))
		}
	}
	e, m = growF(e, nl), growF(m, nl)
	nb := int64(k.n * len(k.p.Dims))
	for l := 0; l < nl; l++ {
		mag := 2*up[l] - int64(k.n)
		m[l] = float64(mag)
		e[l] = -k.p.J*float64(nb-2*un[l]) - k.p.H*float64(mag)
	}
	return e, m
}

// measArgs is the argument block of measureRowAVX512 (field offsets are
// used by the assembly): the colour-0 words of a row, the other colour's
// words at the same h, at h+d (x neighbour), in the rows y+1 and y-1 (and
// z+1, z-1), the number of 32-word blocks, 1 for the cubic lattice, and the
// accumulator.
type measArgs struct {
	s, o, ox, oy, om, oz, oq *uint64
	blocks, three            int
	acc                      *measAcc
}

// measAcc is the state of the AVX-512 counters, eight word positions per
// plane: unsatisfied bonds in planes of weight 1, 2, 4, 8 (u) and 16 * 2^p
// (uP), +1 spins in planes of weight 1, 2, 4 (m) and 8 * 2^p (mP). Each
// lane and position holds at most 65535 of each, so the caller flushes
// every measFlushBlocks blocks.
type measAcc struct {
	u  [4][8]uint64
	uP [12][8]uint64
	m  [3][8]uint64
	mP [13][8]uint64
}

// measFlushBlocks bounds the blocks between flushes (a block adds at most
// 24 unsatisfied bonds and 8 spins per lane and position).
const measFlushBlocks = 2048

// flush adds the counts held in a to up and unsat (per lane) and clears a.
func (a *measAcc) flush(up, unsat []int64) {
	add := func(dst []int64, planes [][8]uint64, weight func(p int) int64) {
		for p := range planes {
			w := weight(p)
			for _, x := range planes[p] {
				for ; x != 0; x &= x - 1 {
					if l := bits.TrailingZeros64(x); l < len(dst) {
						dst[l] += w
					}
				}
			}
		}
	}
	add(unsat, a.u[:], func(p int) int64 { return 1 << p })
	add(unsat, a.uP[:], func(p int) int64 { return 16 << p })
	add(up, a.m[:], func(p int) int64 { return 1 << p })
	add(up, a.mP[:], func(p int) int64 { return 8 << p })
	*a = measAcc{}
}

// measure counts, per lane, the +1 spins and the unsatisfied bonds of the
// checkerboard storage (halo words are current after every sweep).
func (cb *cbReplicas) measure(up, unsat []int64) {
	if cb.sg[0] != nil {
		cb.measurePMJ(up, unsat)
		return
	}
	if useMeasureAsm && cb.w%32 == 0 {
		cb.measureAsm(up, unsat)
		return
	}
	ly, lz := cb.dims[1], cb.dims[2]
	st := cb.w + 2
	var cu, c1 lanes16
	S, O := cb.c[0], cb.c[1]
	for z := 0; z < lz; z++ {
		zp, zm := (z+1)%lz, (z+lz-1)%lz
		for y := 0; y < ly; y++ {
			r := y + ly*z
			s := S[r*st+1 : r*st+1+cb.w]
			o := O[r*st+1 : r*st+1+cb.w]
			// The other colour's x-neighbours of word h are words h and
			// h+d of the same row (d = -1 or +1, the halo covers h+d).
			oo := O[r*st : r*st+st]
			d := 0
			if cb.off(y, z, 0) == 1 {
				d = 2
			}
			oy := O[((y+1)%ly+ly*z)*st+1:][:cb.w]
			om := O[((y+ly-1)%ly+ly*z)*st+1:][:cb.w]
			cu.addSlice(s)
			cu.addSlice(o)
			// The XOR words (unsatisfied bonds) go straight into the
			// carry-save counter, 16 at a time.
			var b0, b1, b2, b3, b4, b5 [16]uint64
			for h0 := 0; h0 < len(s); h0 += 16 {
				nh := min(16, len(s)-h0)
				for i := 0; i < nh; i++ {
					h := h0 + i
					w := s[h]
					b0[i], b1[i], b2[i], b3[i] = w^o[h], w^oo[h+d], w^oy[h], w^om[h]
				}
				nb := 4
				if lz > 1 {
					nb = 6
					oz := O[(y+ly*zp)*st+1:][:cb.w]
					oq := O[(y+ly*zm)*st+1:][:cb.w]
					for i := 0; i < nh; i++ {
						h := h0 + i
						b4[i], b5[i] = s[h]^oz[h], s[h]^oq[h]
					}
				}
				bs := [6]*[16]uint64{&b0, &b1, &b2, &b3, &b4, &b5}
				for _, b := range bs[:nb] {
					if nh == 16 {
						c1.addBlock(b)
					} else {
						c1.addSlice(b[:nh])
					}
				}
			}
		}
	}
	cu.counts(up)
	c1.counts(unsat)
}
