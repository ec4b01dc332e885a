package lattice

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/quote"
)

// Kind names the geometry of a model.
type Kind string

// The geometries a Model can have.
const (
	KindChain      Kind = "chain"
	KindSquare     Kind = "square"
	KindTriangular Kind = "triangular"
	KindCubic      Kind = "cubic"
	KindComplete   Kind = "complete"
	KindEdges      Kind = "edges"
)

// Kinds lists every Kind, in the order used by help texts.
var Kinds = []Kind{KindChain, KindSquare, KindTriangular, KindCubic, KindComplete, KindEdges}

// Boundary is the boundary condition of one axis.
type Boundary int

// Boundary conditions. The zero value is Periodic.
const (
	Periodic Boundary = iota
	Open
)

func (b Boundary) String() string {
	switch b {
	case Periodic:
		return "periodic"
	case Open:
		return "open"
	}
	return fmt.Sprintf("Boundary(%d)", int(b))
}

// MarshalText implements encoding.TextMarshaler.
func (b Boundary) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// ParseBoundary parses "periodic" (also "p", "pbc") or "open" (also "o", "obc").
func ParseBoundary(s string) (Boundary, error) {
	switch s {
	case "periodic", "p", "pbc":
		return Periodic, nil
	case "open", "o", "obc", "free":
		return Open, nil
	}
	return 0, fmt.Errorf("unknown boundary %s: allowed periodic or open", quote.Q(s))
}

// Bond is one coupling term -J s_I s_J of the Hamiltonian.
type Bond struct {
	I, J     int
	Coupling float64
}

// Geometry describes where a model came from. Dims and Boundary have one entry
// per axis for lattices; a complete graph or an edge list has Dims = [N] and no
// boundary.
type Geometry struct {
	Kind     Kind
	Dims     []int
	Boundary []Boundary
}

// Model is an Ising model: N sites, a bond list and a field per site.
// The zero value is an empty model with no sites. A Model is not modified by
// any method except the Set* methods, so it can be shared by goroutines that
// only read it; the Set* methods must not run concurrently with readers.
//
// The bond list is private: read it with Bonds, Bond, BondList and NumBonds,
// change it with SetBonds, SetCoupling or SetCouplings. Every setter drops
// the cached neighbour list (see Neighbors), so it can never be stale. Fields
// are read directly wherever they are used (nothing derived from them is
// cached), so they may be edited in place; N must not be changed.
type Model struct {
	N        int
	Fields   []float64 // length N; h_i
	Geometry Geometry

	bonds []Bond
	nb    atomic.Pointer[Neighbors] // built lazily by Neighbors, dropped by the setters
}

// New returns a model with n sites, the given bonds and fields (nil fields
// mean h = 0), after validating them. The model takes ownership of both
// slices: the caller must not modify bonds afterwards.
func New(n int, bonds []Bond, fields []float64, g Geometry) (*Model, error) {
	if n < 1 {
		return nil, fmt.Errorf("lattice: number of sites %d: must be at least 1", n)
	}
	if fields == nil {
		fields = make([]float64, n)
	}
	m := &Model{N: n, bonds: bonds, Fields: fields, Geometry: g}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// Validate checks site indices, self-loops and finite couplings and fields.
func (m *Model) Validate() error {
	if m.N < 1 {
		return errors.New("lattice: model has no sites")
	}
	if len(m.Fields) != m.N {
		return fmt.Errorf("lattice: %d fields for %d sites", len(m.Fields), m.N)
	}
	for k, b := range m.bonds {
		if b.I < 0 || b.I >= m.N || b.J < 0 || b.J >= m.N {
			return fmt.Errorf("lattice: bond %d (%d,%d): site index out of range 0..%d", k, b.I, b.J, m.N-1)
		}
		if b.I == b.J {
			return fmt.Errorf("lattice: bond %d (%d,%d): self-loop not allowed", k, b.I, b.J)
		}
		if math.IsNaN(b.Coupling) || math.IsInf(b.Coupling, 0) {
			return fmt.Errorf("lattice: bond %d (%d,%d): coupling %v is not finite", k, b.I, b.J, b.Coupling)
		}
	}
	for i, h := range m.Fields {
		if math.IsNaN(h) || math.IsInf(h, 0) {
			return fmt.Errorf("lattice: field on site %d is %v, not finite", i, h)
		}
	}
	return nil
}

// NumBonds returns the number of bonds, counting a doubled pair twice.
func (m *Model) NumBonds() int { return len(m.bonds) }

// Bonds iterates over the bond list in order, yielding each bond's index and a copy of it.
func (m *Model) Bonds() iter.Seq2[int, Bond] {
	return func(yield func(int, Bond) bool) {
		for k, b := range m.bonds {
			if !yield(k, b) {
				return
			}
		}
	}
}

// Bond returns bond k, 0 <= k < NumBonds().
func (m *Model) Bond(k int) Bond { return m.bonds[k] }

// BondList returns a copy of the bond list.
func (m *Model) BondList() []Bond { return slices.Clone(m.bonds) }

// SetBonds replaces the bond list by a copy of bonds, after checking it as
// Validate does, and drops the cached neighbour list. On error m is unchanged.
func (m *Model) SetBonds(bonds []Bond) error {
	c := &Model{N: m.N, Fields: m.Fields, bonds: bonds}
	if err := c.Validate(); err != nil {
		return err
	}
	m.bonds = slices.Clone(bonds)
	m.nb.Store(nil)
	return nil
}

// SetCoupling sets the coupling of bond k, 0 <= k < NumBonds(), and drops
// the cached neighbour list. It panics if c is not finite.
func (m *Model) SetCoupling(k int, c float64) {
	if math.IsNaN(c) || math.IsInf(c, 0) {
		panic(fmt.Sprintf("lattice: SetCoupling(%d, %v): coupling must be finite", k, c))
	}
	m.bonds[k].Coupling = c
	m.nb.Store(nil)
}

// HasField reports whether any field is non-zero.
func (m *Model) HasField() bool {
	for _, h := range m.Fields {
		if h != 0 {
			return true
		}
	}
	return false
}

// UniformField returns the common field value and true if every site has the same field.
func (m *Model) UniformField() (float64, bool) {
	for _, h := range m.Fields {
		if h != m.Fields[0] {
			return 0, false
		}
	}
	return m.Fields[0], true
}

// UniformCoupling returns the common coupling and true if every bond has the same coupling.
func (m *Model) UniformCoupling() (float64, bool) {
	if len(m.bonds) == 0 {
		return 0, true
	}
	for _, b := range m.bonds {
		if b.Coupling != m.bonds[0].Coupling {
			return 0, false
		}
	}
	return m.bonds[0].Coupling, true
}

// Clone returns a deep copy of m.
func (m *Model) Clone() *Model {
	c := &Model{N: m.N, bonds: slices.Clone(m.bonds), Fields: slices.Clone(m.Fields)}
	c.Geometry = Geometry{Kind: m.Geometry.Kind, Dims: slices.Clone(m.Geometry.Dims), Boundary: slices.Clone(m.Geometry.Boundary)}
	return c
}

// CouplingMatrix returns the symmetric N x N matrix J with zero diagonal; a
// pair joined by several bonds carries the sum of their couplings.
func (m *Model) CouplingMatrix() *mat.SymDense {
	j := mat.NewSymDense(m.N, nil)
	for _, b := range m.bonds {
		j.SetSym(b.I, b.J, j.At(b.I, b.J)+b.Coupling)
	}
	return j
}

// Degrees returns the number of bond ends at each site (a doubled pair counts twice).
func (m *Model) Degrees() []int {
	d := make([]int, m.N)
	for _, b := range m.bonds {
		d[b.I]++
		d[b.J]++
	}
	return d
}

// Coordination returns a histogram: coordination number -> number of sites.
func (m *Model) Coordination() map[int]int {
	h := make(map[int]int)
	for _, d := range m.Degrees() {
		h[d]++
	}
	return h
}

// Energy returns H(s). It panics if len(s) != N.
func (m *Model) Energy(s []int8) float64 {
	if len(s) != m.N {
		panic(fmt.Sprintf("lattice: Energy: %d spins for %d sites", len(s), m.N))
	}
	var e float64
	for _, b := range m.bonds {
		e -= b.Coupling * float64(s[b.I]*s[b.J])
	}
	for i, h := range m.Fields {
		e -= h * float64(s[i])
	}
	return e
}

// Magnetization returns sum_i s_i.
func Magnetization(s []int8) int {
	var t int
	for _, v := range s {
		t += int(v)
	}
	return t
}

// LocalField returns sum_j J_ij s_j + h_i, the field felt by site i.
func (m *Model) LocalField(i int, s []int8) float64 {
	return m.Neighbors().LocalField(i, s, m.Fields[i])
}

// DeltaE returns H(s with s_i flipped) - H(s) = 2 s_i (sum_j J_ij s_j + h_i).
func (m *Model) DeltaE(i int, s []int8) float64 {
	return 2 * float64(s[i]) * m.LocalField(i, s)
}

// Neighbors is a compressed (CSR) neighbour list: the neighbours of site i are
// Sites[Start[i]:Start[i+1]] with couplings Couplings[Start[i]:Start[i+1]].
// A doubled pair appears once with its summed coupling.
type Neighbors struct {
	Start     []int32
	Sites     []int32
	Couplings []float64
}

// LocalField returns sum_j J_ij s_j + h for site i.
func (nb *Neighbors) LocalField(i int, s []int8, h float64) float64 {
	f := h
	for k := nb.Start[i]; k < nb.Start[i+1]; k++ {
		f += nb.Couplings[k] * float64(s[nb.Sites[k]])
	}
	return f
}

// Neighbors returns the compressed neighbour list of m, built on first use
// and cached until a setter changes the bonds; it is safe for concurrent use.
// Pairs are merged and sorted by site index. The list must not be modified.
func (m *Model) Neighbors() *Neighbors {
	if nb := m.nb.Load(); nb != nil && len(nb.Start) == m.N+1 {
		return nb
	}
	type pair struct {
		j int
		c float64
	}
	adj := make([]map[int]float64, m.N)
	for i := range adj {
		adj[i] = map[int]float64{}
	}
	for _, b := range m.bonds {
		adj[b.I][b.J] += b.Coupling
		adj[b.J][b.I] += b.Coupling
	}
	nb := &Neighbors{Start: make([]int32, m.N+1)}
	for i := 0; i < m.N; i++ {
		ps := make([]pair, 0, len(adj[i]))
		for j, c := range adj[i] {
			ps = append(ps, pair{j, c})
		}
		slices.SortFunc(ps, func(a, b pair) int { return a.j - b.j })
		for _, p := range ps {
			nb.Sites = append(nb.Sites, int32(p.j))
			nb.Couplings = append(nb.Couplings, p.c)
		}
		nb.Start[i+1] = int32(len(nb.Sites))
	}
	// Publish nb unless another goroutine got there first.
	for {
		old := m.nb.Load()
		if old != nil && len(old.Start) == m.N+1 {
			return old
		}
		if m.nb.CompareAndSwap(old, nb) {
			return nb
		}
	}
}
