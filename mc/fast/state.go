package fast

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Checkpoint layout (little endian): "isfk", tag byte, algorithm byte, number
// of axes, the axes as uint32, J, H and Beta as float64 bits; then the
// kernel's own fields.

func header(tag byte, p Params) []byte {
	b := []byte{'i', 's', 'f', 'k', tag, byte(p.Algorithm), byte(len(p.Dims))}
	for _, l := range p.Dims {
		b = binary.LittleEndian.AppendUint32(b, uint32(l))
	}
	return appendU64(b, math.Float64bits(p.J), math.Float64bits(p.H), math.Float64bits(p.Beta))
}

// checkHeader checks that b was written for a kernel of the same kind,
// lattice, coupling and field, and returns the rest and the stored beta.
func checkHeader(b []byte, tag byte, p Params) ([]byte, float64, error) {
	want := header(tag, p)
	n := len(want) - 8 // everything but beta
	if len(b) < len(want) || string(b[:n]) != string(want[:n]) {
		return nil, 0, fmt.Errorf("%w (lattice %v, J %v, H %v, %v)", errState, p.Dims, p.J, p.H, p.Algorithm)
	}
	beta := math.Float64frombits(binary.LittleEndian.Uint64(b[n:]))
	return b[len(want):], beta, nil
}

// checkHeaderGen is checkHeader followed by reading the generator state that
// every kernel stores right after the header.
func checkHeaderGen(b []byte, tag byte, p Params) ([]byte, float64, gen, error) {
	var g gen
	b, beta, err := checkHeader(b, tag, p)
	if err != nil {
		return nil, 0, g, err
	}
	if b, err = g.readBinary(b); err != nil {
		return nil, 0, g, err
	}
	return b, beta, g, nil
}

func appendU64(b []byte, v ...uint64) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

func readU64(b []byte, n int) ([]uint64, []byte, error) {
	if len(b) < 8*n {
		return nil, nil, fmt.Errorf("%w: truncated", errState)
	}
	v := make([]uint64, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return v, b[8*n:], nil
}

// appendSpins packs ±1 spins as bits (set for +1).
func appendSpins(b []byte, s []int8) []byte {
	var cur byte
	for i, v := range s {
		if v > 0 {
			cur |= 1 << uint(i%8)
		}
		if i%8 == 7 || i == len(s)-1 {
			b = append(b, cur)
			cur = 0
		}
	}
	return b
}

func readSpins(b []byte, s []int8) error {
	if len(b) != (len(s)+7)/8 {
		return fmt.Errorf("%w: %d spin bytes for %d sites", errState, len(b), len(s))
	}
	for i := range s {
		s[i] = int8(2*int(b[i/8]>>uint(i%8)&1) - 1)
	}
	return nil
}
