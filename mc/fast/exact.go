package fast

import "math/bits"

// bounded returns a uniform integer in [0, n) exactly (Lemire's
// multiply-and-reject method), n >= 1.
func (g *gen) bounded(n uint64) uint64 {
	hi, lo := bits.Mul64(g.next(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(g.next(), n)
		}
	}
	return hi
}
