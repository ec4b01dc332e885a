// Package gray walks a block of 2^n states in Gray-code order, the order in
// which consecutive states differ in exactly one bit, so that an exhaustive
// sum over spin or unit configurations updates its local fields by one flip
// per state instead of recomputing them. It is the one walk shared by the
// enumerators of transfer (Enumerate, LogProbabilities, the histogram) and
// rbm (LogZ, LogProbTable).
//
// A walk visits the states Code(0), Code(1), ..., Code(2^n - 1), each an
// offset to be XORed onto the block's first state. Steps yields, for every
// state after the first, the bit that changed. A block that is an aligned
// chunk of a longer Gray sequence (its first index k0 a multiple of 2^n) is
// walked by the same steps: Code(k0 + t) = Code(k0) ^ Code(t) and the bit
// that changes at k0 + t is the one that changes at t.
package gray

import (
	"iter"
	"math/bits"
)

// Code returns the reflected binary Gray code of k, k ^ (k >> 1).
func Code(k uint64) uint64 { return k ^ k>>1 }

// Steps returns the steps of the walk through the 2^n states of a block: it
// yields (t, i) for t = 1, ..., 2^n - 1 in order, i being the bit that
// differs between Code(t-1) and Code(t) (the lowest set bit of t). Bit i is
// set in Code(t) iff the step turned it on.
func Steps(n int) iter.Seq2[uint64, int] {
	return func(yield func(t uint64, i int) bool) {
		end := uint64(1) << uint(n)
		for t := uint64(1); t < end; t++ {
			if !yield(t, bits.TrailingZeros64(t)) {
				return
			}
		}
	}
}
