package transfer

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"testing"
)

func TestDOS4x4(t *testing.T) {
	d, err := DOS(context.Background(), 4, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]int64{-32: 2, -28: 0, -24: 32, -20: 64, -16: 424, -12: 1728, -8: 6688, -4: 13568, 0: 20524,
		4: 13568, 8: 6688, 12: 1728, 16: 424, 20: 64, 24: 32, 28: 0, 32: 2}
	for k, g := range d.Count {
		if w := want[d.Energy(k)]; g.Cmp(big.NewInt(w)) != 0 {
			t.Errorf("g(%d) = %v, want %d", d.Energy(k), g, w)
		}
	}
}

func TestDOSMatchesEnumerationAndKaufman(t *testing.T) {
	ctx := context.Background()
	for _, sz := range [][2]int{{2, 2}, {2, 3}, {3, 2}, {4, 3}, {3, 4}, {2, 5}, {4, 5}} {
		d, err := DOS(ctx, sz[0], sz[1])
		if err != nil {
			t.Fatal(err)
		}
		h, err := EnergyMagnetizationHistogram(ctx, mustSquare(t, sz[0], sz[1], 0, 0), EnumOptions{})
		if err != nil {
			t.Fatal(err)
		}
		st := h.N + 1
		for k, g := range d.Count {
			var cnt uint64
			e := int64(d.Energy(k))
			for idx, c := range h.Count {
				if (int64(idx/st)-h.R) == e && h.Quantum == 1 {
					cnt += c
				}
			}
			if g.Cmp(new(big.Int).SetUint64(cnt)) != 0 {
				t.Errorf("%v: g(%d) = %v, enumeration %d", sz, e, g, cnt)
			}
		}
		for _, beta := range []float64{0.2, 0.44, 1} {
			k, _ := Kaufman(sz[0], sz[1], 1, 1, beta)
			compare(t, fmt.Sprintf("dos %v", sz), d.Thermo(1, beta), k, 1e-12)
		}
	}
}

func TestDOSLarge(t *testing.T) {
	// sum g = 2^N is checked inside DOS; here also Z(beta) against Kaufman.
	sizes := [][2]int{{8, 8}, {16, 16}}
	if os.Getenv("ISINGRBM_LONG") != "" {
		sizes = append(sizes, [2]int{24, 24}, [2]int{32, 32})
	}
	for _, sz := range sizes {
		d, err := DOS(context.Background(), sz[0], sz[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, beta := range []float64{0.3, KCritical, 0.6} {
			k, _ := Kaufman(sz[0], sz[1], 1, 1, beta)
			compare(t, fmt.Sprintf("dos %v", sz), d.Thermo(1, beta), k, 1e-12)
		}
	}
}
