package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/budget"
	"github.com/isingrbm/isingrbm/internal/gemm"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

func init() { registerRBM(rbmTrainCommand) }

const catTrain = "Training"

func rbmTrainCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "data", Required: true, Category: catTrain,
			Usage: "samples FILE.npy ([samples, N], int or float dtype) or FILE.csv/.txt (one sample per line, comma separated, no header); values ±1 or 0/1 (isingrbm mc --save-samples writes this)"},
		&cli.IntFlag{Name: "hidden", Category: catTrain, DefaultText: "required", Usage: "number of hidden units M >= 1 (required unless --init)"},
		&cli.StringFlag{Name: "hidden-type", Value: "auto", Category: catTrain,
			Usage: "hidden units: auto (gaussian for spin data: a pairwise spin model is exactly such an RBM; bernoulli for 0/1 data), bernoulli ({0,1}), spin ({-1,+1}) or gaussian (sigma = 1, not trained)"},
		&cli.StringFlag{Name: "visible-type", Value: "auto", Category: catTrain, Usage: "visible units: auto (spin if the data contain -1, else bernoulli), spin or bernoulli; data are converted (s = 2v - 1)"},
		&cli.StringFlag{Name: "symmetric", Value: "auto", Category: catTrain,
			Usage: "Z2-symmetric model (zero biases, p(v) = p(-v)): auto (yes for spin data whose mean magnetization is zero within 4 standard errors and non-bernoulli hidden units), yes or no"},
		&cli.StringFlag{Name: "init", Category: catTrain, Usage: "continue training the model FILE.json instead of a new one (--hidden, --hidden-type, --visible-type, --init-weights ignored)"},
		&cli.StringFlag{Name: "init-weights", Value: "auto", Category: catTrain,
			Usage: "initial weights: auto (identity for spin data), identity (hidden unit mu tied to visible unit mu mod N with weight 1, plus N(0, 0.01^2)) or random (N(0, 0.01^2))"},
		&cli.StringFlag{Name: "method", Value: "auto", Category: catTrain,
			Usage: "auto (exact when 2^N x M <= 2^22, else pl), exact (likelihood gradient over all 2^N states, N <= 20), pl (pseudo-likelihood), pcd (persistent contrastive divergence) or cd"},
		&cli.StringFlag{Name: "optimizer", Value: "auto", Category: catTrain,
			Usage: "auto (lbfgs for exact and for pl with >= N gaussian hidden units, scaled-sgd for pl with fewer gaussian hidden units, adam for pl with discrete hidden units, sgd for cd/pcd), sgd, adam, scaled-sgd (SGD preconditioned by (W^T W + eps)^-1) or lbfgs (full batch; pl and exact only)"},
		&cli.IntFlag{Name: "k", Value: 1, Category: catTrain, Usage: "Gibbs sweeps per update (cd, pcd), >= 1"},
		&cli.IntFlag{Name: "epochs", Category: catTrain, DefaultText: "auto: exact 500, pl in coupling space 300, pl 20, cd/pcd 10", Usage: "passes over the data (exact, lbfgs: updates), >= 1"},
		&cli.IntFlag{Name: "batch", Category: catTrain, DefaultText: "auto: pl 500, cd/pcd 100", Usage: "minibatch size, >= 1 (capped at the number of samples; not for exact or lbfgs)"},
		&cli.IntFlag{Name: "chains", Value: 0, Category: catTrain, Usage: "persistent chains for pcd, >= 0 (0: the batch size)"},
		&cli.Float64Flag{Name: "lr", Category: catTrain, DefaultText: "auto: pl 0.005 (scaled-sgd) or 0.01 (adam), cd/pcd 0.01", Usage: "learning rate, > 0 (not for lbfgs)"},
		&cli.Float64Flag{Name: "lr-decay", Category: catTrain, DefaultText: "auto: pl 0.2, cd/pcd 0", Usage: "schedule lr/(1 + decay*epoch), decay >= 0"},
		&cli.Float64Flag{Name: "momentum", Category: catTrain, DefaultText: "auto: 0.9 for scaled-sgd, 0 for sgd", Usage: "momentum in [0, 1) for sgd and scaled-sgd"},
		&cli.Float64Flag{Name: "l1", Value: 0, Category: catTrain, DefaultText: "auto: 0.07/sqrt(samples) on the couplings for pl in coupling space, else 0",
			Usage: "L1 penalty on the weights (on the couplings J = W W^T in coupling space), >= 0"},
		&cli.Float64Flag{Name: "l2", Value: 0, Category: catTrain, Usage: "L2 penalty on the weights, >= 0"},
		&cli.BoolFlag{Name: "centered", Category: catTrain, Usage: "centered gradient for cd/pcd (offsets: data means and a running mean of the hidden activations)"},
		&cli.Float64Flag{Name: "validation", Category: catTrain, DefaultText: "auto: 0.1 (at most 5000 samples) for exact and pl, 0 for cd/pcd",
			Usage: "fraction of the samples held out for the stopping rule, in [0, 1): the model with the best held-out pseudo-likelihood (exact: log-likelihood) is kept"},
		&cli.IntFlag{Name: "patience", Category: catTrain, DefaultText: "auto: exact 100, pl 5", Usage: "stop after this many epochs without a better held-out score, >= 0 (0: never stop early)"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Category: catTrain, Usage: "random seed (initial weights, validation split, shuffles, chains); the same seed gives the same model"},
		&cli.StringFlag{Name: "out", Required: true, Category: catOutput, Usage: "write the trained model to FILE.json (also on SIGINT/SIGTERM); its \"metadata\" records the training configuration and the data file's SHA-256"},
		&cli.StringFlag{Name: "log", Category: catOutput,
			Usage: "write the training log to FILE.csv: epoch, learning_rate, recon_error, pseudo_log_lik, log_z, log_z_lower, log_z_upper, log_likelihood, kl_target_model, validation_score, best_epoch, seconds (empty: not computed)"},
		&cli.IntFlag{Name: "monitor-every", Value: 0, Category: catOutput, DefaultText: "auto",
			Usage: "epochs between log lines, >= 0 (0: as often as costs at most 10 % of the training, estimated from operation counts)"},
		&cli.IntFlag{Name: "monitor-samples", Value: 0, Category: catOutput, DefaultText: "auto: 1000, fewer when even one evaluation would cost more than 10 % of the training",
			Usage: "samples (the first ones) on which the log statistics are computed, >= 0"},
		&cli.IntFlag{Name: "exact-max", Value: 16, Category: catOutput,
			Usage: "log the exact log-likelihood when the layer enumerated for ln Z has at most this many units (0..30; larger is slower)"},
		&cli.IntFlag{Name: "ais-steps", Value: 0, Category: catOutput,
			Usage: "when the exact ln Z is not affordable (see --exact-max), log the AIS estimate and bracket with this many temperatures (>= 0; 0: off)"},
		&cli.IntFlag{Name: "ais-runs", Value: 100, Category: catOutput, Usage: "AIS chains per direction for --ais-steps, >= 2"},
		&cli.BoolFlag{Name: "json", Category: catOutput, Usage: "print a JSON summary (choices, final statistics, samples per second) on stdout"},
		&cli.BoolFlag{Name: "progress", Value: true, Category: catOutput, Usage: "show a progress bar on stderr when it is a terminal"},
	}
	// Optional exact target for KL monitoring: lattice flags and --beta.
	flags = append(flags, latticeFlags()...)
	flags = append(flags, temperatureFlags(false)...)
	return &cli.Command{
		Name:  "train",
		Usage: "train an RBM on samples (exact likelihood, pseudo-likelihood, CD-k or PCD); optionally monitor KL to the exact Ising model (--beta with lattice flags)",
		Description: "Example: isingrbm rbm train --data samples.npy --hidden 64 --seed 1 --out model.json\n" +
			"With only the data and the number of hidden units, every choice is automatic and printed on stderr\n" +
			"(\"# ...\" lines): for spin (±1) data a Z2-symmetric RBM with gaussian hidden units, identity initial\n" +
			"weights, exact maximum likelihood (all 2^N states) when 2^N x M <= 2^22, else pseudo-likelihood with\n" +
			"scaled SGD, 10 % of the samples held out to keep the best model. These defaults were chosen by\n" +
			"measurement on Ising samples (README, \"Learning the Ising model\"). With --beta (or --T) the lattice flags\n" +
			"describe the Ising model the data came from; for N <= 24 the log then includes KL(p_Ising || p_RBM).\n" +
			"SIGINT/SIGTERM stop after the current update, save the model and exit with status 75 (resume with --init).\n" +
			"A diverging run (non-finite gradient) stops with an error and writes no model.",
		Flags:  flags,
		Action: runRBMTrain,
	}
}

// rbmTrainSummary is the JSON of 'isingrbm rbm train --json'.
type rbmTrainSummary struct {
	Visible           int              `json:"visible"`
	Hidden            int              `json:"hidden"`
	VisibleType       string           `json:"visible_type"`
	HiddenType        string           `json:"hidden_type"`
	Samples           int              `json:"samples"`
	TrainSamples      int              `json:"training_samples"`
	ValidationSamples int              `json:"validation_samples"`
	Method            string           `json:"method"`
	Optimizer         string           `json:"optimizer"`
	Symmetric         bool             `json:"symmetric"`
	Choices           []string         `json:"choices"`
	BestEpoch         int              `json:"best_epoch"`
	Epochs            int              `json:"epochs"`
	Interrupted       bool             `json:"interrupted"`
	Seconds           float64          `json:"seconds"`
	SamplesPerSecond  float64          `json:"samples_per_second"`
	BLAS              string           `json:"blas"` // matrix-product kernel: avx512, avx2 or gonum
	Final             *rbmJSONStats    `json:"final,omitempty"`
	Log               []rbmJSONStats   `json:"-"`
	Target            *rbmTargetConfig `json:"target,omitempty"`
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
	Validation   *float64 `json:"validation_score"`
	BestEpoch    int      `json:"best_epoch"`
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
		KL: rbmNullable(s.KL), Validation: rbmNullable(s.Validation), BestEpoch: s.BestEpoch, Seconds: s.Seconds}
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

// rbmTrainSettings are the parsed training flags.
type rbmTrainSettings struct {
	opts rbm.Options
	// explicit overrides of the method defaults (nil: the plan's)
	epochs, batch, patience    *int
	lr, lrDecay, momentum      *float64
	k, chains                  int
	l1, l2                     float64
	centered                   bool
	monitorEvery, monitorSamps int
	exactMax, aisSteps, aisRun int
}

// rbmParseTrainFlags reads and checks the training flags (ranges, and flags
// that cannot take effect together) before any data is read.
func rbmParseTrainFlags(c *cli.Context) (*rbmTrainSettings, error) {
	st := &rbmTrainSettings{k: c.Int("k"), chains: c.Int("chains"), l1: c.Float64("l1"), l2: c.Float64("l2"), centered: c.Bool("centered"),
		monitorEvery: c.Int("monitor-every"), monitorSamps: c.Int("monitor-samples"), exactMax: c.Int("exact-max"),
		aisSteps: c.Int("ais-steps"), aisRun: c.Int("ais-runs")}
	st.opts.Hidden = c.Int("hidden")
	for _, f := range []struct {
		name string
		min  int
	}{{"k", 1}, {"epochs", 1}, {"batch", 1}, {"chains", 0}, {"patience", 0}, {"monitor-every", 0}, {"monitor-samples", 0}, {"exact-max", 0},
		{"ais-steps", 0}, {"ais-runs", 2}} {
		if c.IsSet(f.name) || f.name == "k" || f.name == "chains" || strings.HasPrefix(f.name, "monitor") || f.name == "exact-max" || strings.HasPrefix(f.name, "ais") {
			if v := c.Int(f.name); v < f.min {
				return nil, fmt.Errorf("--%s %d: must be >= %d", f.name, v, f.min)
			}
		}
	}
	if v := c.Int("exact-max"); v > rbm.MaxEnumerate {
		return nil, fmt.Errorf("--exact-max %d: allowed 0..%d", v, rbm.MaxEnumerate)
	}
	setInt := func(name string) *int {
		if !c.IsSet(name) {
			return nil
		}
		v := c.Int(name)
		return &v
	}
	st.epochs, st.batch, st.patience = setInt("epochs"), setInt("batch"), setInt("patience")
	setFloat := func(name string, ok func(float64) bool, allowed string) (*float64, error) {
		if !c.IsSet(name) {
			return nil, nil
		}
		v := c.Float64(name)
		if !ok(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("--%s %v: %s", name, v, allowed)
		}
		return &v, nil
	}
	var err error
	if st.lr, err = setFloat("lr", func(x float64) bool { return x > 0 }, "must be finite and > 0"); err != nil {
		return nil, err
	}
	if st.lrDecay, err = setFloat("lr-decay", func(x float64) bool { return x >= 0 }, "must be finite and >= 0"); err != nil {
		return nil, err
	}
	if st.momentum, err = setFloat("momentum", func(x float64) bool { return x >= 0 && x < 1 }, "allowed [0, 1)"); err != nil {
		return nil, err
	}
	if st.opts.Validation, err = setFloat("validation", func(x float64) bool { return x >= 0 && x < 1 }, "allowed [0, 1)"); err != nil {
		return nil, err
	}
	for _, name := range []string{"l1", "l2"} {
		if v := c.Float64(name); !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("--%s %v: must be finite and >= 0", name, v)
		}
	}
	if v := c.String("method"); v != "auto" {
		m, err := rbm.ParseMethod(v)
		if err != nil {
			return nil, fmt.Errorf("--method: %w", err)
		}
		st.opts.Method = &m
	}
	if v := c.String("optimizer"); v != "auto" {
		o, err := rbm.ParseOptimizer(v)
		if err != nil {
			return nil, fmt.Errorf("--optimizer: %w", err)
		}
		st.opts.Optimizer = &o
	}
	if v := c.String("hidden-type"); v != "auto" {
		h, err := rbm.ParseLayerType(v)
		if err != nil {
			return nil, fmt.Errorf("--hidden-type: %w", err)
		}
		st.opts.HiddenType = &h
	}
	switch v := c.String("visible-type"); v {
	case "auto":
	case "spin", "bernoulli":
		t, _ := rbm.ParseLayerType(v)
		st.opts.VisibleType = &t
	default:
		return nil, fmt.Errorf("--visible-type %q: allowed auto, spin or bernoulli", v)
	}
	switch v := c.String("symmetric"); v {
	case "auto":
	case "yes", "no":
		b := v == "yes"
		st.opts.Symmetric = &b
	default:
		return nil, fmt.Errorf("--symmetric %q: allowed auto, yes or no", v)
	}
	switch v := c.String("init-weights"); v {
	case "auto":
	case "identity", "random":
		w := map[string]float64{"identity": 1, "random": 0}[v]
		st.opts.Identity = &w
	default:
		return nil, fmt.Errorf("--init-weights %q: allowed auto, identity or random", v)
	}
	return st, nil
}

// apply sets the explicit flags on the plan's configuration and refuses
// flags that cannot take effect with the chosen method and optimizer.
func (st *rbmTrainSettings) apply(c *cli.Context, cfg *rbm.TrainConfig) error {
	sampled := cfg.Method == rbm.CD || cfg.Method == rbm.PCD
	fullBatch := cfg.Method == rbm.Exact || cfg.Optimizer == rbm.LBFGS
	switch {
	case c.IsSet("k") && !sampled:
		return fmt.Errorf("--k: Gibbs sweeps are for --method cd or pcd, not %s", cfg.Method)
	case c.IsSet("chains") && cfg.Method != rbm.PCD:
		return fmt.Errorf("--chains: persistent chains are for --method pcd, not %s", cfg.Method)
	case st.centered && !sampled:
		return fmt.Errorf("--centered: the centered gradient is for --method cd or pcd, not %s", cfg.Method)
	case st.batch != nil && fullBatch:
		return fmt.Errorf("--batch: %s with %s uses the whole data set at every update", cfg.Method, cfg.Optimizer)
	case st.momentum != nil && (cfg.Optimizer == rbm.Adam || cfg.Optimizer == rbm.LBFGS):
		return fmt.Errorf("--momentum: for --optimizer sgd or scaled-sgd, not %s", cfg.Optimizer)
	case (st.lr != nil || st.lrDecay != nil) && cfg.Optimizer == rbm.LBFGS:
		return fmt.Errorf("--lr/--lr-decay: L-BFGS has no learning rate")
	case st.patience != nil && *st.patience > 0 && cfg.Validation == nil:
		return fmt.Errorf("--patience: needs held-out samples (--validation > 0)")
	}
	cfg.K, cfg.Chains, cfg.Centered = st.k, st.chains, st.centered
	if c.IsSet("l1") {
		cfg.L1 = st.l1
	}
	if c.IsSet("l2") {
		cfg.L2 = st.l2
	}
	if st.epochs != nil {
		cfg.Epochs = *st.epochs
	}
	if st.batch != nil {
		cfg.BatchSize = *st.batch
	}
	if st.patience != nil {
		cfg.Patience = *st.patience
	}
	if st.lr != nil {
		cfg.LearningRate = *st.lr
	}
	if st.lrDecay != nil {
		cfg.LRDecay = *st.lrDecay
	}
	if st.momentum != nil {
		cfg.Momentum = *st.momentum
	}
	cfg.MonitorEvery, cfg.MonitorSamples, cfg.ExactMaxUnits = st.monitorEvery, st.monitorSamps, st.exactMax
	if cfg.ExactMaxUnits == 0 {
		cfg.ExactMaxUnits = -1
	}
	if st.aisSteps > 0 {
		cfg.AIS = &rbm.AISConfig{Runs: st.aisRun, Steps: st.aisSteps, Seed: cfg.Seed}
	}
	return nil
}

// rbmFileSHA256 returns the hex SHA-256 of a file.
func rbmFileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func runRBMTrain(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	outPath := c.String("out")
	if _, err := checkExt("out", outPath, "json"); err != nil {
		return err
	}
	if err := checkWritable("out", outPath); err != nil {
		return err
	}
	if p := c.String("log"); p != "" {
		if _, err := checkExt("log", p, "csv"); err != nil {
			return err
		}
		if err := checkWritable("log", p); err != nil {
			return err
		}
	}
	st, err := rbmParseTrainFlags(c)
	if err != nil {
		return err
	}
	// Two trainings writing the same model or log would overwrite each other.
	release, err := lockFlags(c, "out", "log")
	if err != nil {
		return err
	}
	defer release()
	if c.String("init") == "" && st.opts.Hidden < 1 {
		return fmt.Errorf("--hidden %d: need the number of hidden units, >= 1", st.opts.Hidden)
	}
	// The Ising target, checked before the data are read.
	var target *lattice.Model
	var beta float64
	if c.IsSet("beta") || c.IsSet("T") {
		betas, err := betasFromFlags(c, nil)
		if err != nil {
			return err
		}
		if len(betas) != 1 {
			return fmt.Errorf("--beta/--T: give one temperature for the KL target, got %d", len(betas))
		}
		if target, _, err = modelFromFlags(c); err != nil {
			return err
		}
		beta = betas[0]
	} else if rbmLatticeFlagsSet(c) {
		return fmt.Errorf("lattice flags without --beta or --T: they only describe the Ising model of the KL target; give the temperature too")
	}

	dataPath := c.String("data")
	raw, err := rbm.LoadData(dataPath)
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	rows, n := raw.Dims()
	var r *rbm.RBM
	var plan *rbm.Plan
	if p := c.String("init"); p != "" {
		if r, err = rbmReadModel("init", p); err != nil {
			return err
		}
		if nv, _ := r.Dims(); nv != n {
			return fmt.Errorf("--data has %d units per sample, the --init model has %d visible units", n, nv)
		}
		_, m := r.Dims()
		vt, ht := r.Visible.Type, r.Hidden.Type
		st.opts.Hidden, st.opts.VisibleType, st.opts.HiddenType = m, &vt, &ht
		if st.opts.Symmetric == nil {
			// Continue a symmetric model symmetric, any other as it is.
			sym := vt == rbm.Spin && ht != rbm.Bernoulli && !slices.ContainsFunc(r.Visible.Bias, rbmNonZero) && !slices.ContainsFunc(r.Hidden.Bias, rbmNonZero)
			st.opts.Symmetric = &sym
		}
	}
	if plan, err = rbm.AutoPlan(raw, st.opts); err != nil {
		return err
	}
	data, err := rbm.ConvertData(raw, n, plan.Visible)
	if err != nil {
		return fmt.Errorf("--data %s: %w", dataPath, err)
	}
	seed := c.Uint64("seed")
	if r == nil {
		// Weights, gradients and optimizer state (about 4 N x M doubles), the
		// training data as doubles, and the hidden activations of a batch.
		need := 32*float64(n)*float64(st.opts.Hidden) + 8*float64(rows)*float64(n) + 24*1000*float64(st.opts.Hidden)
		if err := budget.Check(fmt.Sprintf("rbm train: %d visible x %d hidden units", n, st.opts.Hidden), need, "--hidden"); err != nil {
			return err
		}
		plan.Init.Seed = seed
		if r, err = rbm.InitRBMWith(n, st.opts.Hidden, plan.Visible, plan.Hidden, data, plan.Init); err != nil {
			return err
		}
	}
	nv, nh := r.Dims()
	train, val := rbm.SplitValidation(data, plan.ValidationRows, seed)
	cfg := plan.Config
	cfg.Seed = seed
	cfg.Validation = val
	if err := st.apply(c, &cfg); err != nil {
		return err
	}
	trows, _ := train.Dims()
	summary := rbmTrainSummary{Visible: nv, Hidden: nh, VisibleType: r.Visible.Type.String(), HiddenType: r.Hidden.Type.String(),
		Samples: rows, TrainSamples: trows, ValidationSamples: plan.ValidationRows, Method: cfg.Method.String(), Optimizer: cfg.Optimizer.String(),
		Symmetric: cfg.Symmetric, Choices: plan.Reasons}
	if target != nil {
		if target.N != nv {
			return fmt.Errorf("the lattice has %d sites but the data have %d units: check --size/--lattice", target.N, nv)
		}
		if target.N > rbm.MaxWalshUnits {
			return fmt.Errorf("the lattice has %d sites: KL to the exact model needs N <= %d", target.N, rbm.MaxWalshUnits)
		}
		lp, err := transfer.LogProbabilities(target, beta)
		if err != nil {
			return err
		}
		cfg.TargetLogProb = lp
		summary.Target = &rbmTargetConfig{Beta: beta}
	}
	for _, line := range plan.Reasons {
		fmt.Fprintf(c.App.ErrWriter, "# %s\n", line)
	}

	var logRows []rbm.EpochStats
	cfg.Monitor = func(s rbm.EpochStats) error {
		logRows = append(logRows, s)
		return nil
	}
	var bar *progressbar.ProgressBar
	if c.Bool("progress") && rbmIsTerminal(c.App.ErrWriter) {
		total := cfg.Epochs
		if cfg.Method != rbm.Exact && cfg.Optimizer != rbm.LBFGS {
			bs := min(max(cfg.BatchSize, 1), trows)
			total *= (trows + bs - 1) / bs
		}
		bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(c.App.ErrWriter),
			progressbar.OptionSetDescription("updates"), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(200*time.Millisecond))
		cfg.OnBatch = func(done, total int) { bar.Set(done) }
	}

	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	_, trainErr := rbm.Train(ctx, r, train, cfg)
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
	hash, err := rbmFileSHA256(dataPath)
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	r.Metadata = map[string]any{
		"source":  "isingrbm rbm train",
		"version": buildVersion(),
		"data":    map[string]any{"file": filepath.Base(dataPath), "sha256": hash, "samples": rows, "training_samples": trows, "validation_samples": plan.ValidationRows},
		"training": map[string]any{"method": cfg.Method.String(), "optimizer": cfg.Optimizer.String(), "symmetric": cfg.Symmetric,
			"epochs": cfg.Epochs, "batch": cfg.BatchSize, "k": cfg.K, "chains": cfg.Chains, "learning_rate": cfg.LearningRate,
			"lr_decay": cfg.LRDecay, "momentum": cfg.Momentum, "l1": cfg.L1, "l2": cfg.L2, "centered": cfg.Centered,
			"patience": cfg.Patience, "seed": seed, "identity_init": plan.Init.Identity, "interrupted": interrupted,
			"choices": plan.Reasons, "init_model": c.String("init")},
	}
	if target != nil {
		r.Metadata["ising"] = map[string]any{"beta": beta, "lattice": c.String("lattice"), "size": c.String("size")}
	}
	if err := writeFile(outPath, r.Write); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if p := c.String("log"); p != "" {
		if err := rbmWriteLog(p, logRows); err != nil {
			return fmt.Errorf("--log: %w", err)
		}
	}
	summary.Epochs = cfg.Epochs
	if len(logRows) > 0 {
		last := logRows[len(logRows)-1]
		summary.Epochs = last.Epoch
		summary.BestEpoch = last.BestEpoch
		f := rbmStatsJSON(last)
		summary.Final = &f
	}
	summary.Interrupted = interrupted
	summary.BLAS = gemm.Kernel()
	summary.Seconds = elapsed
	if elapsed > 0 {
		summary.SamplesPerSecond = float64(trows*summary.Epochs) / elapsed
	}
	if c.Bool("json") {
		if err := writeJSON(c.App.Writer, summary); err != nil {
			return err
		}
	} else {
		rbmTrainPrint(c.App.Writer, r, summary, logRows, elapsed, outPath)
	}
	if interrupted {
		return &ResumableError{Err: trainErr, Msg: fmt.Sprintf("rbm train: interrupted (%v); model so far saved to %s (continue with --init %s)", trainErr, outPath, outPath)}
	}
	return nil
}

func rbmNonZero(x float64) bool { return x != 0 }

// rbmLatticeFlagsSet reports whether a lattice flag was given.
func rbmLatticeFlagsSet(c *cli.Context) bool {
	for _, f := range latticeFlags() {
		for _, name := range f.Names() {
			if c.IsSet(name) {
				return true
			}
		}
	}
	return false
}

func rbmTrainPrint(w io.Writer, r *rbm.RBM, summary rbmTrainSummary, logRows []rbm.EpochStats, elapsed float64, outPath string) {
	nv, nh := r.Dims()
	fmt.Fprintf(w, "trained %d visible (%s) x %d hidden (%s) on %d samples (%d held out), %s with %s, %d epochs in %.3g s\n",
		nv, r.Visible.Type, nh, r.Hidden.Type, summary.TrainSamples, summary.ValidationSamples, summary.Method, summary.Optimizer, summary.Epochs, elapsed)
	if len(logRows) > 0 {
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
		if !math.IsNaN(s.Validation) {
			fmt.Fprintf(w, "  validation_score %.6g (best epoch %d)", s.Validation, s.BestEpoch)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "model written to %s\n", outPath)
}

func rbmWriteLog(path string, rows []rbm.EpochStats) error {
	return writeFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"epoch", "learning_rate", "recon_error", "pseudo_log_lik", "log_z", "log_z_lower", "log_z_upper",
			"log_likelihood", "kl_target_model", "validation_score", "best_epoch", "seconds"})
		f := func(x float64) string {
			if math.IsNaN(x) {
				return ""
			}
			return ftoa(x)
		}
		for _, s := range rows {
			cw.Write([]string{fmt.Sprint(s.Epoch), f(s.LearningRate), f(s.ReconError), f(s.PseudoLogLik), f(s.LogZ), f(s.LogZLower), f(s.LogZUpper), f(s.LogLik), f(s.KL), f(s.Validation), fmt.Sprint(s.BestEpoch), f(s.Seconds)})
		}
		cw.Flush()
		return cw.Error()
	})
}
