package transfer

import (
	"context"
	"fmt"
	"math"

	"github.com/isingrbm/isingrbm/lattice"
)

// Methods lists the method names accepted by Compute, besides "auto".
var Methods = []string{MethodEnumerate, MethodTransfer, MethodTransferM, MethodKaufman, MethodOnsager, MethodDOS}

// Options configures Compute. The zero value uses every core.
type Options struct {
	Enum EnumOptions
}

// square describes a uniform square lattice: coupling jx on x bonds, jy on y
// bonds, field h on every site.
type square struct {
	lx, ly  int
	bx, by  lattice.Boundary
	jx, jy  float64
	h       float64
	uniform bool // couplings uniform per axis and field uniform
}

// squareOf recognises a square lattice built by lattice.Square (or Spec)
// and reports whether its couplings are uniform per axis and its field uniform.
func squareOf(m *lattice.Model) (*square, bool) {
	g := m.Geometry
	if g.Kind != lattice.KindSquare || len(g.Dims) != 2 || len(g.Boundary) != 2 {
		return nil, false
	}
	s := &square{lx: g.Dims[0], ly: g.Dims[1], bx: g.Boundary[0], by: g.Boundary[1], uniform: true}
	if s.lx*s.ly != m.N {
		return nil, false
	}
	setx, sety := false, false
	for _, b := range m.Bonds() {
		x1, y1, x2, y2 := b.I%s.lx, b.I/s.lx, b.J%s.lx, b.J/s.lx
		switch {
		case y1 == y2 && x1 != x2:
			if !setx {
				s.jx, setx = b.Coupling, true
			} else if b.Coupling != s.jx {
				s.uniform = false
			}
		case x1 == x2 && y1 != y2:
			if !sety {
				s.jy, sety = b.Coupling, true
			} else if b.Coupling != s.jy {
				s.uniform = false
			}
		default:
			return nil, false
		}
	}
	h, ok := m.UniformField()
	s.h = h
	s.uniform = s.uniform && ok
	return s, true
}

// chainOf recognises a uniform chain.
func chainOf(m *lattice.Model) (j, h float64, bc lattice.Boundary, ok bool) {
	g := m.Geometry
	if g.Kind != lattice.KindChain || len(g.Boundary) != 1 {
		return 0, 0, 0, false
	}
	j, okj := m.UniformCoupling()
	h, okh := m.UniformField()
	return j, h, g.Boundary[0], okj && okh
}

// magSquare returns the uniform square lattice (a chain is an N x 1 strip)
// that MethodTransferM computes for m.
func magSquare(m *lattice.Model) (*square, error) {
	if j, h, bc, ok := chainOf(m); ok {
		if bc == lattice.Periodic && m.N < 2 {
			return nil, fmt.Errorf("transfer-m: periodic chain of %d site: needs >= 2", m.N)
		}
		return &square{lx: m.N, ly: 1, bx: bc, by: lattice.Open, jx: j, h: h, uniform: true}, nil
	}
	sq, ok := squareOf(m)
	if !ok || !sq.uniform {
		return nil, fmt.Errorf("transfer-m: needs a chain or a square lattice with uniform coupling per axis and uniform field (got %s%s)",
			m.Geometry.Kind, map[bool]string{true: " with non-uniform couplings or fields", false: ""}[ok])
	}
	return sq, nil
}

// Applicable returns nil if method can compute the exact thermodynamics of m,
// and otherwise an error naming the limit and what it would cost.
func Applicable(m *lattice.Model, method string) error {
	switch method {
	case MethodEnumerate:
		if m.N > MaxEnumerateSites {
			return fmt.Errorf("enumerate: %d sites, at most %d: 2^%d = 10^%.1f states would take about %s",
				m.N, MaxEnumerateSites, m.N, float64(m.N)*math.Log10(2), humanDuration(EnumerationCost(m.N)/enumRate))
		}
		return nil
	case MethodTransfer:
		if _, _, _, ok := chainOf(m); ok {
			return nil
		}
		sq, ok := squareOf(m)
		if !ok || !sq.uniform {
			return fmt.Errorf("transfer: needs a chain or a square lattice with uniform coupling per axis and uniform field (got %s%s)",
				m.Geometry.Kind, map[bool]string{true: " with non-uniform couplings or fields", false: ""}[ok])
		}
		return stripApplicable(sq)
	case MethodTransferM:
		sq, err := magSquare(m)
		if err != nil {
			return err
		}
		_, err = magPlan(sq, 0)
		return err
	case MethodKaufman, MethodDOS:
		sq, ok := squareOf(m)
		if !ok || sq.bx != lattice.Periodic || sq.by != lattice.Periodic {
			return fmt.Errorf("%s: needs a square torus (periodic in both directions), got %s", method, describe(m))
		}
		if !sq.uniform {
			return fmt.Errorf("%s: needs uniform couplings per axis and no field disorder", method)
		}
		if sq.h != 0 {
			return fmt.Errorf("%s: needs zero field (got h = %g); use --method transfer or enumerate", method, sq.h)
		}
		if !(sq.jx > 0 && sq.jy > 0) {
			return fmt.Errorf("%s: needs ferromagnetic couplings J > 0 (got Jx = %g, Jy = %g)", method, sq.jx, sq.jy)
		}
		if method == MethodDOS {
			if sq.jx != sq.jy {
				return fmt.Errorf("dos: needs isotropic couplings (got Jx = %g, Jy = %g)", sq.jx, sq.jy)
			}
			if sq.lx%2 == 1 && sq.ly%2 == 1 {
				return fmt.Errorf("dos: %dx%d torus: at least one side must be even", sq.lx, sq.ly)
			}
			if sq.lx*sq.ly > MaxDOSSites {
				return fmt.Errorf("dos: %dx%d torus: at most %d sites (big-float polynomial products cost ~N^3 bit operations; 32x32 takes ~10 s)", sq.lx, sq.ly, MaxDOSSites)
			}
		}
		return nil
	case MethodOnsager:
		sq, ok := squareOf(m)
		if !ok || !sq.uniform || sq.h != 0 || sq.jx != sq.jy || !(sq.jx > 0) {
			return fmt.Errorf("onsager: gives the infinite square lattice and needs a square lattice with uniform J > 0 and zero field (got %s)", describe(m))
		}
		return nil
	}
	return fmt.Errorf("unknown method %q: allowed auto, enumerate, transfer, transfer-m, kaufman, onsager, dos", method)
}

func describe(m *lattice.Model) string {
	s := string(m.Geometry.Kind)
	if len(m.Geometry.Dims) > 0 {
		s += fmt.Sprintf(" %v", m.Geometry.Dims)
	}
	if len(m.Geometry.Boundary) > 0 {
		s += fmt.Sprintf(" %v", m.Geometry.Boundary)
	}
	return s
}

// enumRate is the rough number of states per second used in cost estimates.
const enumRate = 4e8

func humanDuration(sec float64) string {
	switch {
	case sec < 1:
		return "under a second"
	case sec < 120:
		return fmt.Sprintf("%.0f s", sec)
	case sec < 7200:
		return fmt.Sprintf("%.0f min", sec/60)
	case sec < 2*86400:
		return fmt.Sprintf("%.0f h", sec/3600)
	case sec < 2*3.15e7:
		return fmt.Sprintf("%.0f days", sec/86400)
	case sec > 1e300 || math.IsInf(sec, 1):
		return "more than 10^292 years"
	}
	return fmt.Sprintf("%.3g years", sec/3.15e7)
}

// Auto budgets: a method that gives every quantity (<|m|> included) is
// preferred when it costs less than this.
const (
	// autoEnumerateSites: enumeration of up to 2^24 states takes well under
	// a second.
	autoEnumerateSites = 24
	// autoTransferMSeconds is the estimated time per temperature up to which
	// the magnetization transfer matrix is preferred (a 12x12 torus fits).
	autoTransferMSeconds = 20
)

// Auto returns the exact method for the finite model m and why it was
// chosen: the cheaper of the magnetization transfer matrix and enumeration
// of up to 2^24 states, which give every quantity, if either costs little;
// otherwise the fastest method that applies (which may lack <|m|>). Onsager
// (the infinite lattice) and dos (slower than Kaufman for the same models)
// are never chosen.
func Auto(m *lattice.Model) (string, string, error) {
	enumSmall := m.N <= autoEnumerateSites
	if sq, err := magSquare(m); err == nil {
		if p, err := magPlan(sq, 0); err == nil && (!enumSmall || p.magCost() < EnumerationCost(m.N)) &&
			p.magSeconds(0) <= autoTransferMSeconds {
			return MethodTransferM, fmt.Sprintf("gives every quantity, <|m|> too: magnetization-resolved row transfer matrix, about %.3g operations (%s)",
				p.magCost(), humanDuration(p.magSeconds(0))), nil
		}
	}
	if enumSmall {
		return MethodEnumerate, fmt.Sprintf("gives every quantity, <|m|> too: %d sites, enumeration of 2^%d states", m.N, m.N), nil
	}
	if _, _, _, ok := chainOf(m); ok {
		return MethodTransfer, "uniform chain: closed-form transfer matrix", nil
	}
	if Applicable(m, MethodKaufman) == nil {
		return MethodKaufman, "zero-field ferromagnetic torus: Kaufman's formula, O(L)", nil
	}
	enumOK := Applicable(m, MethodEnumerate) == nil
	if Applicable(m, MethodTransfer) == nil {
		sq, _ := squareOf(m)
		cost := stripCost(sq)
		if !enumOK || cost < EnumerationCost(m.N) {
			return MethodTransfer, fmt.Sprintf("uniform square lattice: row transfer matrix, about %.3g operations", cost), nil
		}
	}
	if enumOK {
		return MethodEnumerate, fmt.Sprintf("%d sites: enumeration of 2^%d states", m.N, m.N), nil
	}
	return "", "", fmt.Errorf("no exact method applies to this model (%s, %d sites): %v; %v", describe(m), m.N,
		Applicable(m, MethodEnumerate), Applicable(m, MethodTransfer))
}

// Compute returns the exact thermodynamics of m at each beta by the named
// method ("auto" picks one with Auto; the chosen name is in Result.Method).
// It returns an error, before any long computation, if the method cannot
// serve the model.
func Compute(ctx context.Context, m *lattice.Model, betas []float64, method string, opt Options) ([]*Result, error) {
	if m == nil || m.N < 1 {
		return nil, fmt.Errorf("transfer: empty model")
	}
	for _, b := range betas {
		if err := checkBeta(b); err != nil {
			return nil, err
		}
	}
	if method == "auto" || method == "" {
		var err error
		if method, _, err = Auto(m); err != nil {
			return nil, err
		}
	}
	if err := Applicable(m, method); err != nil {
		return nil, err
	}
	res, err := compute(ctx, m, betas, method, opt)
	if err != nil {
		return nil, err
	}
	// Every method gives ln Z; a missing one is an overflow (Result.set
	// leaves non-finite values out), which is an error, not an empty row.
	for _, r := range res {
		if r.Has&HasLnZ == 0 {
			return nil, fmt.Errorf("transfer: %s at beta %g: ln Z overflows float64 (beta J or beta h too large for this method)", method, r.Beta)
		}
	}
	return res, nil
}

func compute(ctx context.Context, m *lattice.Model, betas []float64, method string, opt Options) ([]*Result, error) {
	out := make([]*Result, 0, len(betas))
	each := func(f func(b float64) (*Result, error)) ([]*Result, error) {
		for _, b := range betas {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r, err := f(b)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	switch method {
	case MethodEnumerate:
		return EnumerateBetas(ctx, m, betas, opt.Enum)
	case MethodTransfer:
		if j, h, bc, ok := chainOf(m); ok {
			return each(func(b float64) (*Result, error) { return Chain(m.N, j, h, b, bc) })
		}
		sq, _ := squareOf(m)
		return each(func(b float64) (*Result, error) { return strip(ctx, sq, b) })
	case MethodTransferM:
		sq, _ := magSquare(m)
		return each(func(b float64) (*Result, error) { return transferM(ctx, sq, b, 0) })
	case MethodKaufman:
		sq, _ := squareOf(m)
		return each(func(b float64) (*Result, error) { return Kaufman(sq.lx, sq.ly, sq.jx, sq.jy, b) })
	case MethodOnsager:
		sq, _ := squareOf(m)
		return each(func(b float64) (*Result, error) { return Onsager(sq.jx, b) })
	case MethodDOS:
		sq, _ := squareOf(m)
		d, err := DOS(ctx, sq.lx, sq.ly)
		if err != nil {
			return nil, err
		}
		return each(func(b float64) (*Result, error) { return d.Thermo(sq.jx, b), nil })
	}
	return nil, fmt.Errorf("unknown method %q", method)
}
