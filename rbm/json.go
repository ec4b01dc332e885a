package rbm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"gonum.org/v1/gonum/mat"
)

// jsonLayer and jsonModel are the JSON model format:
//
//	{"visible": {"type": "spin"|"bernoulli"|"gaussian", "bias": [...], "sigma": [...]},
//	 "hidden":  {"type": ..., "bias": [...], "sigma": [...]},
//	 "weights": [[W_1_1, ..., W_1_M], ..., [W_N_1, ..., W_N_M]]}
//
// with sigma present only for Gaussian layers and the energy convention of RBM.
type jsonLayer struct {
	Type  *string   `json:"type"`
	Bias  []float64 `json:"bias"`
	Sigma []float64 `json:"sigma,omitempty"`
}

type jsonModel struct {
	Visible *jsonLayer  `json:"visible"`
	Hidden  *jsonLayer  `json:"hidden"`
	Weights [][]float64 `json:"weights"`
	// Metadata is the model's provenance (RBM.Metadata), free-form.
	Metadata map[string]any `json:"metadata,omitempty"`
}

// MaxJSONBytes bounds the size of a model file accepted by Read (1 GiB).
const MaxJSONBytes = 1 << 30

func (l *jsonLayer) layer(name string) (Layer, error) {
	if l == nil {
		return Layer{}, fmt.Errorf("rbm: model JSON: %q missing", name)
	}
	if l.Type == nil {
		return Layer{}, fmt.Errorf("rbm: model JSON: %s.type missing: allowed %s", name, allowedTypes())
	}
	t, err := ParseLayerType(*l.Type)
	if err != nil {
		return Layer{}, fmt.Errorf("rbm: model JSON: %s.type: %w", name, err)
	}
	if l.Bias == nil {
		return Layer{}, fmt.Errorf("rbm: model JSON: %s.bias missing: need one number per unit", name)
	}
	return Layer{Type: t, Bias: l.Bias, Sigma: l.Sigma}, nil
}

// Read decodes an RBM from the JSON model format (see the package
// documentation) and validates it: unknown keys, trailing data, missing
// fields, non-finite numbers, non-positive sigmas and weights whose shape is
// not visible x hidden are errors.
func Read(rd io.Reader) (*RBM, error) {
	data, err := io.ReadAll(io.LimitReader(rd, MaxJSONBytes+1))
	if err != nil {
		return nil, fmt.Errorf("rbm: read model: %w", err)
	}
	if len(data) > MaxJSONBytes {
		return nil, fmt.Errorf("rbm: model JSON larger than %d bytes", MaxJSONBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var jm jsonModel
	if err := dec.Decode(&jm); err != nil {
		return nil, fmt.Errorf("rbm: model JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("rbm: model JSON: trailing data after the model object")
	}
	vis, err := jm.Visible.layer("visible")
	if err != nil {
		return nil, err
	}
	hid, err := jm.Hidden.layer("hidden")
	if err != nil {
		return nil, err
	}
	if err := vis.validate("visible"); err != nil {
		return nil, err
	}
	if err := hid.validate("hidden"); err != nil {
		return nil, err
	}
	n, m := vis.Len(), hid.Len()
	if jm.Weights == nil {
		return nil, fmt.Errorf("rbm: model JSON: weights missing: need %d rows (visible units) of %d numbers (hidden units)", n, m)
	}
	if len(jm.Weights) != n {
		return nil, fmt.Errorf("rbm: model JSON: weights has %d rows: need one per visible unit (%d)", len(jm.Weights), n)
	}
	w := mat.NewDense(n, m, nil)
	for i, row := range jm.Weights {
		if len(row) != m {
			return nil, fmt.Errorf("rbm: model JSON: weights[%d] has %d entries: need one per hidden unit (%d)", i, len(row), m)
		}
		w.SetRow(i, row)
	}
	r, err := New(vis, hid, w)
	if err != nil {
		return nil, err
	}
	r.Metadata = jm.Metadata
	return r, nil
}

// Write encodes r in the JSON model format (indented, one weight row per
// line). Floats are written with the shortest representation that reads
// back to the same bits, so Write then Read is exact.
func (r *RBM) Write(w io.Writer) error {
	n, m := r.Dims()
	var out bytes.Buffer
	out.WriteString("{\n")
	for _, l := range []struct {
		name string
		l    *Layer
	}{{"visible", &r.Visible}, {"hidden", &r.Hidden}} {
		t := l.l.Type.String()
		b, err := json.Marshal(jsonLayer{Type: &t, Bias: l.l.Bias, Sigma: l.l.Sigma})
		if err != nil {
			return fmt.Errorf("rbm: write model: %s: %w", l.name, err)
		}
		fmt.Fprintf(&out, "  %q: %s,\n", l.name, b)
	}
	out.WriteString("  \"weights\": [\n")
	row := make([]float64, m)
	for i := range n {
		mat.Row(row, i, r.W)
		b, err := json.Marshal(row)
		if err != nil {
			return fmt.Errorf("rbm: write model: weights[%d]: %w", i, err)
		}
		out.WriteString("    ")
		out.Write(b)
		if i < n-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString("  ]")
	if len(r.Metadata) > 0 {
		b, err := json.MarshalIndent(r.Metadata, "  ", "  ")
		if err != nil {
			return fmt.Errorf("rbm: write model: metadata: %w", err)
		}
		out.WriteString(",\n  \"metadata\": ")
		out.Write(b)
	}
	out.WriteString("\n}\n")
	_, err := w.Write(out.Bytes())
	return err
}
