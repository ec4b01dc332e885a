package rng

import "testing"

func TestStreamsDiffer(t *testing.T) {
	seen := map[uint64]bool{}
	for seed := uint64(0); seed < 4; seed++ {
		for stream := uint64(0); stream < 4; stream++ {
			v := NewRand(seed, stream).Uint64()
			if seen[v] {
				t.Fatalf("seed %d stream %d repeats a first output", seed, stream)
			}
			seen[v] = true
		}
	}
	a, b := NewRand(7, 3), NewRand(7, 3)
	for i := 0; i < 100; i++ {
		if a.Uint64() != b.Uint64() {
			t.Fatal("same seed and stream gave different sequences")
		}
	}
}

// TestNamedStreamsDisjoint checks the registry of streams.go: every named id
// (with the range its family claims) is disjoint from every other and from
// the indices below 2^24.
func TestNamedStreamsDisjoint(t *testing.T) {
	for i, a := range named {
		if a.id < 1<<24 {
			t.Errorf("%s = %#x is below 2^24, where index streams live", a.name, a.id)
		}
		if a.id+a.span < a.id {
			t.Errorf("%s: range [%#x, +%#x) wraps around", a.name, a.id, a.span)
		}
		for _, b := range named[i+1:] {
			if a.id < b.id+b.span && b.id < a.id+a.span {
				t.Errorf("%s = %#x and %s = %#x overlap", a.name, a.id, b.name, b.id)
			}
		}
	}
}
