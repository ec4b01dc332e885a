package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/transfer"
)

func TestMCBadInput(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.ckpt")
	os.WriteFile(corrupt, []byte("this is not a checkpoint"), 0o644)
	wantError(t, "--beta 0: must be > 0", "mc", "--beta", "0", "--sweeps", "10")
	base := []string{"mc", "--size", "4x4", "--T", "2.0", "--sweeps", "100", "--progress=false"}
	for _, c := range []struct {
		args []string
		want []string // substrings of the error
	}{
		{[]string{"--sweeps", "0"}, []string{"--sweeps", ">= 1"}},
		{[]string{"--sweeps", "-3"}, []string{"--sweeps", ">= 1"}},
		{[]string{"--thermalize", "-1"}, []string{"--thermalize", ">= 0"}},
		{[]string{"--T", "3:1:0.1"}, []string{"--T", "stop must be >= start"}},
		{[]string{"--T", "1:2"}, []string{"--T", "start:stop:step"}},
		{[]string{"--T", "-1"}, []string{"--T", "> 0"}},
		{[]string{"--algorithm", "glauber"}, []string{"--algorithm", "metropolis, heatbath, wolff, sw, pt"}},
		{[]string{"--order", "zigzag"}, []string{"--order", "random or sequential"}},
		{[]string{"--kernel", "turbo"}, []string{"--kernel", "auto, generic or fast"}},
		{[]string{"--algorithm", "pt"}, []string{"pt", "at least 2 temperatures"}},
		{[]string{"--algorithm", "pt", "--T", "2,3", "--local", "pt"}, []string{"--local", "metropolis, heatbath, wolff or sw"}},
		{[]string{"--algorithm", "pt", "--T", "2,3", "--shard", "1/2"}, []string{"--shard", "pt"}},
		{[]string{"--shard", "0/2"}, []string{"--shard", "1 <= k <= n"}},
		{[]string{"--shard", "3/2"}, []string{"--shard", "1 <= k <= n"}},
		{[]string{"--shard", "a/b"}, []string{"--shard", "1 <= k <= n"}},
		{[]string{"--out", "x.txt"}, []string{"--out", ".csv, .json"}},
		{[]string{"--save-samples", "x.txt"}, []string{"--save-samples", ".csv, .npy"}},
		{[]string{"--sample-every", "0"}, []string{"--sample-every", ">= 1"}},
		{[]string{"--window", "0"}, []string{"--window", "> 0"}},
		{[]string{"--resume"}, []string{"--resume", "--checkpoint"}},
		{[]string{"--checkpoint", corrupt, "--resume"}, []string{"--checkpoint", "corrupt"}},
		{[]string{"--checkpoint", corrupt}, []string{"--checkpoint", "exists", "--resume"}},
		{[]string{"--size", "4x"}, []string{"--size"}},
		{[]string{"--reweight", "2:1:0.1"}, []string{"--reweight", "stop must be >= start"}},
		{[]string{"--reweight", "-1"}, []string{"--reweight", "> 0"}},
		{[]string{"--reweight", "2", "--shard", "1/2"}, []string{"--reweight", "--shard", "unsharded"}},
		{[]string{"--size", "16x16", "--reweight", "3.5"}, []string{"--reweight 3.5", "allowed temperatures"}},
	} {
		_, _, err := execApp(append(append([]string{}, base...), c.args...)...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q does not mention %q", c.args, err, w)
			}
		}
	}
}

// mcJSON runs mc with --json and returns the parsed output and raw bytes.
func mcJSON(t *testing.T, args ...string) (mc.Output, string) {
	t.Helper()
	out, _, err := execApp(append([]string{"mc", "--json", "--seconds=false", "--progress=false"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	var o mc.Output
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatal(err)
	}
	return o, out
}

func TestMCJSONLayout(t *testing.T) {
	_, raw := mcJSON(t, "--size", "4x4", "--T", "2.27", "--sweeps", "2000", "--algorithm", "wolff")
	var m map[string]any
	json.Unmarshal([]byte(raw), &m)
	for _, k := range []string{"algorithm", "seed", "results"} {
		if _, ok := m[k]; !ok {
			t.Errorf("top-level key %q missing", k)
		}
	}
	r := m["results"].([]any)[0].(map[string]any)
	for _, k := range []string{"beta", "temperature", "energy_per_site", "abs_magnetization_per_site", "heat_capacity_per_site",
		"susceptibility_per_site", "binder", "acceptance", "updates", "seconds", "m2", "m4", "magnetization_per_site"} {
		if _, ok := r[k]; !ok {
			t.Errorf("result key %q missing", k)
		}
	}
	for _, k := range []string{"mean", "error", "tau_int"} {
		if _, ok := r["energy_per_site"].(map[string]any)[k]; !ok {
			t.Errorf("energy_per_site.%s missing", k)
		}
	}
}

// TestMCDeterministicAcrossGOMAXPROCS runs the same multi-temperature run
// with 1 and 4 Ps and compares the output bytes.
func TestMCDeterministicAcrossGOMAXPROCS(t *testing.T) {
	args := []string{"--size", "6x6", "--T", "1.5:3.5:0.5", "--sweeps", "3000", "--seed", "42"}
	for _, alg := range []string{"metropolis", "wolff", "pt"} {
		a := append([]string{"--algorithm", alg}, args...)
		old := runtime.GOMAXPROCS(1)
		_, one := mcJSON(t, a...)
		runtime.GOMAXPROCS(4)
		_, four := mcJSON(t, a...)
		runtime.GOMAXPROCS(old)
		if one != four {
			t.Errorf("%s: output differs between GOMAXPROCS=1 and 4", alg)
		}
		_, other := mcJSON(t, append(a, "--seed", "43")...)
		if other == one {
			t.Errorf("%s: seeds 42 and 43 gave the same output", alg)
		}
	}
}

// TestMCCheckpointResume interrupts a run (as SIGINT would, through the
// command's context: cancelled before the start, so that every chain stops at
// its first context check), resumes it from the checkpoint and compares the
// result with an uninterrupted run; it also checks that a checkpoint of other
// flags is refused.
func TestMCCheckpointResume(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "run.ckpt")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, run := range []struct{ alg, order, size, sweeps string }{
		{"heatbath", "random", "16x16", "3000"},
		{"pt", "random", "16x16", "3000"},
		{"metropolis", "sequential", "32x32", "2000"},       // the fast checkerboard kernel
		{"pt --local wolff", "sequential", "16x16", "3000"}, // fast Wolff replicas
	} {
		alg := run.alg
		os.Remove(ck)
		args := append(strings.Fields("mc --algorithm "+alg), "--size", run.size, "--T", "2.1,2.4", "--sweeps", run.sweeps,
			"--order", run.order, "--seconds=false", "--progress=false", "--json", "--save-samples", filepath.Join(dir, "s.npy"), "--sample-every", "500")
		full, _, err := execApp(args...)
		if err != nil {
			t.Fatal(err)
		}
		ckArgs := append(append([]string{}, args...), "--checkpoint", ck, "--checkpoint-every", "30ms")
		_, _, err = execAppContext(cancelled, ckArgs...)
		if err == nil || !strings.Contains(err.Error(), "interrupted") || !strings.Contains(err.Error(), "--resume") {
			t.Fatalf("%s: interruption error %v", alg, err)
		}
		if _, err := os.Stat(ck); err != nil {
			t.Fatalf("%s: no checkpoint written: %v", alg, err)
		}
		// Different flags: refused.
		bad := append(append([]string{}, ckArgs...), "--resume", "--seed", "7")
		wantError(t, "different model, flags", bad...)
		resumed, _, err := execApp(append(ckArgs, "--resume")...)
		if err != nil {
			t.Fatal(err)
		}
		if resumed != full {
			t.Errorf("%s: resumed output differs from the uninterrupted run", alg)
		}
	}
}

func TestMCSamplesAndSeries(t *testing.T) {
	dir := t.TempDir()
	s1 := filepath.Join(dir, "one.npy")
	mcJSON(t, "--size", "3x4", "--T", "2.5", "--sweeps", "1000", "--save-samples", s1, "--sample-every", "10",
		"--save-series", filepath.Join(dir, "series.csv"))
	f, err := os.Open(s1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, n, err := mc.ReadSamples(f, "npy")
	if err != nil || n != 12 || len(s) != 100*12 {
		t.Errorf("samples: n=%d len=%d err=%v, want 12 sites x 100 samples", n, len(s), err)
	}
	ser, _ := os.ReadFile(filepath.Join(dir, "series.csv"))
	if lines := strings.Count(string(ser), "\n"); lines != 1001 {
		t.Errorf("series.csv has %d lines, want header + 1000", lines)
	}
	// Several temperatures: one file each, named by the index in the full list.
	mcJSON(t, "--size", "3x4", "--T", "2,2.5,3", "--sweeps", "100", "--save-samples", filepath.Join(dir, "m.csv"), "--sample-every", "50", "--shard", "2/2")
	if _, err := os.Stat(filepath.Join(dir, "m_1.csv")); err != nil {
		t.Errorf("per-temperature sample file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "m_0.csv")); err == nil {
		t.Errorf("shard 2/2 wrote the sample file of temperature 0")
	}
}

func TestMCTemperingSwaps(t *testing.T) {
	o, _ := mcJSON(t, "--size", "4x4", "--T", "2,2.5,3", "--sweeps", "2000", "--algorithm", "pt", "--local", "sw")
	if len(o.SwapAcceptance) != 2 || len(o.Results) != 3 || o.Local != "sw" {
		t.Fatalf("pt output: %d swap rates, %d results, local %q", len(o.SwapAcceptance), len(o.Results), o.Local)
	}
	for i, r := range o.Results {
		if r.Index != i || r.MeanClusterSize <= 0 {
			t.Errorf("result %d: index %d, mean cluster size %v", i, r.Index, r.MeanClusterSize)
		}
	}
}

func TestMCWarnsShortRun(t *testing.T) {
	_, stderr, err := execApp("mc", "--size", "16x16", "--T", "2.27", "--sweeps", "200", "--thermalize", "0", "--progress=false")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "tau_int") {
		t.Errorf("no tau_int warning on stderr for a 200-sweep run at T_c: %q", stderr)
	}
}

// TestMCSignalResume kills a real 'isingrbm mc' process with SIGTERM after
// its first checkpoint, resumes it, and compares with an uninterrupted run.
func TestMCSignalResume(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on windows")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "isingrbm")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ck := filepath.Join(dir, "sig.ckpt")
	// The generic kernel and 150000 sweeps (about 1 s): a shorter run can
	// finish its sampling before the first 100 ms checkpoint, and the signal
	// then lands in the analysis.
	args := []string{"mc", "--size", "32x32", "--T", "2.2,2.3", "--sweeps", "150000", "--algorithm", "metropolis", "--kernel", "generic",
		"--seconds=false", "--json", "--checkpoint", ck, "--checkpoint-every", "100ms"}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var err error
wait:
	for {
		select {
		case err = <-exited: // finished (or failed) before its first checkpoint
			break wait
		case <-time.After(20 * time.Millisecond):
			if _, statErr := os.Stat(ck); statErr == nil {
				cmd.Process.Signal(syscall.SIGTERM)
				err = <-exited
				break wait
			}
		}
	}
	if err == nil {
		t.Skip("run finished before SIGTERM arrived (machine too fast): nothing to test")
	}
	if !strings.Contains(stderr.String(), "interrupted: state saved") {
		t.Fatalf("stderr after SIGTERM: %q (err %v)", stderr.String(), err)
	}
	resumed, err := exec.Command(bin, append(args, "--resume")...).Output()
	if err != nil {
		t.Fatal(err)
	}
	full, _, err := execApp(args[:len(args)-4]...)
	if err != nil {
		t.Fatal(err)
	}
	if string(resumed) != full {
		t.Errorf("output after SIGTERM and --resume differs from an uninterrupted run")
	}
}

// TestMCAgainstExact runs the command (whatever kernel --kernel auto picks,
// and the generic ones) on the 4x4 torus at T = 2.27 and compares u, |m|, c
// and U4 with exact enumeration: within 4 reported errors, errors bounded.
func TestMCAgainstExact(t *testing.T) {
	m, _ := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	ex, err := transfer.Enumerate(context.Background(), m, 1/2.27, transfer.EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, kernel := range []string{"auto", "generic"} {
		for _, alg := range [][]string{{"--algorithm", "metropolis", "--order", "sequential"}, {"--algorithm", "heatbath"},
			{"--algorithm", "wolff"}, {"--algorithm", "sw"}} {
			o, _ := mcJSON(t, append([]string{"--size", "4x4", "--T", "2.27", "--sweeps", "20000", "--seed", "5", "--kernel", kernel}, alg...)...)
			r := o.Results[0]
			for _, q := range []struct {
				name       string
				est        mc.Estimate
				exact, max float64
			}{
				{"u", r.Energy, ex.Energy, 0.012},
				{"|m|", r.AbsMagnetization, ex.AbsMagnetization, 0.006},
				{"c", r.HeatCapacity, ex.HeatCapacity, 0.03},
				{"U4", r.Binder, ex.Binder, 0.005},
			} {
				if d := math.Abs(q.est.Mean - q.exact); d > 4*q.est.Error || q.est.Error > q.max || !(q.est.Error > 0) {
					t.Errorf("--kernel %s %v: %s = %.5f ± %.5f, exact %.5f (error bound %g)", kernel, alg, q.name, q.est.Mean, q.est.Error, q.exact, q.max)
				}
			}
		}
	}
}

// TestMCReweight checks the "reweighted" block of the JSON output: one entry
// per requested temperature, the simulated temperature reproducing the
// direct estimates of u and U4 (same data, different error method).
func TestMCReweight(t *testing.T) {
	out, _ := mcJSON(t, "--size", "8x8", "--T", "2.2,2.4", "--algorithm", "wolff", "--sweeps", "4000", "--reweight", "2.2:2.4:0.1")
	if len(out.Reweighted) != 3 {
		t.Fatalf("%d reweighted points, want 3", len(out.Reweighted))
	}
	p, r := out.Reweighted[0], out.Results[0]
	if math.Abs(p.Temperature-2.2) > 1e-12 || math.Abs(p.Energy.Mean-r.Energy.Mean) > 2*r.Energy.Error ||
		math.Abs(p.Binder.Mean-r.Binder.Mean) > 2*r.Binder.Error || !(p.HeatCapacity.Error > 0) {
		t.Errorf("reweighted at the simulated T = 2.2: %+v; direct u %v U4 %v", p, r.Energy, r.Binder)
	}
}

// TestMCTableBelowTc checks the text table: schema column names, chi' (not
// the connected chi) shown, and the warning when <m> has not tunnelled.
func TestMCTableBelowTc(t *testing.T) {
	out := &mc.Output{Algorithm: "metropolis", Results: []mc.TempResult{{Temperature: 2,
		AbsMagnetization: mc.Estimate{Mean: 0.91}, Magnetization: mc.Estimate{Mean: 0.91},
		Susceptibility: mc.Estimate{Mean: 0.37}, SusceptibilityAbs: mc.Estimate{Mean: 12345}}}}
	var b bytes.Buffer
	if err := writeMCTable(&b, out); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{"susceptibility_abs_per_site", "abs_magnetization_per_site", "binder", "12345", "has not tunnelled"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "0.37 ") {
		t.Errorf("table shows the connected chi:\n%s", s)
	}
}

// TestMCReplicas runs --replicas through the command line: results per
// temperature averaged over the replicas, updates of all replicas, and flag
// names in the errors.
func TestMCReplicas(t *testing.T) {
	out, _, err := execApp("mc", "--size", "8x8", "--T", "2.0,3.0", "--sweeps", "200", "--thermalize", "50", "--replicas", "64", "--json", "--progress=false")
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Results []struct {
			Updates int64 `json:"updates"`
			Energy  struct {
				Mean, Error float64
			} `json:"energy_per_site"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Results) != 2 || o.Results[0].Updates != 64*64*200 || !(o.Results[0].Energy.Error > 0) {
		t.Fatalf("results %+v", o.Results)
	}
	_, _, err = execApp("mc", "--size", "8x8", "--T", "2.0", "--sweeps", "20", "--replicas", "64", "--algorithm", "wolff", "--progress=false")
	if err == nil || !strings.Contains(err.Error(), "--algorithm wolff") {
		t.Fatalf("err = %v, want it to name --algorithm", err)
	}
}

// TestMCObservablesFlags checks the wiring of --correlations, --overlap,
// --extra-every and --disorder-seeds: the JSON keys, instance k equal to
// the run of --disorder-seed k, and the errors naming the flags.
func TestMCObservablesFlags(t *testing.T) {
	o, _ := mcJSON(t, "--size", "4x4", "--T", "2.5", "--algorithm", "wolff", "--sweeps", "2000", "--correlations", "--overlap", "--extra-every", "2")
	r := o.Results[0]
	if len(r.CorrelationFunction) != 3 || r.CorrelationLength == nil || r.OverlapQ2 == nil || r.OverlapQ4 == nil || r.OverlapBinder == nil {
		t.Fatalf("extras missing: %+v", r)
	}
	common := []string{"--lattice", "square", "--size", "3x3", "--disorder", "pm", "--T", "1,2", "--sweeps", "2000", "--overlap"}
	d, raw := mcJSON(t, append(common, "--disorder-seeds", "4:6")...)
	if len(d.Instances) != 3 || len(d.DisorderAverage) != 2 || d.DisorderAverage[1].Instances != 3 || d.DisorderAverage[0].OverlapQ2 == nil {
		t.Fatalf("disorder output: %s", raw)
	}
	one, _ := mcJSON(t, append(common, "--disorder-seed", "5")...)
	inst := d.Instances[1]
	if inst.DisorderSeed == nil || *inst.DisorderSeed != 5 {
		t.Fatalf("instance 1 has seed %v", inst.DisorderSeed)
	}
	inst.DisorderSeed = nil
	a, _ := json.Marshal(inst)
	b, _ := json.Marshal(one)
	if !bytes.Equal(a, b) {
		t.Errorf("instance of seed 5 differs from --disorder-seed 5:\n%s\n%s", a, b)
	}
	wantError(t, "--correlations", "mc", "--size", "4x6", "--T", "2", "--correlations")
	wantError(t, "--extra-every 0", "mc", "--size", "4x4", "--T", "2", "--extra-every", "0")
	wantError(t, "--extra-every", "mc", "--size", "4x4", "--T", "2", "--extra-every", "2")
	wantError(t, "--disorder-seeds", "mc", "--size", "4x4", "--T", "2", "--disorder-seeds", "3:1")
	wantError(t, "--shard", "mc", "--size", "4x4", "--T", "2", "--disorder-seeds", "1:2", "--shard", "1/2")
	wantError(t, "FILE.json", "mc", "--size", "4x4", "--T", "2", "--disorder-seeds", "1:2", "--out", filepath.Join(t.TempDir(), "x.csv"))
	wantError(t, "--overlap", "mc", "--size", "8x8", "--T", "2", "--replicas", "64", "--overlap")
}

// --correlations and --overlap add their estimates to the CSV as columns
// of the schema's form (KEY, KEY_error, KEY_tau_int), loadable like the rest.
func TestMCCSVExtraColumns(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.csv")
	if _, _, err := execApp("mc", "--size", "4x4", "--T", "2.5", "--sweeps", "500", "--correlations", "--overlap", "--out", p, "--progress=false"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	head := strings.Split(lines[0], ",")
	row := strings.Split(lines[1], ",")
	if len(head) != len(row) {
		t.Fatalf("header %d columns, row %d", len(head), len(row))
	}
	for _, k := range []string{"correlation_length", "correlation_length_error", "overlap_q2", "overlap_q4_tau_int", "overlap_binder"} {
		i := slices.Index(head, k)
		if i < 0 {
			t.Fatalf("column %s missing from %v", k, head)
		}
		if row[i] == "" {
			t.Errorf("column %s empty", k)
		}
	}
}
