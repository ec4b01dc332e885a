package fast

import (
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

var sink uint64

// BenchmarkGen measures the in-kernel generator alone.
func BenchmarkGen(b *testing.B) {
	g := newGen(rng.New(1, 2))
	var x uint64
	c0 := cpuNanos()
	for b.Loop() {
		x ^= g.next()
	}
	sink = x
	report(b, float64(b.N), c0, "words")
}
