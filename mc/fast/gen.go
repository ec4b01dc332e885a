package fast

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"math/rand/v2"
)

// gen is the in-kernel xoshiro256** generator (Blackman and Vigna, "Scrambled
// linear pseudorandom number generators", ACM TOMS 47 (2021) 36). Every bit of
// its output is of full quality, which matters because the bit-sliced samplers
// use each bit position as an independent lane. It is seeded from the
// rand.Source given to a constructor (four draws), so a kernel's chain is a
// deterministic function of that source; the constructors are meant to be
// given internal/rng.New(seed, stream).
type gen struct{ s0, s1, s2, s3 uint64 }

func newGen(src rand.Source) gen {
	var g gen
	for g.s0|g.s1|g.s2|g.s3 == 0 {
		g = gen{src.Uint64(), src.Uint64(), src.Uint64(), src.Uint64()}
	}
	return g
}

func (g *gen) next() uint64 {
	r := bits.RotateLeft64(g.s1*5, 7) * 9
	t := g.s1 << 17
	g.s2 ^= g.s0
	g.s3 ^= g.s1
	g.s1 ^= g.s2
	g.s0 ^= g.s3
	g.s2 ^= t
	g.s3 = bits.RotateLeft64(g.s3, 45)
	return r
}

// Uint64 makes gen a rand.Source (used by tests and for derived draws).
func (g *gen) Uint64() uint64 { return g.next() }

func (g *gen) appendBinary(b []byte) []byte {
	for _, v := range [4]uint64{g.s0, g.s1, g.s2, g.s3} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

func (g *gen) readBinary(b []byte) ([]byte, error) {
	if len(b) < 32 {
		return nil, errors.New("fast: truncated generator state")
	}
	g.s0 = binary.LittleEndian.Uint64(b)
	g.s1 = binary.LittleEndian.Uint64(b[8:])
	g.s2 = binary.LittleEndian.Uint64(b[16:])
	g.s3 = binary.LittleEndian.Uint64(b[24:])
	if g.s0|g.s1|g.s2|g.s3 == 0 {
		return nil, errors.New("fast: invalid all-zero generator state")
	}
	return b[32:], nil
}
