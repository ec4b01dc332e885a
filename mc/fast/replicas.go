package fast

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// Replicas runs up to 64 independent replicas of one lattice, replica k in
// bit k of every word (bit set means s = +1), each at its own inverse
// temperature and with its own exact Bernoulli decisions. Every replica
// performs an ordinary sequential single-spin-flip chain: when every length
// is even, one Sweep visits the sites of one checkerboard colour and then of
// the other (sites of a colour do not interact, so they are updated eight
// words at a time, with AVX-512 or AVX2 where available); otherwise it visits the
// sites in typewriter order i = 0, 1, ..., N-1 (x fastest).
//
// Reference chain: the decision for replica k at site i is "u < p" where p is
// the float64 flip probability (Metropolis min(1, e^{-beta_k dE}) or heat bath
// 1/(1+e^{beta_k dE})) and the binary digits of u are bit k of the random
// words drawn for site i, in order. The package documentation ("Reference
// chain of the replicas") says which words those are on each path;
// TestReplicasReferenceChain replays this with a scalar int8 implementation
// for every replica.
//
// Replicas is not safe for concurrent use; independent Replicas may run in
// parallel (see Parallel).
type Replicas struct {
	p      Params
	betas  []float64
	lanes  uint64
	n, z   int
	dims   [3]int
	s      []uint64
	dec    decider
	field  bool
	sweeps uint64
	// cb is the checkerboard path (every length even), nil otherwise;
	// linNewer says that s was changed (SetSpins) after cb's last sweep.
	cb       *cbReplicas
	linNewer bool
	// sg holds the sign masks of a ±J instance (NewReplicasPMJ), nil for
	// a uniform coupling.
	sg *pmjMasks
}

// NewReplicas returns len(betas) replicas (1..64) with random starts, replica
// k at inverse temperature betas[k]; with betas empty it returns 64 replicas at
// p.Beta. p.Dims may have any lengths >= 2. Random numbers come from a
// generator seeded by src (use internal/rng.New). Invalid parameters give an
// error naming the field.
func NewReplicas(p Params, betas []float64, src rand.Source) (*Replicas, error) {
	if err := p.validate(false); err != nil {
		return nil, err
	}
	if len(betas) == 0 {
		betas = make([]float64, 64)
		for i := range betas {
			betas[i] = p.Beta
		}
	}
	if len(betas) > 64 {
		return nil, fmt.Errorf("fast: %d betas: at most 64 replicas", len(betas))
	}
	p.Dims = append([]int(nil), p.Dims...)
	k := &Replicas{p: p, z: 2 * len(p.Dims), dims: [3]int{1, 1, 1}}
	k.n = 1
	for a, l := range p.Dims {
		k.dims[a] = l
		k.n *= l
	}
	if len(betas) == 64 {
		k.lanes = ^uint64(0)
	} else {
		k.lanes = 1<<uint(len(betas)) - 1
	}
	k.dec.g = newGen(src)
	k.s = make([]uint64, k.n)
	for i := range k.s {
		k.s[i] = k.dec.g.next() & k.lanes
	}
	even := true
	for _, l := range p.Dims {
		even = even && l%2 == 0
	}
	if even {
		k.cb = newCBReplicas(k.dims, src)
		k.cb.fromLinear(k.s)
	}
	if err := k.SetBetas(betas); err != nil {
		return nil, err
	}
	return k, nil
}

// N returns the number of sites of one replica.
func (k *Replicas) N() int { return k.n }

// Len returns the number of replicas.
func (k *Replicas) Len() int { return len(k.betas) }

// Betas returns the inverse temperatures of the replicas.
func (k *Replicas) Betas() []float64 { return append([]float64(nil), k.betas...) }

// SetBetas changes the inverse temperatures; len(betas) must equal Len()
// (panics otherwise), each finite and >= 0 (error otherwise).
func (k *Replicas) SetBetas(betas []float64) error {
	if k.betas != nil && len(betas) != len(k.betas) {
		panic(fmt.Sprintf("fast: SetBetas: %d betas for %d replicas", len(betas), len(k.betas)))
	}
	for i, b := range betas {
		if math.IsNaN(b) || math.IsInf(b, 0) || b < 0 {
			return fmt.Errorf("fast: beta %v of replica %d: must be finite and >= 0", b, i)
		}
	}
	k.field = k.p.H != 0
	nc := k.z + 1
	if k.field {
		nc *= 2
	}
	t, err := newProbTable(nc, k.lanes, func(c, l int) float64 {
		u, sb := c%(k.z+1), c/(k.z+1)
		return flipProb(k.p.Algorithm, betas[l], k.p.J, k.p.H, k.z, u, 2*sb-1)
	})
	if err != nil {
		return err
	}
	k.betas = append(k.betas[:0], betas...)
	k.dec.setTable(t, k.z, k.field)
	return nil
}

// Sweeps returns the number of sweeps done.
func (k *Replicas) Sweeps() uint64 { return k.sweeps }

// Sweep updates every site of every replica once, in typewriter order, and
// returns the number of attempted updates (N times Len) and of flipped spins.
func (k *Replicas) Sweep() (updates, accepted int64) {
	if k.cb != nil {
		if k.linNewer {
			k.cb.fromLinear(k.s)
			k.linNewer = false
		}
		sel := uint64(0)
		if !k.field {
			sel = ^uint64(0)
		}
		f := k.cb.sweep(&k.dec, sel, k.dec.tracing, &k.dec.trace)
		k.cb.newer = true
		k.sweeps++
		return int64(k.n * len(k.betas)), int64(f)
	}
	if k.sg != nil {
		return k.sweepPMJLinear()
	}
	flipped := 0
	two := k.dec.nu == 2 && k.dec.complement
	sel := uint64(0)
	if !k.field {
		sel = ^uint64(0)
	}
	lx, ly, lz := k.dims[0], k.dims[1], k.dims[2]
	S := k.s
	plane := lx * ly
	for z := 0; z < lz; z++ {
		for y := 0; y < ly; y++ {
			row := lx * (y + ly*z)
			yp := lx*((y+1)%ly+ly*z) - row
			ym := lx*((y+ly-1)%ly+ly*z) - row
			zp := plane*((z+1)%lz) - plane*z
			zm := plane*((z+lz-1)%lz) - plane*z
			for x := 0; x < lx; x++ {
				i := row + x
				xp, xm := i+1, i-1
				if x == lx-1 {
					xp = row
				}
				if x == 0 {
					xm = row + lx - 1
				}
				s := S[i]
				a1, a2 := s^S[xp], s^S[xm]
				a3, a4 := s^S[i+yp], s^S[i+ym]
				var u0, u1, u2 uint64
				if lz == 1 {
					u0, u1, u2 = add4(a1, a2, a3, a4)
				} else {
					u0, u1, u2 = add6(a1, a2, a3, a4, s^S[i+zp], s^S[i+zm])
				}
				var f uint64
				if two {
					f = k.dec.flips2(u0, u1, u2, s|sel)
				} else {
					f = k.dec.flips(u0, u1, u2, s|sel)
				}
				flipped += bits.OnesCount64(f)
				S[i] = s ^ f
			}
		}
	}
	k.sweeps++
	return int64(k.n * len(k.betas)), int64(flipped)
}

// linear returns the spin words in typewriter order, current.
func (k *Replicas) linear() []uint64 {
	if k.cb != nil && k.cb.newer {
		k.cb.toLinear(k.s)
		k.cb.newer = false
	}
	return k.s
}

// vcount is a bit-sliced vertical counter: lane k holds a count in the bits
// k of planes 0, 1, .... Additions go first into a 4-plane counter with a
// fixed, branch-free carry chain, flushed every 15 additions.
type vcount struct {
	small [4]uint64
	n     int
	big   [40]uint64
}

func (v *vcount) add(x uint64) {
	c0 := v.small[0] & x
	v.small[0] ^= x
	c1 := v.small[1] & c0
	v.small[1] ^= c0
	c2 := v.small[2] & c1
	v.small[2] ^= c1
	v.small[3] ^= c2
	if v.n++; v.n == 15 {
		v.flush()
	}
}

func (v *vcount) flush() {
	for p, x := range v.small {
		for b := p; x != 0; b++ {
			c := v.big[b] & x
			v.big[b] ^= x
			x = c
		}
	}
	v.small, v.n = [4]uint64{}, 0
}

func (v *vcount) lane(k int) int {
	v.flush()
	n := 0
	for b := len(v.big) - 1; b >= 0; b-- {
		n = n<<1 | int(v.big[b]>>uint(k)&1)
	}
	return n
}

// counts returns, per replica, the number of +1 spins and of unsatisfied bonds.
func (k *Replicas) counts() (up, unsat vcount) {
	if k.sg != nil {
		return k.countsPMJ()
	}
	lx, ly, lz := k.dims[0], k.dims[1], k.dims[2]
	plane := lx * ly
	S := k.linear()
	i := 0
	for z := 0; z < lz; z++ {
		zp := plane*((z+1)%lz) - plane*z
		for y := 0; y < ly; y++ {
			yp := lx*((y+1)%ly) - lx*y
			for x := 0; x < lx; x++ {
				s := S[i]
				up.add(s)
				xp := i + 1
				if x == lx-1 {
					xp = i + 1 - lx
				}
				unsat.add(s ^ S[xp])
				unsat.add(s ^ S[i+yp])
				if len(k.p.Dims) == 3 {
					unsat.add(s ^ S[i+zp])
				}
				i++
			}
		}
	}
	return
}

// Energies writes the total energy H of every replica into dst (grown if
// needed) and returns it.
func (k *Replicas) Energies(dst []float64) []float64 {
	up, un := k.counts()
	dst = growF(dst, len(k.betas))
	nb := k.n * len(k.p.Dims)
	for l := range dst {
		m := float64(2*up.lane(l) - k.n)
		dst[l] = -k.p.J*float64(nb-2*un.lane(l)) - k.p.H*m
	}
	return dst
}

// Magnetizations writes the total magnetization sum_i s_i of every replica
// into dst (grown if needed) and returns it.
func (k *Replicas) Magnetizations(dst []float64) []float64 {
	var up vcount
	for _, s := range k.linear() {
		up.add(s)
	}
	dst = growF(dst, len(k.betas))
	for l := range dst {
		dst[l] = float64(2*up.lane(l) - k.n)
	}
	return dst
}

// Spins writes replica r's configuration into dst (grown if needed). It
// panics if r is out of range.
func (k *Replicas) Spins(r int, dst []int8) []int8 {
	if r < 0 || r >= len(k.betas) {
		panic(fmt.Sprintf("fast: replica %d of %d", r, len(k.betas)))
	}
	dst = grow(dst, k.n)
	for i, w := range k.linear() {
		dst[i] = int8(2*int(w>>uint(r)&1) - 1)
	}
	return dst
}

// SetSpins sets replica r's configuration. It panics if r is out of range,
// len(s) != N() or a spin is not ±1.
func (k *Replicas) SetSpins(r int, s []int8) {
	if r < 0 || r >= len(k.betas) || len(s) != k.n {
		panic(fmt.Sprintf("fast: SetSpins: replica %d of %d, %d spins for %d sites", r, len(k.betas), len(s), k.n))
	}
	bit := uint64(1) << uint(r)
	k.linear()
	k.linNewer = k.cb != nil
	for i, v := range s {
		switch v {
		case 1:
			k.s[i] |= bit
		case -1:
			k.s[i] &^= bit
		default:
			panic(fmt.Sprintf("fast: SetSpins: spin %d at site %d is not ±1", v, i))
		}
	}
}

func growF(dst []float64, n int) []float64 {
	if cap(dst) < n {
		return make([]float64, n)
	}
	return dst[:n]
}
