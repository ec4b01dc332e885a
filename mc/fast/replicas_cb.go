package fast

import (
	"math/bits"
	"math/rand/v2"
	"unsafe"
)

// This file holds the checkerboard path of Replicas, used when every length
// of the lattice is even: the sites of each colour (x+y+z even or odd) are
// updated in groups of eight words, the eight sites of a group drawing their
// random words from eight interleaved generator streams, so that one
// AVX-512 register (two AVX2 registers) holds a group (replicas_amd64.s,
// replicas_avx2_amd64.s) and the pure-Go replicaRowGo, which defines the
// stream, computes exactly the same bits.

// gen8 is eight interleaved xoshiro256++ generators (Blackman and Vigna,
// ACM TOMS 47 (2021) 36; every output bit is of full quality): s[w][j] is
// state word w of stream j, the layout of four AVX-512 registers.
type gen8 struct{ s [4][8]uint64 }

func newGen8(src rand.Source) gen8 {
	var g gen8
	for j := 0; j < 8; j++ {
		for g.s[0][j]|g.s[1][j]|g.s[2][j]|g.s[3][j] == 0 {
			for w := range g.s {
				g.s[w][j] = src.Uint64()
			}
		}
	}
	return g
}

// next sets r[j] to the next output of stream j, for every j.
func (g *gen8) next(r *[8]uint64) {
	for j := 0; j < 8; j++ {
		s0, s1, s2, s3 := g.s[0][j], g.s[1][j], g.s[2][j], g.s[3][j]
		r[j] = bits.RotateLeft64(s0+s3, 23) + s0
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		g.s[0][j], g.s[1][j], g.s[2][j], g.s[3][j] = s0, s1, s2, s3
	}
}

// rowArgs describes one row of one colour for replicaRow. Every field is
// 8 bytes; replicas_amd64.s reads them by offset (keep the order).
type rowArgs struct {
	s     *uint64                   // 0: first data word of the row updated
	same  *uint64                   // 8: the other colour's row with the same (y,z)
	yp    *uint64                   // 16: other colour, row y+1
	ym    *uint64                   // 24: row y-1
	zp    *uint64                   // 32: row z+1 (2D: the row updated itself)
	zm    *uint64                   // 40: row z-1 (2D: the row updated itself)
	d     int                       // 48: second horizontal neighbour at word h+d of same (d = ±1)
	w     int                       // 56: words in the row
	uf    *[maxClasses][5]uint64    // 64: uncertain-class selectors
	nu    int                       // 72
	sf    *[maxClasses][5]uint64    // 80: sure-class selectors
	ns    int                       // 88
	comp  uint64                    // 96: 1 if accepted-for-sure lanes are the complement of the undecided
	lanes uint64                    // 104
	rows  *uint64                   // 112: probTable.rows
	nr    int                       // 120: probTable.nrounds
	g     *gen8                     // 128
	selc  uint64                    // 136: all ones without a field, else 0
	trace *int32                    // 144: rounds drawn per group (advanced by the callee)
	mbuf  *[maxClasses][8]uint64    // 152: scratch: class masks of a group
	abuf  *[8]uint64                // 160: scratch: accepted lanes of a group
	k1    int                       // 168: rounds of the first phase (1 <= k1 <= nr, or 0 when nr = 0)
	uf4   *[maxClasses][5][4]uint64 // 176: uf with every selector repeated 4 times (AVX2)
	sf4   *[maxClasses][5][4]uint64 // 184: sf likewise
	qidx  *uint64                   // 192: queue of the second phase: word indices,
	qund  *uint64                   // 200: undecided lanes after the first phase,
	qacc  *uint64                   // 208: accepted lanes after the first phase,
	qm    *uint64                   // 216: class masks, class t at qm[t*qcap:],
	qcap  int                       // 224: (w+8) words per queue array
	ntr   int                       // 232: out: trace entries written
	nq    int                       // 240: queue length
	sg    *uint64                   // 248: ±J sign masks of the row, direction k (the order of the neighbour words above) at sg[k*w+h]; nil for a uniform J
}

// replicaRowGo updates one row (see rowArgs) and returns the number of
// flipped spins. It defines the random stream of the checkerboard path, in
// two phases. First phase: for each group of eight words h0..h0+7 (fewer at
// the end of the row) that has a lane with 0 < p < 1, it draws exactly k1
// rounds (no completion test); a round draws one word from each of the eight
// streams (all eight, even for a short group), and word h0+i uses stream i.
// Second phase: the words that still have an undecided lane (all at digit
// k1+1) are queued in increasing h and taken in groups of eight (fewer at the
// end); a group draws rounds j = k1, k1+1, ... while some lane is undecided
// and j < nrounds, the i-th word of the group using stream i.
func replicaRowGo(a *rowArgs) int {
	f := replicaPhase1Go(a, 0)
	return f + replicaPhase2Go(a)
}

// queue returns the queue arrays of the second phase.
func (a *rowArgs) queue() (qidx, qund, qacc, qm []uint64) {
	qidx = unsafe.Slice(a.qidx, a.qcap)
	qund = unsafe.Slice(a.qund, a.qcap)
	qacc = unsafe.Slice(a.qacc, a.qcap)
	qm = unsafe.Slice(a.qm, maxClasses*a.qcap)
	return
}

// replicaPhase1Go does the first phase for the groups from word hstart (a
// multiple of 8) on, appending the words left with undecided lanes to the
// queue (a.nq words).
func replicaPhase1Go(a *rowArgs, hstart int) int {
	w := a.w
	row := unsafe.Slice(a.s, w)
	same := unsafe.Slice((*uint64)(unsafe.Add(unsafe.Pointer(a.same), -8)), w+2)
	yp, ym := unsafe.Slice(a.yp, w), unsafe.Slice(a.ym, w)
	zp, zm := unsafe.Slice(a.zp, w), unsafe.Slice(a.zm, w)
	rows := unsafe.Slice(a.rows, a.nr*a.nu)
	trace := unsafe.Slice(a.trace, 2*((w+7)/8))
	qidx, qund, qacc, qm := a.queue()
	var sg []uint64
	if a.sg != nil {
		sg = unsafe.Slice(a.sg, 6*w)
	}
	nu, ns := a.nu, a.ns
	flipped := 0
	var mu [maxClasses][8]uint64
	var und, acc, s [8]uint64
	for g, h0 := hstart/8, hstart; h0 < w; g, h0 = g+1, h0+8 {
		any := uint64(0)
		for i := 0; i < 8; i++ {
			h := h0 + i
			if h >= w {
				und[i], acc[i] = 0, 0
				for t := 0; t < nu; t++ {
					mu[t][i] = 0
				}
				continue
			}
			x := row[h]
			s[i] = x
			var u0, u1, u2 uint64
			if sg != nil {
				// ±J: every neighbour word XORed with its bond's sign mask.
				u0, u1, u2 = add6(x^same[h+1]^sg[h], x^same[h+1+a.d]^sg[w+h], x^yp[h]^sg[2*w+h],
					x^ym[h]^sg[3*w+h], x^zp[h]^sg[4*w+h], x^zm[h]^sg[5*w+h])
			} else {
				u0, u1, u2 = add6(x^same[h+1], x^same[h+1+a.d], x^yp[h], x^ym[h], x^zp[h], x^zm[h])
			}
			sel := x | a.selc
			var un, ac uint64
			for t := 0; t < nu; t++ {
				f := &a.uf[t]
				m := (u0 ^ f[0]) & (u1 ^ f[1]) & (u2 ^ f[2]) & (sel ^ f[3]) & f[4]
				mu[t][i] = m
				un |= m
			}
			if a.comp != 0 {
				ac = a.lanes &^ un
			} else {
				for t := 0; t < ns; t++ {
					f := &a.sf[t]
					ac |= (u0 ^ f[0]) & (u1 ^ f[1]) & (u2 ^ f[2]) & (sel ^ f[3]) & f[4]
				}
			}
			und[i], acc[i] = un, ac
			any |= un
		}
		n := 0
		if any != 0 {
			n = rounds8(a, &mu, &und, &acc, rows, 0, a.k1)
		}
		trace[g] = int32(n)
		for i := 0; i < 8 && h0+i < w; i++ {
			row[h0+i] = s[i] ^ acc[i]
			flipped += bits.OnesCount64(acc[i])
			if und[i] != 0 && a.k1 < a.nr {
				q := a.nq
				qidx[q], qund[q], qacc[q] = uint64(h0+i), und[i], acc[i]
				for t := 0; t < nu; t++ {
					qm[t*a.qcap+q] = mu[t][i]
				}
				a.nq++
			}
		}
	}
	return flipped
}

// replicaPhase2Go does the second phase on the queue and sets a.ntr.
func replicaPhase2Go(a *rowArgs) int {
	w := a.w
	row := unsafe.Slice(a.s, w)
	rows := unsafe.Slice(a.rows, a.nr*a.nu)
	ng := (w + 7) / 8
	trace := unsafe.Slice(a.trace, 2*ng)
	qidx, qund, qacc, qm := a.queue()
	nu := a.nu
	flipped := 0
	var mu [maxClasses][8]uint64
	var und, acc [8]uint64
	g := ng
	for q0 := 0; q0 < a.nq; q0 += 8 {
		for i := 0; i < 8; i++ {
			q := q0 + i
			if q >= a.nq {
				und[i], acc[i] = 0, 0
				for t := 0; t < nu; t++ {
					mu[t][i] = 0
				}
				continue
			}
			und[i], acc[i] = qund[q], qacc[q]
			for t := 0; t < nu; t++ {
				mu[t][i] = qm[t*a.qcap+q]
			}
		}
		trace[g] = int32(rounds8(a, &mu, &und, &acc, rows, a.k1, 0))
		g++
		for i := 0; i < 8 && q0+i < a.nq; i++ {
			q := q0 + i
			f := acc[i] &^ qacc[q]
			row[qidx[q]] ^= f
			flipped += bits.OnesCount64(f)
		}
	}
	a.ntr = g
	return flipped
}

// rounds8 draws rounds for a group of eight words, from digit n0 on: exactly
// fixed rounds if fixed > 0, else while some lane is undecided (and digits
// remain); it returns the number of rounds. It runs word by word: word i
// reads stream i until its lanes are decided, and afterwards every stream is
// advanced to the group's last round by unused steps. This gives the bits of
// the round-by-round definition.
func rounds8(a *rowArgs, mu *[maxClasses][8]uint64, und, acc *[8]uint64, rows []uint64, n0, fixed int) int {
	nu, nr := a.nu, a.nr
	g := &a.g.s
	var ni [8]int
	nmax := n0
	end := nr
	if fixed > 0 {
		end = n0 + fixed
	}
	for i := 0; i < 8; i++ {
		ni[i] = n0
		u := und[i]
		if u == 0 {
			continue
		}
		ac := acc[i]
		s0, s1, s2, s3 := g[0][i], g[1][i], g[2][i], g[3][i]
		n := n0
		switch nu {
		case 2:
			m0, m1 := mu[0][i], mu[1][i]
			for ; u != 0 && n < end; n++ {
				r := bits.RotateLeft64(s0+s3, 23) + s0
				t := s1 << 17
				s2 ^= s0
				s3 ^= s1
				s1 ^= s2
				s0 ^= s3
				s2 ^= t
				s3 = bits.RotateLeft64(s3, 45)
				row := rows[2*n : 2*n+2 : 2*n+2]
				p := m0&row[0] | m1&row[1]
				ac |= u & p &^ r
				u &^= p ^ r
			}
		default:
			for ; u != 0 && n < end; n++ {
				r := bits.RotateLeft64(s0+s3, 23) + s0
				t := s1 << 17
				s2 ^= s0
				s3 ^= s1
				s1 ^= s2
				s0 ^= s3
				s2 ^= t
				s3 = bits.RotateLeft64(s3, 45)
				var p uint64
				for t, b := range rows[n*nu : n*nu+nu] {
					p |= mu[t][i] & b
				}
				ac |= u & p &^ r
				u &^= p ^ r
			}
		}
		g[0][i], g[1][i], g[2][i], g[3][i] = s0, s1, s2, s3
		acc[i], und[i], ni[i] = ac, u, n
		nmax = max(nmax, n)
	}
	if fixed > 0 {
		nmax = end
	}
	for i := 0; i < 8; i++ {
		s0, s1, s2, s3 := g[0][i], g[1][i], g[2][i], g[3][i]
		for n := ni[i]; n < nmax; n++ {
			t := s1 << 17
			s2 ^= s0
			s3 ^= s1
			s1 ^= s2
			s0 ^= s3
			s2 ^= t
			s3 = bits.RotateLeft64(s3, 45)
		}
		g[0][i], g[1][i], g[2][i], g[3][i] = s0, s1, s2, s3
	}
	return nmax - n0
}

// cbReplicas is the checkerboard storage: colour c, row r = y + Ly z, word h
// (site x = 2h + (y+z+c)%2) at c[c][r*(w+2)+1+h]; words 0 and w+1 of a row
// are copies of words w and 1 (periodic halo).
type cbReplicas struct {
	w, nrow int
	dims    [3]int
	c       [2][]uint64
	mbuf    [maxClasses][8]uint64
	abuf    [8]uint64
	uf4     [maxClasses][5][4]uint64
	sf4     [maxClasses][5][4]uint64
	qidx    []uint64 // queue of the second phase (see rowArgs)
	qund    []uint64
	qacc    []uint64
	qm      []uint64
	trace   []int32
	g       gen8
	newer   bool // c holds the current state, Replicas.s is stale
	// sg[c]: the ±J sign masks of colour c (see Replicas.setSigns), nil
	// for a uniform coupling.
	sg [2][]uint64
}

func newCBReplicas(dims [3]int, src rand.Source) *cbReplicas {
	w := dims[0] / 2
	nrow := dims[1] * dims[2]
	cb := &cbReplicas{w: w, nrow: nrow, dims: dims, g: newGen8(src), trace: make([]int32, 2*((w+7)/8))}
	cb.qidx, cb.qund, cb.qacc = make([]uint64, w+8), make([]uint64, w+8), make([]uint64, w+8)
	cb.qm = make([]uint64, maxClasses*(w+8))
	for c := range cb.c {
		cb.c[c] = make([]uint64, nrow*(w+2))
	}
	return cb
}

func (cb *cbReplicas) off(y, z, c int) int { return (y + z + c) & 1 }

func (cb *cbReplicas) fromLinear(s []uint64) {
	lx, ly := cb.dims[0], cb.dims[1]
	st := cb.w + 2
	for z := 0; z < cb.dims[2]; z++ {
		for y := 0; y < ly; y++ {
			r := y + ly*z
			base := lx * r
			for c := 0; c < 2; c++ {
				o := cb.off(y, z, c)
				dst := cb.c[c][r*st : r*st+st]
				for h := 0; h < cb.w; h++ {
					dst[1+h] = s[base+2*h+o]
				}
				dst[0], dst[cb.w+1] = dst[cb.w], dst[1]
			}
		}
	}
}

func (cb *cbReplicas) toLinear(s []uint64) {
	lx, ly := cb.dims[0], cb.dims[1]
	st := cb.w + 2
	for z := 0; z < cb.dims[2]; z++ {
		for y := 0; y < ly; y++ {
			r := y + ly*z
			base := lx * r
			for c := 0; c < 2; c++ {
				o := cb.off(y, z, c)
				src := cb.c[c][r*st : r*st+st]
				for h := 0; h < cb.w; h++ {
					s[base+2*h+o] = src[1+h]
				}
			}
		}
	}
}

// Rounds of the first phase (see replicaRowGo). With 64 replicas at beta_c
// a group needs 10.1 rounds on average, but drawing 12 without a completion
// test, and queueing the 1.4 % of the words that still have an undecided
// lane, was faster (AVX-512: 13.1 instead of 11.4 replica-updates/ns; 10 and
// 16 rounds gave 12.4 and 12.1): the exit of a tested loop is mispredicted
// once per group. Fewer replicas have fewer undecided lanes.
const (
	phase1Rounds      = 12
	phase1RoundsFew   = 6
	phase1ManyReplica = 32
)

// Row kernels: replicaKernel selects the one used (the fastest available);
// tests change it to check that all give the same bits as replicaRowGo.
const (
	kernGo = iota
	kernAVX2
	kernAVX512
)

var replicaKernel = bestReplicaKernel()

func bestReplicaKernel() int {
	switch {
	case haveAVX512:
		return kernAVX512
	case haveAVX2:
		return kernAVX2
	}
	return kernGo
}

// replicaRowAVX2Tail runs the AVX2 kernel (first phase) on the whole groups
// of the row, compacts the queue in place, and does the rest in Go.
func replicaRowAVX2Tail(a *rowArgs) int {
	f := replicaRowAVX2(a)
	w8 := a.w &^ 7
	if a.k1 < a.nr {
		qidx, qund, qacc, qm := a.queue()
		for h := 0; h < w8; h++ {
			if qund[h] != 0 {
				q := a.nq
				qidx[q], qund[q], qacc[q] = uint64(h), qund[h], qacc[h]
				for t := 0; t < a.nu; t++ {
					qm[t*a.qcap+q] = qm[t*a.qcap+h]
				}
				a.nq++
			}
		}
	}
	if w8 < a.w {
		f += replicaPhase1Go(a, w8)
	}
	return f + replicaPhase2Go(a)
}

// sweep updates colour 0 then colour 1 and returns the flipped spins; it
// appends the rounds of every group (per row: first-phase groups, then
// second-phase groups) to trace when tracing.
func (cb *cbReplicas) sweep(d *decider, selc uint64, tracing bool, trace *[]int32) int {
	ly, lz := cb.dims[1], cb.dims[2]
	st := cb.w + 2
	flipped := 0
	a := rowArgs{
		w: cb.w, uf: &d.uf, nu: d.nu, sf: &d.sf, ns: d.ns, lanes: d.lanes,
		nr: d.nrounds, g: &cb.g, selc: selc, mbuf: &cb.mbuf, abuf: &cb.abuf,
	}
	if d.complement {
		a.comp = 1
	}
	a.k1 = min(phase1RoundsFew, d.nrounds)
	if bits.OnesCount64(d.lanes) >= phase1ManyReplica {
		a.k1 = min(phase1Rounds, d.nrounds)
	}
	a.qcap = cb.w + 8
	a.qidx, a.qund, a.qacc, a.qm = &cb.qidx[0], &cb.qund[0], &cb.qacc[0], &cb.qm[0]
	if len(d.rows) > 0 {
		a.rows = &d.rows[0]
	}
	rowFn := replicaRowGo
	switch replicaKernel {
	case kernAVX512:
		rowFn = replicaRowAsm
	case kernAVX2:
		for t := range d.uf {
			for i := range d.uf[t] {
				for j := 0; j < 4; j++ {
					cb.uf4[t][i][j], cb.sf4[t][i][j] = d.uf[t][i], d.sf[t][i]
				}
			}
		}
		a.uf4, a.sf4 = &cb.uf4, &cb.sf4
		rowFn = replicaRowAVX2Tail
	}
	for c := 0; c < 2; c++ {
		S, O := cb.c[c], cb.c[1-c]
		for z := 0; z < lz; z++ {
			zp, zm := (z+1)%lz, (z+lz-1)%lz
			for y := 0; y < ly; y++ {
				r := y + ly*z
				a.s = &S[r*st+1]
				a.same = &O[r*st+1]
				a.yp = &O[((y+1)%ly+ly*z)*st+1]
				a.ym = &O[((y+ly-1)%ly+ly*z)*st+1]
				if lz == 1 {
					a.zp, a.zm = a.s, a.s
				} else {
					a.zp = &O[(y+ly*zp)*st+1]
					a.zm = &O[(y+ly*zm)*st+1]
				}
				a.d = -1
				if cb.off(y, z, c) == 1 {
					a.d = 1
				}
				if cb.sg[c] != nil {
					a.sg = &cb.sg[c][6*r*cb.w]
				}
				a.trace = &cb.trace[0]
				a.nq, a.ntr = 0, 0
				flipped += rowFn(&a)
				row := S[r*st : r*st+st]
				row[0], row[cb.w+1] = row[cb.w], row[1]
				if tracing {
					*trace = append(*trace, cb.trace[:a.ntr]...)
				}
			}
		}
	}
	return flipped
}
