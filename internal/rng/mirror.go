package rng

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// Mirror mirrors math/rand/v2's PCG (the same 128-bit LCG step and DXSM
// output) so that hot loops draw without a call through the Source
// interface per number: Load copies the state of a *rand.PCG, Store writes
// it back, and the draws in between are exactly those src.Uint64 would have
// returned. Its layout (Hi, then Lo) is read and written by assembly in
// package mc; do not reorder the fields.
type Mirror struct{ Hi, Lo uint64 }

// Load copies the state of src.
func (p *Mirror) Load(src *rand.PCG) {
	var buf [20]byte
	b, _ := src.AppendBinary(buf[:0]) // "pcg:" + big-endian hi, lo
	p.Hi, p.Lo = binary.BigEndian.Uint64(b[4:12]), binary.BigEndian.Uint64(b[12:20])
}

// Store writes the state back into src.
func (p *Mirror) Store(src *rand.PCG) {
	var buf [20]byte
	copy(buf[:4], "pcg:")
	binary.BigEndian.PutUint64(buf[4:12], p.Hi)
	binary.BigEndian.PutUint64(buf[12:20], p.Lo)
	if err := src.UnmarshalBinary(buf[:]); err != nil {
		panic("rng: PCG state: " + err.Error())
	}
}

// Uint64 is rand.PCG.Uint64.
func (p *Mirror) Uint64() uint64 {
	const (
		mulHi    = 2549297995355413924
		mulLo    = 4865540595714422341
		incHi    = 6364136223846793005
		incLo    = 1442695040888963407
		cheapMul = 0xda942042e4dd58b5
	)
	hi, lo := bits.Mul64(p.Lo, mulLo)
	hi += p.Hi*mulLo + p.Lo*mulHi
	lo, c := bits.Add64(lo, incLo, 0)
	hi, _ = bits.Add64(hi, incHi, c)
	p.Lo, p.Hi = lo, hi
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	hi *= lo | 1
	return hi
}

// Float64 is rand.Rand.Float64 on the mirrored source.
func (p *Mirror) Float64() float64 { return float64(p.Uint64()<<11>>11) / (1 << 53) }

// IntN returns a uniform integer in [0, un) by Lemire's multiply-and-reject
// method (exact), un >= 1.
func (p *Mirror) IntN(un uint64) int {
	hi, lo := bits.Mul64(p.Uint64(), un)
	if lo < un {
		thresh := -un % un
		for lo < thresh {
			hi, lo = bits.Mul64(p.Uint64(), un)
		}
	}
	return int(hi)
}
