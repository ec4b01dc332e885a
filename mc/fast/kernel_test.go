package fast

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// kernel is the method set shared with package mc's Kernel.
type kernel interface {
	Sweep() (int64, int64)
	Energy() float64
	Magnetization() int
	Spins([]int8) []int8
	MarshalBinary() ([]byte, error)
	UnmarshalBinary([]byte) error
	SetBeta(float64)
}

func kernels(t *testing.T, dims []int, h float64, seed uint64) map[string]kernel {
	t.Helper()
	p := Params{Dims: dims, J: 0.8, H: h, Beta: 0.45}
	ks := map[string]kernel{}
	for _, alg := range []Algorithm{Metropolis, HeatBath} {
		p.Algorithm = alg
		k, err := NewCheckerboard(p, rng.New(seed, 1))
		if err != nil {
			t.Fatal(err)
		}
		ks[alg.String()] = k
	}
	if h == 0 {
		p.Algorithm = Metropolis
		w, err := NewWolff(p, rng.New(seed, 2))
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSwendsenWang(p, rng.New(seed, 3))
		if err != nil {
			t.Fatal(err)
		}
		ks["wolff"], ks["sw"] = w, s
	}
	return ks
}

// TestKernelEnergyAndCounts checks Energy and Magnetization against
// lattice.Model after sweeps, and the flip counts returned by Sweep.
func TestKernelEnergyAndCounts(t *testing.T) {
	for _, dims := range [][]int{{4, 6}, {8, 8}, {2, 4, 6}} {
		for _, h := range []float64{0, 0.35} {
			m := model(t, dims)
			for name, k := range kernels(t, dims, h, 1) {
				prev := k.Spins(nil)
				for sw := range 5 {
					up, acc := k.Sweep()
					s := k.Spins(nil)
					want := 0.8*m.Energy(s) - h*sum(s)
					if math.Abs(k.Energy()-want) > 1e-9*math.Max(1, math.Abs(want)) || float64(k.Magnetization()) != sum(s) {
						t.Fatalf("%v h=%v %s sweep %d: E %v M %v, want %v %v", dims, h, name, sw, k.Energy(), k.Magnetization(), want, sum(s))
					}
					changed := 0
					for i := range s {
						if s[i] != prev[i] {
							changed++
						}
					}
					switch name {
					case "metropolis", "heatbath":
						if up != int64(m.N) || acc != int64(changed) {
							t.Fatalf("%s: Sweep returned (%d,%d), want (%d,%d)", name, up, acc, m.N, changed)
						}
					case "sw":
						if up != int64(changed) {
							t.Fatalf("%s: Sweep returned %d flipped, %d changed", name, up, changed)
						}
					}
					prev = s
				}
			}
		}
	}
}

// TestKernelCheckpoint checks that a kernel restored from MarshalBinary (on a
// kernel built with another seed and beta) continues bit for bit, also
// across SetBeta and Wolff's EndAdaptation.
func TestKernelCheckpoint(t *testing.T) {
	for _, h := range []float64{0, 0.2} {
		a, b := kernels(t, []int{6, 4}, h, 1), kernels(t, []int{6, 4}, h, 99)
		for name, ka := range a {
			kb := b[name]
			for range 3 {
				ka.Sweep()
			}
			ka.SetBeta(0.3)
			if ad, ok := ka.(interface{ EndAdaptation() }); ok {
				ad.EndAdaptation()
			}
			ka.Sweep()
			st, err := ka.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if err := kb.UnmarshalBinary(st); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for i := range 5 {
				ua, aa := ka.Sweep()
				ub, ab := kb.Sweep()
				if ua != ub || aa != ab || ka.Energy() != kb.Energy() || !bytes.Equal(int8s(ka.Spins(nil)), int8s(kb.Spins(nil))) {
					t.Fatalf("%s h=%v: restored chain differs at sweep %d", name, h, i)
				}
			}
			st2, _ := kb.MarshalBinary()
			st1, _ := ka.MarshalBinary()
			if !bytes.Equal(st1, st2) {
				t.Fatalf("%s: states differ after restore", name)
			}
			// A checkpoint of another lattice or kernel kind is refused.
			other := kernels(t, []int{4, 4}, h, 1)[name]
			if err := other.UnmarshalBinary(st); err == nil {
				t.Fatalf("%s: checkpoint of a 6x4 lattice accepted by a 4x4 kernel", name)
			}
			if err := kb.UnmarshalBinary(st[:len(st)-1]); err == nil {
				t.Fatalf("%s: truncated checkpoint accepted", name)
			}
		}
	}
}

// TestParamsErrors checks that invalid parameters are reported, naming the
// field and the allowed range.
func TestParamsErrors(t *testing.T) {
	src := rng.New(1, 1)
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{Dims: []int{4}}, "Dims"},
		{Params{Dims: []int{4, 1}}, ">= 2"},
		{Params{Dims: []int{4, 5}}, "even"},
		{Params{Dims: []int{4, 4}, Beta: -1}, "Beta = -1: must be finite and >= 0"},
		{Params{Dims: []int{4, 4}, Beta: math.NaN()}, "Beta"},
		{Params{Dims: []int{4, 4}, J: math.Inf(1)}, "J"},
		{Params{Dims: []int{4, 4}, H: math.NaN()}, "H"},
		{Params{Dims: []int{4, 4}, Algorithm: 7}, "Algorithm"},
	} {
		if _, err := NewCheckerboard(c.p, src); err == nil || !contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.p, err, c.want)
		}
	}
	if _, err := NewWolff(Params{Dims: []int{4, 4}, J: -1}, src); err == nil || !contains(err.Error(), "J > 0") {
		t.Errorf("Wolff J<0: %v", err)
	}
	if _, err := NewSwendsenWang(Params{Dims: []int{4, 4}, J: 1, H: 1}, src); err == nil || !contains(err.Error(), "H = 0") {
		t.Errorf("SW h!=0: %v", err)
	}
	if _, err := NewReplicas(Params{Dims: []int{4, 4}, J: 1}, make([]float64, 65), src); err == nil || !contains(err.Error(), "at most 64") {
		t.Errorf("65 replicas: %v", err)
	}
	if _, err := NewReplicas(Params{Dims: []int{4, 4}, J: 1}, []float64{0.1, -2}, src); err == nil || !contains(err.Error(), "replica 1") {
		t.Errorf("negative beta: %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
