package rng

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// The mirror draws exactly what the PCG and rand.Rand would, and hands the
// state back.
func TestMirror(t *testing.T) {
	a, b := New(3, 4), New(3, 4)
	ra := rand.New(a)
	var m Mirror
	m.Load(b)
	for i := 0; i < 1000; i++ {
		if x, y := a.Uint64(), m.Uint64(); x != y {
			t.Fatalf("draw %d: %x vs %x", i, x, y)
		}
		if x, y := ra.Float64(), m.Float64(); x != y {
			t.Fatalf("float %d: %v vs %v", i, x, y)
		}
		// IntN: Lemire's method on the same stream.
		un := uint64(1 + i%97)
		hi, lo := bits.Mul64(a.Uint64(), un)
		for lo < un && lo < -un%un {
			hi, lo = bits.Mul64(a.Uint64(), un)
		}
		if got := m.IntN(un); got != int(hi) {
			t.Fatalf("IntN(%d) = %d, want %d", un, got, hi)
		}
	}
	m.Store(b)
	if a.Uint64() != b.Uint64() {
		t.Fatal("state not handed back")
	}
}
