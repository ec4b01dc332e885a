package fast

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Replicas of one ±J spin-glass instance (Edwards–Anderson): every lane is a
// replica of the same disorder, as overlaps need. The bond from site i to
// its +a neighbour has coupling J_{i,a} = sign_{i,a} p.J with sign ±1, so
// H(s) = -sum_{i,a} J_{i,a} s_i s_{i+a} - h sum_i s_i. A bond is unsatisfied
// when J_{i,a} s_i s_j < 0 (for p.J > 0), i.e. when s_i XOR s_j XOR neg is
// set, neg the bond's sign mask (all ones for sign -1, the same word in every
// lane since all lanes share the instance). The number u of unsatisfied
// bonds of a site then gives dE = 2 p.J (z - 2u) + 2 h s exactly as for a
// uniform coupling, so the acceptance classes, the probability tables and
// the exact Bernoulli decisions are those of the uniform kernel: the ±J chain
// is the uniform chain with every neighbour word XORed with its bond's sign
// mask before the bit-sliced count. With every sign +1 it is, bit for bit,
// the chain of NewReplicas with the same source; with every sign -1 it is
// the chain of NewReplicas with coupling -p.J.

// pmjMasks holds the sign masks of a ±J instance in the layouts of the two
// paths of Replicas.
type pmjMasks struct {
	// lin[6 i + k]: typewriter layout, site i, neighbour k in the order
	// +x, -x, +y, -y, +z, -z (the z masks are 0 on the square lattice).
	lin []uint64
}

// NewReplicasPMJ returns len(betas) replicas (1..64, or 64 at p.Beta with
// betas empty) of the ±J instance with bond signs signs: signs[d i + a] (d
// = len(p.Dims)) is the sign (+1 or -1) of the coupling of the bond from
// site i to its +a neighbour (a = 0, 1, 2 for x, y, z), whose coupling is
// signs[d i + a] * p.J. Everything else is as NewReplicas (same random
// starts and streams from src, the same two paths, exact acceptance, any
// uniform field p.H); Energies, Magnetizations and Measure give the ±J
// energies.
func NewReplicasPMJ(p Params, signs []int8, betas []float64, src rand.Source) (*Replicas, error) {
	if err := p.validate(false); err != nil {
		return nil, err
	}
	d, n := len(p.Dims), 1
	for _, l := range p.Dims {
		n *= l
	}
	if len(signs) != d*n {
		return nil, fmt.Errorf("fast: %d bond signs for %d bonds (%d sites, %d axes)", len(signs), d*n, n, d)
	}
	for b, s := range signs {
		if s != 1 && s != -1 {
			return nil, fmt.Errorf("fast: sign %d of the bond from site %d along axis %d: must be +1 or -1", s, b/d, b%d)
		}
	}
	k, err := NewReplicas(p, betas, src)
	if err != nil {
		return nil, err
	}
	k.setSigns(signs)
	return k, nil
}

// setSigns builds the sign masks of both layouts.
func (k *Replicas) setSigns(signs []int8) {
	d := len(k.p.Dims)
	lx, ly, lz := k.dims[0], k.dims[1], k.dims[2]
	neg := func(x, y, z, a int) uint64 {
		x, y, z = (x+lx)%lx, (y+ly)%ly, (z+lz)%lz
		if signs[d*(x+lx*(y+ly*z))+a] < 0 {
			return ^uint64(0)
		}
		return 0
	}
	// dirs returns the masks of the bonds of site (x, y, z) to its +x, -x,
	// +y, -y, +z, -z neighbours.
	dirs := func(x, y, z int) (m [6]uint64) {
		m[0], m[1] = neg(x, y, z, 0), neg(x-1, y, z, 0)
		m[2], m[3] = neg(x, y, z, 1), neg(x, y-1, z, 1)
		if d == 3 {
			m[4], m[5] = neg(x, y, z, 2), neg(x, y, z-1, 2)
		}
		return
	}
	sg := &pmjMasks{lin: make([]uint64, 6*k.n)}
	for z := 0; z < lz; z++ {
		for y := 0; y < ly; y++ {
			for x := 0; x < lx; x++ {
				m := dirs(x, y, z)
				copy(sg.lin[6*(x+lx*(y+ly*z)):], m[:])
			}
		}
	}
	k.sg = sg
	if cb := k.cb; cb != nil {
		// Checkerboard: colour c, row r, direction k in the order of the
		// neighbour words of replicaRowGo (same[h+1], same[h+1+d], yp, ym,
		// zp, zm), word h at cb.sg[c][(6r+k)w+h]; 8 words of padding so
		// that a group at the end of the last row reads inside the array.
		w := cb.w
		for c := 0; c < 2; c++ {
			arr := make([]uint64, 6*cb.nrow*w+8)
			for z := 0; z < lz; z++ {
				for y := 0; y < ly; y++ {
					r := y + ly*z
					o := cb.off(y, z, c)
					for h := 0; h < w; h++ {
						m := dirs(2*h+o, y, z)
						// Word h of the other colour is x+1 when o = 0
						// and x-1 when o = 1; word h+d the other one.
						if o == 1 {
							m[0], m[1] = m[1], m[0]
						}
						for q := 0; q < 6; q++ {
							arr[(6*r+q)*w+h] = m[q]
						}
					}
				}
			}
			cb.sg[c] = arr
		}
	}
}

// sweepPMJLinear is the typewriter path of Sweep for a ±J instance: the
// loop of Sweep with the sign masks.
func (k *Replicas) sweepPMJLinear() (updates, accepted int64) {
	flipped := 0
	two := k.dec.nu == 2 && k.dec.complement
	sel := uint64(0)
	if !k.field {
		sel = ^uint64(0)
	}
	lx, ly, lz := k.dims[0], k.dims[1], k.dims[2]
	S, M := k.s, k.sg.lin
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
				m := M[6*i : 6*i+6 : 6*i+6]
				a1, a2 := s^S[xp]^m[0], s^S[xm]^m[1]
				a3, a4 := s^S[i+yp]^m[2], s^S[i+ym]^m[3]
				var u0, u1, u2 uint64
				if lz == 1 {
					u0, u1, u2 = add4(a1, a2, a3, a4)
				} else {
					u0, u1, u2 = add6(a1, a2, a3, a4, s^S[i+zp]^m[4], s^S[i+zm]^m[5])
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

// countsPMJ is counts for a ±J instance.
func (k *Replicas) countsPMJ() (up, unsat vcount) {
	lx, ly, lz := k.dims[0], k.dims[1], k.dims[2]
	plane := lx * ly
	S, M := k.linear(), k.sg.lin
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
				unsat.add(s ^ S[xp] ^ M[6*i])
				unsat.add(s ^ S[i+yp] ^ M[6*i+2])
				if len(k.p.Dims) == 3 {
					unsat.add(s ^ S[i+zp] ^ M[6*i+4])
				}
				i++
			}
		}
	}
	return
}

// measurePMJ is measure for a ±J instance (pure Go): the bonds of the
// colour-0 sites, each neighbour word XORed with its sign mask.
func (cb *cbReplicas) measurePMJ(up, unsat []int64) {
	ly, lz := cb.dims[1], cb.dims[2]
	st, w := cb.w+2, cb.w
	var cu, c1 lanes16
	S, O, G := cb.c[0], cb.c[1], cb.sg[0]
	nb := 4
	if lz > 1 {
		nb = 6
	}
	for z := 0; z < lz; z++ {
		zp, zm := (z+1)%lz, (z+lz-1)%lz
		for y := 0; y < ly; y++ {
			r := y + ly*z
			s := S[r*st+1 : r*st+1+w]
			cu.addSlice(s)
			cu.addSlice(O[r*st+1 : r*st+1+w])
			d := -1
			if cb.off(y, z, 0) == 1 {
				d = 1
			}
			same := O[r*st : r*st+st]
			nbr := [6][]uint64{
				same[1 : 1+w], same[1+d : 1+d+w],
				O[((y+1)%ly+ly*z)*st+1:][:w], O[((y+ly-1)%ly+ly*z)*st+1:][:w],
				O[(y+ly*zp)*st+1:][:w], O[(y+ly*zm)*st+1:][:w],
			}
			var b [16]uint64
			for q := 0; q < nb; q++ {
				o, g := nbr[q], G[(6*r+q)*w:][:w]
				for h0 := 0; h0 < w; h0 += 16 {
					nh := min(16, w-h0)
					for i := 0; i < nh; i++ {
						h := h0 + i
						b[i] = s[h] ^ o[h] ^ g[h]
					}
					if nh == 16 {
						c1.addBlock(&b)
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
