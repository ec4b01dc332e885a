package rbm

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/gray"
	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/internal/par"
)

// MaxEnumerate is the largest number of units of the enumerated layer for
// which LogZ sums exactly (2^30 states).
const MaxEnumerate = 30

// MaxTable is the largest number of visible units for which LogProbTable
// builds the full table of 2^N log-probabilities (2^26 float64 = 512 MiB).
const MaxTable = 26

// ErrTooLarge is wrapped by the errors of exact methods refused because the
// enumerated layer is too large.
var ErrTooLarge = errors.New("too many units for exact enumeration")

// blockBits sets how often the incremental (Gray code) inputs are recomputed
// from scratch, so that rounding does not accumulate over 2^30 steps.
const blockBits = 10

// enumerate visits every state of the discrete layer x (n units; state k has
// unit i "on" iff bit i of k is set, "on" being 1 and "off" 0 or -1) and
// returns ln sum_k exp(logw_k) with
//
//	logw_k = sum_i x.Potential(i, x_i) + sum_mu y.CGF(mu, sum_i x_i w[i][mu]),
//
// where w is the n x m row-major weight block. If table is not nil (length
// 2^n) it also stores logw_k in table[k]. The state space is cut into chunks
// of 2^blockBits states visited in Gray code order, the inputs recomputed from
// scratch at the start of each chunk so that rounding does not accumulate; the
// chunks run in parallel and their sums are combined in chunk order, so the
// result does not depend on the number of goroutines.
func enumerate(x, y *Layer, w []float64, table []float64) float64 {
	n := x.Len()
	chunkBits := min(n, blockBits)
	nchunks := 1 << uint(n-chunkBits)
	sums := make([]float64, nchunks)
	es := make([]*enumerator, par.Workers(nchunks))
	par.Chunks(context.Background(), nchunks, func(wk, c int) error {
		if es[wk] == nil {
			es[wk] = newEnumerator(x, y, w, chunkBits)
		}
		sums[c] = es[wk].chunk(uint64(c)<<uint(chunkBits), table)
		return nil
	})
	return numeric.LogSumExp(sums)
}

// enumerator holds one goroutine's scratch space for enumerate.
type enumerator struct {
	x, y      *Layer
	w         []float64
	off, on   float64
	chunkBits int
	t         []float64
	buf       []float64
}

func newEnumerator(x, y *Layer, w []float64, chunkBits int) *enumerator {
	off, on := x.Type.values()
	return &enumerator{x: x, y: y, w: w, off: off, on: on, chunkBits: chunkBits,
		t: make([]float64, y.Len()), buf: make([]float64, 1<<uint(chunkBits))}
}

// chunk visits states k0 .. k0+len(buf)-1 of the Gray code sequence (k0 a
// multiple of len(buf)) and returns ln sum exp(logw) over them.
func (e *enumerator) chunk(k0 uint64, table []float64) float64 {
	n, m := e.x.Len(), e.y.Len()
	t, w := e.t, e.w
	step := e.on - e.off
	// from scratch at the first state
	g := gray.Code(k0)
	clear(t)
	var pot float64
	for i := 0; i < n; i++ {
		v := e.off
		if g>>uint(i)&1 == 1 {
			v = e.on
		}
		pot += e.x.Potential(i, v)
		if v == 0 {
			continue
		}
		row := w[i*m : i*m+m]
		for mu, wv := range row {
			t[mu] += v * wv
		}
	}
	e.record(0, g, pot, table)
	for j, i := range gray.Steps(e.chunkBits) {
		g ^= 1 << uint(i) // Code(k0 + j)
		d := -step
		if g>>uint(i)&1 == 1 {
			d = step
		}
		pot += e.x.Bias[i] * d
		row := w[i*m : i*m+m]
		for mu, wv := range row {
			t[mu] += d * wv
		}
		e.record(j, g, pot, table)
	}
	return numeric.LogSumExp(e.buf)
}

// record stores logw of the j-th state of the chunk, state g, whose
// potential is pot and whose inputs are e.t.
func (e *enumerator) record(j, g uint64, pot float64, table []float64) {
	lw := pot + e.y.sumCGF(e.t)
	e.buf[j] = lw
	if table != nil {
		table[g] = lw
	}
}

// rowMajor returns the n x m entries of w (or of its transpose) row by row.
func rowMajor(w *mat.Dense, transpose bool) []float64 {
	var d *mat.Dense
	if transpose {
		d = mat.DenseCopyOf(w.T())
	} else {
		d = mat.DenseCopyOf(w)
	}
	raw := d.RawMatrix()
	if raw.Stride == raw.Cols {
		return raw.Data[:raw.Rows*raw.Cols]
	}
	out := make([]float64, 0, raw.Rows*raw.Cols)
	for i := 0; i < raw.Rows; i++ {
		out = append(out, raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols]...)
	}
	return out
}

func sumLogNorm(l *Layer) float64 {
	var s float64
	for mu := range l.Bias {
		s += l.LogNorm(mu)
	}
	return s
}

// LogZ returns ln Z with Z = sum_v exp(-F(v)) (an integral for Gaussian
// visible units), the normaliser of the marginal exp(-F(v)) of FreeEnergy.
// The joint partition function sum_{v,h} exp(-E(v,h)) is
// Z * exp(sum_mu Hidden.LogNorm(mu)); see LogZJoint.
//
// LogZ enumerates the smaller discrete layer exactly (at most MaxEnumerate
// units) and integrates or sums the other one in closed form through its
// cumulant generating function. It returns an error wrapping ErrTooLarge if
// no discrete layer has <= MaxEnumerate units, and an error if both layers
// are Gaussian.
func (r *RBM) LogZ() (float64, error) {
	lj, err := r.LogZJoint()
	if err != nil {
		return 0, err
	}
	return lj - sumLogNorm(&r.Hidden), nil
}

// LogZJoint returns ln sum_{v,h} exp(-E(v,h)) (integrals over Gaussian
// units), the partition function of the joint energy. See LogZ.
func (r *RBM) LogZJoint() (float64, error) {
	n, m := r.Dims()
	vd, hd := r.Visible.Type.Discrete(), r.Hidden.Type.Discrete()
	if !vd && !hd {
		return 0, errors.New("rbm: LogZ: both layers are gaussian: exact log Z needs a discrete layer")
	}
	useVisible := vd && (!hd || n <= m)
	size := m
	if useVisible {
		size = n
	}
	if size > MaxEnumerate {
		return 0, fmt.Errorf("rbm: LogZ: smallest discrete layer has %d units, at most %d can be enumerated: %w", size, MaxEnumerate, ErrTooLarge)
	}
	if useVisible {
		return enumerate(&r.Visible, &r.Hidden, rowMajor(r.W, false), nil) + sumLogNorm(&r.Hidden), nil
	}
	return enumerate(&r.Hidden, &r.Visible, rowMajor(r.W, true), nil) + sumLogNorm(&r.Visible), nil
}

// LogProb returns ln p(v) = -F(v) - LogZ() for a visible vector of a
// discrete visible layer (every entry must be one of the layer's two values)
// or the log density for a Gaussian visible layer. It computes LogZ on each
// call; to evaluate many vectors, call LogZ once and use FreeEnergy.
func (r *RBM) LogProb(v []float64) (float64, error) {
	n, _ := r.Dims()
	if len(v) != n {
		return 0, fmt.Errorf("rbm: LogProb: %d visible values for %d units", len(v), n)
	}
	if r.Visible.Type.Discrete() {
		off, on := r.Visible.Type.values()
		for i, x := range v {
			if x != off && x != on {
				return 0, fmt.Errorf("rbm: LogProb: v[%d] = %v: a %s unit takes %v or %v", i, x, r.Visible.Type, off, on)
			}
		}
	} else {
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return 0, fmt.Errorf("rbm: LogProb: v[%d] = %v: must be finite", i, x)
			}
		}
	}
	lz, err := r.LogZ()
	if err != nil {
		return 0, err
	}
	return -r.FreeEnergy(v) - lz, nil
}

// LogProbTable returns ln p(v_k) for every visible state k in [0, 2^N), where
// v_k has unit i "on" (1 for Bernoulli and spin units) iff bit i of k is set
// (for spins this is the project's state index: s_i = +1 iff bit i is set).
// It also returns ln Z. The visible layer must be discrete with at most
// MaxTable units.
func (r *RBM) LogProbTable() ([]float64, float64, error) {
	n, _ := r.Dims()
	if !r.Visible.Type.Discrete() {
		return nil, 0, errors.New("rbm: LogProbTable: the visible layer is gaussian: need bernoulli or spin")
	}
	if n > MaxTable {
		return nil, 0, fmt.Errorf("rbm: LogProbTable: %d visible units, at most %d: %w", n, MaxTable, ErrTooLarge)
	}
	tab := make([]float64, 1<<uint(n))
	lz := enumerate(&r.Visible, &r.Hidden, rowMajor(r.W, false), tab)
	for k := range tab {
		tab[k] -= lz
	}
	return tab, lz, nil
}
