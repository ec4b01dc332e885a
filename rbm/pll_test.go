package rbm

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/numeric"
)

// The pseudo-log-likelihood equals sum_i [ln p(v) - ln(p(v) + p(v^(i)))]
// computed from the exact table of ln p.
func TestPseudoLogLikelihoodExact(t *testing.T) {
	for _, vis := range []LayerType{Spin, Bernoulli} {
		for _, hid := range []LayerType{Bernoulli, Spin, Gaussian} {
			r := expRandomRBM(t, 8, 5, 3, vis, hid, 0.7, 0.4)
			lp, _, err := r.LogProbTable()
			if err != nil {
				t.Fatal(err)
			}
			states := []int{0, 7, 19, 31, 12}
			data := mat.NewDense(len(states), 5, nil)
			var want float64
			for k, s := range states {
				stateVector(data.RawRowView(k), uint64(s), vis)
				for i := 0; i < 5; i++ {
					want += lp[s] - numeric.LogAddExp(lp[s], lp[s^(1<<i)])
				}
			}
			want /= float64(len(states))
			got, err := r.PseudoLogLikelihood(data)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12*math.Abs(want) {
				t.Errorf("%s/%s: PLL %.15g, exact %.15g", vis, hid, got, want)
			}
		}
	}
}
