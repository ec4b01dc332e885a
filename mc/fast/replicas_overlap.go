package fast

import "fmt"

// Overlaps writes into dst (grown if needed) the overlap
// q = (1/N) sum_i s_i^a s_i^b of the replica pairs (a, b) = (l, l+shift),
// l = 0 .. Len()-shift-1, and returns it; 1 <= shift < Len() (panics
// otherwise). With Len() = 64 replicas of one instance at one temperature,
// shift = 32 gives 32 independent pairs. It reads the bit-sliced words
// where they are (both colour arrays on the checkerboard path) in one pass:
// bit l of s XOR (s >> shift) is set where replicas l and l+shift differ,
// and a carry-save per-lane count of these words gives the number d_l of
// sites where they differ: q_l = 1 - 2 d_l / N.
func (k *Replicas) Overlaps(shift int, dst []float64) []float64 {
	nl := len(k.betas)
	if shift < 1 || shift >= nl {
		panic(fmt.Sprintf("fast: Overlaps: shift %d for %d replicas", shift, nl))
	}
	var c lanes16
	var b [16]uint64
	add := func(ws []uint64) {
		for len(ws) > 0 {
			n := min(16, len(ws))
			for i, s := range ws[:n] {
				b[i] = s ^ s>>uint(shift)
			}
			if n == 16 {
				c.addBlock(&b)
			} else {
				c.addSlice(b[:n])
			}
			ws = ws[n:]
		}
	}
	if cb := k.cb; cb != nil && !k.linNewer {
		st := cb.w + 2
		for col := 0; col < 2; col++ {
			for r := 0; r < cb.nrow; r++ {
				add(cb.c[col][r*st+1 : r*st+1+cb.w])
			}
		}
	} else {
		add(k.linear())
	}
	var d [64]int64
	c.counts(d[:nl-shift])
	dst = growF(dst, nl-shift)
	for l := range dst {
		dst[l] = 1 - 2*float64(d[l])/float64(k.n)
	}
	return dst
}
