package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"

	"github.com/isingrbm/isingrbm/hs"
	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/mcrun"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

type exactRow struct {
	method string
	res    *transfer.Result
}

type mcRow struct {
	algorithm string
	res       mc.TempResult
}

// temperature returns 1/beta rounded to 12 significant digits, so that a
// temperature given as T = 1.8 prints as 1.8 after the round trip through beta.
func temperature(beta float64) float64 {
	if beta == 0 {
		return math.Inf(1)
	}
	t, _ := strconv.ParseFloat(strconv.FormatFloat(1/beta, 'g', 12, 64), 64)
	return t
}

func exactValue(res *transfer.Result, q plots.Quantity) float64 { return plots.ExactValue(res, q) }

func mcValue(res mc.TempResult, q plots.Quantity) (float64, float64) { return plots.MCValue(res, q) }

// exactColumns are the columns of data/exact.csv: the schema's quantity keys
// (QuantityKeys), empty (NaN) where the method does not give the quantity.
var exactColumns = append([]string{"size", "sites", "method", "temperature", "beta"}, QuantityKeys...)

// exactGet returns quantity h of x, NaN when the method did not give it.
func exactGet(x *transfer.Result, h transfer.Quantity) float64 {
	if v, ok := x.Get(h); ok {
		return v
	}
	return math.NaN()
}

// exactCells are the QuantityKeys cells of x.
func exactCells(x *transfer.Result) []any {
	return []any{exactGet(x, transfer.HasLnZ), exactGet(x, transfer.HasFreeEnergy), exactGet(x, transfer.HasEnergy),
		exactGet(x, transfer.HasHeatCapacity), exactGet(x, transfer.HasMagnetization), exactGet(x, transfer.HasAbsMagnetization),
		exactGet(x, transfer.HasM2), exactGet(x, transfer.HasM4), exactGet(x, transfer.HasBinder),
		exactGet(x, transfer.HasSusceptibility), exactValue(x, plots.SusceptAbs)}
}

func (r *run) runExact() error {
	e := r.spec.Exact
	betas := e.Betas()
	t := newTable("exact", exactColumns...)
	j := 1.0
	if r.spec.Lattice.J != nil {
		j = *r.spec.Lattice.J
	}
	for k, m := range r.models {
		label := r.labels[k]
		var rows []exactRow
		for _, method := range e.Methods {
			var res []*transfer.Result
			switch method {
			case "onsager":
				continue // once, below
			case "chain":
				for _, b := range betas {
					x, err := transfer.Chain(m.N, j, r.spec.Lattice.H, b, m.Geometry.Boundary[0])
					if err != nil {
						return err
					}
					res = append(res, x)
				}
			default:
				me := method
				if strings.Contains(me, "|") {
					var err error
					if me, err = pickMethod(m, me); err != nil {
						return err
					}
				}
				var err error
				res, err = transfer.Compute(r.ctx, m, betas, me, transfer.Options{Enum: transfer.EnumOptions{Workers: r.opt.Workers}})
				if err != nil {
					return err
				}
			}
			for _, x := range res {
				rows = append(rows, exactRow{method: method, res: x})
				t.add(append([]any{label, m.N, x.Method, temperature(x.Beta), x.Beta}, exactCells(x)...)...)
			}
		}
		r.exact[label] = rows
	}
	for _, method := range e.Methods {
		if method != "onsager" {
			continue
		}
		var rows []exactRow
		for _, b := range betas {
			if b == 0 {
				continue
			}
			x, err := transfer.Onsager(j, b)
			if err != nil {
				return err
			}
			rows = append(rows, exactRow{method: method, res: x})
			t.add(append([]any{"infinite", 0, method, temperature(b), b}, exactCells(x)...)...)
		}
		r.exact["infinite"] = rows
	}
	return r.saveTable(t)
}

// mcColumns are the columns of every Monte Carlo table (mc, rbm_sampling,
// learning_rbm_gibbs): the schema's KEY, KEY_error, KEY_tau_int for each of
// MCQuantityKeys.
var mcColumns = append(append([]string{"size", "sites", "algorithm", "temperature", "beta", "measurements"},
	estimateColumns(MCQuantityKeys...)...), "acceptance", "mean_cluster_size", "warnings")

func mcTableRow(t *table, label string, n int, alg string, x mc.TempResult) {
	cells := []any{label, n, alg, temperature(x.Beta), x.Beta, x.Measurements}
	for _, e := range MCEstimates(&x) {
		cells = append(cells, e.Mean, e.Error, e.TauInt)
	}
	t.add(append(cells, x.Acceptance, x.MeanClusterSize, strings.Join(x.Warnings, "; "))...)
}

func (r *run) runMC() error {
	p := r.spec.MC
	betas := p.Betas()
	order, _ := mc.ParseOrder(p.Order)
	type job struct {
		size, alg, temp int
	}
	var jobs []job
	for s := range r.models {
		for a := range p.Algorithms {
			for k := range betas {
				jobs = append(jobs, job{s, a, k})
			}
		}
	}
	out := make([]mcRow, len(jobs))
	var snap []int8
	snapSize, snapTemp := len(r.models)-1, -1
	if p.Snapshot > 0 && len(r.models[snapSize].Geometry.Dims) == 2 {
		best := math.Inf(1)
		for k, b := range betas {
			if d := math.Abs(temperature(b) - p.Snapshot); d < best {
				best, snapTemp = d, k
			}
		}
	}
	for _, j := range jobs {
		what := fmt.Sprintf("mc/%s/%s/%d", p.Algorithms[j.alg], r.labels[j.size], j.temp)
		r.man.Seeds = append(r.man.Seeds, SeedRecord{What: what, Seed: r.spec.Seed, Stream: streamID(what)})
	}
	snapJob := -1
	for i, j := range jobs {
		if j.size == snapSize && j.alg == 0 && j.temp == snapTemp {
			snapJob = i
		}
	}
	err := r.forEach(len(jobs), func(ctx context.Context, i int) error {
		if done, ok := r.shardRows.mc[i]; ok { // merged from a shard file
			out[i] = mcRow{algorithm: done.Algorithm, res: done.Res}
			return nil
		}
		if r.shardRows.loaded {
			return fmt.Errorf("--merge: Monte Carlo chain %d of %d is in no shard file: the shards are incomplete or altered; rerun the shard that owns it", i, len(jobs))
		}
		if !r.mine(i) {
			return nil
		}
		j := jobs[i]
		m := r.models[j.size]
		alg, _ := mc.ParseAlgorithm(p.Algorithms[j.alg])
		what := fmt.Sprintf("mc/%s/%s/%d", p.Algorithms[j.alg], r.labels[j.size], j.temp)
		// One temperature per call (forEach spreads the jobs over the
		// workers); the fast kernels of mc/fast are used where they apply.
		mcres, err := mcrun.Run(ctx, m, mcrun.Config{Algorithm: alg, Order: order, Betas: betas[j.temp : j.temp+1],
			Streams: []uint64{streamID(what)}, Seed: r.spec.Seed, Thermalize: p.Thermalize, Sweeps: p.Sweeps, Workers: 1})
		if err != nil {
			return err
		}
		res := mcres.Output.Results[0]
		res.Index = j.temp
		res.Seconds = 0 // wall time goes to the manifest only
		out[i] = mcRow{algorithm: p.Algorithms[j.alg], res: res}
		if i == snapJob {
			snap = mcres.Spins[0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r.shardRows.loaded && snapJob >= 0 {
		snap = r.shardRows.snap
	}
	if r.opt.Shard.N > 0 {
		for i := range jobs {
			if r.mine(i) {
				r.shardOut.MC = append(r.shardOut.MC, shardRow{Job: i, Algorithm: out[i].algorithm, Res: out[i].res})
			}
		}
		if r.mine(snapJob) {
			r.shardOut.Snap = snap
		}
		return nil
	}
	t := newTable("mc", mcColumns...)
	for i, j := range jobs {
		label := r.labels[j.size]
		r.mc[label] = append(r.mc[label], out[i])
		mcTableRow(t, label, r.models[j.size].N, out[i].algorithm, out[i].res)
	}
	if err := r.saveTable(t); err != nil {
		return err
	}
	if snap != nil {
		m := r.models[snapSize]
		lx, ly := m.Geometry.Dims[0], m.Geometry.Dims[1]
		st := newTable("snapshot", "x", "y", "spin", "temperature", "beta")
		for i, v := range snap {
			st.add(i%lx, i/lx, int(v), temperature(betas[snapTemp]), betas[snapTemp])
		}
		if err := r.saveTable(st); err != nil {
			return err
		}
		title := fmt.Sprintf("%s: spins after %d sweeps at T = %.3g", algName[p.Algorithms[0]], p.Thermalize+p.Sweeps, temperature(betas[snapTemp]))
		pl, err := plots.Snapshot(title, snap, lx, ly)
		if err != nil {
			return err
		}
		w, h := plots.SnapshotSize(lx, ly, 5*vg.Inch)
		if err := r.saveFigureSize(pl, "snapshot", w, h); err != nil {
			return err
		}
	}
	return nil
}

// runRBMSampling runs block Gibbs on the Gaussian-hidden HS RBM of each model.
func (r *run) runRBMSampling() error {
	p := r.spec.RBMSampling
	betas := p.Betas()
	type job struct{ size, temp int }
	var jobs []job
	for s := range r.models {
		for k := range betas {
			jobs = append(jobs, job{s, k})
		}
	}
	out := make([]mc.TempResult, len(jobs))
	for _, j := range jobs {
		what := fmt.Sprintf("rbm_sampling/%s/%d", r.labels[j.size], j.temp)
		r.man.Seeds = append(r.man.Seeds, SeedRecord{What: what, Seed: r.spec.Seed, Stream: streamID(what)})
	}
	err := r.forEach(len(jobs), func(ctx context.Context, i int) error {
		if done, ok := r.shardRows.rbm[i]; ok {
			out[i] = done.Res
			return nil
		}
		if r.shardRows.loaded {
			return fmt.Errorf("--merge: RBM sampling chain %d of %d is in no shard file: the shards are incomplete or altered; rerun the shard that owns it", i, len(jobs))
		}
		if !r.mine(i) {
			return nil
		}
		j := jobs[i]
		m := r.models[j.size]
		beta := betas[j.temp]
		what := fmt.Sprintf("rbm_sampling/%s/%d", r.labels[j.size], j.temp)
		res, err := gibbsRun(ctx, m, beta, p, rng.NewRand(r.spec.Seed, streamID(what)))
		if err != nil {
			return err
		}
		res.Index = j.temp
		out[i] = res
		return nil
	})
	if err != nil {
		return err
	}
	if r.opt.Shard.N > 0 {
		for i := range jobs {
			if r.mine(i) {
				r.shardOut.RBM = append(r.shardOut.RBM, shardRow{Job: i, Algorithm: "rbm-gibbs", Res: out[i]})
			}
		}
		return nil
	}
	t := newTable("rbm_sampling", mcColumns...)
	for i, j := range jobs {
		label := r.labels[j.size]
		r.rbms[label] = append(r.rbms[label], mcRow{algorithm: "rbm-gibbs", res: out[i]})
		mcTableRow(t, label, r.models[j.size].N, "rbm-gibbs", out[i])
	}
	return r.saveTable(t)
}

// gibbsRun samples the Ising model m at beta through the visible marginal of
// its Hubbard–Stratonovich RBM (Gaussian hidden units, spin visible units):
// p.Chains independent block-Gibbs chains from random starts run as one
// batch, each thermalized for p.Thermalize sweeps; the measurement series of
// the chains (total energy H(s) and magnetization after every v -> h -> v
// sweep) are concatenated chain after chain and analysed like a Monte Carlo
// series by mc.Analyze.
func gibbsRun(ctx context.Context, m *lattice.Model, beta float64, p *RBMSamplingSpec, rnd *rand.Rand) (mc.TempResult, error) {
	hr, err := hs.Build(m, beta, hs.Config{})
	if err != nil {
		return mc.TempResult{}, err
	}
	return gibbsChains(ctx, m, beta, hr.RBM, p.Chains, p.Thermalize, p.Sweeps, rnd)
}

// gibbsChains runs b block-Gibbs chains of model (spin visible units, unit i
// = site i of m) from random starts, discards therm sweeps and analyses the
// Ising energy and magnetization after each of the next sweeps sweeps, the
// chains' series concatenated.
func gibbsChains(ctx context.Context, m *lattice.Model, beta float64, model *rbm.RBM, b, therm, sweeps int, rnd *rand.Rand) (mc.TempResult, error) {
	n, hid := model.Dims()
	v := mat.NewDense(b, n, nil)
	for c := 0; c < b; c++ {
		for i := 0; i < n; i++ {
			if rnd.Uint64()&1 == 0 {
				v.Set(c, i, -1)
			} else {
				v.Set(c, i, 1)
			}
		}
	}
	h := mat.NewDense(b, max(hid, 1), nil)
	if hid == 0 {
		h = &mat.Dense{}
	}
	energies := make([][]float64, b)
	mags := make([][]float64, b)
	s := make([]int8, n)
	for sweep := 0; sweep < therm+sweeps; sweep++ {
		if sweep%256 == 0 {
			if err := ctx.Err(); err != nil {
				return mc.TempResult{}, err
			}
		}
		model.Gibbs(v, h, 1, rnd)
		if sweep < therm {
			continue
		}
		for c := 0; c < b; c++ {
			var mg int
			for i := 0; i < n; i++ {
				s[i] = int8(v.At(c, i))
				mg += int(s[i])
			}
			energies[c] = append(energies[c], m.Energy(s))
			mags[c] = append(mags[c], float64(mg))
		}
	}
	var es, ms []float64
	for c := 0; c < b; c++ {
		es = append(es, energies[c]...)
		ms = append(ms, mags[c]...)
	}
	res := mc.Analyze(beta, n, es, ms, mc.AnalysisOptions{})
	res.Acceptance = 1
	res.Updates = int64(sweeps) * int64(b) * int64(n)
	return res, nil
}
