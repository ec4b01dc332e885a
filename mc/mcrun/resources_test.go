package mcrun

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/budget"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

func TestCountsOverflowRefused(t *testing.T) {
	m, err := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	if strconv.IntSize < 64 {
		t.Skip("counts above 2^31 need 64-bit ints")
	}
	big := int64(1e14)
	for _, c := range []Config{
		{Betas: []float64{0.5}, Sweeps: math.MaxInt},
		{Betas: []float64{0.5}, Sweeps: 10, Thermalize: math.MaxInt},
		{Betas: []float64{0.5}, Sweeps: math.MaxInt / 2, Thermalize: math.MaxInt / 2},
		{Betas: []float64{0.5}, Sweeps: int(10 * big)},
		{Betas: []float64{0.5}, Sweeps: int(big), Thermalize: 1}, // 1.6e15 updates: fine in count, ...
	} {
		if c.Sweeps == int(big) {
			c.Betas = make([]float64, 1000) // ... but 1.6e18 with 1000 temperatures
			for i := range c.Betas {
				c.Betas[i] = 0.5
			}
		}
		_, err := Run(context.Background(), m, c)
		var ce *ConfigError
		if !errors.As(err, &ce) || (ce.Field != "Sweeps" && ce.Field != "Thermalize") {
			t.Errorf("sweeps %d thermalize %d: error %v, want a ConfigError on Sweeps or Thermalize", c.Sweeps, c.Thermalize, err)
		}
	}
}

func TestMemoryBudgetRefused(t *testing.T) {
	t.Setenv(budget.EnvVar, "1M")
	m, err := lattice.Square(16, 16, lattice.Periodic, lattice.Periodic)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Config{
		{Betas: []float64{0.5}, Sweeps: 1e6, KeepSeries: true}, // 16 MB of series
		{Betas: []float64{0.5}, Sweeps: 1e5, SampleEvery: 1},   // 25.6 MB of snapshots
	} {
		_, err := Run(context.Background(), m, c)
		var be *budget.Error
		if !errors.As(err, &be) || !strings.Contains(err.Error(), "Sweeps") {
			t.Errorf("%+v: error %v, want the memory budget", c, err)
		}
	}
}

func TestShardIndices(t *testing.T) {
	old := func(s Shard, total int) []int {
		var idx []int
		for j := 0; j < total; j++ {
			if s.Owns(j) {
				idx = append(idx, j)
			}
		}
		return idx
	}
	for _, s := range []Shard{{}, {1, 1}, {1, 3}, {3, 3}, {2, 5}} {
		for total := 0; total < 12; total++ {
			if got, want := s.Indices(total), old(s, total); !slices.Equal(got, want) || s.count(total) != len(want) {
				t.Errorf("%v.Indices(%d) = %v (count %d), want %v", s, total, got, s.count(total), want)
			}
		}
	}
}

func TestMergeRefusesHugeOrNegativeCounts(t *testing.T) {
	for _, temps := range []int{math.MaxInt, math.MaxInt - 7, -5, 0} {
		shards := []mc.Output{{Algorithm: "metropolis", Seed: 1, Config: "x", Temperatures: temps, Shard: "1/1",
			Results: []mc.TempResult{{Index: 0}}}}
		_, err := Merge(shards, []string{"a.json"})
		if err == nil {
			t.Errorf("temperatures %d: merged", temps)
		}
	}
}
