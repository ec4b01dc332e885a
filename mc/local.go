package mc

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/isingrbm/isingrbm/internal/numeric"
	"github.com/isingrbm/isingrbm/lattice"
)

// state is the part shared by every generic kernel: the model, the spins,
// the tracked energy and magnetization, and the random source.
type state struct {
	m    *lattice.Model
	nb   *lattice.Neighbors
	beta float64
	s    []int8
	e    float64 // H(s)
	mag  int     // sum_i s_i (of the physical spins)
	src  rand.Source
	r    *rand.Rand
}

// init validates and fills the shared state with a random start (each spin
// +1 or -1 with probability 1/2, drawn from src). It panics on a nil model or
// source, or a negative or non-finite beta (programmer errors).
func (st *state) init(m *lattice.Model, beta float64, src rand.Source) {
	if m == nil || src == nil {
		panic("mc: nil model or random source")
	}
	if !(beta >= 0) || math.IsInf(beta, 0) {
		panic(fmt.Sprintf("mc: beta %v: must be finite and >= 0", beta))
	}
	st.m, st.nb, st.beta, st.src, st.r = m, m.Neighbors(), beta, src, rand.New(src)
	st.s = make([]int8, m.N)
	for i := range st.s {
		if st.r.Uint64()&1 == 1 {
			st.s[i] = 1
		} else {
			st.s[i] = -1
		}
	}
	st.e = m.Energy(st.s)
	st.mag = lattice.Magnetization(st.s)
}

func (st *state) Energy() float64    { return st.e }
func (st *state) Magnetization() int { return st.mag }
func (st *state) Spins(dst []int8) []int8 {
	if cap(dst) < len(st.s) {
		dst = make([]int8, len(st.s))
	}
	dst = dst[:len(st.s)]
	copy(dst, st.s)
	return dst
}

// marshal encodes tag, spins, energy, magnetization and the source state.
func (st *state) marshal(tag byte, extra []int8, words []uint64) ([]byte, error) {
	bm, ok := st.src.(encoding.BinaryMarshaler)
	if !ok {
		return nil, fmt.Errorf("mc: random source %T cannot be saved (does not implement encoding.BinaryMarshaler)", st.src)
	}
	rs, err := bm.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("mc: saving random source: %w", err)
	}
	b := []byte{'M', 'C', 1, tag}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(st.s)))
	for _, v := range st.s {
		b = append(b, byte(v))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(extra)))
	for _, v := range extra {
		b = append(b, byte(v))
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(st.e))
	b = binary.LittleEndian.AppendUint64(b, uint64(int64(st.mag)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(words)))
	for _, w := range words {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	b = append(b, rs...)
	return b, nil
}

var errCorrupt = errors.New("mc: corrupt or foreign kernel state")

// unmarshal restores what marshal wrote; extra receives the extra spins and
// words the extra words (both of the lengths written).
func (st *state) unmarshal(tag byte, b []byte, extra []int8, words []uint64) error {
	if len(b) < 8 || b[0] != 'M' || b[1] != 'C' || b[2] != 1 {
		return errCorrupt
	}
	if b[3] != tag {
		return fmt.Errorf("mc: kernel state of type %d, want %d (different algorithm)", b[3], tag)
	}
	n := int(binary.LittleEndian.Uint32(b[4:]))
	if n != len(st.s) {
		return fmt.Errorf("mc: kernel state has %d spins, model has %d", n, len(st.s))
	}
	b = b[8:]
	if len(b) < n+4 {
		return errCorrupt
	}
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(b[i])
		if s[i] != 1 && s[i] != -1 {
			return errCorrupt
		}
	}
	b = b[n:]
	ne := int(binary.LittleEndian.Uint32(b))
	b = b[4:]
	if ne != len(extra) || len(b) < ne+16 {
		return errCorrupt
	}
	for i := range extra {
		extra[i] = int8(b[i])
		if extra[i] != 1 && extra[i] != -1 {
			return errCorrupt
		}
	}
	b = b[ne:]
	e := math.Float64frombits(binary.LittleEndian.Uint64(b))
	mag := int(int64(binary.LittleEndian.Uint64(b[8:])))
	b = b[16:]
	if len(b) < 4 || int(binary.LittleEndian.Uint32(b)) != len(words) || len(b) < 4+8*len(words) {
		return errCorrupt
	}
	b = b[4:]
	for i := range words {
		words[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	b = b[8*len(words):]
	bu, ok := st.src.(encoding.BinaryUnmarshaler)
	if !ok {
		return fmt.Errorf("mc: random source %T cannot be restored", st.src)
	}
	if err := bu.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("mc: restoring random source: %w", err)
	}
	copy(st.s, s)
	st.e, st.mag = e, mag
	return nil
}

// Local is a single-spin-flip kernel for any lattice.Model (arbitrary
// couplings and fields): Metropolis (accept a flip with probability
// min(1, e^{-beta dE})) or heat bath (set s_i = +1 with probability
// sigmoid(2 beta h_i^eff), h_i^eff = sum_j J_ij s_j + h_i), visiting sites in
// random or sequential order. The energy is tracked incrementally (exact for
// integer couplings and fields, within rounding otherwise).
type Local struct {
	state
	heat  bool
	order Order
}

// NewMetropolis returns a Metropolis kernel for m at inverse temperature beta
// with a random start drawn from src. The source must implement
// encoding.BinaryMarshaler/Unmarshaler for checkpoints (a *rand.PCG from
// internal/rng.New does). Model.Neighbors is called, so m must not be in use
// by another goroutine for its first call.
func NewMetropolis(m *lattice.Model, beta float64, order Order, src rand.Source) *Local {
	k := &Local{order: order}
	k.init(m, beta, src)
	return k
}

// NewHeatBath returns a heat-bath kernel; see NewMetropolis.
func NewHeatBath(m *lattice.Model, beta float64, order Order, src rand.Source) *Local {
	k := &Local{heat: true, order: order}
	k.init(m, beta, src)
	return k
}

// SetBeta changes the inverse temperature.
func (k *Local) SetBeta(beta float64) { k.beta = beta }

// Sweep performs N single-spin updates; it returns (N, flips).
func (k *Local) Sweep() (updates, accepted int64) {
	n := len(k.s)
	nb, s, h, r, beta := k.nb, k.s, k.m.Fields, k.r, k.beta
	var acc int64
	for t := 0; t < n; t++ {
		i := t
		if k.order != Sequential {
			i = r.IntN(n)
		}
		f := h[i]
		for p := nb.Start[i]; p < nb.Start[i+1]; p++ {
			f += nb.Couplings[p] * float64(s[nb.Sites[p]])
		}
		old := s[i]
		dE := 2 * float64(old) * f
		var flip bool
		if k.heat {
			var nw int8 = -1
			if r.Float64() < numeric.Sigmoid(2*beta*f) {
				nw = 1
			}
			flip = nw != old
		} else {
			flip = dE <= 0 || r.Float64() < math.Exp(-beta*dE)
		}
		if flip {
			s[i] = -old
			k.e += dE
			k.mag -= 2 * int(old)
			acc++
		}
	}
	return int64(n), acc
}

const (
	tagMetropolis byte = 1
	tagHeatBath   byte = 2
	tagWolff      byte = 3
	tagSW         byte = 4
)

func (k *Local) tag() byte {
	if k.heat {
		return tagHeatBath
	}
	return tagMetropolis
}

// MarshalBinary saves spins, energy and random-source state.
func (k *Local) MarshalBinary() ([]byte, error) { return k.marshal(k.tag(), nil, nil) }

// UnmarshalBinary restores a state saved by MarshalBinary.
func (k *Local) UnmarshalBinary(b []byte) error { return k.unmarshal(k.tag(), b, nil, nil) }
