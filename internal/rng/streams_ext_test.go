package rng_test

import (
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
)

// TestMirroredStreams checks that the ids still declared in their packages
// equal their entries in the registry.
func TestMirroredStreams(t *testing.T) {
	if lattice.StreamPatterns != rng.StreamHopfieldPatterns {
		t.Errorf("lattice.StreamPatterns = %#x, registry %#x", lattice.StreamPatterns, rng.StreamHopfieldPatterns)
	}
}
