package rg

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/mcrun"
	"github.com/isingrbm/isingrbm/rbm"
)

// IsingSamples returns samples rows of the periodic lx x ly Ising model
// (J = 1, h = 0) at each inverse temperature of betas (rows k*samples ...
// (k+1)*samples-1 for betas[k]), spins ±1, site x + lx*y: Wolff updates
// (mcrun.Run, temperature k on stream k of seed), thermalize sweeps
// discarded, one snapshot every `every` sweeps.
func IsingSamples(ctx context.Context, lx, ly int, betas []float64, samples, every, thermalize int, seed uint64) ([]*mat.Dense, error) {
	if samples < 1 || every < 1 || thermalize < 0 {
		return nil, fmt.Errorf("rg: Ising samples: %d samples every %d sweeps after %d: need samples, every >= 1, thermalize >= 0", samples, every, thermalize)
	}
	m, err := lattice.Square(lx, ly, lattice.Periodic, lattice.Periodic)
	if err != nil {
		return nil, err
	}
	res, err := mcrun.Run(ctx, m, mcrun.Config{Algorithm: mc.Wolff, Betas: betas, Sweeps: samples * every,
		Thermalize: thermalize, SampleEvery: every, Seed: seed})
	if err != nil {
		return nil, err
	}
	out := make([]*mat.Dense, len(betas))
	n := lx * ly
	for k, s := range res.Series {
		if s.NumSamples(n) < samples {
			return nil, fmt.Errorf("rg: Ising samples: %d snapshots at beta %v, want %d", s.NumSamples(n), betas[k], samples)
		}
		d := mat.NewDense(samples, n, nil)
		raw := d.RawMatrix().Data
		for i := range raw {
			raw[i] = float64(s.Samples[i])
		}
		out[res.Output.Results[k].Index] = d
	}
	return out, nil
}

// FlowPoint holds the observables of the configurations after Step
// reconstructions, with standard errors over the configurations (the
// reconstruction chains are independent given their starts).
type FlowPoint struct {
	Step    int     `json:"step"`
	AbsM    float64 `json:"abs_m"` // <|m|>, m = (1/N) sum_i s_i
	AbsMErr float64 `json:"abs_m_error"`
	U       float64 `json:"u"` // energy per site, -(1/N) sum_<ij> s_i s_j (J = 1)
	UErr    float64 `json:"u_error"`
	// C1 is the nearest-neighbour correlation <s_i s_j> over the 2N bonds
	// (= -u/2 on the square lattice, listed because it is what the RBM-flow
	// papers plot); CHalf the correlation at distance L/2 along the axes,
	// the long-range order.
	C1       float64 `json:"c_nn"`
	C1Err    float64 `json:"c_nn_error"`
	CHalf    float64 `json:"c_half"`
	CHalfErr float64 `json:"c_half_error"`
}

// FlowTrajectory is the flow of one set of starting configurations.
type FlowTrajectory struct {
	T      float64     `json:"T"` // temperature of the starting samples
	Points []FlowPoint `json:"points"`
}

// Observe returns the observables of the rows of s (spins ±1 on the
// periodic lx x ly lattice, site x + lx*y) at step.
func Observe(s *mat.Dense, lx, ly, step int) FlowPoint {
	rows, n := s.Dims()
	am, u, c1, ch := make([]float64, rows), make([]float64, rows), make([]float64, rows), make([]float64, rows)
	hx, hy := lx/2, ly/2
	for k := 0; k < rows; k++ {
		v := s.RawRowView(k)
		var m, nn, half float64
		for y := 0; y < ly; y++ {
			for x := 0; x < lx; x++ {
				c := v[x+lx*y]
				m += c
				nn += c * (v[(x+1)%lx+lx*y] + v[x+lx*((y+1)%ly)])
				half += c * (v[(x+hx)%lx+lx*y] + v[x+lx*((y+hy)%ly)])
			}
		}
		am[k] = math.Abs(m) / float64(n)
		u[k] = -nn / float64(n)
		c1[k] = nn / float64(2*n)
		ch[k] = half / float64(2*n)
	}
	p := FlowPoint{Step: step}
	p.AbsM, p.AbsMErr = meanErr(am)
	p.U, p.UErr = meanErr(u)
	p.C1, p.C1Err = meanErr(c1)
	p.CHalf, p.CHalfErr = meanErr(ch)
	return p
}

func meanErr(x []float64) (mean, se float64) {
	mean, sd := meanSD(x)
	return mean, sd / math.Sqrt(float64(len(x)))
}

// streamFlow is the stream id of Flow's reconstructions ("flow").
const streamFlow uint64 = 0x666c6f77

// Flow runs the "RBM flow" of Iso, Shiba and Yokoo (PRE 97, 053304 (2018)):
// starting from the spin configurations start (rows ±1 on the lx x ly
// torus), it applies steps reconstructions v -> h ~ p(h|v) -> v' ~ p(v|h)
// of r (spin or Bernoulli visible units; Bernoulli read as s = 2v - 1) and
// returns the observables after 0, 1, ..., steps of them. Each row is an
// independent block Gibbs chain of r, seeded by (seed, stream): the flow is
// the relaxation of those chains to r's visible marginal.
func Flow(ctx context.Context, r *rbm.RBM, start *mat.Dense, lx, ly, steps int, seed, stream uint64) ([]FlowPoint, error) {
	rows, n := start.Dims()
	if nv, _ := r.Dims(); nv != n || lx*ly != n {
		return nil, fmt.Errorf("rg: flow: %d visible units, %d columns, lattice %dx%d", nv, n, lx, ly)
	}
	if steps < 0 || rows < 2 {
		return nil, fmt.Errorf("rg: flow: %d steps from %d configurations: need steps >= 0 and >= 2 configurations", steps, rows)
	}
	if !r.Visible.Type.Discrete() {
		return nil, fmt.Errorf("rg: flow: visible units %s: need spin or bernoulli", r.Visible.Type)
	}
	v, err := rbm.ConvertData(start, n, r.Visible.Type)
	if err != nil {
		return nil, fmt.Errorf("rg: flow: %w", err)
	}
	spins := func() *mat.Dense {
		if r.Visible.Type == rbm.Spin {
			return v
		}
		s := mat.NewDense(rows, n, nil)
		s.Apply(func(_, _ int, x float64) float64 { return 2*x - 1 }, v)
		return s
	}
	rnd := rng.NewRand(seed, streamFlow^stream)
	var h mat.Dense
	_, m := r.Dims()
	h.ReuseAs(rows, m)
	out := []FlowPoint{Observe(spins(), lx, ly, 0)}
	for t := 1; t <= steps; t++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		Reconstruct(r, v, &h, 1, rnd)
		out = append(out, Observe(spins(), lx, ly, t))
	}
	return out, nil
}
