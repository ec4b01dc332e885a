package hs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/budget"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rbm"
)

// HiddenKind selects the hidden layer of the RBM.
type HiddenKind int

const (
	// GaussianHidden is the Hubbard–Stratonovich construction: Gaussian hidden
	// units (bias 0, sigma 1) coupled through A = beta J + c I = W W^T.
	GaussianHidden HiddenKind = iota
	// BondHidden is the discrete construction: one spin (±1) hidden unit per
	// coupled pair of sites.
	BondHidden
)

func (k HiddenKind) String() string {
	switch k {
	case GaussianHidden:
		return "gaussian"
	case BondHidden:
		return "bond"
	}
	return fmt.Sprintf("HiddenKind(%d)", int(k))
}

// ParseHiddenKind parses "gaussian" or "bond".
func ParseHiddenKind(s string) (HiddenKind, error) {
	switch s {
	case "gaussian":
		return GaussianHidden, nil
	case "bond":
		return BondHidden, nil
	}
	return 0, fmt.Errorf("unknown hidden layer %q: allowed gaussian or bond", s)
}

// Encoding selects the visible units of the RBM.
type Encoding int

const (
	// SpinEncoding: visible units are the Ising spins s_i in {-1,+1}.
	SpinEncoding Encoding = iota
	// BernoulliEncoding: visible units v_i in {0,1} with s_i = 2 v_i - 1,
	// substituted exactly into biases and weights.
	BernoulliEncoding
)

func (e Encoding) String() string {
	switch e {
	case SpinEncoding:
		return "spin"
	case BernoulliEncoding:
		return "bernoulli"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// ParseEncoding parses "spin" or "bernoulli".
func ParseEncoding(s string) (Encoding, error) {
	switch s {
	case "spin":
		return SpinEncoding, nil
	case "bernoulli", "binary":
		return BernoulliEncoding, nil
	}
	return 0, fmt.Errorf("unknown encoding %q: allowed spin or bernoulli", s)
}

// Factorization selects how A = W W^T is factored.
type Factorization int

const (
	// Eigen: W = U Lambda^{1/2} from the eigendecomposition A = U Lambda U^T,
	// with the zero modes dropped (the fewest hidden units).
	Eigen Factorization = iota
	// Cholesky: W = L, the lower Cholesky factor (N hidden units; A must be
	// positive definite).
	Cholesky
)

func (f Factorization) String() string {
	switch f {
	case Eigen:
		return "eigen"
	case Cholesky:
		return "cholesky"
	}
	return fmt.Sprintf("Factorization(%d)", int(f))
}

// ParseFactorization parses "eigen" or "cholesky".
func ParseFactorization(s string) (Factorization, error) {
	switch s {
	case "eigen", "eig":
		return Eigen, nil
	case "cholesky", "chol":
		return Cholesky, nil
	}
	return 0, fmt.Errorf("unknown factorization %q: allowed eigen or cholesky", s)
}

// ShiftMode selects the diagonal shift c of A = beta J + c I.
type ShiftMode int

const (
	// ShiftAuto: c = -lambda_min(beta J) + Margin(beta J), the smallest shift
	// that leaves A safely positive definite (see Margin).
	ShiftAuto ShiftMode = iota
	// ShiftMin: c = -lambda_min(beta J) exactly; A is positive semidefinite
	// and its zero modes are dropped (eigen factorization only).
	ShiftMin
	// ShiftValue: the given Shift.Value; refused if A = beta J + c I is not
	// positive semidefinite (eigen) or positive definite (Cholesky).
	ShiftValue
)

// Shift is the shift choice. The zero value is ShiftAuto.
type Shift struct {
	Mode  ShiftMode
	Value float64 // used only with ShiftValue
}

// ParseShift parses "auto", "min" or a finite number.
func ParseShift(s string) (Shift, error) {
	switch strings.TrimSpace(s) {
	case "", "auto":
		return Shift{Mode: ShiftAuto}, nil
	case "min":
		return Shift{Mode: ShiftMin}, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Shift{}, fmt.Errorf("shift %q: allowed auto, min or a finite number", s)
	}
	return Shift{Mode: ShiftValue, Value: v}, nil
}

func (s Shift) String() string {
	switch s.Mode {
	case ShiftAuto:
		return "auto"
	case ShiftMin:
		return "min"
	}
	return strconv.FormatFloat(s.Value, 'g', -1, 64)
}

// Config chooses the construction. The zero value is the Gaussian-hidden,
// spin-visible RBM with the automatic shift and the eigen factorization.
type Config struct {
	Hidden   HiddenKind
	Encoding Encoding
	Factor   Factorization // Gaussian hidden only
	Shift    Shift         // Gaussian hidden only
}

// Result is the RBM built from an Ising model and what relates the two.
type Result struct {
	// RBM has the model's N sites as visible units (site order kept).
	RBM *rbm.RBM
	// Shift is the diagonal shift c of A = beta J + c I (Gaussian hidden);
	// 0 for bond hidden units.
	Shift float64
	// LnZOffset is the exact constant ln Z_RBM - ln Z_Ising, with Z_RBM the
	// normaliser of exp(-F(v)) (rbm.RBM.LogZ): for spin visible units
	// F(s) = beta H(s) - LnZOffset for every state s.
	LnZOffset float64
	// Eigenvalues are the eigenvalues of beta J in increasing order
	// (Gaussian hidden only).
	Eigenvalues []float64
	// Dropped is the number of zero modes of A left out (eigen factorization).
	Dropped int
}

// Margin returns the margin that ShiftAuto adds to -lambda_min(beta J):
// 1e-6 * max(1, max |lambda(beta J)|). It is far above the rounding of the
// eigenvalues (~1e-16 N ||beta J||), so that A stays numerically positive
// definite and Cholesky succeeds, while changing W by a negligible amount.
func Margin(eigenvalues []float64) float64 {
	s := 1.0
	for _, l := range eigenvalues {
		s = math.Max(s, math.Abs(l))
	}
	return 1e-6 * s
}

// zeroTol is the size below which an eigenvalue of A counts as a zero mode.
func zeroTol(eigenvalues []float64) float64 {
	s := 1.0
	for _, l := range eigenvalues {
		s = math.Max(s, math.Abs(l))
	}
	return 1e-12 * s * float64(max(len(eigenvalues), 1))
}

// Build returns the RBM whose visible marginal is exactly the Ising
// distribution p(s) = exp(-beta H(s))/Z of m. It returns an error for a
// negative or non-finite beta or a refused shift.
func Build(m *lattice.Model, beta float64, cfg Config) (*Result, error) {
	if math.IsNaN(beta) || math.IsInf(beta, 0) || beta < 0 {
		return nil, fmt.Errorf("hs: beta %v: must be finite and >= 0", beta)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := checkFinite(m, beta); err != nil {
		return nil, err
	}
	if err := checkMemory(m, cfg); err != nil {
		return nil, err
	}
	var res *Result
	var err error
	switch cfg.Hidden {
	case GaussianHidden:
		res, err = buildGaussian(m, beta, cfg)
	case BondHidden:
		res, err = buildBond(m, beta)
	default:
		return nil, fmt.Errorf("hs: hidden kind %d: allowed gaussian or bond", int(cfg.Hidden))
	}
	if err != nil {
		return nil, err
	}
	if math.IsInf(res.LnZOffset, 0) || math.IsNaN(res.LnZOffset) {
		return nil, fmt.Errorf("hs: ln Z offset %v: overflows float64 at beta %g", res.LnZOffset, beta)
	}
	switch cfg.Encoding {
	case SpinEncoding:
	case BernoulliEncoding:
		b, d, err := res.RBM.BernoulliVisible()
		if err != nil {
			return nil, err
		}
		res.RBM = b
		res.LnZOffset += d
	default:
		return nil, fmt.Errorf("hs: encoding %d: allowed spin or bernoulli", int(cfg.Encoding))
	}
	return res, nil
}

// checkFinite refuses a model whose couplings times beta overflow: the
// dimensionless couplings beta J_ij, fields beta h_i and the largest local
// field beta (sum_j |J_ij| + |h_i|) must be finite.
func checkFinite(m *lattice.Model, beta float64) error {
	local := make([]float64, m.N)
	for _, b := range m.Bonds() {
		local[b.I] += math.Abs(b.Coupling)
		local[b.J] += math.Abs(b.Coupling)
	}
	for i, l := range local {
		if v := beta * (l + math.Abs(m.Fields[i])); math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("hs: beta %g: beta J = %g, beta h = %g: beta (sum_j |J_ij| + |h_i|) at site %d = %v overflows float64",
				beta, beta*l, beta*m.Fields[i], i, v)
		}
	}
	return nil
}

// checkMemory refuses, before anything is allocated, a construction whose
// dense matrices exceed the memory budget (internal/budget): the Gaussian
// construction holds about five N x N float64 matrices (beta J, its
// eigenvectors, the workspace, W), the bond construction the coupling
// matrix and an N x bonds weight matrix.
func checkMemory(m *lattice.Model, cfg Config) error {
	n := float64(m.N)
	need, what := 5*lattice.DenseBytes(m.N), fmt.Sprintf("hs: the Gaussian construction for %d sites (five dense %d x %d matrices)", m.N, m.N, m.N)
	if cfg.Hidden == BondHidden {
		need = lattice.DenseBytes(m.N) + 8*n*float64(max(m.NumBonds(), 1))
		what = fmt.Sprintf("hs: the bond construction for %d sites and %d bonds (dense %d x %d weights)", m.N, m.NumBonds(), m.N, m.NumBonds())
	}
	return budget.Check(what, need, "--size")
}

// Eigen returns the eigenvalues (increasing) and eigenvectors (columns) of beta J.
func eigen(m *lattice.Model, beta float64) ([]float64, *mat.Dense, error) {
	j := m.CouplingMatrix()
	j.ScaleSym(beta, j)
	var es mat.EigenSym
	if !es.Factorize(j, true) {
		return nil, nil, errors.New("hs: eigendecomposition of beta J did not converge")
	}
	var u mat.Dense
	es.VectorsTo(&u)
	return es.Values(nil), &u, nil
}

func buildGaussian(m *lattice.Model, beta float64, cfg Config) (*Result, error) {
	n := m.N
	lam, u, err := eigen(m, beta)
	if err != nil {
		return nil, err
	}
	lmin := lam[0]
	tol := zeroTol(lam)
	var c float64
	switch cfg.Shift.Mode {
	case ShiftAuto:
		c = -lmin + Margin(lam)
	case ShiftMin:
		if cfg.Factor == Cholesky {
			return nil, errors.New("hs: shift min leaves A = beta J + c I singular, which Cholesky cannot factor: use the eigen factorization or shift auto")
		}
		c = -lmin
	case ShiftValue:
		c = cfg.Shift.Value
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return nil, fmt.Errorf("hs: shift %v: must be finite", c)
		}
		if cfg.Factor == Cholesky && !(lmin+c > tol) {
			return nil, fmt.Errorf("hs: shift %v: A = beta J + c I has smallest eigenvalue %.6g, not positive definite as Cholesky needs: need c > %.12g (or use --shift auto)", c, lmin+c, -lmin)
		}
		if lmin+c < -tol {
			return nil, fmt.Errorf("hs: shift %v: A = beta J + c I has smallest eigenvalue %.6g, not positive semidefinite: need c >= %.12g (or use --shift auto or min)", c, lmin+c, -lmin)
		}
	default:
		return nil, fmt.Errorf("hs: shift mode %d: allowed auto, min or a value", int(cfg.Shift.Mode))
	}
	var w *mat.Dense
	dropped := 0
	switch cfg.Factor {
	case Eigen:
		var keep []int
		for k, l := range lam {
			if l+c > tol {
				keep = append(keep, k)
			}
		}
		dropped = n - len(keep)
		cols := max(len(keep), 1) // an all-zero A still needs one (unused) hidden unit
		w = mat.NewDense(n, cols, nil)
		for col, k := range keep {
			s := math.Sqrt(lam[k] + c)
			for i := 0; i < n; i++ {
				w.Set(i, col, u.At(i, k)*s)
			}
		}
	case Cholesky:
		a := m.CouplingMatrix()
		a.ScaleSym(beta, a)
		for i := 0; i < n; i++ {
			a.SetSym(i, i, c)
		}
		var ch mat.Cholesky
		if !ch.Factorize(a) {
			return nil, fmt.Errorf("hs: shift %v: Cholesky factorization of A = beta J + c I failed (smallest eigenvalue %.6g): A is not numerically positive definite", c, lmin+c)
		}
		var l mat.TriDense
		ch.LTo(&l)
		w = mat.NewDense(n, n, nil)
		w.Copy(&l)
	default:
		return nil, fmt.Errorf("hs: factorization %d: allowed eigen or cholesky", int(cfg.Factor))
	}
	// F(s) = beta H(s) - c N/2 reaches N (lambda_max + c)/2 in size: refuse
	// an overflow instead of an RBM whose ln Z is +Inf.
	if off, top := c*float64(n)/2, float64(n)*(lam[n-1]+c)/2; math.IsInf(off, 0) || math.IsInf(top, 0) {
		return nil, fmt.Errorf("hs: shift c = %g with beta J up to %g: the ln Z offset c N/2 = %g and the largest free energy N (lambda_max + c)/2 = %g must be finite (float64 overflows)", c, lam[n-1], off, top)
	}
	_, cols := w.Dims()
	vis := rbm.Layer{Type: rbm.Spin, Bias: make([]float64, n)}
	for i, h := range m.Fields {
		vis.Bias[i] = beta * h
	}
	hid := rbm.Layer{Type: rbm.Gaussian, Bias: make([]float64, cols), Sigma: make([]float64, cols)}
	for k := range hid.Sigma {
		hid.Sigma[k] = 1
	}
	r, err := rbm.New(vis, hid, w)
	if err != nil {
		return nil, err
	}
	// F(s) = -B.s - |W^T s|^2/2 = -B.s - s^T (beta J) s/2 - c N/2 = beta H(s) - c N/2.
	return &Result{RBM: r, Shift: c, LnZOffset: c * float64(n) / 2, Eigenvalues: lam, Dropped: dropped}, nil
}

// BondWeight returns w >= 0 with cosh 2w = exp(2|K|), the weight of the bond
// hidden unit that reproduces exp(K s s'): for every s, s' in {-1,+1},
// ln cosh(w (s + sign(K) s')) = K s s' + |K|. It is accurate for small and
// large |K| (no overflow of exp(2|K|)).
func BondWeight(k float64) float64 {
	a := math.Abs(k)
	// acosh(x) with x = e^{2a}.
	if a <= 1 {
		e := math.Expm1(2 * a) // x - 1
		return 0.5 * math.Log1p(e+math.Sqrt(e*(e+2)))
	}
	// acosh(x) = ln x + ln(1 + sqrt(1 - x^-2)).
	return 0.5 * (2*a + math.Log1p(math.Sqrt(-math.Expm1(-4*a))))
}

// buildBond builds the discrete construction: one spin hidden unit per pair of
// coupled sites (a doubled pair is merged and carries the summed coupling;
// pairs with zero total coupling get no unit), with
// exp(K s_i s_j) = exp(-|K|) cosh(w (s_i + sign(K) s_j)) and the hidden
// unit summed out: sum_{h=±1} exp(w h (s_i + sign(K) s_j)) = 2 cosh(...).
func buildBond(m *lattice.Model, beta float64) (*Result, error) {
	n := m.N
	j := m.CouplingMatrix()
	type pair struct {
		i, j int
		k    float64
	}
	var pairs []pair
	for i := 0; i < n; i++ {
		for jj := i + 1; jj < n; jj++ {
			if c := j.At(i, jj); c != 0 && beta != 0 {
				pairs = append(pairs, pair{i, jj, beta * c})
			}
		}
	}
	cols := max(len(pairs), 1)
	w := mat.NewDense(n, cols, nil)
	var off float64
	for col, p := range pairs {
		wt := BondWeight(p.k)
		w.Set(p.i, col, wt)
		if p.k > 0 {
			w.Set(p.j, col, wt)
		} else {
			w.Set(p.j, col, -wt)
		}
		off += math.Abs(p.k)
	}
	vis := rbm.Layer{Type: rbm.Spin, Bias: make([]float64, n)}
	for i, h := range m.Fields {
		vis.Bias[i] = beta * h
	}
	hid := rbm.Layer{Type: rbm.Spin, Bias: make([]float64, cols)}
	r, err := rbm.New(vis, hid, w)
	if err != nil {
		return nil, err
	}
	// F(s) = -B.s - sum_b ln cosh(...) = beta H(s) - sum_b |K_b|.
	return &Result{RBM: r, LnZOffset: off}, nil
}
