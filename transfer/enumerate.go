package transfer

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"github.com/isingrbm/isingrbm/internal/gray"
	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/par"
	"github.com/isingrbm/isingrbm/lattice"
)

// Limits of exhaustive enumeration.
const (
	// MaxEnumerateSites is the largest N that Enumerate accepts (2^36 states,
	// about a minute per temperature on a few cores).
	MaxEnumerateSites = 36
	// MaxLogProbSites is the largest N that LogProbabilities accepts: the
	// table of 2^24 float64 takes 128 MiB.
	MaxLogProbSites = 24
)

// EnumOptions configures Enumerate. The zero value uses every core.
type EnumOptions struct {
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	// The result does not depend on it: the state space is cut into a fixed
	// number of chunks that depends only on N, and the chunks are combined in a
	// fixed order (or exactly, in integers).
	Workers int
}

func (o EnumOptions) workers(chunks int) int {
	w := o.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, chunks))
}

// EnumerationCost returns the number of states 2^N, for error messages and
// method selection.
func EnumerationCost(n int) float64 { return math.Ldexp(1, n) }

func checkEnumerate(m *lattice.Model, limit int, what string) error {
	if m == nil || m.N < 1 {
		return fmt.Errorf("transfer: %s: empty model", what)
	}
	if m.N > limit {
		return fmt.Errorf("transfer: %s: %d sites, at most %d allowed (2^%d = %.3g states would be needed)",
			what, m.N, limit, m.N, EnumerationCost(m.N))
	}
	return nil
}

func checkBeta(beta float64) error {
	if math.IsNaN(beta) || math.IsInf(beta, 0) || beta < 0 {
		return fmt.Errorf("transfer: beta %v: must be finite and >= 0", beta)
	}
	return nil
}

// csr holds the model's compressed neighbour list (lattice.Model.Neighbors,
// safe for concurrent use) in the form the Gray-code loops read.
type csr struct {
	n     int
	start []int32
	site  []int32
	coup  []float64
	field []float64
	m     *lattice.Model
}

func newCSR(m *lattice.Model) *csr {
	nb := m.Neighbors()
	return &csr{n: m.N, start: nb.Start, site: nb.Sites, coup: nb.Couplings, field: m.Fields, m: m}
}

// energy returns H(s) summed from scratch.
func (c *csr) energy(s []int8) float64 { return c.m.Energy(s) }

// quantum describes a model whose couplings and fields are all integer
// multiples of q: then every energy is q times an integer in [-r, r] and
// enumeration can count states exactly in an (E, M) histogram.
type quantum struct {
	q     float64
	r     int64   // bound on |E|/q
	coup  []int64 // CSR couplings / q
	field []int64
	bondI []int64 // bond couplings / q, in bond order
}

// maxHistCells bounds the size of one (E, M) histogram (8 MiB).
const maxHistCells = 1 << 20

// findQuantum returns the quantum description of the model, or nil if its
// couplings and fields are not small integer multiples of a common q.
func findQuantum(m *lattice.Model, c *csr) *quantum {
	vals := make([]float64, 0, m.NumBonds()+m.N)
	amin := math.Inf(1)
	for _, b := range m.Bonds() {
		vals = append(vals, b.Coupling)
	}
	vals = append(vals, m.Fields...)
	for _, v := range vals {
		if v != 0 && math.Abs(v) < amin {
			amin = math.Abs(v)
		}
	}
	if math.IsInf(amin, 1) { // every coupling and field is zero
		amin = 1
	}
	toInt := func(v, q float64) (int64, bool) {
		x := v / q
		r := math.Round(x)
		if math.Abs(x-r) > 1e-9*math.Max(1, math.Abs(x)) || math.Abs(r) > 1<<30 {
			return 0, false
		}
		return int64(r), true
	}
next:
	for k := 1; k <= 64; k++ {
		q := amin / float64(k)
		var sum int64
		for _, v := range vals {
			n, ok := toInt(v, q)
			if !ok {
				continue next
			}
			if n < 0 {
				n = -n
			}
			sum += n
		}
		if (2*sum+1)*int64(m.N+1) > maxHistCells {
			return nil
		}
		qu := &quantum{q: q, r: sum, coup: make([]int64, len(c.coup)), field: make([]int64, m.N), bondI: make([]int64, m.NumBonds())}
		for i, v := range c.coup {
			qu.coup[i], _ = toInt(v, q)
		}
		for i, v := range m.Fields {
			qu.field[i], _ = toInt(v, q)
		}
		for i, b := range m.Bonds() {
			qu.bondI[i], _ = toInt(b.Coupling, q)
		}
		return qu
	}
	return nil
}

// chunking returns the number of high bits fixed per chunk. It depends only
// on n, so that results do not depend on the number of workers.
func chunking(n int) (nHigh, nLow int) {
	nHigh = min(max(n-12, 0), 10)
	return nHigh, n - nHigh
}

// startState fills s with the spins of state index k (bit i set: s_i = +1).
func startState(s []int8, k uint64) {
	for i := range s {
		if k>>uint(i)&1 == 1 {
			s[i] = 1
		} else {
			s[i] = -1
		}
	}
}

// ctxMask sets how often a chunk polls its context.
const ctxMask = 1<<22 - 1

// resyncMask sets how often the float path recomputes the energy from scratch,
// so that rounding in the single-flip updates cannot accumulate.
const resyncMask = 1<<12 - 1

// Histogram is the exact number of states at each energy and magnetization of
// a model whose couplings and fields are integer multiples of Quantum.
// Count[e*(N+1)+k] is the number of states with energy (e - R)*Quantum and
// magnetization sum_i s_i = 2k - N.
type Histogram struct {
	N       int
	Quantum float64
	R       int64
	Count   []uint64
}

// EnergyMagnetizationHistogram enumerates the model once and counts the
// states at each (E, M). It returns an error if the couplings and fields are
// not integer multiples of a common quantum with a histogram of at most 2^20
// cells (for example Gaussian disorder), or if N > MaxEnumerateSites.
func EnergyMagnetizationHistogram(ctx context.Context, m *lattice.Model, opt EnumOptions) (*Histogram, error) {
	if err := checkEnumerate(m, MaxEnumerateSites, "enumeration"); err != nil {
		return nil, err
	}
	c := newCSR(m)
	qu := findQuantum(m, c)
	if qu == nil {
		return nil, fmt.Errorf("transfer: histogram: couplings and fields are not integer multiples of a common quantum (or the energy range is too wide)")
	}
	return histogram(ctx, m, c, qu, opt)
}

func histogram(ctx context.Context, m *lattice.Model, c *csr, qu *quantum, opt EnumOptions) (*Histogram, error) {
	n := m.N
	nHigh, nLow := chunking(n)
	chunks := 1 << nHigh
	workers := opt.workers(chunks)
	cells := int(2*qu.r+1) * (n + 1)
	hists := make([][]uint64, workers)
	// Two levels: the lowest b sites form a block whose internal energy and
	// magnetization are tabulated in Gray order; for each configuration of
	// the other low bits (visited in Gray order too) the block only feels
	// the fields F_j from the rest, so each state costs one add and one
	// histogram increment.
	b := min(nLow, 10)
	stride := int64(n + 1)
	tab, flip := blockTables(m, qu, b, stride)
	err := par.ChunksOn(ctx, workers, chunks, func(w, chunk int) error {
		if hists[w] == nil {
			hists[w] = make([]uint64, cells)
		}
		h := hists[w]
		s := make([]int8, n)
		startState(s, uint64(chunk)<<uint(nLow))
		start, site, coup, field := c.start, c.site, qu.coup, qu.field
		// Energy and magnetization of everything but the block, and the
		// fields F_j (times stride) on the block sites.
		var eRest, magRest int64
		for k, bd := range m.Bonds() {
			if bd.I >= b && bd.J >= b {
				eRest -= qu.bondI[k] * int64(s[bd.I]*s[bd.J])
			}
		}
		for i := b; i < n; i++ {
			eRest -= field[i] * int64(s[i])
			magRest += int64(s[i])
		}
		fs := make([]int64, b)
		for j := 0; j < b; j++ {
			f := field[j]
			for k := start[j]; k < start[j+1]; k++ {
				if int(site[k]) >= b {
					f += coup[k] * int64(s[site[k]])
				}
			}
			fs[j] = f * stride
		}
		sl := make([]int64, b)
		blockSweep(h, (eRest+qu.r)*stride+(magRest+int64(n-b))/2, tab, flip, fs, sl)
		for t, ib := range gray.Steps(nLow - b) {
			if t&(ctxMask>>10) == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			i := b + ib
			si := int64(s[i])
			lf := field[i]
			for k := start[i]; k < start[i+1]; k++ {
				j := int(site[k])
				if j >= b {
					lf += coup[k] * int64(s[j])
				} else {
					fs[j] -= 2 * si * coup[k] * stride
				}
			}
			eRest += 2 * si * lf
			magRest -= 2 * si
			s[i] = int8(-si)
			blockSweep(h, (eRest+qu.r)*stride+(magRest+int64(n-b))/2, tab, flip, fs, sl)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &Histogram{N: n, Quantum: qu.q, R: qu.r, Count: make([]uint64, cells)}
	for _, h := range hists {
		for i, v := range h {
			out.Count[i] += v
		}
	}
	return out, nil
}

// blockTables walks the block of the lowest b sites in Gray order from all
// spins down and returns, for step t, tab[t] = H_block * stride + (M_block +
// b)/2 (the block's internal energy in quanta and its number of up spins)
// and flip[t], the site flipped at step t.
func blockTables(m *lattice.Model, qu *quantum, b int, stride int64) (tab []int64, flip []int32) {
	nb := 1 << uint(b)
	tab, flip = make([]int64, nb), make([]int32, nb)
	sl := make([]int8, b)
	for i := range sl {
		sl[i] = -1
	}
	tabulate := func(t uint64) {
		var e, mg int64
		for k, bd := range m.Bonds() {
			if bd.I < b && bd.J < b {
				e -= qu.bondI[k] * int64(sl[bd.I]*sl[bd.J])
			}
		}
		for _, v := range sl {
			mg += int64(v)
		}
		tab[t] = e*stride + (mg+int64(b))/2
	}
	tabulate(0)
	for t, j := range gray.Steps(b) {
		flip[t] = int32(j)
		sl[j] = -sl[j]
		tabulate(t)
	}
	return tab, flip
}

// blockSweep counts the 2^b states of the block in the histogram h, the rest
// of the lattice fixed: base is the cell of the rest's energy and
// magnetization, tab and flip the block's tables (histogram), fs the fields
// on the block's sites from the rest (times the row stride) and sl scratch
// for the block's spins. lin = sum_j s_j F_j, all s_j = -1 first.
func blockSweep(h []uint64, base int64, tab []int64, flip []int32, fs, sl []int64) {
	var linS int64
	for j := range sl {
		sl[j] = -1
		linS -= fs[j]
	}
	h[base+tab[0]-linS]++
	for u := 1; u < len(tab); u++ {
		j := flip[u]
		linS -= 2 * sl[j] * fs[j]
		sl[j] = -sl[j]
		h[base+tab[u]-linS]++
	}
}

// Thermo returns the exact thermodynamics at beta from the histogram. The
// moments are central sums over the histogram cells, so u and c keep full
// relative precision.
func (h *Histogram) Thermo(beta float64) *Result {
	n := h.N
	stride := n + 1
	type cell struct{ lnw, e, m float64 }
	cells := make([]cell, 0, 1024)
	maxw := math.Inf(-1)
	for idx, cnt := range h.Count {
		if cnt == 0 {
			continue
		}
		e := float64(int64(idx/stride)-h.R) * h.Quantum
		mg := float64(2*(idx%stride)-n) / float64(n)
		lnw := math.Log(float64(cnt)) - beta*e
		cells = append(cells, cell{lnw, e, mg})
		maxw = max(maxw, lnw)
	}
	var z float64
	for i := range cells {
		cells[i].lnw = math.Exp(cells[i].lnw - maxw)
		z += cells[i].lnw
	}
	var eMean, mMean, absM, m2, m4 float64
	for _, c := range cells {
		p := c.lnw / z
		eMean += p * c.e
		mMean += p * c.m
		absM += p * math.Abs(c.m)
		mm := c.m * c.m
		m2 += p * mm
		m4 += p * mm * mm
	}
	var varE, varM, varA float64
	for _, c := range cells {
		d := c.e - eMean
		varE += c.lnw / z * d * d
		dm := c.m - mMean
		varM += c.lnw / z * dm * dm
		da := math.Abs(c.m) - absM
		varA += c.lnw / z * da * da
	}
	r := newResult(MethodEnumerate, n, beta)
	r.setLnZ(maxw + math.Log(z))
	r.set(HasEnergy, eMean/float64(n))
	r.set(HasHeatCapacity, beta*beta*varE/float64(n))
	r.setMoments(mMean, absM, m2, m4, varM, varA)
	return r
}

// Enumerate computes the exact thermodynamics of m at beta by visiting all
// 2^N states (N <= MaxEnumerateSites) in Gray-code order, so that each step
// flips one spin and costs one local-field sum. The states are cut into a
// fixed number of chunks (the high bits of the state index) that run in
// parallel; the result does not depend on the number of workers.
//
// When every coupling and field is an integer multiple of a common quantum
// (uniform J and h, ±J disorder, ...), states are counted exactly in an
// energy-magnetization histogram (the lowest 10 sites are tabulated, so a
// state costs one add and one increment: about 6e8 states/s on 2 cores);
// otherwise weights are accumulated in log space with a running scale and a
// weighted (West/Chan) variance update (about 4e7 states/s on 2 cores).
// Every quantity of Result is given.
func Enumerate(ctx context.Context, m *lattice.Model, beta float64, opt EnumOptions) (*Result, error) {
	rs, err := EnumerateBetas(ctx, m, []float64{beta}, opt)
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// EnumerateBetas is Enumerate at several inverse temperatures with a single
// pass over the states.
func EnumerateBetas(ctx context.Context, m *lattice.Model, betas []float64, opt EnumOptions) ([]*Result, error) {
	if err := checkEnumerate(m, MaxEnumerateSites, "enumeration"); err != nil {
		return nil, err
	}
	for _, b := range betas {
		if err := checkBeta(b); err != nil {
			return nil, err
		}
	}
	c := newCSR(m)
	if qu := findQuantum(m, c); qu != nil {
		h, err := histogram(ctx, m, c, qu, opt)
		if err != nil {
			return nil, err
		}
		out := make([]*Result, len(betas))
		for i, b := range betas {
			out[i] = h.Thermo(b)
		}
		return out, nil
	}
	return enumerateFloat(ctx, m, c, betas, opt)
}

// accum holds weighted sums over a set of states with weights
// w = exp(-beta E - scale): total weight, mean energy and sum w (E - mean)^2,
// the same for m and for |m|, and weighted sums of m^2, m^4.
type accum struct {
	scale, w, meanE, m2E, meanM, m2M, meanA, m2A, sm2, sm4 float64
}

func (a *accum) rescale(scale float64) {
	f := math.Exp(a.scale - scale)
	a.scale = scale
	a.w *= f
	a.m2E *= f
	a.m2M *= f
	a.m2A *= f
	a.sm2 *= f
	a.sm4 *= f
}

// add adds one state of energy e and magnetization per site mg.
func (a *accum) add(beta, e, mg float64) {
	x := -beta*e - a.scale
	if x > 300 {
		a.rescale(-beta * e)
		x = 0
	}
	w := math.Exp(x)
	wOld := a.w
	a.w += w
	d := e - a.meanE
	a.meanE += d * w / a.w
	// w d (e - mean_new) written without the cancelling subtraction.
	a.m2E += w * d * d * (wOld / a.w)
	dm := mg - a.meanM
	a.meanM += dm * w / a.w
	a.m2M += w * dm * dm * (wOld / a.w)
	da := math.Abs(mg) - a.meanA
	a.meanA += da * w / a.w
	a.m2A += w * da * da * (wOld / a.w)
	mm := mg * mg
	a.sm2 += w * mm
	a.sm4 += w * mm * mm
}

// merge adds b into a (Chan et al. parallel variance).
func (a *accum) merge(b *accum) {
	if b.w == 0 {
		return
	}
	if a.w == 0 {
		*a = *b
		return
	}
	if b.scale > a.scale {
		a.rescale(b.scale)
	} else if b.scale < a.scale {
		bb := *b
		bb.rescale(a.scale)
		b = &bb
	}
	w := a.w + b.w
	d := b.meanE - a.meanE
	a.meanE += d * b.w / w
	a.m2E += b.m2E + d*d*a.w*b.w/w
	dm := b.meanM - a.meanM
	a.meanM += dm * b.w / w
	a.m2M += b.m2M + dm*dm*a.w*b.w/w
	da := b.meanA - a.meanA
	a.meanA += da * b.w / w
	a.m2A += b.m2A + da*da*a.w*b.w/w
	a.w = w
	a.sm2 += b.sm2
	a.sm4 += b.sm4
}

func enumerateFloat(ctx context.Context, m *lattice.Model, c *csr, betas []float64, opt EnumOptions) ([]*Result, error) {
	n := m.N
	nHigh, nLow := chunking(n)
	chunks := 1 << nHigh
	nb := len(betas)
	acc := make([]accum, chunks*nb)
	err := par.ChunksOn(ctx, opt.workers(chunks), chunks, func(_, chunk int) error {
		// Accumulate in a chunk-local slice and copy it out at the end:
		// neighbouring chunks' accumulators share cache lines, and writing
		// them from two workers on every state serialises the cores.
		a := make([]accum, nb)
		defer copy(acc[chunk*nb:(chunk+1)*nb], a)
		s := make([]int8, n)
		startState(s, uint64(chunk)<<uint(nLow))
		e := c.energy(s)
		var mag int
		for _, v := range s {
			mag += int(v)
		}
		invN := 1 / float64(n)
		for k, b := range betas {
			a[k].scale = -b * e
			a[k].add(b, e, float64(mag)*invN)
		}
		start, site, coup, field := c.start, c.site, c.coup, c.field
		for t, i := range gray.Steps(nLow) {
			if t&ctxMask == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			si := s[i]
			lf := field[i]
			for k := start[i]; k < start[i+1]; k++ {
				lf += coup[k] * float64(s[site[k]])
			}
			s[i] = -si
			mag -= 2 * int(si)
			if t&resyncMask == 0 {
				e = c.energy(s)
			} else {
				e += 2 * float64(si) * lf
			}
			mg := float64(mag) * invN
			for k, b := range betas {
				a[k].add(b, e, mg)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Result, nb)
	for k, b := range betas {
		var tot accum
		for ch := 0; ch < chunks; ch++ {
			tot.merge(&acc[ch*nb+k])
		}
		r := newResult(MethodEnumerate, n, b)
		r.setLnZ(tot.scale + math.Log(tot.w))
		r.set(HasEnergy, tot.meanE/float64(n))
		r.set(HasHeatCapacity, b*b*tot.m2E/tot.w/float64(n))
		r.setMoments(tot.meanM, tot.meanA, tot.sm2/tot.w, tot.sm4/tot.w, tot.m2M/tot.w, tot.m2A/tot.w)
		out[k] = r
	}
	return out, nil
}

// LogProbabilities returns ln p(s) for all 2^N states of m at beta
// (N <= MaxLogProbSites). Entry k is the state with s_i = +1 iff bit i of k is
// set. The energies are computed in Gray-code order, in parallel, with the
// energy recomputed from scratch every 4096 flips.
func LogProbabilities(m *lattice.Model, beta float64) ([]float64, error) {
	if err := checkEnumerate(m, MaxLogProbSites, "log-probability table"); err != nil {
		return nil, err
	}
	if err := checkBeta(beta); err != nil {
		return nil, err
	}
	c := newCSR(m)
	n := m.N
	nHigh, nLow := chunking(n)
	chunks := 1 << nHigh
	out := make([]float64, 1<<uint(n))
	err := par.Chunks(context.Background(), chunks, func(_, chunk int) error {
		base := uint64(chunk) << uint(nLow)
		s := make([]int8, n)
		startState(s, base)
		e := c.energy(s)
		out[base] = -beta * e
		g := uint64(0)
		for t, i := range gray.Steps(nLow) {
			g ^= 1 << uint(i) // gray.Code(t)
			si := s[i]
			lf := c.field[i]
			for k := c.start[i]; k < c.start[i+1]; k++ {
				lf += c.coup[k] * float64(s[c.site[k]])
			}
			s[i] = -si
			if t&resyncMask == 0 {
				e = c.energy(s)
			} else {
				e += 2 * float64(si) * lf
			}
			out[base|g] = -beta * e
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	lnZ := numeric.LogSumExp(out)
	for i := range out {
		out[i] -= lnZ
	}
	return out, nil
}
