package mc

import (
	"math"
	"math/rand/v2"

	"github.com/isingrbm/isingrbm/lattice"
)

// Cluster is a cluster kernel for any lattice.Model, with couplings of either
// sign: Wolff single-cluster updates (U. Wolff, PRL 62, 361 (1989)) or
// Swendsen–Wang (PRL 58, 86 (1987)). A bond with J_ij s_i s_j > 0 (satisfied)
// is activated with probability 1 - exp(-2 beta |J_ij|); clusters of activated
// bonds are flipped. A field is handled exactly with a ghost spin s_0 coupled
// to every site i by h_i: the kernel samples the extended system x (N spins
// plus the ghost) with H = -sum J_ij x_i x_j - sum_i h_i x_i x_0, which is
// invariant under a global flip, and reports the physical spins s_i = x_i x_0.
//
// One Sweep of Wolff flips a fixed number of single clusters, each grown from
// a uniformly chosen seed among the N (+1 ghost) spins, the number being fixed
// after thermalization so that a sweep flips about N spins (see EndAdaptation);
// one Sweep of Swendsen–Wang decomposes the whole extended lattice and flips
// each cluster with probability 1/2. Sweep returns (spins flipped, clusters
// flipped), counting the ghost as a spin.
type Cluster struct {
	state
	sw    bool
	ghost bool
	x     []int8 // extended spins; x[:N] is state.s, x[N] the ghost if any
	// Extended CSR neighbour list (site N is the ghost).
	start []int32
	sites []int32
	coup  []float64
	padd  []uint64 // threshold of 1 - exp(-2 beta |J|) per CSR entry (see threshold)
	mark  []uint32
	stamp uint32
	stack []int32
	// Wolff clusters per sweep: 0 while adapting (see EndAdaptation).
	perSweep int
	adapt    WolffAdaptation
	// Swendsen–Wang scratch.
	parent []int32
	coin   []int8
}

// NewWolff returns a Wolff kernel for m at inverse temperature beta with a
// random start drawn from src; see NewMetropolis for the source requirements.
func NewWolff(m *lattice.Model, beta float64, src rand.Source) *Cluster {
	return newCluster(m, beta, src, false)
}

// NewSwendsenWang returns a Swendsen–Wang kernel; see NewWolff.
func NewSwendsenWang(m *lattice.Model, beta float64, src rand.Source) *Cluster {
	return newCluster(m, beta, src, true)
}

func newCluster(m *lattice.Model, beta float64, src rand.Source, sw bool) *Cluster {
	k := &Cluster{sw: sw}
	k.init(m, beta, src)
	n := m.N
	k.ghost = m.HasField()
	nx := n
	if k.ghost {
		nx = n + 1
	}
	k.x = make([]int8, nx)
	copy(k.x, k.s)
	if k.ghost {
		k.x[n] = 1
	}
	k.s = k.x[:n]
	nb := k.nb
	k.start = make([]int32, nx+1)
	for i := 0; i < n; i++ {
		for p := nb.Start[i]; p < nb.Start[i+1]; p++ {
			if nb.Couplings[p] != 0 {
				k.sites = append(k.sites, nb.Sites[p])
				k.coup = append(k.coup, nb.Couplings[p])
			}
		}
		if k.ghost && m.Fields[i] != 0 {
			k.sites = append(k.sites, int32(n))
			k.coup = append(k.coup, m.Fields[i])
		}
		k.start[i+1] = int32(len(k.sites))
	}
	if k.ghost {
		for i := 0; i < n; i++ {
			if m.Fields[i] != 0 {
				k.sites = append(k.sites, int32(i))
				k.coup = append(k.coup, m.Fields[i])
			}
		}
		k.start[n+1] = int32(len(k.sites))
	}
	k.padd = make([]uint64, len(k.coup))
	k.mark = make([]uint32, nx)
	if sw {
		k.parent = make([]int32, nx)
		k.coin = make([]int8, nx)
	}
	k.SetBeta(beta)
	return k
}

// SetBeta changes the inverse temperature.
func (k *Cluster) SetBeta(beta float64) {
	k.beta = beta
	for p, c := range k.coup {
		k.padd[p] = threshold(-math.Expm1(-2 * beta * math.Abs(c)))
	}
}

// Magnetization returns sum_i s_i of the physical spins.
func (k *Cluster) Magnetization() int {
	if k.ghost {
		return int(k.x[len(k.s)]) * k.mag
	}
	return k.mag
}

// Spins copies the physical spins s_i = x_i x_0 into dst.
func (k *Cluster) Spins(dst []int8) []int8 {
	dst = k.state.Spins(dst)
	if k.ghost && k.x[len(k.s)] < 0 {
		for i := range dst {
			dst[i] = -dst[i]
		}
	}
	return dst
}

// Sweep performs one Wolff or Swendsen–Wang sweep; see Cluster.
func (k *Cluster) Sweep() (updates, accepted int64) {
	if k.sw {
		return k.sweepSW()
	}
	n := len(k.s)
	nx := len(k.x)
	x, start, sites, coup, padd, mark := k.x, k.start, k.sites, k.coup, k.padd, k.mark
	var flipped, clusters int64
	target := k.perSweep
	for (target == 0 && flipped < int64(n)) || clusters < int64(target) {
		k.stamp++
		if k.stamp == 0 {
			clear(k.mark)
			k.stamp = 1
		}
		st := k.stamp
		seed := int32(k.intn(nx))
		mark[seed] = st
		stack := append(k.stack[:0], seed)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			old := x[i]
			fo := float64(old)
			var f float64
			for p := start[i]; p < start[i+1]; p++ {
				j := sites[p]
				xj := float64(x[j])
				c := coup[p]
				f += c * xj
				if mark[j] != st && c*fo*xj > 0 && k.u64() < padd[p] {
					mark[j] = st
					stack = append(stack, j)
				}
			}
			x[i] = -old
			k.e += 2 * fo * f
			if int(i) < n {
				k.mag -= 2 * int(old)
			}
			flipped++
		}
		k.stack = stack
		clusters++
	}
	if target == 0 {
		k.adapt.Record(clusters, flipped)
	}
	return flipped, clusters
}

// EndAdaptation fixes the number of Wolff clusters per sweep: during
// thermalization a Wolff sweep builds clusters until at least N spins have
// been flipped, which makes the end of a sweep depend on the configuration
// and would bias measurements taken after it; from EndAdaptation on, every
// sweep builds exactly round(N / mean cluster size) clusters (at least 1), the
// mean being that of the later thermalization sweeps (see WolffAdaptation). The
// driver calls it once, after thermalization. When fewer than
// MinAdaptationSweeps sweeps were recorded (little or no thermalization), it
// first performs the missing adaptation sweeps, so that a measured sweep
// flips about N spins from the first one (with one cluster per sweep, 2000
// sweeps of a 256x256 lattice would flip 23000 spins in all); these sweeps
// are extra, uncounted thermalization. It does nothing for Swendsen–Wang or
// when already called.
func (k *Cluster) EndAdaptation() {
	if k.sw || k.perSweep > 0 {
		return
	}
	for k.adapt.sweeps < MinAdaptationSweeps {
		k.Sweep()
	}
	k.perSweep = k.adapt.ClustersPerSweep(len(k.s))
}

// MinAdaptationSweeps is the least number of adaptation sweeps (clusters
// until N spins have flipped) the Wolff kernels record before fixing the
// number of clusters per sweep; EndAdaptation performs the missing ones.
const MinAdaptationSweeps = 8

// ClustersPerSweep returns the fixed number of Wolff clusters per sweep, or 0
// while still adapting (see EndAdaptation).
func (k *Cluster) ClustersPerSweep() int { return k.perSweep }

// FindRoot returns the root of site i in the union-find forest parent (a
// root r has parent[r] == r), halving the path on the way. Union links two
// trees. Together they are the cluster bookkeeping of the Swendsen–Wang
// sweeps here and in mc/fast, so that both label clusters the same way.
func FindRoot(parent []int32, i int32) int32 {
	for parent[i] != i {
		parent[i] = parent[parent[i]]
		i = parent[i]
	}
	return i
}

// Union merges the trees of i and j in parent. The root with the smaller
// index becomes the root of both, which keeps the result independent of
// anything but the bonds.
func Union(parent []int32, i, j int32) {
	a, b := FindRoot(parent, i), FindRoot(parent, j)
	if a < b {
		parent[b] = a
	} else if b < a {
		parent[a] = b
	}
}

func (k *Cluster) sweepSW() (updates, accepted int64) {
	x, start, sites, coup, padd := k.x, k.start, k.sites, k.coup, k.padd
	nx := len(x)
	for i := range k.parent {
		k.parent[i] = int32(i)
	}
	for i := 0; i < nx; i++ {
		for p := start[i]; p < start[i+1]; p++ {
			j := sites[p]
			if int(j) <= i {
				continue
			}
			if coup[p]*float64(x[i])*float64(x[j]) > 0 && k.u64() < padd[p] {
				Union(k.parent, int32(i), j)
			}
		}
	}
	clear(k.coin)
	var flipped, clusters int64
	for i := 0; i < nx; i++ {
		root := FindRoot(k.parent, int32(i))
		if k.coin[root] == 0 {
			if k.u64()>>63 == 1 {
				k.coin[root] = 1
				clusters++
			} else {
				k.coin[root] = 2
			}
		}
		if k.coin[root] == 1 {
			x[i] = -x[i]
			flipped++
		}
	}
	// Recompute energy and magnetization from scratch (the sweep touched every bond).
	var e float64
	for i := 0; i < nx; i++ {
		for p := start[i]; p < start[i+1]; p++ {
			if j := sites[p]; int(j) > i {
				e -= coup[p] * float64(x[i]) * float64(x[j])
			}
		}
	}
	k.e = e
	k.mag = lattice.Magnetization(k.s)
	return flipped, clusters
}

func (k *Cluster) tag() byte {
	if k.sw {
		return tagSW
	}
	return tagWolff
}

// MarshalBinary saves the extended spins, energy and random-source state.
func (k *Cluster) MarshalBinary() ([]byte, error) {
	return k.marshal(k.tag(), k.x[len(k.s):], append([]uint64{uint64(k.perSweep)}, k.adapt.Words()...))
}

// UnmarshalBinary restores a state saved by MarshalBinary.
func (k *Cluster) UnmarshalBinary(b []byte) error {
	w := make([]uint64, 1+WolffAdaptationWords)
	if err := k.unmarshal(k.tag(), b, k.x[len(k.s):], w); err != nil {
		return err
	}
	k.perSweep = int(w[0])
	k.adapt.SetWords(w[1:])
	return nil
}
