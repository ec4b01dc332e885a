package gray

import (
	"math/bits"
	"testing"
)

// TestSteps walks blocks of every size up to 12 bits and checks that the
// states are all distinct, that each step flips the bit it names, and the
// aligned-chunk identity of the package documentation.
func TestSteps(t *testing.T) {
	for n := 0; n <= 12; n++ {
		seen := map[uint64]bool{0: true}
		g := uint64(0)
		want := uint64(1)
		for s, i := range Steps(n) {
			if s != want {
				t.Fatalf("n=%d: step %d, want %d", n, s, want)
			}
			want++
			g ^= 1 << uint(i)
			if g != Code(s) {
				t.Fatalf("n=%d: after step %d state %b, want Code = %b", n, s, g, Code(s))
			}
			if bits.OnesCount64(Code(s-1)^Code(s)) != 1 || seen[g] || g >= 1<<uint(n) {
				t.Fatalf("n=%d: step %d: state %b repeated, out of range or not one flip away", n, s, g)
			}
			seen[g] = true
			for _, k0 := range []uint64{0, 1 << uint(n), 5 << uint(n)} {
				if Code(k0+s) != Code(k0)^Code(s) || bits.TrailingZeros64(k0+s) != i {
					t.Fatalf("n=%d: chunk at %d, step %d breaks the aligned-chunk identity", n, k0, s)
				}
			}
		}
		if len(seen) != 1<<uint(n) {
			t.Fatalf("n=%d: %d states visited, want %d", n, len(seen), 1<<uint(n))
		}
	}
}

// TestStepsBreak checks that the walk stops when the loop body breaks.
func TestStepsBreak(t *testing.T) {
	k := 0
	for s := range Steps(10) {
		k++
		if s == 3 {
			break
		}
	}
	if k != 3 {
		t.Fatalf("visited %d steps before break, want 3", k)
	}
}
