package rg

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/plot"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/plots"
)

// Hopfield retrieval: Monte Carlo of the overlaps
//
//	m_mu = (1/N) sum_i xi_i^mu s_i
//
// of the Hopfield network of lattice.KindHopfield (J_ij = (1/N) sum_mu
// xi_i^mu xi_j^mu, i != j, random ±1 patterns) against the temperature and
// the load alpha = P/N. In the thermodynamic limit (D. J. Amit, H. Gutfreund
// and H. Sompolinsky, PRL 55, 1530 (1985); Ann. Phys. 173, 30 (1987)) the
// retrieval states, m_1 = O(1) for one pattern and O(1/sqrt N) for the
// others, exist below T_M(alpha): T_M -> 1 as alpha -> 0 (m = tanh(m/T),
// the Curie–Weiss equation), and at T = 0 up to alpha_c ~ 0.138. A finite
// network shows smooth crossovers instead of these transitions, and in the
// paramagnetic phase max_mu |m_mu| stays at the O(sqrt(ln P / N)) level of
// the fluctuations of P overlaps rather than at zero.

// HopfieldConfig configures HopfieldRetrieval. Every zero value is the
// documented default.
type HopfieldConfig struct {
	N        int       // neurons, 2..lattice.MaxHopfieldNeurons; required
	Patterns []int     // numbers P of stored patterns, each 1..lattice.MaxHopfieldPatterns; required
	Temps    []float64 // temperatures T > 0 (units of J/k_B); required
	// Sweeps are measured Metropolis sweeps (N attempted flips each) per
	// (P, T); zero: 2000.
	Sweeps int
	// Thermalize are discarded sweeps; zero: 500; negative: none.
	Thermalize int
	// Realizations are independent pattern sets, realization r drawn from
	// DisorderSeed + r (r = 0 is the network of 'isingrbm ... --lattice
	// hopfield --disorder-seed DisorderSeed'); zero: 1.
	Realizations int
	// DisorderSeed is the seed of the patterns (stream
	// lattice.StreamPatterns). The P patterns of a network are the first P
	// drawn, so a network with fewer patterns stores a subset of those of a
	// larger one.
	DisorderSeed uint64
	// Seed is the seed of the Monte Carlo chains (stream
	// rng.StreamHopfieldRetrieval + chain index).
	Seed uint64
}

// HopfieldPoint is the retrieval at one (P, T).
type HopfieldPoint struct {
	Patterns    int     `json:"patterns"`
	Load        float64 `json:"load"` // alpha = P/N
	Temperature float64 `json:"temperature"`
	Beta        float64 `json:"beta"`
	// MaxOverlap is <max_mu |m_mu|>; Overlap is <|m_1|>, the overlap with
	// the starting pattern; Energy is <H>/N. With one realization the errors
	// are Monte Carlo errors sqrt(2 tau_int Var/n); with several, the
	// standard error of the realizations' means (thermal and disorder
	// fluctuations together).
	MaxOverlap mc.Estimate `json:"max_abs_overlap"`
	Overlap    mc.Estimate `json:"overlap_start_pattern"`
	Energy     mc.Estimate `json:"energy_per_site"`
	Acceptance float64     `json:"acceptance"`
}

// HopfieldResult is the result of HopfieldRetrieval.
type HopfieldResult struct {
	N            int             `json:"neurons"`
	Sweeps       int             `json:"sweeps"`
	Thermalize   int             `json:"thermalize"`
	Realizations int             `json:"realizations"`
	DisorderSeed uint64          `json:"disorder_seed"`
	Seed         uint64          `json:"seed"`
	Points       []HopfieldPoint `json:"points"` // P-major, then T in the order given
	Seconds      float64         `json:"seconds"`
}

// Limits of HopfieldRetrieval.
const (
	MaxHopfieldSweeps       = 100_000_000
	MaxHopfieldRealizations = 10000
)

func (c *HopfieldConfig) defaults() error {
	if c.Sweeps == 0 {
		c.Sweeps = 2000
	}
	switch {
	case c.Thermalize == 0:
		c.Thermalize = 500
	case c.Thermalize < 0:
		c.Thermalize = 0
	}
	if c.Realizations == 0 {
		c.Realizations = 1
	}
	switch {
	case c.N < 2 || c.N > lattice.MaxHopfieldNeurons:
		return fmt.Errorf("rg: hopfield: neurons = %d: allowed 2..%d", c.N, lattice.MaxHopfieldNeurons)
	case len(c.Patterns) == 0:
		return fmt.Errorf("rg: hopfield: patterns: give at least one number of patterns")
	case len(c.Temps) == 0:
		return fmt.Errorf("rg: hopfield: temperatures: give at least one temperature")
	case c.Sweeps < 10 || c.Sweeps > MaxHopfieldSweeps:
		return fmt.Errorf("rg: hopfield: sweeps = %d: allowed 10..%d", c.Sweeps, MaxHopfieldSweeps)
	case c.Thermalize > MaxHopfieldSweeps:
		return fmt.Errorf("rg: hopfield: thermalize = %d: allowed 0..%d", c.Thermalize, MaxHopfieldSweeps)
	case c.Realizations < 1 || c.Realizations > MaxHopfieldRealizations:
		return fmt.Errorf("rg: hopfield: realizations = %d: allowed 1..%d", c.Realizations, MaxHopfieldRealizations)
	}
	for _, p := range c.Patterns {
		if p < 1 || p > lattice.MaxHopfieldPatterns {
			return fmt.Errorf("rg: hopfield: patterns = %d: allowed 1..%d", p, lattice.MaxHopfieldPatterns)
		}
	}
	for _, t := range c.Temps {
		if !(t > 0) || math.IsInf(t, 0) {
			return fmt.Errorf("rg: hopfield: temperature = %v: must be finite and > 0", t)
		}
	}
	return nil
}

// hopfieldChain is a Metropolis chain of the Hopfield network in the pattern
// representation: the overlaps M_mu = sum_i xi_i^mu s_i are tracked, so the
// local field h_i = sum_j J_ij s_j = (1/N) sum_mu xi_i^mu M_mu - (P/N) s_i
// costs O(P) instead of O(N). xi is stored neuron-major (xi[i*P + mu]).
type hopfieldChain struct {
	n, p int
	xi   []int8
	s    []int8
	mm   []int // M_mu
	beta float64
	r    *rand.Rand
}

func newHopfieldChain(patterns [][]int8, beta float64, src rand.Source) *hopfieldChain {
	p, n := len(patterns), len(patterns[0])
	c := &hopfieldChain{n: n, p: p, xi: make([]int8, n*p), s: make([]int8, n), mm: make([]int, p), beta: beta, r: rand.New(src)}
	for mu, x := range patterns {
		for i, v := range x {
			c.xi[i*p+mu] = v
		}
	}
	copy(c.s, patterns[0]) // start in pattern 1
	for i, si := range c.s {
		for mu := 0; mu < p; mu++ {
			c.mm[mu] += int(c.xi[i*p+mu]) * int(si)
		}
	}
	return c
}

// field returns N h_i (an integer).
func (c *hopfieldChain) field(i int) int {
	x := c.xi[i*c.p : (i+1)*c.p]
	f := 0
	for mu, v := range x {
		f += int(v) * c.mm[mu]
	}
	return f - c.p*int(c.s[i])
}

// sweep makes N Metropolis attempts at random sites; it returns the flips.
func (c *hopfieldChain) sweep() int {
	acc := 0
	inv := 1 / float64(c.n)
	for t := 0; t < c.n; t++ {
		i := c.r.IntN(c.n)
		si := int(c.s[i])
		dE := 2 * float64(si*c.field(i)) * inv // H = -sum_{i<j} J_ij s_i s_j
		if dE <= 0 || c.r.Float64() < math.Exp(-c.beta*dE) {
			c.s[i] = int8(-si)
			x := c.xi[i*c.p : (i+1)*c.p]
			for mu, v := range x {
				c.mm[mu] -= 2 * int(v) * si
			}
			acc++
		}
	}
	return acc
}

// energy returns H = -(1/2N) sum_mu (M_mu^2 - N).
func (c *hopfieldChain) energy() float64 {
	var e float64
	for _, m := range c.mm {
		e += float64(m*m - c.n)
	}
	return -e / (2 * float64(c.n))
}

// HopfieldRetrieval runs, for every number of patterns P and temperature T of
// c, a Metropolis chain (random site order, N attempts per sweep) of the
// Hopfield network of N neurons started in the first pattern, and measures
// every sweep the overlaps m_mu = (1/N) sum_i xi_i^mu s_i: max_mu |m_mu|
// (retrieval of any stored pattern), |m_1| (of the starting one) and the
// energy. The chains are independent (chain k = (r len(Patterns) + p)
// len(Temps) + t on stream rng.StreamHopfieldRetrieval + k of c.Seed); the
// result does not depend on the order they run in.
func HopfieldRetrieval(ctx context.Context, c HopfieldConfig) (*HopfieldResult, error) {
	if err := c.defaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	res := &HopfieldResult{N: c.N, Sweeps: c.Sweeps, Thermalize: c.Thermalize, Realizations: c.Realizations,
		DisorderSeed: c.DisorderSeed, Seed: c.Seed}
	pmax := 0
	for _, p := range c.Patterns {
		pmax = max(pmax, p)
	}
	type sums struct{ maxo, ov, e []float64 }
	per := make([]sums, len(c.Patterns)*len(c.Temps))
	var accepted, attempts []float64 = make([]float64, len(per)), make([]float64, len(per))
	single := make([][3]mc.Estimate, len(per))
	for r := 0; r < c.Realizations; r++ {
		all := lattice.HopfieldPatterns(c.N, pmax, rng.New(c.DisorderSeed+uint64(r), lattice.StreamPatterns))
		for pi, p := range c.Patterns {
			for ti, T := range c.Temps {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				k := uint64((r*len(c.Patterns)+pi)*len(c.Temps) + ti)
				ch := newHopfieldChain(all[:p], 1/T, rng.New(c.Seed, rng.StreamHopfieldRetrieval+k))
				for t := 0; t < c.Thermalize; t++ {
					ch.sweep()
				}
				maxo, ov, en := make([]float64, c.Sweeps), make([]float64, c.Sweeps), make([]float64, c.Sweeps)
				j := pi*len(c.Temps) + ti
				for t := 0; t < c.Sweeps; t++ {
					if t%256 == 0 && ctx.Err() != nil {
						return nil, ctx.Err()
					}
					accepted[j] += float64(ch.sweep())
					attempts[j] += float64(c.N)
					best := 0
					for _, m := range ch.mm {
						best = max(best, abs(m))
					}
					maxo[t] = float64(best) / float64(c.N)
					ov[t] = float64(abs(ch.mm[0])) / float64(c.N)
					en[t] = ch.energy() / float64(c.N)
				}
				s := &per[j]
				var est [3]mc.Estimate
				for q, x := range [][]float64{maxo, ov, en} {
					est[q], _ = mc.MeanError(x, 0)
				}
				single[j] = est
				s.maxo, s.ov, s.e = append(s.maxo, est[0].Mean), append(s.ov, est[1].Mean), append(s.e, est[2].Mean)
			}
		}
	}
	for pi, p := range c.Patterns {
		for ti, T := range c.Temps {
			j := pi*len(c.Temps) + ti
			pt := HopfieldPoint{Patterns: p, Load: float64(p) / float64(c.N), Temperature: T, Beta: 1 / T,
				Acceptance: accepted[j] / attempts[j]}
			if c.Realizations == 1 {
				pt.MaxOverlap, pt.Overlap, pt.Energy = single[j][0], single[j][1], single[j][2]
			} else {
				pt.MaxOverlap, pt.Overlap, pt.Energy = sampleMean(per[j].maxo), sampleMean(per[j].ov), sampleMean(per[j].e)
			}
			res.Points = append(res.Points, pt)
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// sampleMean returns the mean of independent values with its standard error
// (TauInt 0.5: independent).
func sampleMean(x []float64) mc.Estimate {
	m, se := meanErr(x)
	return mc.Estimate{Mean: m, Error: se, TauInt: 0.5}
}

// CurieWeissOverlap returns the non-negative solution m of m = tanh(m/T),
// the retrieval overlap of the Hopfield network at vanishing load (P/N -> 0),
// 0 for T >= 1.
func CurieWeissOverlap(T float64) float64 {
	if !(T < 1) {
		return 0
	}
	m := 1.0
	for range 10000 {
		nm := math.Tanh(m / T)
		if math.Abs(nm-m) < 1e-14 {
			return nm
		}
		m = nm
	}
	return m
}

// HopfieldFigure draws <max_mu |m_mu|> against T, one series per P (with
// P/N in the label), with the P/N -> 0 curve m = tanh(m/T) dashed.
func HopfieldFigure(res *HopfieldResult) (*plot.Plot, error) {
	f := plots.Figure{
		Title: fmt.Sprintf("Hopfield retrieval, N = %d, Metropolis from pattern 1, %d pattern set(s)",
			res.N, res.Realizations),
		XLabel:       "T (units of J/k_B)",
		YLabel:       "<max_mu |m_mu|> (overlap with the nearest pattern)",
		YMin:         0,
		YMax:         1.05,
		YBounds:      &[2]float64{0, 1},
		LegendBottom: true,
		LegendLeft:   true,
	}
	var order []int
	seen := map[int]bool{}
	for _, p := range res.Points {
		if !seen[p.Patterns] {
			seen[p.Patterns] = true
			order = append(order, p.Patterns)
		}
	}
	tmin, tmax := math.Inf(1), math.Inf(-1)
	for i, pp := range order {
		s := plots.Series{Label: fmt.Sprintf("P = %d (P/N = %.3g)", pp, float64(pp)/float64(res.N)), Style: plots.LinePoints, Color: i}
		for _, p := range res.Points {
			if p.Patterns == pp {
				s.X, s.Y, s.YErr = append(s.X, p.Temperature), append(s.Y, p.MaxOverlap.Mean), append(s.YErr, p.MaxOverlap.Error)
				tmin, tmax = math.Min(tmin, p.Temperature), math.Max(tmax, p.Temperature)
			}
		}
		f.Series = append(f.Series, s)
	}
	cw := plots.Series{Label: "P/N -> 0, N -> inf: m = tanh(m/T)", Style: plots.Dashed, Color: 6}
	for k := 0; k <= 200; k++ {
		t := tmin + (tmax-tmin)*float64(k)/200
		cw.X, cw.Y = append(cw.X, t), append(cw.Y, CurieWeissOverlap(t))
	}
	f.Series = append(f.Series, cw)
	return plots.XY(f)
}
