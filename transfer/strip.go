package transfer

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"

	"github.com/isingrbm/isingrbm/internal/par"
	"github.com/isingrbm/isingrbm/lattice"
)

// Limits of the row-to-row transfer matrix.
const (
	// MaxStripWidth is the widest row for open propagation (one vector of
	// 2^W jets: 5 * 8 * 2^24 bytes = 640 MiB at W = 24).
	MaxStripWidth = 24
	// MaxStripMomentWidth is the widest row for which the magnetization
	// moments (a fourth-order jet) are carried; wider rows give ln Z, u, c.
	MaxStripMomentWidth = 22
	// MaxTraceWidth is the widest row for the trace over a periodic
	// propagation direction (one pass per symmetry class of start rows).
	MaxTraceWidth = 14
)

// stripPlan is an orientation of a uniform square lattice for the transfer
// matrix: rows of width w with boundary rowBC and coupling jRow, propagated
// over l rows with coupling jProp, periodic (trace) or open.
type stripPlan struct {
	w, l        int
	rowPeriodic bool
	trace       bool
	jRow, jProp float64
	h           float64
	reps        []int // symmetry-class representatives (trace only)
	sizes       []int // class sizes
}

func (p *stripPlan) cost() float64 {
	c := float64(p.l) * float64(p.w) * math.Ldexp(1, p.w)
	if p.trace {
		c *= math.Ldexp(1, p.w) / (2 * float64(p.w)) // about 2^W/(2W) classes
	}
	return c
}

func (p *stripPlan) check() error {
	if p.trace && p.w > MaxTraceWidth {
		return fmt.Errorf("transfer: periodic in both directions needs the trace over 2^%d start rows: row width %d > %d (about 10^%.1f operations, %s); use --method kaufman for zero field",
			p.w, p.w, MaxTraceWidth, math.Log10(p.cost()), humanDuration(p.cost()/2e8))
	}
	if p.w > MaxStripWidth {
		return fmt.Errorf("transfer: row width %d > %d (a vector of 2^%d jets would need %.3g GiB)", p.w, MaxStripWidth, p.w, 40*math.Ldexp(1, p.w)/(1<<30))
	}
	return nil
}

// plans returns both orientations of sq, the cheaper valid one first.
func plans(sq *square) []*stripPlan {
	a := &stripPlan{w: sq.lx, l: sq.ly, rowPeriodic: sq.bx == lattice.Periodic, trace: sq.by == lattice.Periodic, jRow: sq.jx, jProp: sq.jy, h: sq.h}
	b := &stripPlan{w: sq.ly, l: sq.lx, rowPeriodic: sq.by == lattice.Periodic, trace: sq.bx == lattice.Periodic, jRow: sq.jy, jProp: sq.jx, h: sq.h}
	ok := func(p *stripPlan) bool { return p.check() == nil }
	if (ok(b) && !ok(a)) || (ok(a) == ok(b) && b.cost() < a.cost()) {
		return []*stripPlan{b, a}
	}
	return []*stripPlan{a, b}
}

func stripApplicable(sq *square) error { return plans(sq)[0].check() }

func stripCost(sq *square) float64 { return 9 * plans(sq)[0].cost() }

// classes fills the symmetry-class representatives of the rows: rotations
// (periodic row) and the reflection commute with the row-to-row matrix of a
// uniform strip, so the diagonal elements of T^L are equal within a class.
// With flip the global spin flip is added to the group (valid in zero field
// only; it maps the diagonal element of a row to that of its complement with
// M -> -M, see magTrace).
func (p *stripPlan) classes(flip bool) {
	w := p.w
	n := 1 << uint(w)
	mask := uint32(n - 1)
	p.reps, p.sizes = nil, nil
	for s := 0; s < n; s++ {
		seen := map[uint32]bool{}
		canon := uint32(s)
		add := func(t uint32) {
			seen[t] = true
			canon = min(canon, t)
			if flip {
				seen[^t&mask] = true
				canon = min(canon, ^t&mask)
			}
		}
		x := uint32(s)
		r := bits.Reverse32(x) >> uint(32-w)
		if p.rowPeriodic {
			for k := 0; k < w; k++ {
				add(x)
				add(r)
				x = (x<<1 | x>>uint(w-1)) & mask
				r = (r<<1 | r>>uint(w-1)) & mask
			}
		} else {
			add(x)
			add(r)
		}
		if canon == uint32(s) {
			p.reps = append(p.reps, s)
			p.sizes = append(p.sizes, len(seen))
		}
	}
}

// StripOptions configures Strip. The zero value computes every quantity
// the transfer matrix can give.
type StripOptions struct {
	// LnZOnly skips the derivative passes (u, c and magnetization moments).
	LnZOnly bool
	// Workers for the trace over start rows; 0 means GOMAXPROCS. The result
	// does not depend on it.
	Workers int
}

// Strip returns the exact thermodynamics of the lx x ly square lattice with
// couplings jx (x bonds), jy (y bonds) and uniform field h, each axis periodic
// or open, by the row-to-row transfer matrix T = U D: D is diagonal (in-row
// bonds and field) and U a product of one 2x2 factor [[e^K, e^-K], [e^-K, e^K]]
// per column, so applying T costs O(W 2^W) (the sparse factorisation of the
// transfer matrix). The row runs along the cheaper axis. An open propagation
// direction needs one vector, Z = 1^T D (U D)^{L-1} 1; a periodic one needs
// Z = Tr (U D)^L, one vector per class of start rows under rotations and the
// reflection.
//
// The vector entries are truncated Taylor series (jets): in beta (order 2)
// for u and c, and in B = beta h (order 4) for <m>, <m^2>, <m^4>, U4, chi,
// with a running log scale after every row and the Taylor variable centred
// on u and <m> (from a first-order pass) so that the variances do not cancel
// at low T. <|m|>
// is not given; the moments are skipped above MaxStripMomentWidth.
func Strip(ctx context.Context, lx, ly int, bx, by lattice.Boundary, jx, jy, h, beta float64, opt StripOptions) (*Result, error) {
	if lx < 1 || ly < 1 || (bx == lattice.Periodic && lx < 2) || (by == lattice.Periodic && ly < 2) {
		return nil, fmt.Errorf("transfer: strip %dx%d: sides must be >= 1 (>= 2 if periodic)", lx, ly)
	}
	for _, v := range []float64{jx, jy, h} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("transfer: strip: couplings and field must be finite (Jx=%v Jy=%v h=%v)", jx, jy, h)
		}
	}
	if err := checkBeta(beta); err != nil {
		return nil, err
	}
	return strip(ctx, &square{lx: lx, ly: ly, bx: bx, by: by, jx: jx, jy: jy, h: h, uniform: true}, beta, opt)
}

func strip(ctx context.Context, sq *square, beta float64, opts ...StripOptions) (*Result, error) {
	var opt StripOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	p := plans(sq)[0]
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.trace {
		p.classes(false)
	}
	n := float64(p.w * p.l)
	r := newResult(MethodTransfer, p.w*p.l, beta)
	if opt.LnZOnly {
		lz, err := p.run(ctx, beta, false, 0, 0, opt.Workers)
		if err != nil {
			return nil, err
		}
		r.setLnZ(lz[0])
		return r, nil
	}
	lb, err := p.thermal(ctx, beta, opt.Workers)
	if err != nil {
		return nil, err
	}
	hasB := p.w <= MaxStripMomentWidth
	var lB jet
	if hasB {
		l1, err := p.run(ctx, beta, true, 1, 0, opt.Workers)
		if err != nil {
			return nil, err
		}
		m0 := l1[1] / n
		if lB, err = p.run(ctx, beta, true, 4, m0, opt.Workers); err != nil {
			return nil, err
		}
		lB[1] += n * m0
	}
	setFromJets(r, lb, hasB, lB)
	return r, nil
}

// thermal returns ln Z as a jet of order 2 in beta (ln Z, -N u, N c/(2 beta^2)
// as Taylor coefficients). A first-order pass gives u; the second pass is
// centred on it, so that the second coefficient is a central moment.
// p.classes must have been called for a trace.
func (p *stripPlan) thermal(ctx context.Context, beta float64, workers int) (jet, error) {
	n := float64(p.w * p.l)
	e0 := -(math.Abs(p.jRow) + math.Abs(p.jProp) + math.Abs(p.h))
	l1, err := p.run(ctx, beta, false, 1, e0, workers)
	if err != nil {
		return jet{}, err
	}
	u := e0 - l1[1]/n
	lb, err := p.run(ctx, beta, false, 2, u, workers)
	if err != nil {
		return jet{}, err
	}
	lb[1] -= n * u
	return lb, nil
}

// rowSums returns, for row state s (bit x set for s_x = +1), the row bond sum
// sum_x s_x s_{x+1} (with the wrap-around bond when the row is periodic) and
// the row magnetization sum_x s_x.
func (p *stripPlan) rowSums(s int) (nb, m float64) {
	w := p.w
	for x := 0; x < w; x++ {
		sx := float64(2*(s>>uint(x)&1) - 1)
		m += sx
		if x+1 < w || (p.rowPeriodic && w >= 2) {
			nb += sx * float64(2*(s>>uint((x+1)%w)&1)-1)
		}
	}
	return nb, m
}

// run returns ln Z as a jet of order ord in beta (inB false; centred on
// energy c per site) or in B (inB true; centred on magnetization c per site).
func (p *stripPlan) run(ctx context.Context, beta float64, inB bool, ord int, c float64, workers int) (jet, error) {
	w := p.w
	S := 1 << uint(w)
	q := ord + 1
	// Diagonal row weights D(s) as jets: exponent -beta E_row(s) - shift, with
	// E_row = -(jRow * sum s_x s_{x+1} + h M).
	erow := make([]float64, S)
	mrow := make([]float64, S)
	shift := math.Inf(-1)
	for s := 0; s < S; s++ {
		nb, m := p.rowSums(s)
		erow[s] = -(p.jRow*nb + p.h*m)
		mrow[s] = m
		shift = max(shift, -beta*erow[s])
	}
	d := make([]float64, q*S) // d[k*S+s] = k-th Taylor coefficient of D(s)
	fw := float64(w)
	for s := 0; s < S; s++ {
		d0 := math.Exp(-beta*erow[s] - shift)
		var g float64 // d/dt of the exponent
		if inB {
			g = mrow[s] - fw*c
		} else {
			g = fw*c - erow[s]
		}
		t := d0
		for k := 0; k < q; k++ {
			d[k*S+s] = t
			t *= g / float64(k+1)
		}
	}
	// U factor per column: e^{|K|} [[dd, o], [o, dd]] with dd, o <= 1 as jets.
	kk := beta * p.jProp
	sg := 1.0
	if kk < 0 {
		sg = -1
	}
	var dd, o jet
	slope := p.jProp // dK/dt in the beta pass
	if inB {
		slope = 0
	}
	// o = e^{-2|K|}: exponent -2 sg (K + t slope); dd = 1.
	o = expJ(varJ(-2*math.Abs(kk), -2*sg*slope))
	dd = constJ(1)
	if kk < 0 { // e^{-|K|}[[e^{2K}, 1], [1, e^{2K}]]: swap roles
		dd, o = o, constJ(1)
	}
	nU := p.l - 1
	if p.trace {
		nU = p.l
	}
	// Constant and linear parts known analytically.
	var extra jet
	extra[0] = float64(nU*w)*math.Abs(kk) + float64(p.l)*shift
	extra[1] = float64(nU*w) * sg * slope

	propagate := func(v []float64) (float64, error) {
		var logScale float64
		for row := 0; row < p.l; row++ {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
			// D multiply (jet product per entry, highest order first).
			for k := q - 1; k >= 0; k-- {
				vk := v[k*S : (k+1)*S]
				for s := range vk {
					acc := vk[s] * d[s]
					for j := 1; j <= k; j++ {
						acc += d[j*S+s] * v[(k-j)*S+s]
					}
					vk[s] = acc
				}
			}
			if row == p.l-1 && !p.trace {
				break
			}
			// U: one butterfly per column.
			for x := 0; x < w; x++ {
				bit := 1 << uint(x)
				butterfly(v, S, q, bit, dd, o)
			}
			// Renormalize by the largest value entry.
			var mx float64
			for _, a := range v[:S] {
				mx = max(mx, math.Abs(a))
			}
			if mx > 0 {
				inv := 1 / mx
				for i := range v {
					v[i] *= inv
				}
				logScale += math.Log(mx)
			}
		}
		return logScale, nil
	}
	if !p.trace {
		v := make([]float64, q*S)
		for s := 0; s < S; s++ {
			v[s] = 1
		}
		ls, err := propagate(v)
		if err != nil {
			return jet{}, err
		}
		var z jet
		for k := 0; k < q; k++ {
			var t float64
			for _, a := range v[k*S : (k+1)*S] {
				t += a
			}
			z[k] = t
		}
		return logJ(z).addC(ls).add(extra), nil
	}
	nr := len(p.reps)
	zs := make([]jet, nr)
	lss := make([]float64, nr)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, nr))
	bufs := make([][]float64, workers)
	err := par.ChunksOn(ctx, workers, nr, func(wk, i int) error {
		if bufs[wk] == nil {
			bufs[wk] = make([]float64, q*S)
		}
		v := bufs[wk]
		clear(v)
		s0 := p.reps[i]
		v[s0] = 1
		ls, err := propagate(v)
		if err != nil {
			return err
		}
		for k := 0; k < q; k++ {
			zs[i][k] = v[k*S+s0] * float64(p.sizes[i])
		}
		lss[i] = ls
		return nil
	})
	if err != nil {
		return jet{}, err
	}
	ref := math.Inf(-1)
	for i := range zs {
		if zs[i][0] > 0 {
			ref = max(ref, lss[i]+math.Log(zs[i][0]))
		}
	}
	var tot jet
	for i := range zs {
		tot = tot.add(zs[i].scale(math.Exp(lss[i] - ref)))
	}
	return logJ(tot).addC(ref).add(extra), nil
}

// butterfly applies [[dd, o], [o, dd]] (jets) to the pairs (i, i|bit) of the
// jet vector v (q coefficient arrays of length S).
func butterfly(v []float64, S, q, bit int, dd, o jet) {
	constant := true
	for k := 1; k < q; k++ {
		constant = constant && dd[k] == 0 && o[k] == 0
	}
	if constant {
		for k := 0; k < q; k++ {
			butterfly1(v[k*S:(k+1)*S], bit, dd[0], o[0])
		}
		return
	}
	if dd == constJ(1) && q <= 3 {
		butterflyO(v, S, q, bit, o)
		return
	}
	var a, b [jetOrder + 1]float64
	for base := 0; base < S; base += 2 * bit {
		for i := base; i < base+bit; i++ {
			for k := 0; k < q; k++ {
				a[k], b[k] = v[k*S+i], v[k*S+i+bit]
			}
			for k := 0; k < q; k++ {
				var na, nb float64
				for j := 0; j <= k; j++ {
					na += dd[j]*a[k-j] + o[j]*b[k-j]
					nb += o[j]*a[k-j] + dd[j]*b[k-j]
				}
				v[k*S+i], v[k*S+i+bit] = na, nb
			}
		}
	}
}

// butterfly1 applies [[d, o], [o, d]] to the pairs (i, i|bit) of v.
func butterfly1(v []float64, bit int, d, o float64) {
	S := len(v)
	if bit < 4 { // short runs: index directly, no sub-slices
		for base := 0; base < S; base += 2 * bit {
			for i := base; i < base+bit; i++ {
				a, b := v[i], v[i+bit]
				v[i] = d*a + o*b
				v[i+bit] = o*a + d*b
			}
		}
		return
	}
	if d == 1 {
		for base := 0; base < S; base += 2 * bit {
			lo := v[base : base+bit]
			hi := v[base+bit : base+2*bit]
			hi = hi[:len(lo)]
			for i := range lo {
				a, b := lo[i], hi[i]
				lo[i] = a + o*b
				hi[i] = o*a + b
			}
		}
		return
	}
	for base := 0; base < S; base += 2 * bit {
		lo := v[base : base+bit]
		hi := v[base+bit : base+2*bit]
		hi = hi[:len(lo)]
		for i := range lo {
			a, b := lo[i], hi[i]
			lo[i] = d*a + o*b
			hi[i] = o*a + d*b
		}
	}
}

// butterfly2 applies butterfly1 for bit and for 2*bit in one pass over v,
// four entries at a time (same arithmetic, half the loads and stores).
func butterfly2(v []float64, bit int, d, o float64) {
	S := len(v)
	for base := 0; base < S; base += 4 * bit {
		q0 := v[base : base+bit]
		q1 := v[base+bit : base+2*bit]
		q2 := v[base+2*bit : base+3*bit]
		q3 := v[base+3*bit : base+4*bit]
		q1, q2, q3 = q1[:len(q0)], q2[:len(q0)], q3[:len(q0)]
		for i := range q0 {
			a, b, c, e := q0[i], q1[i], q2[i], q3[i]
			a, b = d*a+o*b, o*a+d*b
			c, e = d*c+o*e, o*c+d*e
			q0[i], q2[i] = d*a+o*c, o*a+d*c
			q1[i], q3[i] = d*b+o*e, o*b+d*e
		}
	}
}

// butterflyO is butterfly with dd = 1 and q = 2 or 3, unrolled.
func butterflyO(v []float64, S, q, bit int, o jet) {
	o0, o1, o2 := o[0], o[1], o[2]
	v0, v1 := v[:S], v[S:2*S]
	if q == 2 {
		for base := 0; base < S; base += 2 * bit {
			for i := base; i < base+bit; i++ {
				j := i + bit
				a0, a1, b0, b1 := v0[i], v1[i], v0[j], v1[j]
				v0[i] = a0 + o0*b0
				v1[i] = a1 + o0*b1 + o1*b0
				v0[j] = b0 + o0*a0
				v1[j] = b1 + o0*a1 + o1*a0
			}
		}
		return
	}
	v2 := v[2*S : 3*S]
	for base := 0; base < S; base += 2 * bit {
		for i := base; i < base+bit; i++ {
			j := i + bit
			a0, a1, a2, b0, b1, b2 := v0[i], v1[i], v2[i], v0[j], v1[j], v2[j]
			v0[i] = a0 + o0*b0
			v1[i] = a1 + o0*b1 + o1*b0
			v2[i] = a2 + o0*b2 + o1*b1 + o2*b0
			v0[j] = b0 + o0*a0
			v1[j] = b1 + o0*a1 + o1*a0
			v2[j] = b2 + o0*a2 + o1*a1 + o2*a0
		}
	}
}
