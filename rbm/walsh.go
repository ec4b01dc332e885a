package rbm

import (
	"fmt"
	"math/bits"
)

// This file holds the exact multilinear expansions of a function on N binary
// units, tabulated over the 2^N states with the project's state index
// convention: state k has unit i "up" (s_i = +1, or v_i = 1) iff bit i of k is
// set. Both transforms are in place and cost N 2^{N-1} additions.
//
// Spins: every f(s) is uniquely f(s) = sum_S J_S prod_{i in S} s_i, with
// J_S = 2^{-N} sum_s f(s) prod_{i in S} s_i (Walsh–Hadamard transform).
// {0,1} units: every f(v) is uniquely f(v) = sum_S c_S prod_{i in S} v_i, with
// c_S = sum_{T subset of S} (-1)^{|S|-|T|} f(T) (Möbius inversion on the
// subset lattice; f(T) is the value at the state whose up units are T).
// In both, the coefficient of the subset S is stored at index S (bit i set iff
// i in S).

// MaxWalshUnits is the largest number of units for which the exact expansions
// are offered (2^24 float64 = 128 MiB per table).
const MaxWalshUnits = 24

func walshLog2(n int) int {
	if n <= 0 || n&(n-1) != 0 {
		panic(fmt.Sprintf("rbm: transform length %d is not a power of two", n))
	}
	return bits.TrailingZeros(uint(n))
}

// WalshTransform replaces the table f (length 2^N, state index convention
// above) by its spin multilinear coefficients J_S = 2^{-N} sum_s f(s) prod_{i
// in S} s_i. It panics if len(f) is not a power of two.
func WalshTransform(f []float64) {
	nb := walshLog2(len(f))
	for h := 1; h < len(f); h <<= 1 {
		for j := 0; j < len(f); j += h << 1 {
			lo, hi := f[j:j+h], f[j+h:j+2*h]
			for k := range lo {
				a, b := lo[k], hi[k]
				// lo: unit down (s = -1), hi: unit up (s = +1).
				lo[k], hi[k] = a+b, b-a
			}
		}
	}
	scale := 1 / float64(uint64(1)<<nb)
	for i := range f {
		f[i] *= scale
	}
}

// InverseWalshTransform replaces the coefficients J_S by the table
// f(s) = sum_S J_S prod_{i in S} s_i; it inverts WalshTransform.
func InverseWalshTransform(c []float64) {
	walshLog2(len(c))
	for h := 1; h < len(c); h <<= 1 {
		for j := 0; j < len(c); j += h << 1 {
			lo, hi := c[j:j+h], c[j+h:j+2*h]
			for k := range lo {
				a, b := lo[k], hi[k]
				// value at s_i = -1 is a - b, at s_i = +1 is a + b.
				lo[k], hi[k] = a-b, a+b
			}
		}
	}
}

// MobiusTransform replaces the table f over {0,1}^N by its multilinear
// coefficients c_S, f(v) = sum_S c_S prod_{i in S} v_i. It panics if len(f) is
// not a power of two.
func MobiusTransform(f []float64) {
	walshLog2(len(f))
	for h := 1; h < len(f); h <<= 1 {
		for j := 0; j < len(f); j += h << 1 {
			lo, hi := f[j:j+h], f[j+h:j+2*h]
			for k := range lo {
				hi[k] -= lo[k]
			}
		}
	}
}

// InverseMobiusTransform (the zeta transform) replaces coefficients c_S by the
// table f(v) = sum_{S subset of v} c_S; it inverts MobiusTransform.
func InverseMobiusTransform(c []float64) {
	walshLog2(len(c))
	for h := 1; h < len(c); h <<= 1 {
		for j := 0; j < len(c); j += h << 1 {
			lo, hi := c[j:j+h], c[j+h:j+2*h]
			for k := range lo {
				hi[k] += lo[k]
			}
		}
	}
}
