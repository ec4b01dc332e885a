package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/rg"
)

func init() { rgRegister(rgStackCommand) }

func rgStackCommand() *cli.Command {
	return &cli.Command{
		Name:  "stack",
		Usage: "stacked RBMs on Ising samples (Mehta and Schwab): receptive fields, their locality, the RBM flow",
		Description: "Samples the periodic L x L Ising model (J = 1, h = 0) at --T with Wolff updates and trains a stack of\n" +
			"RBMs on the samples: layer 1 on the spins, layer l+1 on hidden samples h ~ p(h|v) of layer l\n" +
			"(--input mean: on E[h|v]). Hidden units are spins with zero biases (Z2-symmetric), trained by CD-1\n" +
			"with an L1 penalty (Mehta and Schwab, arXiv:1410.3831). The receptive field of a hidden unit is its\n" +
			"weight column (layer 1) or the product W1 W2 ... Wl (deeper layers); its locality is the radius of\n" +
			"gyration R_g of the |weight| map on the torus (periodic distances, minimised over the centre),\n" +
			"compared with maps of random Gaussian weights and with a stack trained on the same samples with\n" +
			"the sites permuted (a control: sparsity without locality). The RBM flow (Iso, Shiba and Yokoo, PRE\n" +
			"97, 053304 (2018)) applies --flow-steps reconstructions v -> h -> v of layer 1 to samples at each\n" +
			"--flow-T and records <|m|>, u, the nearest-neighbour correlation and the correlation at L/2.\n" +
			"Writes into --out: samples.npy (the training samples), layerK.json (the RBMs), summary.json (the\n" +
			"configuration, the locality of every layer, the flow table), and the figures\n" +
			"rg_stack_fields_layerK, rg_stack_locality, rg_stack_flow (.png and .svg).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "size", Value: "16x16", Usage: "side L or LxL of the periodic square lattice, 4 <= L <= 64"},
			&cli.Float64Flag{Name: "T", Value: 1 / rg.KcExact, Usage: "temperature of the training samples (J/k_B), 0.1..100; default Onsager's T_c"},
			&cli.IntFlag{Name: "samples", Value: 5000, Usage: "training samples (one per Wolff sweep after 500 thermalization sweeps), 100..1000000"},
			&cli.StringFlag{Name: "layers", Usage: "hidden units per layer, comma separated, 1..8 layers (default N/4,N/16)"},
			&cli.StringFlag{Name: "units", Value: "spin", Usage: "hidden units: spin (zero biases, Z2-symmetric) or bernoulli (trained biases)"},
			&cli.StringFlag{Name: "input", Value: "sample", Usage: "what layers above the first are trained on: sample (h ~ p(h|v)) or mean (E[h|v], cd/pcd only)"},
			&cli.StringFlag{Name: "method", Value: "cd", Usage: "training: cd (CD-1), pcd (PCD-1) or pl (pseudo-likelihood)"},
			&cli.IntFlag{Name: "epochs", Value: 30, Usage: "epochs per layer, 1..100000"},
			&cli.Float64Flag{Name: "l1", Value: 0.02, Usage: "L1 penalty on the weights, 0..10"},
			&cli.StringFlag{Name: "flow-T", Value: "1.5,2,2.269,2.6,3.5", Usage: "temperatures of the RBM-flow starts, comma separated, each 0.1..100 (empty: no flow)"},
			&cli.IntFlag{Name: "flow-steps", Value: 30, Usage: "reconstructions per flow, 0..10000"},
			&cli.IntFlag{Name: "flow-samples", Value: 1000, Usage: "starting configurations per flow temperature, 2..100000"},
			&cli.BoolFlag{Name: "no-control", Usage: "skip the control stack trained on site-permuted samples"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed (Monte Carlo, training, flows)"},
			&cli.StringFlag{Name: "out", Value: "rg_stack", Category: catOutput, Usage: "output folder (created if missing)"},
			&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print summary.json on stdout instead of the tables"},
		},
		Action: runRGStack,
	}
}

// stackSummary is summary.json.
type stackSummary struct {
	L            int                 `json:"L"`
	T            float64             `json:"T"`
	Samples      int                 `json:"samples"`
	Seed         uint64              `json:"seed"`
	Layers       []int               `json:"layers"`
	Units        string              `json:"hidden_units"`
	Input        string              `json:"layer_input"`
	Method       string              `json:"method"`
	Epochs       int                 `json:"epochs"`
	LearningRate float64             `json:"learning_rate"`
	L1           float64             `json:"l1"`
	Training     []stackLayerSummary `json:"training"`
	Locality     []rg.Locality       `json:"locality"`
	Control      []rg.Locality       `json:"locality_site_permuted,omitempty"`
	Reference    rg.FlowPoint        `json:"training_samples"`
	Flow         []rg.FlowTrajectory `json:"flow,omitempty"`
	Files        []string            `json:"files"`
	Seconds      float64             `json:"seconds"`
}

type stackLayerSummary struct {
	Layer        int     `json:"layer"`
	Visible      int     `json:"visible"`
	Hidden       int     `json:"hidden"`
	PseudoLogLik float64 `json:"pseudo_log_lik_per_unit"`
	Independent  float64 `json:"independent_per_unit"`
	Seconds      float64 `json:"seconds"`
}

func parseIntList(flag, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("--%s %q: %q is not an integer", flag, s, f)
		}
		out = append(out, v)
	}
	return out, nil
}

func runRGStack(c *cli.Context) error {
	start := time.Now()
	if err := noArgs(c); err != nil {
		return err
	}
	dims, err := lattice.ParseSize(c.String("size"))
	if err != nil {
		return fmt.Errorf("--size: %w", err)
	}
	if len(dims) > 2 || (len(dims) == 2 && dims[0] != dims[1]) || dims[0] < 4 || dims[0] > 64 {
		return fmt.Errorf("--size %s: give L or LxL with 4 <= L <= 64", c.String("size"))
	}
	l := dims[0]
	n := l * l
	T := c.Float64("T")
	if !(T >= 0.1 && T <= 100) {
		return fmt.Errorf("--T %v: allowed 0.1..100", T)
	}
	samples := c.Int("samples")
	if samples < 100 || samples > 1000000 {
		return fmt.Errorf("--samples %d: allowed 100..1000000", samples)
	}
	cfg := rg.StackConfig{Lx: l, Ly: l, Method: c.String("method"), Epochs: c.Int("epochs"), Seed: c.Uint64("seed")}
	if c.IsSet("layers") {
		if cfg.Layers, err = parseIntList("layers", c.String("layers")); err != nil {
			return err
		}
		if len(cfg.Layers) > rg.MaxStackLayers {
			return fmt.Errorf("--layers %s: %d layers, allowed 1..%d", c.String("layers"), len(cfg.Layers), rg.MaxStackLayers)
		}
		for _, m := range cfg.Layers {
			if m < 1 || m > 4*n {
				return fmt.Errorf("--layers %s: %d hidden units, allowed 1..%d (4N)", c.String("layers"), m, 4*n)
			}
		}
	} else {
		cfg.Layers = []int{max(1, n/4), max(1, n/16)}
	}
	if cfg.Units, err = rg.ParseStackUnits(c.String("units")); err != nil {
		return fmt.Errorf("--units: %w", err)
	}
	if cfg.Input, err = rg.ParseStackInput(c.String("input")); err != nil {
		return fmt.Errorf("--input: %w", err)
	}
	switch m := cfg.Method; {
	case m != "cd" && m != "pcd" && m != "pl":
		return fmt.Errorf("--method %q: allowed cd, pcd or pl", m)
	case m == "pl" && cfg.Input == rg.StackMean && len(cfg.Layers) > 1:
		return fmt.Errorf("--method pl with --input mean: pseudo-likelihood needs discrete units (use --input sample, or cd/pcd)")
	}
	if cfg.Epochs < 1 || cfg.Epochs > 100000 {
		return fmt.Errorf("--epochs %d: allowed 1..100000", cfg.Epochs)
	}
	l1 := c.Float64("l1")
	if !(l1 >= 0 && l1 <= 10) {
		return fmt.Errorf("--l1 %v: allowed 0..10", l1)
	}
	cfg.L1 = l1
	if l1 == 0 {
		cfg.L1 = -1 // none (the config's zero value is the default)
	}
	var flowT []float64
	if s := strings.TrimSpace(c.String("flow-T")); s != "" {
		for _, f := range strings.Split(s, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || !(v >= 0.1 && v <= 100) {
				return fmt.Errorf("--flow-T %s: %q: each temperature must be a number in 0.1..100", s, f)
			}
			flowT = append(flowT, v)
		}
	}
	steps, fsamples := c.Int("flow-steps"), c.Int("flow-samples")
	if steps < 0 || steps > 10000 {
		return fmt.Errorf("--flow-steps %d: allowed 0..10000", steps)
	}
	if fsamples < 2 || fsamples > 100000 {
		return fmt.Errorf("--flow-samples %d: allowed 2..100000", fsamples)
	}
	dir := c.String("out")
	if dir == "" {
		return fmt.Errorf("--out: empty folder name")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if err := checkWritable("out", filepath.Join(dir, "summary.json")); err != nil {
		return err
	}
	logw := c.App.ErrWriter
	cfg.Log = func(s string) { fmt.Fprintf(logw, "# %s\n", s) }

	// Samples: the training temperature first, then the flow temperatures.
	betas := []float64{1 / T}
	for _, t := range flowT {
		betas = append(betas, 1/t)
	}
	counts := []int{samples}
	data, err := rg.IsingSamples(c.Context, l, l, betas[:1], samples, 1, 500, cfg.Seed)
	if err != nil {
		return err
	}
	var flowData []*mat.Dense
	if len(flowT) > 0 {
		counts = append(counts, fsamples)
		if flowData, err = rg.IsingSamples(c.Context, l, l, betas[1:], fsamples, 1, 500, cfg.Seed+1); err != nil {
			return err
		}
	}
	fmt.Fprintf(logw, "# %d Wolff samples of the %dx%d torus at T = %.6g; %d per flow temperature (%.1f s)\n",
		samples, l, l, T, fsamples, time.Since(start).Seconds())
	res, err := rg.Stack(c.Context, data[0], cfg)
	if err != nil {
		return err
	}
	sum := stackSummary{L: l, T: T, Samples: samples, Seed: cfg.Seed, Layers: cfg.Layers, Units: res.Units.String(),
		Input: res.Input.String(), Method: res.Method.String(), Epochs: res.Epochs, LearningRate: res.LearningRate, L1: res.L1,
		Reference: rg.Observe(data[0], l, l, 0)}
	for k, sl := range res.Layers {
		nv, m := sl.RBM.Dims()
		sum.Training = append(sum.Training, stackLayerSummary{Layer: k + 1, Visible: nv, Hidden: m,
			PseudoLogLik: nanToZero(sl.PseudoLogLik), Independent: nanToZero(sl.Independent), Seconds: sl.Seconds})
	}
	fields, err := rg.ReceptiveFields(res.RBMs())
	if err != nil {
		return err
	}
	for k, f := range fields {
		sum.Locality = append(sum.Locality, rg.LayerLocality(k+1, f, l, l, 500, cfg.Seed))
	}
	if !c.Bool("no-control") {
		perm := rng.NewRand(cfg.Seed, 0x7065726d).Perm(n) // "perm"
		shuf := permuteColumns(data[0], perm)
		ccfg := cfg
		ccfg.Log = func(s string) { fmt.Fprintf(logw, "# control (sites permuted): %s\n", s) }
		cres, err := rg.Stack(c.Context, shuf, ccfg)
		if err != nil {
			return err
		}
		cf, err := rg.ReceptiveFields(cres.RBMs())
		if err != nil {
			return err
		}
		for k, f := range cf {
			// Measured on the lattice as given: the permuted samples' correlations are not
			// local there (undoing the permutation would give back the local fields, since
			// training does not know the geometry).
			sum.Control = append(sum.Control, rg.LayerLocality(k+1, f, l, l, 500, cfg.Seed))
		}
	}
	for k, t := range flowT {
		pts, err := rg.Flow(c.Context, res.Layers[0].RBM, flowData[k], l, l, steps, cfg.Seed, uint64(k))
		if err != nil {
			return err
		}
		sum.Flow = append(sum.Flow, rg.FlowTrajectory{T: t, Points: pts})
	}

	// Files.
	var files []string
	if err := writeFile(filepath.Join(dir, "samples.npy"), func(w io.Writer) error {
		s := make([]int8, samples*n)
		for i, v := range data[0].RawMatrix().Data {
			s[i] = int8(v)
		}
		return mc.WriteSamples(w, "npy", s, n)
	}); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	files = append(files, filepath.Join(dir, "samples.npy"))
	for k, sl := range res.Layers {
		p := filepath.Join(dir, fmt.Sprintf("layer%d.json", k+1))
		if err := writeFile(p, sl.RBM.Write); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		files = append(files, p)
	}
	for k, f := range fields {
		loc := sum.Locality[k]
		title := fmt.Sprintf("layer %d receptive fields (%s), %dx%d Ising, T = %.4g: mean Rg %.2f (random %.2f, uniform %.2f)",
			k+1, fieldsName(k+1), l, l, T, loc.Mean, loc.Random, loc.Uniform)
		fig, err := rg.FieldsFigure(title, f, l, l)
		if err != nil {
			return err
		}
		_, m := f.Dims()
		cols := int(math.Ceil(math.Sqrt(float64(m))))
		rows := (m + cols - 1) / cols
		w := vg.Length(cols)*0.95*vg.Inch + vg.Inch
		h := vg.Length(rows)*1.05*vg.Inch + 0.5*vg.Inch
		w, h = max(w, 7*vg.Inch), max(h, 4*vg.Inch)
		ps, err := plots.SaveSize(fig, filepath.Join(dir, fmt.Sprintf("rg_stack_fields_layer%d", k+1)), w, h, "png", "svg")
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		files = append(files, ps...)
	}
	lf, err := rg.LocalityFigure(fmt.Sprintf("locality of the receptive fields, %dx%d Ising at T = %.4g, L1 = %g", l, l, T, res.L1), sum.Locality, sum.Control)
	if err != nil {
		return err
	}
	ps, err := plots.Save(lf, filepath.Join(dir, "rg_stack_locality"), "png", "svg")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	files = append(files, ps...)
	if len(sum.Flow) > 0 {
		ff, err := rg.StackFlowFigure(fmt.Sprintf("RBM flow: layer 1 (trained at T = %.4g) applied repeatedly", T), sum.Flow, sum.Reference)
		if err != nil {
			return err
		}
		ps, err := plots.SaveSize(ff, filepath.Join(dir, "rg_stack_flow"), 16*vg.Inch, 5*vg.Inch, "png", "svg")
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		files = append(files, ps...)
	}
	sum.Files = append(files, filepath.Join(dir, "summary.json"))
	sum.Seconds = time.Since(start).Seconds()
	if err := writeFile(filepath.Join(dir, "summary.json"), func(w io.Writer) error { return writeJSON(w, sum) }); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, sum)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "# stack %v on %d samples of the %dx%d torus at T = %.6g: %s hidden units, %s, %d epochs, L1 %g, seed %d (%.1f s)\n",
		cfg.Layers, samples, l, l, T, sum.Units, sum.Method, sum.Epochs, sum.L1, sum.Seed, sum.Seconds)
	fmt.Fprintf(w, "%-6s %-8s %-16s %-16s %-10s %-10s %-14s\n", "layer", "units", "R_g mean ± sd", "random", "uniform", "ratio", "permuted sites")
	for k, loc := range sum.Locality {
		ctl := "-"
		if k < len(sum.Control) {
			ctl = fmt.Sprintf("%.3f", sum.Control[k].Mean)
		}
		fmt.Fprintf(w, "%-6d %-8d %-16s %-16s %-10.3f %-10.3f %-14s\n", loc.Layer, loc.Units, fmt.Sprintf("%.3f ± %.3f", loc.Mean, loc.SD),
			fmt.Sprintf("%.3f ± %.3f", loc.Random, loc.RandSD), loc.Uniform, loc.Ratio, ctl)
	}
	if len(sum.Flow) > 0 {
		fmt.Fprintf(w, "\n# RBM flow (layer 1); training samples: <|m|> %.4f, u %.4f, c_nn %.4f, c_L/2 %.4f\n",
			sum.Reference.AbsM, sum.Reference.U, sum.Reference.C1, sum.Reference.CHalf)
		fmt.Fprintf(w, "%-8s %-5s %-18s %-18s %-18s %-18s\n", "start_T", "step", "<|m|>", "u", "c_nn", "c_L/2")
		for _, fl := range sum.Flow {
			for _, p := range fl.Points {
				if p.Step > 3 && p.Step%5 != 0 && p.Step != steps {
					continue
				}
				fmt.Fprintf(w, "%-8.4g %-5d %-18s %-18s %-18s %-18s\n", fl.T, p.Step, pm(p.AbsM, p.AbsMErr), pm(p.U, p.UErr), pm(p.C1, p.C1Err), pm(p.CHalf, p.CHalfErr))
			}
		}
	}
	fmt.Fprintf(logw, "wrote %s\n", strings.Join(sum.Files, ", "))
	return nil
}

// fieldsName names the effective weights of layer k: W1, W1 W2, W1 ... W3.
func fieldsName(k int) string {
	switch k {
	case 1:
		return "W1"
	case 2:
		return "W1 W2"
	}
	return fmt.Sprintf("W1 ... W%d", k)
}

func pm(x, e float64) string { return fmt.Sprintf("%.4f ± %.4f", x, e) }

func nanToZero(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// permuteColumns returns d with column i taken from column perm[i].
func permuteColumns(d *mat.Dense, perm []int) *mat.Dense {
	rows, n := d.Dims()
	out := mat.NewDense(rows, n, nil)
	for k := 0; k < rows; k++ {
		src, dst := d.RawRowView(k), out.RawRowView(k)
		for i, j := range perm {
			dst[i] = src[j]
		}
	}
	return out
}
