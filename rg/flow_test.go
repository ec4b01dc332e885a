package rg

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestChainFlow(t *testing.T) {
	// At B = 0 the exact recursion is tanh K' = tanh^2 K.
	tr := ChainFlow(1.2, 0, 6)
	for n := 1; n < len(tr); n++ {
		near(t, "tanh K'", math.Tanh(tr[n].K), math.Pow(math.Tanh(tr[n-1].K), 2), 1e-15)
		if tr[n].L != 0 {
			t.Errorf("B stays 0 at B = 0, got %v", tr[n].L)
		}
	}
	// Every finite K flows to the K = 0 line; a field grows.
	tr = ChainFlow(3, 0.01, 60)
	last := tr[len(tr)-1]
	if last.K > 1e-10 || !(last.L > 1) {
		t.Errorf("chain from K=3, B=0.01 ends at %+v, want K -> 0 and a large B", last)
	}
}

func TestSquareFixedPoints(t *testing.T) {
	fp, err := Lowest.FixedPoint()
	if err != nil {
		t.Fatal(err)
	}
	// K* = 1/3, L* = 1/9, lambda = (2 ± sqrt 10)/3.
	near(t, "K*", fp.Fixed.K, 1.0/3, 1e-15)
	near(t, "L*", fp.Fixed.L, 1.0/9, 1e-15)
	near(t, "lambda_t", fp.LambdaT, (2+math.Sqrt(10))/3, 1e-14)
	near(t, "lambda_2", fp.Lambda2, (2-math.Sqrt(10))/3, 1e-14)
	near(t, "nu", fp.Nu, math.Log(math.Sqrt2)/math.Log((2+math.Sqrt(10))/3), 1e-14)
	// Maris and Kadanoff (1978): K_c = 0.3921 for the nearest-neighbour model.
	near(t, "K_c", fp.KcNN, 0.3921, 1e-4)
	for _, r := range SquareRules {
		fp, err := r.FixedPoint()
		if err != nil {
			t.Fatal(err)
		}
		q := r.Map(fp.Fixed)
		near(t, r.String()+" fixed K", q.K, fp.Fixed.K, 1e-14)
		near(t, r.String()+" fixed L", q.L, fp.Fixed.L, 1e-14)
		// The Jacobian against finite differences.
		j := r.Jacobian(fp.Fixed)
		h := 1e-6
		for c, d := range []Point{{h, 0}, {0, h}} {
			p1 := r.Map(Point{fp.Fixed.K + d.K, fp.Fixed.L + d.L})
			p0 := r.Map(Point{fp.Fixed.K - d.K, fp.Fixed.L - d.L})
			near(t, "dK'", (p1.K-p0.K)/(2*h), j[0][c], 1e-8)
			near(t, "dL'", (p1.L-p0.L)/(2*h), j[1][c], 1e-8)
		}
		// The flow just below K_c dies out, just above runs away.
		if r.ordered(Point{fp.KcNN - 1e-6, 0}) || !r.ordered(Point{fp.KcNN + 1e-6, 0}) {
			t.Errorf("%s: flow does not separate at K_c = %v", r, fp.KcNN)
		}
	}
	// lncosh expands to lowest at small K: K' - 2K^2 = O(K^4).
	q, p := LnCosh.Map(Point{1e-3, 0}), Lowest.Map(Point{1e-3, 0})
	if math.Abs(q.K-p.K) > 1e-10 || math.Abs(q.L-p.L) > 1e-10 {
		t.Errorf("lncosh vs lowest at K = 1e-3: %+v %+v", q, p)
	}
}

func TestFlowFigure(t *testing.T) {
	base := filepath.Join(t.TempDir(), "flow")
	paths, err := SaveFlowFigure(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.Size() < 10000 {
			t.Errorf("%s: %v", p, err)
		}
	}
}
