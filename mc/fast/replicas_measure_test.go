package fast

import (
	"fmt"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// TestReplicasMeasure checks Measure (carry-save counts on the storage the
// kernel sweeps) against Energies and Magnetizations (vertical counters on
// the typewriter words) and against a scalar recount of one replica, on both
// paths, with and without a field, for 1..64 replicas and lengths 2, with
// the AVX-512 counters (rows of 32 words: Lx = 64) and without.
func TestReplicasMeasure(t *testing.T) {
	defer func(v bool) { useMeasureAsm = v }(useMeasureAsm)
	for _, asm := range []bool{false, true} {
		if asm && !haveAVX512 {
			continue
		}
		useMeasureAsm = asm
		testReplicasMeasure(t, asm)
	}
}

func testReplicasMeasure(t *testing.T, asm bool) {
	for _, dims := range [][]int{{2, 2}, {4, 6}, {16, 16}, {6, 5}, {2, 4, 6}, {4, 4, 4}, {3, 4, 2}, {64, 6}, {128, 2}, {64, 4, 2}, {64, 2, 4}} {
		for _, nl := range []int{1, 17, 64} {
			for _, h := range []float64{0, 0.3} {
				name := fmt.Sprintf("%v %d replicas h=%v asm=%v", dims, nl, h, asm)
				betas := make([]float64, nl)
				for i := range betas {
					betas[i] = 0.2 + 0.01*float64(i)
				}
				k, err := NewReplicas(Params{Dims: dims, J: 0.7, H: h}, betas, rng.New(5, uint64(nl)))
				if err != nil {
					t.Fatal(err)
				}
				m := model(t, dims)
				var e, mg []float64
				for sw := range 4 {
					e, mg = k.Measure(e, mg)
					we, wm := k.Energies(nil), k.Magnetizations(nil)
					for l := range nl {
						if e[l] != we[l] || mg[l] != wm[l] {
							t.Fatalf("%s sweep %d replica %d: Measure (%v, %v), Energies/Magnetizations (%v, %v)", name, sw, l, e[l], mg[l], we[l], wm[l])
						}
					}
					s := k.Spins(nl-1, nil)
					if want := 0.7*m.Energy(s) - h*sum(s); e[nl-1] != want {
						t.Fatalf("%s sweep %d: energy %v, recount %v", name, sw, e[nl-1], want)
					}
					k.Sweep()
				}
			}
		}
	}
}
