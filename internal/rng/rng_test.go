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
