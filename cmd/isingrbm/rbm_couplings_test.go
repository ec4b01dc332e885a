package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/rbm"
)

// rbmTestModel writes an RBM to dir/name and returns the path.
func rbmTestModel(t *testing.T, dir, name string, r *rbm.RBM) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := r.Write(f); err != nil {
		t.Fatal(err)
	}
	return p
}

// hsChainModel is the Gaussian-hidden RBM of a 4-site ring at beta K:
// A = K J + c I = W W^T by Cholesky.
func hsRingModel(t *testing.T, K float64) *rbm.RBM {
	t.Helper()
	const n, c = 4, 1.0
	A := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		A.SetSym(i, i, c)
		A.SetSym(i, (i+1)%n, K)
	}
	var ch mat.Cholesky
	if !ch.Factorize(A) {
		t.Fatal("not positive definite")
	}
	var L mat.TriDense
	ch.LTo(&L)
	r, err := rbm.New(rbm.Layer{Type: rbm.Spin, Bias: make([]float64, n)},
		rbm.Layer{Type: rbm.Gaussian, Bias: make([]float64, n), Sigma: []float64{1, 1, 1, 1}}, mat.DenseCopyOf(&L))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRBMCouplingsJSON(t *testing.T) {
	dir := t.TempDir()
	p := rbmTestModel(t, dir, "hs.json", hsRingModel(t, 0.3))
	csvPath := filepath.Join(dir, "terms.csv")
	out, _, err := execApp("rbm", "couplings", "--model", p, "--order", "3", "--json", "--out", csvPath)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Terms []struct {
			Sites    []int   `json:"sites"`
			Exact    float64 `json:"exact"`
			Cumulant float64 `json:"cumulant"`
		} `json:"terms"`
		OrderError []struct {
			Order       int     `json:"order"`
			MaxAbsError float64 `json:"max_abs_error"`
			NormExact   float64 `json:"norm_exact"`
		} `json:"order_error"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err, out)
	}
	if len(res.Terms) != 4+6+4 || len(res.OrderError) != 3 {
		t.Fatalf("%d terms, %d orders; want 14 and 3", len(res.Terms), len(res.OrderError))
	}
	for _, term := range res.Terms {
		want := 0.0
		if len(term.Sites) == 2 {
			d := term.Sites[1] - term.Sites[0]
			if d == 1 || d == 3 {
				want = 0.3 // beta J on the ring's bonds
			}
		}
		if math.Abs(term.Exact-want) > 1e-13 || math.Abs(term.Cumulant-want) > 1e-13 {
			t.Errorf("S=%v: exact %v cumulant %v, want %v", term.Sites, term.Exact, term.Cumulant, want)
		}
	}
	if e := res.OrderError[1]; e.Order != 2 || math.Abs(e.NormExact-0.6) > 1e-12 || e.MaxAbsError > 1e-13 {
		t.Errorf("order 2 summary %+v, want norm 0.6 (four bonds of 0.3) and no error", e)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 15 || lines[0] != "order,sites,exact,cumulant,difference" || !strings.HasPrefix(lines[5], "2,0 1,") {
		t.Errorf("CSV:\n%s", b)
	}
	// Human-readable output.
	out, _, err = execApp("rbm", "couplings", "--model", p, "--order", "2")
	if err != nil || !strings.Contains(out, "norm_exact") {
		t.Errorf("text output: %v\n%s", err, out)
	}
}

func TestRBMCouplingsBadInput(t *testing.T) {
	dir := t.TempDir()
	p := rbmTestModel(t, dir, "hs.json", hsRingModel(t, 0.3))
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"visible": {"type": "spin", "bias": [0]}}`), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", p, "--order", "0"}, "--order 0: allowed 1..150"},
		{[]string{"--model", p, "--out", "x.txt"}, "--out"},
		{[]string{"--model", filepath.Join(dir, "missing.json")}, "--model"},
		{[]string{"--model", bad}, "--model"},
	} {
		wantError(t, c.want, append([]string{"rbm", "couplings"}, c.args...)...)
	}
}
