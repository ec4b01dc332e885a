package fast

import (
	"math/rand/v2"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

func model(t testing.TB, dims []int) *lattice.Model {
	t.Helper()
	var m *lattice.Model
	var err error
	if len(dims) == 2 {
		m, err = lattice.Square(dims[0], dims[1], lattice.Periodic, lattice.Periodic)
	} else {
		m, err = lattice.Cubic(dims[0], dims[1], dims[2], lattice.Periodic, lattice.Periodic, lattice.Periodic)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// adjacency lists each site's neighbours, a doubled pair twice.
func adjacency(m *lattice.Model) [][]int {
	adj := make([][]int, m.N)
	for _, b := range m.Bonds() {
		adj[b.I] = append(adj[b.I], b.J)
		adj[b.J] = append(adj[b.J], b.I)
	}
	return adj
}

// TestCheckerboardLayout drives the kernel with a deterministic rule (flip
// probabilities 0 or 1 by class, random class sets) and compares with a scalar
// implementation on lattice.Model's bond list: this checks the packing, the
// neighbour words, the bit-sliced adders and the class selectors, on sizes
// with 1..64 lanes, several words per row, and axes of length 2.
func TestCheckerboardLayout(t *testing.T) {
	sizes := [][]int{{2, 2}, {4, 4}, {4, 6}, {6, 4}, {2, 8}, {8, 2}, {12, 10}, {130, 4}, {256, 2}, {260, 6},
		{2, 2, 2}, {4, 6, 2}, {10, 4, 6}, {6, 2, 4}, {8, 16}, {64, 32}, {16, 16, 16}, {4, 4, 8}, {32, 6, 12}}
	r := rand.New(rng.New(11, 0))
	for _, dims := range sizes {
		m := model(t, dims)
		adj := adjacency(m)
		z := 2 * len(dims)
		for _, field := range []bool{false, true} {
			h := 0.0
			nc := z + 1
			if field {
				h = 0.3
				nc *= 2
			}
			k, err := NewCheckerboard(Params{Dims: dims, J: 1, H: h, Beta: 0.4}, rng.New(1, 2))
			if err != nil {
				t.Fatal(err)
			}
			for rep := 0; rep < 5; rep++ {
				set := make([]bool, nc)
				for c := range set {
					set[c] = r.IntN(2) == 1
				}
				tab, err := newProbTable(nc, k.lanes, func(c, _ int) float64 {
					if set[c] {
						return 1
					}
					return 0
				})
				if err != nil {
					t.Fatal(err)
				}
				k.dec.setTable(tab, z, field)
				s := make([]int8, m.N)
				for i := range s {
					s[i] = int8(2*r.IntN(2) - 1)
				}
				k.SetSpins(s)
				if got := k.Spins(nil); string(int8s(got)) != string(int8s(s)) {
					t.Fatalf("%v: Spins after SetSpins differ", dims)
				}
				if e, want := k.Energy(), m.Energy(s)-h*sum(s); abs(e-want) > 1e-9 {
					t.Fatalf("%v: Energy %v, lattice %v", dims, e, want)
				}
				k.Sweep()
				for col := 0; col < 2; col++ {
					next := append([]int8(nil), s...)
					for i := range s {
						x, y, zz := i%dims[0], i/dims[0]%dims[1], 0
						if len(dims) == 3 {
							zz = i / (dims[0] * dims[1])
						}
						if (x+y+zz)&1 != col {
							continue
						}
						u := 0
						for _, j := range adj[i] {
							if s[j] != s[i] {
								u++
							}
						}
						c := u
						if field && s[i] == 1 {
							c += z + 1
						}
						if set[c] {
							next[i] = -s[i]
						}
					}
					s = next
				}
				if got := k.Spins(nil); string(int8s(got)) != string(int8s(s)) {
					t.Fatalf("%v field=%v: sweep differs from scalar rule", dims, field)
				}
			}
		}
	}
}

func int8s(s []int8) []byte {
	b := make([]byte, len(s))
	for i, v := range s {
		b[i] = byte(v)
	}
	return b
}

func sum(s []int8) float64 {
	t := 0.0
	for _, v := range s {
		t += float64(v)
	}
	return t
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
