package rbm

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/isingrbm/isingrbm/internal/par"
)

// Effective couplings of the visible marginal (Mehta et al. 2019, sec. XVI).
//
// Marginalising the hidden layer gives
//
//	-F(v) = sum_i a_i v_i + sum_mu K_mu(t_mu),  t_mu = sum_i W_{i mu} v_i,
//
// and since v_i^2 = v_i ({0,1} units) or s_i^2 = 1 (spins), -F is a
// multilinear polynomial: -F(v) = const + sum_S J_S prod_{i in S} v_i.
// ExactCouplings obtains every J_S from the table of -F over the 2^N visible
// states (Walsh–Hadamard for spins, Möbius for {0,1}); CumulantCouplings
// expands K_mu(t) = sum_{n <= K} kappa_mu^(n) t^n/n! and reduces t^n to
// multilinear form:
//
//	{0,1} units: t^n -> n! [x^n] sum_S prod_{i in S} (e^{W_i x} - 1) prod_{i in S} v_i
//	spins:       t^n -> n! [x^n] sum_S prod_{i in S} sinh(W_i x) prod_{i not in S} cosh(W_i x) prod_{i in S} s_i
//
// (exponential generating functions of the index sequences whose set of
// distinct, respectively odd-multiplicity, indices is S). So the truncated
// series at order K has terms with |S| <= K only, the order-n cumulant feeds
// every |S| <= n (with |S| = n mod 2 for spins), and the prediction for
// |S| = k is exact up to the cumulants of order > K.

// stateVector fills dst with the visible vector of state k (unit i up iff
// bit i of k is set) in the encoding of typ: {0,1} for Bernoulli, {-1,+1} for
// spin, and returns it.
func stateVector(dst []float64, k uint64, typ LayerType) []float64 {
	off, on := typ.values()
	for i := range dst {
		if k>>uint(i)&1 == 1 {
			dst[i] = on
		} else {
			dst[i] = off
		}
	}
	return dst
}

// NegFreeEnergyTable returns -F(v) for every visible state k in [0, 2^N)
// (unit i up iff bit i of k is set), with F as in FreeEnergy. The visible
// layer must be discrete and N <= MaxWalshUnits. Each entry is computed from
// sums of at most N weights (no accumulated drift), so the table is accurate
// to a few ulps of its largest term. The work is spread over GOMAXPROCS
// goroutines; ctx is checked between blocks of 4096 states.
func (r *RBM) NegFreeEnergyTable(ctx context.Context) ([]float64, error) {
	n, m := r.Dims()
	if !r.Visible.Type.Discrete() {
		return nil, fmt.Errorf("rbm: exact couplings need a discrete visible layer, have %s", r.Visible.Type)
	}
	if n > MaxWalshUnits {
		return nil, fmt.Errorf("rbm: %d visible units: exact tables allow at most %d", n, MaxWalshUnits)
	}
	off, on := r.Visible.Type.values()
	lowBits := min(n, 12)
	nLow := 1 << lowBits
	nHigh := 1 << (n - lowBits)
	// tLow[k][mu]: input from the low units of state k, plus their bias term.
	tLow := make([]float64, nLow*m)
	aLow := make([]float64, nLow)
	base := make([]float64, m) // all units down
	var aBase float64
	for i := 0; i < n; i++ {
		aBase += r.Visible.Potential(i, off)
		for mu := 0; mu < m; mu++ {
			base[mu] += off * r.W.At(i, mu)
		}
	}
	d := on - off
	for k := 1; k < nLow; k++ {
		i := bits.Len(uint(k)) - 1 // highest set bit
		parent := k &^ (1 << i)
		aLow[k] = aLow[parent] + r.Visible.Potential(i, on) - r.Visible.Potential(i, off)
		for mu := 0; mu < m; mu++ {
			tLow[k*m+mu] = tLow[parent*m+mu] + d*r.W.At(i, mu)
		}
	}
	tHigh := make([]float64, nHigh*m)
	aHigh := make([]float64, nHigh)
	for k := 1; k < nHigh; k++ {
		j := bits.Len(uint(k)) - 1
		i := lowBits + j
		parent := k &^ (1 << j)
		aHigh[k] = aHigh[parent] + r.Visible.Potential(i, on) - r.Visible.Potential(i, off)
		for mu := 0; mu < m; mu++ {
			tHigh[k*m+mu] = tHigh[parent*m+mu] + d*r.W.At(i, mu)
		}
	}
	out := make([]float64, 1<<n)
	hu, hb, hs := r.Hidden.Type.unit(), r.Hidden.Bias, r.Hidden.widths()
	// Blocks of 2^lowBits states are independent: workers take them in any
	// order, and every entry is computed the same way, so the table does not
	// depend on GOMAXPROCS.
	ths := make([][]float64, par.Workers(nHigh)) // per worker: the input from the high units
	err := par.Chunks(ctx, nHigh, func(wk, hk int) error {
		if ths[wk] == nil {
			ths[wk] = make([]float64, m)
		}
		th := ths[wk]
		for mu := range th {
			th[mu] = base[mu] + tHigh[hk*m+mu]
		}
		ah := aBase + aHigh[hk]
		blk := out[hk*nLow : (hk+1)*nLow]
		for lk := range blk {
			tl := tLow[lk*m : (lk+1)*m]
			s := ah + aLow[lk]
			for mu, x := range tl {
				s += hu.cgf(hb[mu], hs[mu], th[mu]+x)
			}
			blk[lk] = s
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExactCouplings returns the multilinear coefficients J_S of -F(v) for every
// subset S of the visible units, indexed by S (bit i set iff i in S):
// -F(v) = sum_S J_S prod_{i in S} v_i, J_{∅} the constant. For spin units this
// is the Walsh–Hadamard transform of the table, for Bernoulli units the
// Möbius transform. Needs a discrete visible layer and N <= MaxWalshUnits;
// memory 8·2^N bytes, time O((N + M) 2^N).
func (r *RBM) ExactCouplings(ctx context.Context) ([]float64, error) {
	f, err := r.NegFreeEnergyTable(ctx)
	if err != nil {
		return nil, err
	}
	if r.Visible.Type == Spin {
		WalshTransform(f)
	} else {
		MobiusTransform(f)
	}
	return f, nil
}

// CouplingTerm is the coefficient of prod_{i in Sites} v_i in -F(v): the
// exact value and the prediction of the cumulant series truncated at the
// requested order.
type CouplingTerm struct {
	Sites    []int   `json:"sites"`
	Exact    float64 `json:"exact"`
	Cumulant float64 `json:"cumulant"`
}

// OrderError summarises the terms with |S| = Order: the largest
// |exact - cumulant| and the Euclidean norm sqrt(sum_S J_S^2) of the exact
// coefficients.
type OrderError struct {
	Order       int     `json:"order"`
	MaxAbsError float64 `json:"max_abs_error"`
	NormExact   float64 `json:"norm_exact"`
}

// CouplingExpansion is the comparison of the exact effective couplings with
// the truncated cumulant series, for every |S| from 1 to Order.
type CouplingExpansion struct {
	Order      int            `json:"-"`
	Terms      []CouplingTerm `json:"terms"`
	OrderError []OrderError   `json:"order_error"`
}

// seriesMulTrunc sets dst = a*b truncated to len(dst) coefficients.
func seriesMulTrunc(dst, a, b []float64) {
	clear(dst)
	for i, x := range a {
		if x == 0 {
			continue
		}
		for j := 0; i+j < len(dst) && j < len(b); j++ {
			dst[i+j] += x * b[j]
		}
	}
}

// CumulantCouplings calls fn(S, c) for every subset S of the visible units
// with 1 <= |S| <= min(order, N), in lexicographic order of the sorted site lists,
// where c is the coefficient of prod_{i in S} v_i in the cumulant series of
// -F truncated at order (including the visible bias for |S| = 1). The slice S
// is reused between calls. The visible layer must be discrete; order must be
// in 1..MaxCumulantOrder. Cost: M K^2 per subset; ctx is checked every 4096
// subsets.
func (r *RBM) CumulantCouplings(ctx context.Context, order int, fn func(S []int, c float64)) error {
	n, m := r.Dims()
	if !r.Visible.Type.Discrete() {
		return fmt.Errorf("rbm: cumulant couplings need a discrete visible layer, have %s", r.Visible.Type)
	}
	if order < 1 || order > MaxCumulantOrder {
		return fmt.Errorf("rbm: order %d: allowed 1..%d", order, MaxCumulantOrder)
	}
	K := order
	spin := r.Visible.Type == Spin
	kappa := make([][]float64, m)
	// per-unit series f_{i mu}(x), truncated at degree K: e^{Wx}-1 or tanh(Wx)
	fser := make([][]float64, n*m)
	start := make([][]float64, m) // 1, or prod_i cosh(W_{i mu} x)
	for mu := 0; mu < m; mu++ {
		kappa[mu] = r.Hidden.Cumulants(mu, K)
		st := make([]float64, K+1)
		st[0] = 1
		tmp := make([]float64, K+1)
		for i := 0; i < n; i++ {
			w := r.W.At(i, mu)
			f := make([]float64, K+1)
			if spin {
				ch := make([]float64, K+1)
				sh := make([]float64, K+1)
				p := 1.0
				for c := 0; c <= K; c++ {
					if c > 0 {
						p *= w / float64(c)
					}
					if c%2 == 0 {
						ch[c] = p
					} else {
						sh[c] = p
					}
				}
				// tanh = sinh / cosh by power-series division (ch[0] = 1).
				for c := 0; c <= K; c++ {
					s := sh[c]
					for j := 1; j <= c; j++ {
						s -= ch[j] * f[c-j]
					}
					f[c] = s
				}
				seriesMulTrunc(tmp, st, ch)
				st, tmp = tmp, st
			} else {
				p := 1.0
				for c := 1; c <= K; c++ {
					p *= w / float64(c)
					f[c] = p
				}
			}
			fser[i*m+mu] = f
		}
		start[mu] = st
	}
	// Depth-first enumeration of subsets with prefix products per hidden unit.
	stack := make([][]float64, (K+1)*m) // stack[depth*m+mu]
	for d := range stack {
		stack[d] = make([]float64, K+1)
	}
	for mu := 0; mu < m; mu++ {
		copy(stack[mu], start[mu])
	}
	S := make([]int, 0, K)
	count := 0
	var err error
	var rec func(next, depth int)
	rec = func(next, depth int) {
		for i := next; i < n && err == nil; i++ {
			S = append(S, i)
			var c float64
			if depth == 0 {
				c = r.Visible.Potential(i, 1) - r.Visible.Potential(i, 0)
			}
			for mu := 0; mu < m; mu++ {
				cur := stack[(depth+1)*m+mu]
				seriesMulTrunc(cur, stack[depth*m+mu], fser[i*m+mu])
				for k := depth + 1; k <= K; k++ {
					c += kappa[mu][k-1] * cur[k]
				}
			}
			fn(S, c)
			count++
			if count&4095 == 0 {
				err = ctx.Err()
			}
			if depth+1 < K {
				rec(i+1, depth+1)
			}
			S = S[:len(S)-1]
		}
	}
	rec(0, 0)
	return err
}

// CouplingExpansion compares the exact couplings with the cumulant series
// truncated at order K for every subset with 1 <= |S| <= min(K, N). Terms
// are sorted by |S|, then lexicographically by their sorted site lists;
// OrderError has one entry per |S|.
func (r *RBM) CouplingExpansion(ctx context.Context, order int) (*CouplingExpansion, error) {
	n, _ := r.Dims()
	if order < 1 || order > MaxCumulantOrder {
		return nil, fmt.Errorf("rbm: order %d: allowed 1..%d", order, MaxCumulantOrder)
	}
	exact, err := r.ExactCouplings(ctx)
	if err != nil {
		return nil, err
	}
	out := &CouplingExpansion{Order: order}
	kmax := min(order, n)
	errs := make([]OrderError, kmax)
	norm2 := make([]float64, kmax)
	for k := range errs {
		errs[k].Order = k + 1
	}
	err = r.CumulantCouplings(ctx, order, func(S []int, c float64) {
		idx := 0
		for _, i := range S {
			idx |= 1 << i
		}
		e := exact[idx]
		out.Terms = append(out.Terms, CouplingTerm{Sites: append([]int(nil), S...), Exact: e, Cumulant: c})
		k := len(S) - 1
		errs[k].MaxAbsError = math.Max(errs[k].MaxAbsError, math.Abs(e-c))
		norm2[k] += e * e
	})
	if err != nil {
		return nil, err
	}
	for k := range errs {
		errs[k].NormExact = math.Sqrt(norm2[k])
	}
	slices.SortStableFunc(out.Terms, func(a, b CouplingTerm) int {
		if len(a.Sites) != len(b.Sites) {
			return len(a.Sites) - len(b.Sites)
		}
		return slices.Compare(a.Sites, b.Sites)
	})
	out.OrderError = errs
	return out, nil
}
