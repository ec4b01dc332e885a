package lattice

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/isingrbm/isingrbm/internal/quote"
	"github.com/isingrbm/isingrbm/internal/rng"
)

// Spec is a declarative description of a model, shared by the command-line
// flags and the experiment files. Field names in errors are the flag names.
//
// The zero value is not valid (Kind and Size are required); every other field's
// zero value is documented below.
type Spec struct {
	Kind     string   `toml:"kind" json:"kind"`                             // chain|square|triangular|cubic|complete|hopfield|edges
	Size     string   `toml:"size" json:"size,omitempty"`                   // "16", "4x4", "4x4x4"; number of axes must fit Kind
	Boundary string   `toml:"boundary" json:"boundary,omitempty"`           // "periodic" (zero value), "open", or per axis "periodic,open"
	J        *float64 `toml:"J" json:"J,omitempty"`                         // mean coupling; nil means 1
	H        float64  `toml:"h" json:"h,omitempty"`                         // mean field; zero value 0
	Disorder string   `toml:"disorder" json:"disorder,omitempty"`           // coupling disorder: none (zero value), pm, gaussian
	Sigma    float64  `toml:"sigma" json:"sigma,omitempty"`                 // width of gaussian coupling disorder
	HDisord  string   `toml:"h_disorder" json:"h_disorder,omitempty"`       // field disorder: none (zero value), pm, gaussian
	HSigma   float64  `toml:"h_sigma" json:"h_sigma,omitempty"`             // width of gaussian field disorder
	Seed     uint64   `toml:"disorder_seed" json:"disorder_seed,omitempty"` // seed of the disorder draw
	Scale    string   `toml:"scale" json:"scale,omitempty"`                 // complete graph: none (zero value), n, sqrtn
	Edges    string   `toml:"edges" json:"edges,omitempty"`                 // edge-list file for kind edges
	Patterns int      `toml:"patterns" json:"patterns,omitempty"`           // hopfield: stored patterns P >= 1; zero value for other kinds
}

// FieldError is a Spec error naming the offending field (the CLI flag name).
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

func ferr(field string, format string, a ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, a...)}
}

// ParseSize parses "16", "4x4" or "4x4x4" into dimensions, each >= 1.
func ParseSize(s string) ([]int, error) {
	if s == "" {
		return nil, errors.New("empty size: want N, LxL or LxLxL")
	}
	parts := strings.Split(strings.ToLower(s), "x")
	dims := make([]int, len(parts))
	for a, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("size %s: %s is not a positive integer (want N, LxL or LxLxL)", quote.Q(s), quote.Q(p))
		}
		if v < 1 {
			return nil, fmt.Errorf("size %s: %d must be >= 1", quote.Q(s), v)
		}
		dims[a] = v
	}
	return dims, nil
}

// axes returns the number of axes of a lattice kind (1 for chain, complete).
func axes(k Kind) int {
	switch k {
	case KindSquare, KindTriangular:
		return 2
	case KindCubic:
		return 3
	}
	return 1
}

// Build constructs the model described by s. The disorder draws use
// internal/rng streams of s.Seed, so a model is reproducible from its seed.
func (s Spec) Build() (*Model, error) {
	kind := Kind(s.Kind)
	known := kind == KindHopfield
	for _, k := range Kinds {
		known = known || k == kind
	}
	if !known {
		return nil, ferr("lattice", "unknown lattice %s: allowed chain, square, triangular, cubic, complete, hopfield, edges", quote.Q(s.Kind))
	}
	if err := checkPatterns(kind, s.Patterns); err != nil {
		return nil, err
	}
	var m *Model
	var err error
	if kind == KindEdges {
		if s.Edges == "" {
			return nil, ferr("edges", "lattice edges needs an edge-list file")
		}
		f, err := os.Open(s.Edges)
		if err != nil {
			return nil, ferr("edges", "%w", err)
		}
		m, err = ReadEdges(f, s.Edges)
		f.Close()
		if err != nil {
			return nil, ferr("edges", "%w", err)
		}
	} else {
		if s.Edges != "" {
			return nil, ferr("edges", "an edge-list file is only used with lattice edges")
		}
		dims, err := ParseSize(s.Size)
		if err != nil {
			return nil, ferr("size", "%w", err)
		}
		na := axes(kind)
		if len(dims) == 1 && na > 1 {
			for len(dims) < na {
				dims = append(dims, dims[0])
			}
		}
		if len(dims) != na {
			return nil, ferr("size", "%s lattice needs %d dimension(s), got %s", kind, na, quote.Q(s.Size))
		}
		var bc []Boundary
		if kind != KindComplete && kind != KindHopfield {
			bc, err = parseBoundaries(s.Boundary, na)
			if err != nil {
				return nil, ferr("boundary", "%w", err)
			}
		} else if s.Boundary != "" && s.Boundary != "periodic" {
			return nil, ferr("boundary", "a %s graph has no boundary", kind)
		}
		sc, err := ParseScaling(s.Scale)
		if err != nil {
			return nil, ferr("scale", "%w", err)
		}
		if sc != ScaleNone && kind != KindComplete {
			return nil, ferr("scale", "scaling applies to the complete graph only")
		}
		switch kind {
		case KindChain:
			m, err = Chain(dims[0], bc[0])
		case KindSquare:
			m, err = Square(dims[0], dims[1], bc[0], bc[1])
		case KindTriangular:
			m, err = Triangular(dims[0], dims[1], bc[0], bc[1])
		case KindCubic:
			m, err = Cubic(dims[0], dims[1], dims[2], bc[0], bc[1], bc[2])
		case KindComplete:
			m, err = Complete(dims[0], sc)
		case KindHopfield:
			m, err = hopfieldOf(dims[0], s.Patterns, s.Seed)
		}
		if err != nil {
			return nil, ferr("size", "%w", err)
		}
	}
	j := 1.0
	if s.J != nil {
		j = *s.J
	}
	cd, err := ParseDisorder(s.Disorder)
	if err != nil {
		return nil, ferr("disorder", "%w", err)
	}
	if s.Sigma < 0 || s.Sigma != s.Sigma {
		return nil, ferr("sigma", "%v: must be >= 0", s.Sigma)
	}
	if s.Sigma != 0 && cd != Gaussian {
		return nil, ferr("sigma", "a coupling width needs --disorder gaussian")
	}
	if err := m.SetCouplings(Dist{Kind: cd, Mean: j, Sigma: s.Sigma}, rng.New(s.Seed, rng.StreamDisorder)); err != nil {
		return nil, ferr("J", "%w", err)
	}
	hd, err := ParseDisorder(s.HDisord)
	if err != nil {
		return nil, ferr("h-disorder", "%w", err)
	}
	if s.HSigma < 0 || s.HSigma != s.HSigma {
		return nil, ferr("h-sigma", "%v: must be >= 0", s.HSigma)
	}
	if s.HSigma != 0 && hd != Gaussian {
		return nil, ferr("h-sigma", "a field width needs --h-disorder gaussian")
	}
	// An edge list keeps its own fields unless a field is asked for.
	if kind != KindEdges || s.H != 0 || hd != Uniform {
		if err := m.SetFields(Dist{Kind: hd, Mean: s.H, Sigma: s.HSigma}, rng.New(s.Seed, rng.StreamFields)); err != nil {
			return nil, ferr("h", "%w", err)
		}
	}
	return m, nil
}

func parseBoundaries(s string, n int) ([]Boundary, error) {
	if s == "" {
		s = "periodic"
	}
	parts := strings.Split(s, ",")
	if len(parts) != 1 && len(parts) != n {
		return nil, fmt.Errorf("%s: give one boundary or one per axis (%d), each periodic or open", quote.Q(s), n)
	}
	bc := make([]Boundary, n)
	for a := range bc {
		p := parts[0]
		if len(parts) == n {
			p = parts[a]
		}
		b, err := ParseBoundary(strings.TrimSpace(p))
		if err != nil {
			return nil, err
		}
		bc[a] = b
	}
	return bc, nil
}

// UniformChain reports whether s is a chain with uniform coupling J and
// field h (no disorder), and returns its length and boundary without
// building it, so that closed forms can serve chains of any length (the
// model itself is capped at MaxSites and the memory budget). Errors are
// those Build would give for the size and boundary.
func (s Spec) UniformChain() (n int, bc Boundary, ok bool, err error) {
	if Kind(s.Kind) != KindChain || s.Edges != "" || s.Patterns != 0 || s.Sigma != 0 || s.HSigma != 0 ||
		(s.Disorder != "" && s.Disorder != "none") || (s.HDisord != "" && s.HDisord != "none") || (s.Scale != "" && s.Scale != "none") {
		return 0, 0, false, nil
	}
	dims, err := ParseSize(s.Size)
	if err != nil {
		return 0, 0, false, ferr("size", "%w", err)
	}
	if len(dims) != 1 {
		return 0, 0, false, ferr("size", "chain lattice needs 1 dimension(s), got %s", quote.Q(s.Size))
	}
	bcs, err := parseBoundaries(s.Boundary, 1)
	if err != nil {
		return 0, 0, false, ferr("boundary", "%w", err)
	}
	if bcs[0] == Periodic && dims[0] < 2 {
		return 0, 0, false, ferr("size", "lattice: periodic axis 0 of length 1 would make a self-loop: use length >= 2 or open boundary")
	}
	return dims[0], bcs[0], true, nil
}
