package rbm

import (
	"bytes"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// FuzzRead feeds arbitrary model files to Read: no panic; an accepted model
// writes and reads back to the same model.
func FuzzRead(f *testing.F) {
	for _, vis := range []LayerType{Spin, Bernoulli, Gaussian} {
		l := Layer{Type: vis, Bias: []float64{0.1, -0.2}}
		if vis == Gaussian {
			l.Sigma = []float64{1, 2}
		}
		r, err := New(l, Layer{Type: Bernoulli, Bias: []float64{0.3}}, mat.NewDense(2, 1, []float64{0.5, -1.5}))
		if err != nil {
			f.Fatal(err)
		}
		var b bytes.Buffer
		if err := r.Write(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
		f.Add(b.Bytes()[:b.Len()/2])
	}
	for _, s := range []string{"", "{}", "null", `{"visible": null}`, `{"visible": {"type": "spin", "bias": [1e999]}}`,
		`{"visible":{"type":"spin","bias":[0]},"hidden":{"type":"spin","bias":[0]},"weights":[[0]]} {}`,
		`{"visible":{"type":"spin","bias":[0]},"hidden":{"type":"spin","bias":[0]},"weights":[[0]],"metadata":{"a":[1,{"b":null}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Read(bytes.NewReader(b))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		var out bytes.Buffer
		if err := r.Write(&out); err != nil {
			t.Fatalf("accepted model does not write: %v", err)
		}
		r2, err := Read(&out)
		if err != nil {
			t.Fatalf("written model does not read back: %v\n%s", err, out.Bytes())
		}
		if !mat.Equal(r.W, r2.W) {
			t.Fatal("weights changed in a write/read round trip")
		}
	})
}
