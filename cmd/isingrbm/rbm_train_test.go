package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/isingrbm/isingrbm/internal/rng"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/rbm"
	"github.com/isingrbm/isingrbm/transfer"
)

// rbmTestSamples writes n exact samples of the lx x ly torus at beta to
// dir/name (.npy via mc.WriteSamples, the format of mc --save-samples, or .csv).
func rbmTestSamples(t *testing.T, dir, name string, lx, ly int, beta float64, n int) string {
	t.Helper()
	m, err := lattice.Square(lx, ly, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := transfer.LogProbabilities(m, beta)
	if err != nil {
		t.Fatal(err)
	}
	cdf := make([]float64, len(lp))
	var s float64
	for k, l := range lp {
		s += math.Exp(l)
		cdf[k] = s
	}
	rnd := rng.NewRand(77, 1)
	spins := make([]int8, 0, n*m.N)
	for i := 0; i < n; i++ {
		k := min(sort.SearchFloat64s(cdf, rnd.Float64()*s), len(cdf)-1)
		for j := 0; j < m.N; j++ {
			spins = append(spins, int8(2*(k>>j&1)-1))
		}
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	format := mc.FormatNPY
	if strings.HasSuffix(name, ".csv") {
		format = mc.FormatCSV
	}
	if err := mc.WriteSamples(f, format, spins, m.N); err != nil {
		t.Fatal(err)
	}
	return p
}

// Training on mc-format samples of a 3x3 torus at beta = 0.3 with the KL
// monitor: the log has one line per epoch, KL falls below 0.05, the model is
// written and the same seed gives the same model.
func TestRBMTrainLogAndKL(t *testing.T) {
	dir := t.TempDir()
	data := rbmTestSamples(t, dir, "s.npy", 3, 3, 0.3, 5000)
	model := filepath.Join(dir, "m.json")
	logPath := filepath.Join(dir, "train.csv")
	args := []string{"rbm", "train", "--data", data, "--hidden", "12", "--hidden-type", "spin", "--method", "cd", "--k", "1",
		"--epochs", "20", "--batch", "50", "--lr", "0.01", "--momentum", "0.5", "--seed", "3", "--out", model, "--log", logPath,
		"--size", "3x3", "--beta", "0.3", "--json", "--monitor-every", "1"}
	out, _, err := execApp(args...)
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Visible, Hidden, Samples, Epochs int
		VisibleType                      string `json:"visible_type"`
		Final                            struct {
			KL     *float64 `json:"kl_target_model"`
			LogLik *float64 `json:"log_likelihood"`
		} `json:"final"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err, out)
	}
	if sum.Visible != 9 || sum.Hidden != 12 || sum.Samples != 5000 || sum.Epochs != 20 || sum.VisibleType != "spin" {
		t.Errorf("summary %+v", sum)
	}
	if sum.Final.KL == nil || *sum.Final.KL > 0.05 || sum.Final.LogLik == nil { // measured 0.019
		t.Errorf("final KL %v, log-likelihood %v: want KL < 0.05", sum.Final.KL, sum.Final.LogLik)
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 21 || lines[0] != "epoch,learning_rate,recon_error,pseudo_log_lik,log_z,log_z_lower,log_z_upper,log_likelihood,kl_target_model,validation_score,best_epoch,seconds" {
		t.Errorf("log has %d lines:\n%s", len(lines), b)
	}
	first, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := execApp(args...); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(model)
	if string(first) != string(second) {
		t.Error("same seed, different model files")
	}
	f, _ := os.Open(model)
	defer f.Close()
	if _, err := rbm.Read(f); err != nil {
		t.Errorf("written model does not read back: %v", err)
	}
}

// CSV {0,1} data train a Bernoulli-visible model; --init continues it.
func TestRBMTrainCSVBitsAndInit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bits.csv")
	os.WriteFile(p, []byte("1,0,1,0\n0,1,0,1\n1,0,1,0\n0,1,0,1\n1,1,0,0\n"), 0o644)
	model := filepath.Join(dir, "m.json")
	out, _, err := execApp("rbm", "train", "--data", p, "--hidden", "2", "--method", "pcd", "--epochs", "5", "--batch", "2", "--out", model)
	if err != nil || !strings.Contains(out, "4 visible (bernoulli) x 2 hidden (bernoulli)") {
		t.Fatalf("%v\n%s", err, out)
	}
	model2 := filepath.Join(dir, "m2.json")
	out, _, err = execApp("rbm", "train", "--data", p, "--init", model, "--epochs", "2", "--out", model2,
		"--exact-max", "0", "--ais-steps", "200", "--ais-runs", "20")
	if err != nil || !strings.Contains(out, "AIS bracket") {
		t.Fatalf("%v\n%s", err, out)
	}
}

func TestRBMTrainBadInput(t *testing.T) {
	dir := t.TempDir()
	data := rbmTestSamples(t, dir, "s.csv", 2, 2, 0.3, 50)
	out := filepath.Join(dir, "m.json")
	frac := filepath.Join(dir, "frac.csv")
	os.WriteFile(frac, []byte("1,0.5\n0,1\n"), 0o644)
	ragged := filepath.Join(dir, "ragged.csv")
	os.WriteFile(ragged, []byte("1,0\n0,1,1\n"), 0o644)
	small := filepath.Join(dir, "small.json")
	if _, _, err := execApp("rbm", "train", "--data", data, "--hidden", "2", "--epochs", "1", "--out", small); err != nil {
		t.Fatal(err)
	}
	base := func(extra ...string) []string {
		return append([]string{"rbm", "train", "--data", data, "--out", out}, extra...)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{base("--hidden", "0"), "--hidden 0"},
		{base("--hidden", "2", "--hidden-type", "relu"), "--hidden-type"},
		{base("--hidden", "2", "--method", "sgd"), "--method"},
		{base("--hidden", "2", "--lr", "0"), "--lr 0: must be finite and > 0"},
		{base("--hidden", "2", "--momentum", "1"), "--momentum 1: allowed [0, 1)"},
		{base("--hidden", "2", "--k", "0"), "--k 0: must be >= 1"},
		{base("--hidden", "2", "--batch", "0"), "--batch 0: must be >= 1"},
		{base("--hidden", "2", "--l2", "-1"), "--l2 -1"},
		{base("--hidden", "2", "--size", "3x3", "--beta", "0.3"), "the lattice has 9 sites but the data have 4 units"},
		{base("--hidden", "2", "--visible-type", "gaussian"), "--visible-type"},
		{[]string{"rbm", "train", "--data", frac, "--hidden", "2", "--out", out}, "values must be binary"},
		{[]string{"rbm", "train", "--data", ragged, "--hidden", "2", "--out", out}, "ragged.csv:2: 3 values"},
		{[]string{"rbm", "train", "--data", data, "--hidden", "2", "--out", filepath.Join(dir, "m.txt")}, "--out"},
		{[]string{"rbm", "train", "--data", frac, "--init", small, "--out", out}, "--data"},
		{base("--hidden", "2", "--method", "pcd", "--lr", "1e9", "--hidden-type", "gaussian", "--epochs", "200"), "training diverged"},
		{base("--hidden", "2", "--lr", "0.1"), "--lr/--lr-decay: L-BFGS has no learning rate"},
		{base("--hidden", "2", "--method", "pl", "--k", "3"), "--k: Gibbs sweeps are for --method cd or pcd"},
		{base("--hidden", "2", "--method", "pcd", "--optimizer", "adam", "--momentum", "0.5"), "--momentum: for --optimizer sgd or scaled-sgd"},
		{base("--hidden", "2", "--size", "3x3"), "lattice flags without --beta or --T"},
	} {
		wantError(t, c.want, c.args...)
	}
}

// SIGINT stops a long run after the current update and saves the model.
func TestRBMTrainSIGINTSavesModel(t *testing.T) {
	dir := t.TempDir()
	data := rbmTestSamples(t, dir, "s.npy", 4, 4, 0.3, 2000)
	model := filepath.Join(dir, "m.json")
	cmd := exec.Command(isingrbmBinary, "rbm", "train", "--data", data, "--hidden", "16", "--method", "pcd", "--epochs", "100000", "--batch", "10",
		"--out", model, "--progress=false")
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond) // generous: the handler must be installed before the signal
	cmd.Process.Signal(syscall.SIGINT)
	// Interrupted with the model saved: exit status 75, "run me again".
	if err := cmd.Wait(); cmd.ProcessState.ExitCode() != ExitResumable {
		t.Fatalf("exit after SIGINT: %v (want status %d), stderr %s", err, ExitResumable, errb.String())
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr %q", errb.String())
	}
	f, err := os.Open(model)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := rbm.Read(f); err != nil {
		t.Errorf("saved model: %v", err)
	}
}
