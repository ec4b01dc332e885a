package mc

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/isingrbm/isingrbm/lattice"
)

// Algorithm names a Monte Carlo update.
type Algorithm string

// The algorithms of this package. PT (parallel tempering) runs one of the
// others as its local move.
const (
	Metropolis   Algorithm = "metropolis"
	HeatBath     Algorithm = "heatbath"
	Wolff        Algorithm = "wolff"
	SwendsenWang Algorithm = "sw"
	PT           Algorithm = "pt"
)

// AlgorithmInfo is one entry of the algorithm registry: everything the
// drivers, the parsers and the command line need to know about an update.
type AlgorithmInfo struct {
	Name    Algorithm
	Aliases []string // other accepted spellings for ParseAlgorithm
	Help    string   // one line for command-line help
	// Cluster selects the cluster conventions of TempResult (acceptance 1,
	// mean cluster size = updates/accepted).
	Cluster bool
	// New builds the generic kernel for any lattice.Model (order applies
	// to single-spin moves). Nil for drivers such as PT, which run another
	// algorithm's kernels.
	New func(m *lattice.Model, beta float64, order Order, src rand.Source) TemperedKernel
}

// registry lists the algorithms in help-text order. Adding an algorithm is
// one entry here plus its kernel (see the package documentation, "Adding an
// algorithm").
var registry = []AlgorithmInfo{
	{Name: Metropolis, Help: "single-spin flips accepted with min(1, e^{-beta dE})",
		New: func(m *lattice.Model, beta float64, o Order, src rand.Source) TemperedKernel {
			return NewMetropolis(m, beta, o, src)
		}},
	{Name: HeatBath, Aliases: []string{"heat-bath"}, Help: "s_i = +1 with probability sigmoid(2 beta h_i^eff)",
		New: func(m *lattice.Model, beta float64, o Order, src rand.Source) TemperedKernel {
			return NewHeatBath(m, beta, o, src)
		}},
	{Name: Wolff, Cluster: true, Help: "Wolff single-cluster flips",
		New: func(m *lattice.Model, beta float64, _ Order, src rand.Source) TemperedKernel {
			return NewWolff(m, beta, src)
		}},
	{Name: SwendsenWang, Aliases: []string{"swendsen-wang"}, Cluster: true, Help: "Swendsen-Wang: all clusters, each flipped with probability 1/2",
		New: func(m *lattice.Model, beta float64, _ Order, src rand.Source) TemperedKernel {
			return NewSwendsenWang(m, beta, src)
		}},
	{Name: PT, Aliases: []string{"tempering"}, Help: "parallel tempering over the temperature list with a local move"},
}

// Algorithms lists the algorithm names in help-text order.
var Algorithms = func() []Algorithm {
	out := make([]Algorithm, len(registry))
	for i, a := range registry {
		out[i] = a.Name
	}
	return out
}()

// Registry returns a copy of the algorithm registry, in help-text order.
func Registry() []AlgorithmInfo { return append([]AlgorithmInfo(nil), registry...) }

// Info returns the registry entry of a, and false for an unknown name.
func (a Algorithm) Info() (AlgorithmInfo, bool) {
	for _, r := range registry {
		if r.Name == a {
			return r, true
		}
	}
	return AlgorithmInfo{}, false
}

// Cluster reports whether a is a cluster algorithm (Wolff, Swendsen–Wang).
func (a Algorithm) Cluster() bool {
	r, _ := a.Info()
	return r.Cluster
}

// HasKernel reports whether a is a kernel algorithm (not a driver such as
// PT), so that it can be the local move of parallel tempering.
func (a Algorithm) HasKernel() bool {
	r, _ := a.Info()
	return r.New != nil
}

// KernelAlgorithms lists the algorithms that have a kernel (the possible
// local moves of PT), in help-text order.
func KernelAlgorithms() []Algorithm {
	var out []Algorithm
	for _, r := range registry {
		if r.New != nil {
			out = append(out, r.Name)
		}
	}
	return out
}

// ParseAlgorithm parses an algorithm name or one of its aliases (e.g.
// "heat-bath", "swendsen-wang", "tempering").
func ParseAlgorithm(s string) (Algorithm, error) {
	for _, r := range registry {
		if s == string(r.Name) {
			return r.Name, nil
		}
		for _, a := range r.Aliases {
			if s == a {
				return r.Name, nil
			}
		}
	}
	return "", fmt.Errorf("unknown algorithm %q: allowed %s", s, JoinAlgorithms(Algorithms, ", "))
}

// JoinAlgorithms joins names with sep ("metropolis, heatbath, ...").
func JoinAlgorithms(as []Algorithm, sep string) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, sep)
}

// NewKernel returns the generic kernel of algorithm alg (order applies to
// the single-spin ones) for m at inverse temperature beta, with a random
// start drawn from src. It returns an error for a driver (PT, see Tempering)
// or an unknown algorithm.
func NewKernel(m *lattice.Model, beta float64, alg Algorithm, order Order, src rand.Source) (TemperedKernel, error) {
	if r, ok := alg.Info(); ok && r.New != nil {
		return r.New(m, beta, order, src), nil
	}
	return nil, fmt.Errorf("mc: algorithm %q has no kernel: allowed %s", alg, JoinAlgorithms(KernelAlgorithms(), ", "))
}
