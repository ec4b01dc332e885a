package transfer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"

	"github.com/isingrbm/isingrbm/internal/par"
	"github.com/isingrbm/isingrbm/lattice"
)

// Limits of the magnetization-resolved transfer matrix (MethodTransferM).
const (
	// MaxTransferMBytes bounds the memory of the M-resolved vectors: 2^W (N+1)
	// float64 per vector, one per worker for a trace.
	MaxTransferMBytes = 2 << 30
	// MaxTransferMSeconds bounds the estimated time of one temperature;
	// larger requests are refused up front with the estimate.
	MaxTransferMSeconds = 600
	// transferMRate is the measured number of butterfly pair updates (one
	// column entry of one pair) per second on one core, for estimates.
	transferMRate = 6e8
)

// ErrSize marks an error that refuses a lattice size as too costly for a
// method; the message gives the limit and the estimated cost.
var ErrSize = errors.New("size out of range")

// MagDist is the exact distribution of the total magnetization M = sum_i s_i
// at one inverse temperature and field: LnP[k] = ln P(M = 2k - N) for
// k = 0..N (-Inf where no state has that M, e.g. odd M on even N never
// arises since M = 2k - N by construction), and LnZ = ln Z at field H.
//
// It holds the field-free distribution too, so that WithField gives any
// other field at the same beta with no new transfer-matrix pass:
// P_h(M) = P_0(M) e^{beta h M} / sum_M' P_0(M') e^{beta h M'}.
type MagDist struct {
	Sites int
	Beta  float64
	H     float64
	LnZ   float64
	LnP   []float64

	lnZ0 float64   // field-free ln Z
	lnP0 []float64 // field-free ln P(M)
}

// M returns the magnetization 2k - N of entry k of LnP.
func (d *MagDist) M(k int) int { return 2*k - d.Sites }

// WithField returns the distribution at field h and the same beta, by
// reweighting the field-free table in log space.
func (d *MagDist) WithField(h float64) *MagDist {
	out := &MagDist{Sites: d.Sites, Beta: d.Beta, H: h, lnZ0: d.lnZ0, lnP0: d.lnP0, LnP: make([]float64, len(d.lnP0))}
	b := d.Beta * h
	for k, lp := range d.lnP0 {
		out.LnP[k] = lp + b*float64(d.M(k))
	}
	lse := logSumExp(out.LnP)
	for k := range out.LnP {
		out.LnP[k] -= lse
	}
	out.LnZ = d.lnZ0 + lse
	return out
}

// Moments returns the per-site <m>, <|m|>, <m^2>, <m^4> and the central
// moments <m^2> - <m>^2 and <m^2> - <|m|>^2 (computed as sums of squares
// about the mean, so that they keep full relative precision when small).
func (d *MagDist) Moments() (mean, abs, m2, m4, varM, varAbs float64) {
	n := float64(d.Sites)
	// <m> pairs M with -M, so that it is exactly 0 when P(M) = P(-M).
	for k := d.Sites; 2*k > d.Sites; k-- {
		mean += float64(d.M(k)) / n * (math.Exp(d.LnP[k]) - math.Exp(d.LnP[d.Sites-k]))
	}
	for k, lp := range d.LnP {
		p := math.Exp(lp)
		m := float64(d.M(k)) / n
		abs += p * math.Abs(m)
		m2 += p * m * m
		m4 += p * m * m * m * m
	}
	for k, lp := range d.LnP {
		p := math.Exp(lp)
		m := float64(d.M(k)) / n
		varM += p * (m - mean) * (m - mean)
		varAbs += p * (math.Abs(m) - abs) * (math.Abs(m) - abs)
	}
	return
}

// logSumExp returns ln sum_i e^{x_i} (-Inf for an empty or all -Inf x).
func logSumExp(x []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = max(mx, v)
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}

// MagnetizationDistribution returns the exact distribution P(M) of the
// total magnetization of the lx x ly square lattice with couplings jx
// (x bonds), jy (y bonds) and uniform field h, each axis periodic or open,
// at inverse temperature beta, and ln Z.
//
// The row transfer matrix carries M: the state after each row is a table
// v[s][k], s the current row and k the number of up spins so far, and the
// row-to-row step T = U D is applied as in Strip, D (in-row bonds) shifting
// every row s by its number of up spins and U (the vertical bonds) one 2x2
// butterfly per column acting on s for every k at once, so a row costs
// O(W 2^W (N+1)). Every column k carries its own running log scale, so that
// the table spans any dynamic range (large beta, large N). The table is
// computed in zero field, where the global spin flip is a symmetry: a
// periodic propagation direction traces over the classes of start rows
// under rotations (periodic row), the reflection and the flip, about
// 2^W/(4W) of them. The field then enters exactly as
// P_h(M) ∝ P_0(M) e^{beta h M} (MagDist.WithField).
//
// The limits are those of Strip (row width <= MaxTraceWidth for a torus,
// <= MaxStripWidth otherwise; the row runs along the cheaper axis), at most
// MaxTransferMBytes of vectors and an estimated MaxTransferMSeconds.
func MagnetizationDistribution(ctx context.Context, lx, ly int, bx, by lattice.Boundary, jx, jy, h, beta float64, opt StripOptions) (*MagDist, error) {
	sq, err := newSquare(lx, ly, bx, by, jx, jy, h, beta)
	if err != nil {
		return nil, err
	}
	p, err := magPlan(sq, opt.Workers)
	if err != nil {
		return nil, err
	}
	return p.magDist(ctx, beta, opt.Workers)
}

// TransferM returns every quantity of Result for the lx x ly square lattice
// as MagnetizationDistribution does: ln Z and the magnetization moments
// (<|m|> and chi' included) from P(M), u and c from the beta derivatives of
// the strip transfer matrix (Strip's thermal passes, in the field h).
func TransferM(ctx context.Context, lx, ly int, bx, by lattice.Boundary, jx, jy, h, beta float64, opt StripOptions) (*Result, error) {
	sq, err := newSquare(lx, ly, bx, by, jx, jy, h, beta)
	if err != nil {
		return nil, err
	}
	return transferM(ctx, sq, beta, opt.Workers)
}

func newSquare(lx, ly int, bx, by lattice.Boundary, jx, jy, h, beta float64) (*square, error) {
	if lx < 1 || ly < 1 || (bx == lattice.Periodic && lx < 2) || (by == lattice.Periodic && ly < 2) {
		return nil, fmt.Errorf("transfer: %dx%d lattice: sides must be >= 1 (>= 2 if periodic)", lx, ly)
	}
	for _, v := range []float64{jx, jy, h} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("transfer: couplings and field must be finite (Jx=%v Jy=%v h=%v)", jx, jy, h)
		}
	}
	if err := checkBeta(beta); err != nil {
		return nil, err
	}
	return &square{lx: lx, ly: ly, bx: bx, by: by, jx: jx, jy: jy, h: h, uniform: true}, nil
}

func transferM(ctx context.Context, sq *square, beta float64, workers int) (*Result, error) {
	p, err := magPlan(sq, workers)
	if err != nil {
		return nil, err
	}
	d, err := p.magDist(ctx, beta, workers)
	if err != nil {
		return nil, err
	}
	pt := *p
	if pt.trace {
		pt.classes(false)
	}
	lb, err := pt.thermal(ctx, beta, workers)
	if err != nil {
		return nil, err
	}
	n := p.w * p.l
	r := newResult(MethodTransferM, n, beta)
	r.setLnZ(d.LnZ)
	r.set(HasEnergy, -lb.deriv(1)/float64(n))
	r.set(HasHeatCapacity, beta*beta*lb.deriv(2)/float64(n))
	r.setMoments(d.Moments())
	return r, nil
}

// magClasses estimates the number of start-row classes of a trace under
// rotations, reflection and flip (1 without a trace).
func (p *stripPlan) magClasses() float64 {
	if !p.trace {
		return 1
	}
	c := math.Ldexp(1, p.w) / 4
	if p.rowPeriodic {
		c /= float64(p.w)
	}
	return max(c, 1)
}

// magCost returns the work of one temperature in butterfly pair updates:
// row r (r = 1..L) updates W 2^(W-1) pairs on r W + 1 columns, moves 2^W
// entries per column in the D step and takes W + 1 exponentials per column
// (counted as 20 pair updates each; they dominate for narrow rows).
func (p *stripPlan) magCost() float64 {
	w, l := float64(p.w), float64(p.l)
	perColumn := w*math.Ldexp(1, p.w-1) + math.Ldexp(1, p.w) + 20*(w+1)
	return p.magClasses() * perColumn * (w*l*(l+1)/2 + l)
}

// magBytes returns the memory of the vectors for the given number of workers.
func (p *stripPlan) magBytes(workers int) float64 {
	nv := 1.0
	if p.trace {
		nv = float64(min(workers, int(p.magClasses())))
	}
	return nv * 8 * math.Ldexp(1, p.w) * float64(p.w*p.l+1)
}

func magWorkers(workers int) int {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return max(1, workers)
}

func (p *stripPlan) magCheck(workers int) error {
	workers = magWorkers(workers)
	if p.trace && p.w > MaxTraceWidth {
		return fmt.Errorf("transfer-m: periodic in both directions: row width %d > %d (trace over about %.3g start-row classes, about 10^%.1f operations, %s): %w",
			p.w, MaxTraceWidth, p.magClasses(), math.Log10(p.magCost()), humanDuration(p.magSeconds(workers)), ErrSize)
	}
	if err := p.check(); err != nil {
		return fmt.Errorf("%w: %w", err, ErrSize)
	}
	if b := p.magBytes(workers); b > MaxTransferMBytes {
		return fmt.Errorf("transfer-m: row width %d, %d sites: %d vector(s) of 2^%d x %d doubles need %.3g GiB, at most %d GiB allowed: %w",
			p.w, p.w*p.l, int(b/(8*math.Ldexp(1, p.w)*float64(p.w*p.l+1))), p.w, p.w*p.l+1, b/(1<<30), MaxTransferMBytes>>30, ErrSize)
	}
	if sec := p.magSeconds(workers); sec > MaxTransferMSeconds {
		return fmt.Errorf("transfer-m: row width %d, %d rows: about 10^%.1f operations would take about %s per temperature, at most %s allowed: %w",
			p.w, p.l, math.Log10(p.magCost()), humanDuration(sec), humanDuration(MaxTransferMSeconds), ErrSize)
	}
	return nil
}

// magSeconds estimates the time of one temperature (a trace runs on all
// workers, one vector on one).
func (p *stripPlan) magSeconds(workers int) float64 {
	if !p.trace {
		workers = 1
	}
	return p.magCost() / transferMRate / float64(min(magWorkers(workers), int(p.magClasses())))
}

// magPlan returns the valid orientation of sq with the smaller cost, or the
// error of the preferred one.
func magPlan(sq *square, workers int) (*stripPlan, error) {
	ps := plans(sq)
	var best *stripPlan
	for _, p := range ps {
		if p.magCheck(workers) == nil && (best == nil || p.magCost() < best.magCost()) {
			best = p
		}
	}
	if best == nil {
		return nil, ps[0].magCheck(workers)
	}
	return best, nil
}

// magTables are the zero-field diagonal factors of a row: the log weight
// K_row sum_x s_x s_{x+1} - shift (<= 0) and the number of up spins.
type magTables struct {
	w     []float64
	up    []int
	shift float64
	byUp  [][]int32   // byUp[u]: the row states with u up spins
	wByUp [][]float64 // their weights w
}

func (p *stripPlan) magTables(beta float64) *magTables {
	S := 1 << uint(p.w)
	t := &magTables{w: make([]float64, S), up: make([]int, S), shift: math.Inf(-1)}
	for s := 0; s < S; s++ {
		nb, _ := p.rowSums(s)
		t.w[s] = beta * p.jRow * nb
		t.up[s] = bits.OnesCount(uint(s))
		t.shift = max(t.shift, t.w[s])
	}
	t.byUp = make([][]int32, p.w+1)
	t.wByUp = make([][]float64, p.w+1)
	for s := range t.w {
		t.w[s] = math.Exp(t.w[s] - t.shift)
		u := t.up[s]
		t.byUp[u] = append(t.byUp[u], int32(s))
		t.wByUp[u] = append(t.wByUp[u], t.w[s])
	}
	return t
}

// magVec is the M-resolved vector, column-major: the true entry (s, k) is
// v[k*S + s] * e^{sc[k]} / pend[k]; [lo, hi] is the range of non-empty
// columns, and every entry outside it is zero. A column of 2^W doubles
// (32 KiB at W = 12) stays in the L1 cache while its W butterflies and its
// maximum are computed.
type magVec struct {
	S, K   int
	v      []float64
	sc     []float64
	pend   []float64 // pending column normalisation (max of the column)
	nsc    []float64
	wf     []float64 // D-step factors of one column, per row state
	lo, hi int
}

func newMagVec(w, n int) *magVec {
	S, K := 1<<uint(w), n+1
	return &magVec{S: S, K: K, v: make([]float64, S*K), sc: make([]float64, K), pend: make([]float64, K),
		nsc: make([]float64, K), wf: make([]float64, S)}
}

// reset empties the vector; the caller then sets the start entries (column 0).
func (mv *magVec) reset() {
	clear(mv.v)
	for k := range mv.sc {
		mv.sc[k] = math.Inf(-1)
		mv.pend[k] = 1
	}
	mv.sc[0] = 0
	mv.lo, mv.hi = 0, 0
}

// propagate applies L rows, D then U (U skipped after the last row of an
// open propagation direction), and returns with the pending normalisation
// folded into sc (entries then true up to e^{sc[k]}).
func (mv *magVec) propagate(ctx context.Context, p *stripPlan, t *magTables, dd, o float64) error {
	w, S := p.w, mv.S
	var fac [33]float64 // e^{sc[k] - nsc[k+u]} / pend[k], u = 0..w
	for row := 0; row < p.l; row++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		// D: entry (s, k) moves to (s, k + up(s)), times the row weight; the
		// new scale of a column is the largest scale that lands on it.
		lo, hi := mv.lo, mv.hi
		nlo, nhi := lo, hi+w
		for k := nlo; k <= nhi; k++ {
			mv.nsc[k] = math.Inf(-1)
			for j := max(lo, k-w); j <= min(hi, k); j++ {
				mv.nsc[k] = max(mv.nsc[k], mv.sc[j])
			}
		}
		// Columns from the top down, so that every target column k + u > k
		// has been read before it is written.
		for k := hi; k >= lo; k-- {
			for u := 0; u <= w; u++ {
				fac[u] = 0
				if !math.IsInf(mv.sc[k], -1) {
					fac[u] = math.Exp(mv.sc[k]-mv.nsc[k+u]) / mv.pend[k]
				}
			}
			src := mv.v[k*S : (k+1)*S]
			for u := w; u >= 0; u-- {
				dst := mv.v[(k+u)*S : (k+u+1)*S]
				f := fac[u]
				ws := t.wByUp[u]
				for j, s := range t.byUp[u] {
					dst[s] = ws[j] * f * src[s]
				}
			}
		}
		// Entries (s, k) with lo <= k < lo + up(s) received nothing.
		for k := lo; k < min(lo+w, nhi+1); k++ {
			col := mv.v[k*S : (k+1)*S]
			for s := range col {
				if k < lo+t.up[s] {
					col[s] = 0
				}
			}
		}
		copy(mv.sc[nlo:nhi+1], mv.nsc[nlo:nhi+1])
		mv.lo, mv.hi = nlo, nhi
		if row == p.l-1 && !p.trace {
			for k := nlo; k <= nhi; k++ {
				mv.pend[k] = 1
			}
			break
		}
		// U: one butterfly per column of the lattice (Strip's butterfly1, two
		// columns per pass),
		// then the maximum of the magnetization column, folded into the next
		// D step (no extra write pass).
		for k := nlo; k <= nhi; k++ {
			col := mv.v[k*S : (k+1)*S]
			x := 0
			for ; x+1 < w; x += 2 {
				butterfly2(col, 1<<uint(x), dd, o)
			}
			if x < w {
				butterfly1(col, 1<<uint(x), dd, o)
			}
			var mx float64
			for _, a := range col {
				if a > mx { // not max(): its NaN and signed-zero handling is slow
					mx = a
				}
			}
			if mx > 0 {
				mv.sc[k] += math.Log(mx)
				mv.pend[k] = mx
			} else {
				mv.sc[k] = math.Inf(-1)
				mv.pend[k] = 1
			}
		}
	}
	for k := mv.lo; k <= mv.hi; k++ {
		mv.sc[k] -= math.Log(mv.pend[k])
		mv.pend[k] = 1
	}
	return nil
}

// at returns entry (s, k), up to the factor e^{sc[k]}.
func (mv *magVec) at(s, k int) float64 { return mv.v[k*mv.S+s] }

// magDist computes the zero-field distribution and reweights it to p.h.
func (p *stripPlan) magDist(ctx context.Context, beta float64, workers int) (*MagDist, error) {
	n := p.w * p.l
	t := p.magTables(beta)
	kk := beta * p.jProp
	dd, o := 1.0, math.Exp(-2*math.Abs(kk))
	if kk < 0 {
		dd, o = o, 1
	}
	nU := p.l - 1
	if p.trace {
		nU = p.l
	}
	extra := float64(p.l)*t.shift + float64(nU*p.w)*math.Abs(kk)
	lnP := make([]float64, n+1)
	if !p.trace {
		mv := newMagVec(p.w, n)
		mv.reset()
		for s := 0; s < mv.S; s++ {
			mv.v[s] = 1 // column k = 0
		}
		if err := mv.propagate(ctx, p, t, dd, o); err != nil {
			return nil, err
		}
		for k := range lnP {
			var sum float64
			if k >= mv.lo && k <= mv.hi {
				for s := 0; s < mv.S; s++ {
					sum += mv.at(s, k)
				}
			}
			lnP[k] = math.Log(sum) + mv.sc[k] + extra
		}
		// The spin flip is a symmetry in zero field: make P(M) = P(-M)
		// exactly (the two differ by rounding only).
		sym := make([]float64, n+1)
		for k := range sym {
			sym[k] = logAddExp(lnP[k], lnP[n-k]) - math.Ln2
		}
		lnP = sym
	} else {
		lp, err := p.magTrace(ctx, t, dd, o, workers)
		if err != nil {
			return nil, err
		}
		for k := range lnP {
			lnP[k] = lp[k] + extra
		}
	}
	lnZ0 := logSumExp(lnP)
	for k := range lnP {
		lnP[k] -= lnZ0
	}
	d := &MagDist{Sites: n, Beta: beta, lnZ0: lnZ0, lnP0: lnP}
	return d.WithField(p.h), nil
}

// magTrace returns ln of the zero-field Tr T^L resolved by M (without the
// constant factors), one propagation per class of start rows under
// rotations, the reflection and the spin flip. The diagonal element
// p_s(k) of T^L is constant on a rotation-reflection orbit and the flip maps
// it to p_s(N - k), so the classes with orbit O contribute
// (|O|/2) (p(k) + p(N - k)), which also makes P(M) = P(-M) exactly.
func (p *stripPlan) magTrace(ctx context.Context, t *magTables, dd, o float64, workers int) ([]float64, error) {
	pc := *p
	pc.classes(true)
	n := p.w * p.l
	nr := len(pc.reps)
	lps := make([][]float64, nr)
	workers = max(1, min(magWorkers(workers), nr))
	vecs := make([]*magVec, workers)
	err := par.ChunksOn(ctx, workers, nr, func(wk, i int) error {
		if vecs[wk] == nil {
			vecs[wk] = newMagVec(p.w, n)
		}
		mv := vecs[wk]
		mv.reset()
		s0 := pc.reps[i]
		mv.v[s0] = 1 // column k = 0
		if err := mv.propagate(ctx, &pc, t, dd, o); err != nil {
			return err
		}
		lp := make([]float64, n+1)
		g := math.Log(float64(pc.sizes[i]) / 2)
		for k := range lp {
			lp[k] = math.Inf(-1)
			if k >= mv.lo && k <= mv.hi {
				lp[k] = math.Log(mv.at(s0, k)) + mv.sc[k]
			}
		}
		sym := make([]float64, n+1)
		for k := range sym {
			sym[k] = g + logAddExp(lp[k], lp[n-k])
		}
		lps[i] = sym
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]float64, n+1)
	col := make([]float64, nr)
	for k := range out {
		for i := range lps {
			col[i] = lps[i][k]
		}
		out[k] = logSumExp(col)
	}
	return out, nil
}

// logAddExp returns ln(e^a + e^b).
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(a, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}
