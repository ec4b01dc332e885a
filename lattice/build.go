package lattice

import (
	"fmt"
	"math"

	"github.com/isingrbm/isingrbm/internal/budget"
	"github.com/isingrbm/isingrbm/internal/quote"
)

// Size limits, checked before anything is allocated: a model holds 24 bytes
// per bond and 8 per site, so these bound it to a few GiB.
const (
	MaxSites = 1 << 26 // sites of any model (an 8192 x 8192 square lattice)
	MaxBonds = 1 << 27 // bonds of any model (a complete graph of 16384 sites)
)

// ModelBytes estimates the memory of a model of n sites and b bonds with
// its neighbour list: 24 bytes per bond and 8 per site in the model, 24
// per bond and 4 per site in the neighbour list (float64 operands: the
// estimate is the same on 32-bit machines, an upper bound there).
func ModelBytes(n, b float64) float64 { return 48*b + 16*n }

// DenseBytes is the memory of one dense n x n float64 matrix (the coupling
// matrix of CouplingMatrix).
func DenseBytes(n int) float64 { return 8 * float64(n) * float64(n) }

// checkBudget refuses a model of n sites and b bonds that does not fit the
// memory budget (internal/budget), before it is allocated.
func checkBudget(desc string, n, b float64) error {
	return budget.Check(fmt.Sprintf("lattice: %s (%.0f sites, %.0f bonds)", desc, n, b), ModelBytes(n, b), "--size")
}

// checkAxes validates lattice dimensions and boundaries.
func checkAxes(dims []int, bc []Boundary) error {
	if len(dims) != len(bc) {
		return fmt.Errorf("lattice: %d dimensions but %d boundaries", len(dims), len(bc))
	}
	n := 1
	for a, l := range dims {
		if l < 1 {
			return fmt.Errorf("lattice: size %d on axis %d: must be at least 1", l, a)
		}
		if bc[a] == Periodic && l < 2 {
			return fmt.Errorf("lattice: periodic axis %d of length 1 would make a self-loop: use length >= 2 or open boundary", a)
		}
		if n > MaxSites/l {
			return fmt.Errorf("lattice: size %v: too many sites (at most %d)", dims, MaxSites)
		}
		n *= l
	}
	return nil
}

// gridBonds adds the bonds from every site to its neighbour at offset off
// (one entry per axis, each -1, 0 or +1), skipping those that cross an open
// boundary. Sites are x + Lx*(y + Ly*z).
func gridBonds(dims []int, bc []Boundary, off []int, bonds []Bond) []Bond {
	n := 1
	for _, l := range dims {
		n *= l
	}
	coord := make([]int, len(dims))
	for i := 0; i < n; i++ {
		r := i
		for a, l := range dims {
			coord[a] = r % l
			r /= l
		}
		j, stride, ok := 0, 1, true
		for a, l := range dims {
			c := coord[a] + off[a]
			if c < 0 || c >= l {
				if bc[a] == Open {
					ok = false
					break
				}
				c = (c + l) % l
			}
			j += c * stride
			stride *= l
		}
		if ok {
			bonds = append(bonds, Bond{I: i, J: j, Coupling: 1})
		}
	}
	return bonds
}

func grid(kind Kind, dims []int, bc []Boundary, offsets [][]int) (*Model, error) {
	if err := checkAxes(dims, bc); err != nil {
		return nil, err
	}
	n := 1
	for _, l := range dims {
		n *= l
	}
	if err := checkBudget(fmt.Sprintf("%s lattice of size %v", kind, dims), float64(n), float64(n*len(offsets))); err != nil {
		return nil, err
	}
	bonds := make([]Bond, 0, n*len(offsets))
	for _, off := range offsets {
		bonds = gridBonds(dims, bc, off, bonds)
	}
	return New(n, bonds, nil, Geometry{Kind: kind, Dims: append([]int(nil), dims...), Boundary: append([]Boundary(nil), bc...)})
}

// Chain returns a chain of n sites with unit couplings.
func Chain(n int, bc Boundary) (*Model, error) {
	return grid(KindChain, []int{n}, []Boundary{bc}, [][]int{{1}})
}

// Square returns an lx x ly square lattice with unit couplings; bx and by are
// the boundaries of the x and y axes.
func Square(lx, ly int, bx, by Boundary) (*Model, error) {
	return grid(KindSquare, []int{lx, ly}, []Boundary{bx, by}, [][]int{{1, 0}, {0, 1}})
}

// Triangular returns an lx x ly triangular lattice (square lattice plus the
// (+1,+1) diagonal) with unit couplings.
func Triangular(lx, ly int, bx, by Boundary) (*Model, error) {
	return grid(KindTriangular, []int{lx, ly}, []Boundary{bx, by}, [][]int{{1, 0}, {0, 1}, {1, 1}})
}

// Cubic returns an lx x ly x lz simple cubic lattice with unit couplings.
func Cubic(lx, ly, lz int, bx, by, bz Boundary) (*Model, error) {
	return grid(KindCubic, []int{lx, ly, lz}, []Boundary{bx, by, bz}, [][]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
}

// Scaling is the size scaling of complete-graph couplings.
type Scaling int

// Complete-graph scalings. The zero value is ScaleNone.
const (
	ScaleNone  Scaling = iota // J_ij = J
	ScaleN                    // J_ij = J/N (Curie–Weiss)
	ScaleSqrtN                // J_ij = J/sqrt(N) (Sherrington–Kirkpatrick)
)

// ParseScaling parses "none", "n" (or "1/n") and "sqrtn" (or "1/sqrtn").
func ParseScaling(s string) (Scaling, error) {
	switch s {
	case "none", "":
		return ScaleNone, nil
	case "n", "1/n":
		return ScaleN, nil
	case "sqrtn", "1/sqrtn":
		return ScaleSqrtN, nil
	}
	return 0, fmt.Errorf("unknown scaling %s: allowed none, n (Curie–Weiss J/N), sqrtn (SK J/sqrt N)", quote.Q(s))
}

// Factor returns the multiplier of the couplings for n sites.
func (s Scaling) Factor(n int) float64 {
	switch s {
	case ScaleN:
		return 1 / float64(n)
	case ScaleSqrtN:
		return 1 / math.Sqrt(float64(n))
	}
	return 1
}

// maxComplete is the largest complete graph with at most MaxBonds bonds.
const maxComplete = 16384

// Complete returns the complete graph on n sites, every pair joined by one
// bond of coupling s.Factor(n).
func Complete(n int, s Scaling) (*Model, error) {
	if n < 2 {
		return nil, fmt.Errorf("lattice: complete graph of %d sites: need at least 2", n)
	}
	if n > maxComplete {
		return nil, fmt.Errorf("lattice: complete graph of %d sites: at most %d (%d bonds)", n, maxComplete, MaxBonds)
	}
	if err := checkBudget(fmt.Sprintf("complete graph of %d sites", n), float64(n), float64(n)*float64(n-1)/2); err != nil {
		return nil, err
	}
	f := s.Factor(n)
	bonds := make([]Bond, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			bonds = append(bonds, Bond{I: i, J: j, Coupling: f})
		}
	}
	return New(n, bonds, nil, Geometry{Kind: KindComplete, Dims: []int{n}})
}
