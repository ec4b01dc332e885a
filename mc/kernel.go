package mc

import (
	"encoding"
	"fmt"
)

// Kernel is one Markov chain of Ising spins at a fixed inverse temperature.
// The driver (Chain, Tempering) calls Sweep once per Monte Carlo sweep and reads
// Energy and Magnetization after every sweep as the measurement of that sweep.
//
// Conventions: spins s_i in {-1,+1}; H(s) = -sum_{bonds} J_ij s_i s_j - sum_i h_i s_i;
// the chain samples p(s) = exp(-beta H(s))/Z (k_B = 1).
//
// Implementations own their random source (a math/rand/v2 source derived from a
// user seed and a stream id, see internal/rng), so that a chain is fully
// determined by its model, beta, seed and stream, and by the number of Sweep
// calls made — never by when or on which goroutine they were made. A Kernel is
// used by one goroutine at a time.
type Kernel interface {
	// Sweep performs one Monte Carlo sweep and returns counters for it.
	// For single-spin moves a sweep is N attempted single-spin updates:
	// updates = N (attempts) and accepted = number of spins flipped.
	// For cluster moves a sweep is a whole number of cluster updates that
	// flips about N spins (Wolff: single clusters until at least N spins have
	// been flipped; Swendsen–Wang: one decomposition of the whole lattice):
	// updates = spins flipped and accepted = number of clusters built, so that
	// updates/accepted is the mean cluster size.
	//
	// Pitfall: where a sweep ends must not depend on the configuration
	// visited during that sweep once measurements start. "Wolff clusters until
	// N spins are flipped" measures at a configuration-dependent stopping time
	// and is biased (on a 4x4 torus at T = 2.27 it gives u = -1.76 instead of
	// -1.565); fix the number of clusters per sweep after thermalization
	// instead (see Adapter). The Wolff kernels record at least
	// MinAdaptationSweeps adaptation sweeps before fixing it, doing the
	// missing ones in EndAdaptation when thermalization was shorter, so that
	// a measured sweep flips about N spins from the first one.
	Sweep() (updates, accepted int64)

	// Energy returns the total energy H(s) of the current configuration
	// (not per site). Implementations that track it incrementally must keep
	// it within rounding of Model.Energy and must restore exactly the same
	// value from UnmarshalBinary.
	Energy() float64

	// Magnetization returns M = sum_i s_i of the current configuration.
	Magnetization() int

	// Spins copies the current configuration into dst (grown or allocated if
	// too short) and returns it, in the model's site order (site index
	// x + Lx*(y + Ly*z)), values -1 or +1.
	Spins(dst []int8) []int8

	// MarshalBinary encodes the complete state of the chain that affects its
	// future: spins, random-source state, and any incrementally tracked
	// quantity (energy). UnmarshalBinary, called on a kernel built for the
	// same model, beta, algorithm and seed, restores it so that the chain
	// continues exactly (bit for bit) as the original would have.
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// Adapter is implemented by kernels that tune themselves during
// thermalization (Wolff: clusters per sweep). The drivers call EndAdaptation
// once, just before the first measurement sweep; from then on the kernel must
// be a fixed Markov chain. Its state after EndAdaptation must be covered by
// MarshalBinary.
type Adapter interface {
	EndAdaptation()
}

// BetaSetter is implemented by kernels whose inverse temperature can be
// changed between sweeps; parallel tempering needs it. SetBeta must keep the
// configuration, energy and random-source state unchanged.
type BetaSetter interface {
	SetBeta(beta float64)
}

// TemperedKernel is a Kernel that parallel tempering can use as its local move.
type TemperedKernel interface {
	Kernel
	BetaSetter
}

// Order is the site order of a single-spin sweep.
type Order string

// Site orders. The zero value "" means Random.
const (
	// Random picks N sites uniformly at random with replacement per sweep
	// (detailed balance holds for every single step).
	Random Order = "random"
	// Sequential visits sites 0..N-1 in index order (type-writer order; on a
	// square lattice kernels in mc/fast may use the equivalent checkerboard
	// order). Each step satisfies detailed balance, the sweep only global
	// balance, which is enough for the correct stationary distribution.
	Sequential Order = "sequential"
)

// ParseOrder parses "random" or "sequential" (also "seq", "typewriter",
// "checkerboard", which all mean a deterministic visiting order).
func ParseOrder(s string) (Order, error) {
	switch s {
	case "random", "":
		return Random, nil
	case "sequential", "seq", "typewriter", "checkerboard":
		return Sequential, nil
	}
	return "", fmt.Errorf("unknown site order %q: allowed random or sequential", s)
}
