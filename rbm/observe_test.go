package rbm

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/transfer"
)

// The Hubbard–Stratonovich RBM of a 4x4 torus (gaussian hidden units, W W^T
// = beta J + c I, built by setCouplings) sampled by SampleIsing gives the
// exact observables of the Ising model within 4 error bars, and the error
// bars are small enough for that to mean something.
func TestSampleIsingHSTorus(t *testing.T) {
	m, err := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	beta := 0.35
	j := mat.DenseCopyOf(m.CouplingMatrix())
	j.Scale(beta, j)
	hid := Layer{Type: Gaussian, Bias: make([]float64, 16), Sigma: make([]float64, 16)}
	for k := range hid.Sigma {
		hid.Sigma[k] = 1
	}
	r, _ := New(Layer{Type: Spin, Bias: make([]float64, 16)}, hid, mat.NewDense(16, 16, nil))
	if _, err := setCouplings(r, j); err != nil {
		t.Fatal(err)
	}
	res, err := r.SampleIsing(context.Background(), m, beta, GibbsConfig{Chains: 32, Sweeps: 3000, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := transfer.Enumerate(context.Background(), m, beta, transfer.EnumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		got    mc.Estimate
		want   float64
		maxErr float64
	}{
		{"energy", res.Energy, ex.Energy, 0.01},
		{"|m|", res.AbsMagnetization, ex.AbsMagnetization, 0.01},
		{"c", res.HeatCapacity, ex.HeatCapacity, 0.03},
		{"chi'", res.SusceptibilityAbs, ex.SusceptibilityAbs, 0.05},
		{"U4", res.Binder, ex.Binder, 0.02},
	} {
		if !(c.got.Error > 0 && c.got.Error < c.maxErr) {
			t.Errorf("%s: error bar %v, want in (0, %v)", c.name, c.got.Error, c.maxErr)
		}
		if d := math.Abs(c.got.Mean - c.want); d > 4*c.got.Error {
			t.Errorf("%s = %v ± %v, exact %v (%.1f sigma)", c.name, c.got.Mean, c.got.Error, c.want, d/c.got.Error)
		}
	}
}

// The jackknife over chains: chains of constant energy e_c = c (c = 0..15)
// and constant magnetization give the error of the mean energy per site
// over chains, sqrt(var_c / chains) / N, whatever error was there before.
func TestChainJackknife(t *testing.T) {
	const chains, sweeps, n = 16, 50, 4
	es, ms := make([]float64, chains*sweeps), make([]float64, chains*sweeps)
	for c := 0; c < chains; c++ {
		for s := 0; s < sweeps; s++ {
			es[c*sweeps+s] = float64(c)
			ms[c*sweeps+s] = 2
		}
	}
	var res mc.TempResult
	chainJackknife(&res, 1, n, chains, es, ms)
	// Sample variance of 0..15 is 22.667; the error of the mean is sqrt(22.667/16).
	want := math.Sqrt(22.666666666666668/16) / n
	if math.Abs(res.Energy.Error-want) > 1e-12 {
		t.Errorf("energy error %v, want %v", res.Energy.Error, want)
	}
	if res.AbsMagnetization.Error > 1e-12 {
		t.Errorf("|m| error %v for identical chains, want 0", res.AbsMagnetization.Error)
	}
}
