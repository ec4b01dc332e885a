package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/gemm"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

func init() { registerRBM(rbmTrainCommand) }

const catTrain = "Training"

func rbmTrainCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "data", Required: true, Category: catTrain,
			Usage: "samples FILE.npy ([samples, N], int or float dtype) or FILE.csv/.txt (one sample per line, comma separated, no header); values ±1 or 0/1 (isingrbm mc --save-samples writes this)"},
		&cli.IntFlag{Name: "hidden", Category: catTrain, Usage: "number of hidden units M >= 1 (required unless --init)"},
		&cli.StringFlag{Name: "hidden-type", Value: "bernoulli", Category: catTrain, Usage: "hidden units: bernoulli ({0,1}), spin ({-1,+1}) or gaussian (sigma = 1, not trained)"},
		&cli.StringFlag{Name: "visible-type", Value: "auto", Category: catTrain, Usage: "visible units: auto (spin if the data contain -1, else bernoulli), spin or bernoulli; data are converted (s = 2v - 1)"},
		&cli.StringFlag{Name: "init", Category: catTrain, Usage: "continue training the model FILE.json instead of a new one (--hidden, --hidden-type, --visible-type ignored)"},
		&cli.StringFlag{Name: "method", Value: "pcd", Category: catTrain, Usage: "cd (contrastive divergence) or pcd (persistent chains)"},
		&cli.IntFlag{Name: "k", Value: 1, Category: catTrain, Usage: "Gibbs sweeps per update, >= 1"},
		&cli.IntFlag{Name: "epochs", Value: 10, Category: catTrain, Usage: "passes over the data, >= 1"},
		&cli.IntFlag{Name: "batch", Value: 100, Category: catTrain, Usage: "minibatch size, >= 1 (capped at the number of samples)"},
		&cli.IntFlag{Name: "chains", Value: 0, Category: catTrain, Usage: "persistent chains for pcd, >= 0 (0: the batch size)"},
		&cli.Float64Flag{Name: "lr", Value: 0.01, Category: catTrain, Usage: "learning rate, > 0"},
		&cli.Float64Flag{Name: "lr-decay", Value: 0, Category: catTrain, Usage: "schedule lr/(1 + decay*epoch), decay >= 0"},
		&cli.Float64Flag{Name: "momentum", Value: 0, Category: catTrain, Usage: "SGD momentum in [0, 1)"},
		&cli.BoolFlag{Name: "adam", Category: catTrain, Usage: "use Adam (beta1 0.9, beta2 0.999) instead of SGD with momentum"},
		&cli.Float64Flag{Name: "l1", Value: 0, Category: catTrain, Usage: "L1 penalty on the weights, >= 0"},
		&cli.Float64Flag{Name: "l2", Value: 0, Category: catTrain, Usage: "L2 penalty on the weights, >= 0"},
		&cli.BoolFlag{Name: "centered", Category: catTrain, Usage: "centered gradient (offsets: data means and a running mean of the hidden activations)"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: catTrain, Usage: "random seed (initial weights, shuffles, chains); the same seed gives the same model"},
		&cli.StringFlag{Name: "out", Required: true, Category: catOutput, Usage: "write the trained model to FILE.json (also on SIGINT/SIGTERM)"},
		&cli.StringFlag{Name: "log", Category: catOutput,
			Usage: "write the training log to FILE.csv: epoch, learning_rate, recon_error, pseudo_log_lik, log_z, log_z_lower, log_z_upper, log_likelihood, kl_target_model, seconds (empty: not computed)"},
		&cli.IntFlag{Name: "monitor-every", Value: 1, Category: catOutput, Usage: "epochs between log lines, >= 1"},
		&cli.IntFlag{Name: "monitor-samples", Value: 1000, Category: catOutput, Usage: "samples (the first ones) on which the log statistics are computed, >= 1"},
		&cli.IntFlag{Name: "exact-max", Value: 16, Category: catOutput,
			Usage: "log the exact log-likelihood when the layer enumerated for ln Z has at most this many units (0..30; larger is slower)"},
		&cli.IntFlag{Name: "ais-steps", Value: 0, Category: catOutput,
			Usage: "when the exact ln Z is not affordable (see --exact-max), log the AIS estimate and bracket with this many temperatures (>= 0; 0: off)"},
		&cli.IntFlag{Name: "ais-runs", Value: 100, Category: catOutput, Usage: "AIS chains per direction for --ais-steps, >= 2"},
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print a JSON summary (final statistics, samples per second) on stdout"},
		&cli.BoolFlag{Name: "progress", Value: true, Category: catOutput, Usage: "show a progress bar on stderr when it is a terminal"},
	}
	// Optional exact target for KL monitoring: lattice flags and --beta.
	flags = append(flags, latticeFlags()...)
	flags = append(flags, temperatureFlags(false)...)
	return &cli.Command{
		Name:  "train",
		Usage: "train an RBM on samples by CD-k or PCD; optionally monitor KL to the exact Ising model (--beta with lattice flags)",
		Description: "Example: isingrbm rbm train --data samples.npy --hidden 16 --hidden-type spin --method pcd --k 1 \\\n" +
			"   --epochs 50 --batch 100 --lr 0.01 --seed 1 --out model.json --log train.csv --size 3x3 --beta 0.3\n" +
			"With --beta (or --T) the lattice flags describe the Ising model the data came from; for N <= 24 the log\n" +
			"then includes KL(p_Ising || p_RBM). SIGINT/SIGTERM stop after the current update and save the model.\n" +
			"A diverging run (non-finite gradient) stops with an error and writes no model. Matrix products use\n" +
			"the AVX-512 or AVX2 kernels of internal/gemm where the CPU has them, gonum's pure-Go BLAS otherwise.",
		Flags:  flags,
		Action: runRBMTrain,
	}
}

// rbmTrainSummary is the JSON of 'isingrbm rbm train --json'.
type rbmTrainSummary struct {
	Visible          int              `json:"visible"`
	Hidden           int              `json:"hidden"`
	VisibleType      string           `json:"visible_type"`
	HiddenType       string           `json:"hidden_type"`
	Samples          int              `json:"samples"`
	Epochs           int              `json:"epochs"`
	Interrupted      bool             `json:"interrupted"`
	Seconds          float64          `json:"seconds"`
	SamplesPerSecond float64          `json:"samples_per_second"`
	BLAS             string           `json:"blas"` // matrix-product kernel: avx512, avx2 or gonum
	Final            *rbmJSONStats    `json:"final,omitempty"`
	Log              []rbmJSONStats   `json:"-"`
	Target           *rbmTargetConfig `json:"target,omitempty"`
}

type rbmTargetConfig struct {
	Beta float64 `json:"beta"`
}

// rbmJSONStats is rbm.EpochStats with missing values as null.
type rbmJSONStats struct {
	Epoch        int      `json:"epoch"`
	LearningRate float64  `json:"learning_rate"`
	ReconError   *float64 `json:"recon_error"`
	PseudoLogLik *float64 `json:"pseudo_log_lik"`
	LogZ         *float64 `json:"log_z"`
	LogZLower    *float64 `json:"log_z_lower"`
	LogZUpper    *float64 `json:"log_z_upper"`
	LogLik       *float64 `json:"log_likelihood"`
	KL           *float64 `json:"kl_target_model"`
	Seconds      float64  `json:"seconds"`
}

func rbmNullable(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

func rbmStatsJSON(s rbm.EpochStats) rbmJSONStats {
	return rbmJSONStats{Epoch: s.Epoch, LearningRate: s.LearningRate, ReconError: rbmNullable(s.ReconError),
		PseudoLogLik: rbmNullable(s.PseudoLogLik), LogZ: rbmNullable(s.LogZ),
		LogZLower: rbmNullable(s.LogZLower), LogZUpper: rbmNullable(s.LogZUpper), LogLik: rbmNullable(s.LogLik),
		KL: rbmNullable(s.KL), Seconds: s.Seconds}
}

// rbmLoadData loads --data and converts it for the visible type; errors name the flag.
func rbmLoadData(flag, path string, n int, typ rbm.LayerType) (*mat.Dense, error) {
	raw, err := rbm.LoadData(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	x, err := rbm.ConvertData(raw, n, typ)
	if err != nil {
		return nil, fmt.Errorf("--%s %s: %w", flag, path, err)
	}
	return x, nil
}

// rbmDataHasNegative reports whether any value is negative (spin data).
func rbmDataHasNegative(x *mat.Dense) bool {
	r, c := x.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if x.At(i, j) < 0 {
				return true
			}
		}
	}
	return false
}

func rbmIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runRBMTrain(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	outPath := c.String("out")
	if _, err := checkExt("out", outPath, "json"); err != nil {
		return err
	}
	if p := c.String("log"); p != "" {
		if _, err := checkExt("log", p, "csv"); err != nil {
			return err
		}
	}
	method, err := rbm.ParseMethod(c.String("method"))
	if err != nil {
		return fmt.Errorf("--method: %w", err)
	}
	for _, f := range []struct {
		name string
		min  int
	}{{"k", 1}, {"epochs", 1}, {"batch", 1}, {"chains", 0}, {"monitor-every", 1}, {"monitor-samples", 1}, {"exact-max", 0},
		{"ais-steps", 0}, {"ais-runs", 2}} {
		if v := c.Int(f.name); v < f.min {
			return fmt.Errorf("--%s %d: must be >= %d", f.name, v, f.min)
		}
	}
	if v := c.Int("exact-max"); v > rbm.MaxEnumerate {
		return fmt.Errorf("--exact-max %d: allowed 0..%d", v, rbm.MaxEnumerate)
	}
	lr := c.Float64("lr")
	if !(lr > 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("--lr %v: must be finite and > 0", lr)
	}
	if v := c.Float64("lr-decay"); !(v >= 0) || math.IsInf(v, 0) {
		return fmt.Errorf("--lr-decay %v: must be finite and >= 0", v)
	}
	if v := c.Float64("momentum"); !(v >= 0 && v < 1) {
		return fmt.Errorf("--momentum %v: allowed [0, 1)", v)
	}
	for _, name := range []string{"l1", "l2"} {
		if v := c.Float64(name); !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("--%s %v: must be finite and >= 0", name, v)
		}
	}

	// Model: a new one or --init.
	raw, err := rbm.LoadData(c.String("data"))
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	_, n := raw.Dims()
	var r *rbm.RBM
	if p := c.String("init"); p != "" {
		if r, err = rbmReadModel("init", p); err != nil {
			return err
		}
		if nv, _ := r.Dims(); nv != n {
			return fmt.Errorf("--data has %d units per sample, the --init model has %d visible units", n, nv)
		}
	} else {
		m := c.Int("hidden")
		if m < 1 {
			return fmt.Errorf("--hidden %d: need the number of hidden units, >= 1", m)
		}
		hid, err := rbm.ParseLayerType(c.String("hidden-type"))
		if err != nil {
			return fmt.Errorf("--hidden-type: %w", err)
		}
		var vis rbm.LayerType
		switch c.String("visible-type") {
		case "auto":
			vis = rbm.Bernoulli
			if rbmDataHasNegative(raw) {
				vis = rbm.Spin
			}
		case "spin":
			vis = rbm.Spin
		case "bernoulli":
			vis = rbm.Bernoulli
		default:
			return fmt.Errorf("--visible-type %q: allowed auto, spin or bernoulli", c.String("visible-type"))
		}
		conv, err := rbm.ConvertData(raw, n, vis)
		if err != nil {
			return fmt.Errorf("--data %s: %w", c.String("data"), err)
		}
		if r, err = rbm.InitRBM(n, m, vis, hid, conv, c.Uint64("seed")); err != nil {
			return err
		}
	}
	data, err := rbm.ConvertData(raw, n, r.Visible.Type)
	if err != nil {
		return fmt.Errorf("--data %s: %w", c.String("data"), err)
	}
	rows, _ := data.Dims()
	nv, nh := r.Dims()

	cfg := rbm.TrainConfig{
		Method: method, K: c.Int("k"), Epochs: c.Int("epochs"), BatchSize: min(c.Int("batch"), rows), Chains: c.Int("chains"),
		LearningRate: lr, LRDecay: c.Float64("lr-decay"), Momentum: c.Float64("momentum"), Optimizer: map[bool]rbm.Optimizer{true: rbm.Adam, false: rbm.SGD}[c.Bool("adam")],
		L1: c.Float64("l1"), L2: c.Float64("l2"), Centered: c.Bool("centered"), Seed: c.Uint64("seed"),
		MonitorEvery: c.Int("monitor-every"), MonitorSamples: c.Int("monitor-samples"), ExactMaxUnits: c.Int("exact-max"),
	}
	if cfg.ExactMaxUnits == 0 {
		cfg.ExactMaxUnits = -1
	}
	if k := c.Int("ais-steps"); k > 0 {
		cfg.AIS = &rbm.AISConfig{Runs: c.Int("ais-runs"), Steps: k, Seed: c.Uint64("seed")}
	}
	summary := rbmTrainSummary{Visible: nv, Hidden: nh, VisibleType: r.Visible.Type.String(), HiddenType: r.Hidden.Type.String(), Samples: rows}
	if c.IsSet("beta") || c.IsSet("T") {
		betas, err := betasFromFlags(c, nil)
		if err != nil {
			return err
		}
		if len(betas) != 1 {
			return fmt.Errorf("--beta/--T: give one temperature for the KL target, got %d", len(betas))
		}
		model, _, err := modelFromFlags(c)
		if err != nil {
			return err
		}
		if model.N != nv {
			return fmt.Errorf("the lattice has %d sites but the data have %d units: check --size/--lattice", model.N, nv)
		}
		if model.N > rbm.MaxWalshUnits {
			return fmt.Errorf("the lattice has %d sites: KL to the exact model needs N <= %d", model.N, rbm.MaxWalshUnits)
		}
		lp, err := transfer.LogProbabilities(model, betas[0])
		if err != nil {
			return err
		}
		cfg.TargetLogProb = lp
		summary.Target = &rbmTargetConfig{Beta: betas[0]}
	}

	var logRows []rbm.EpochStats
	cfg.Monitor = func(s rbm.EpochStats) error {
		logRows = append(logRows, s)
		return nil
	}
	var bar *progressbar.ProgressBar
	if c.Bool("progress") && rbmIsTerminal(c.App.ErrWriter) {
		nb := (rows + cfg.BatchSize - 1) / cfg.BatchSize
		bar = progressbar.NewOptions(nb*cfg.Epochs, progressbar.OptionSetWriter(c.App.ErrWriter),
			progressbar.OptionSetDescription("updates"), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(200*time.Millisecond))
		cfg.OnBatch = func(done, total int) { bar.Set(done) }
	}

	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	_, trainErr := rbm.Train(ctx, r, data, cfg)
	elapsed := time.Since(start).Seconds()
	if bar != nil {
		bar.Clear()
	}
	interrupted := trainErr != nil && (errors.Is(trainErr, context.Canceled) || errors.Is(trainErr, context.DeadlineExceeded))
	if trainErr != nil && !interrupted {
		if errors.Is(trainErr, rbm.ErrDiverged) {
			trainErr = fmt.Errorf("%w; no model written to --out %s", trainErr, outPath)
		}
		if p := c.String("log"); p != "" && len(logRows) > 0 {
			rbmWriteLog(p, logRows)
		}
		return trainErr
	}
	if err := writeFile(outPath, r.Write); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if interrupted {
		fmt.Fprintf(c.App.ErrWriter, "isingrbm rbm train: interrupted (%v); model so far saved to %s\n", trainErr, outPath)
	}
	if p := c.String("log"); p != "" {
		if err := rbmWriteLog(p, logRows); err != nil {
			return fmt.Errorf("--log: %w", err)
		}
	}
	summary.Epochs = cfg.Epochs
	if len(logRows) > 0 {
		summary.Epochs = logRows[len(logRows)-1].Epoch
		f := rbmStatsJSON(logRows[len(logRows)-1])
		summary.Final = &f
	}
	summary.Interrupted = interrupted
	summary.BLAS = gemm.Kernel()
	summary.Seconds = elapsed
	if elapsed > 0 && !interrupted {
		summary.SamplesPerSecond = float64(rows*cfg.Epochs) / elapsed
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, summary)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "trained %d visible (%s) x %d hidden (%s) on %d samples, %s-%d, %d epochs in %.3g s\n",
		nv, r.Visible.Type, nh, r.Hidden.Type, rows, method, cfg.K, summary.Epochs, elapsed)
	if summary.Final != nil {
		s := logRows[len(logRows)-1]
		fmt.Fprintf(w, "recon_error %.6g  pseudo_log_lik %.6g", s.ReconError, s.PseudoLogLik)
		if !math.IsNaN(s.LogLik) {
			fmt.Fprintf(w, "  log_likelihood %.6g  log_z %.6g", s.LogLik, s.LogZ)
			if !math.IsNaN(s.LogZLower) {
				fmt.Fprintf(w, " (AIS bracket [%.6g, %.6g])", s.LogZLower, s.LogZUpper)
			}
		}
		if !math.IsNaN(s.KL) {
			fmt.Fprintf(w, "  kl_target_model %.6g", s.KL)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "model written to %s\n", outPath)
	return nil
}

func rbmWriteLog(path string, rows []rbm.EpochStats) error {
	return writeFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"epoch", "learning_rate", "recon_error", "pseudo_log_lik", "log_z", "log_z_lower", "log_z_upper",
			"log_likelihood", "kl_target_model", "seconds"})
		f := func(x float64) string {
			if math.IsNaN(x) {
				return ""
			}
			return ftoa(x)
		}
		for _, s := range rows {
			cw.Write([]string{fmt.Sprint(s.Epoch), f(s.LearningRate), f(s.ReconError), f(s.PseudoLogLik), f(s.LogZ), f(s.LogZLower), f(s.LogZUpper), f(s.LogLik), f(s.KL), f(s.Seconds)})
		}
		cw.Flush()
		return cw.Error()
	})
}
