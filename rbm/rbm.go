package rbm

import (
	"fmt"
	"maps"
	"math"

	"gonum.org/v1/gonum/mat"
)

// RBM is a restricted Boltzmann machine with N visible and M hidden units and
// weights W (N x M). Its joint energy is
//
//	E(v, h) = -sum_i a_i(v_i) - sum_mu b_mu(h_mu) - sum_{i,mu} v_i W_{i mu} h_mu
//
// with a_i = Visible.Potential(i, ·) and b_mu = Hidden.Potential(mu, ·).
// Build it with New (which validates) or Read; fields may be changed in place
// afterwards (training does) as long as shapes stay consistent.
type RBM struct {
	Visible, Hidden Layer
	W               *mat.Dense
	// Metadata is the model's provenance, written to and read from the
	// "metadata" object of the JSON model format: for trained models the
	// training configuration, the data file's SHA-256 and number of samples;
	// for Hubbard–Stratonovich models beta, the lattice, the construction,
	// the shift and the ln Z offset. Nil for none; the numerics ignore it.
	Metadata map[string]any
}

// New returns an RBM with the given layers and weights after checking that W
// is Visible.Len() x Hidden.Len(), that every number is finite and that
// Gaussian widths are > 0. The RBM keeps the slices and matrix it is given.
func New(vis, hid Layer, w *mat.Dense) (*RBM, error) {
	if err := vis.validate("visible"); err != nil {
		return nil, err
	}
	if err := hid.validate("hidden"); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, fmt.Errorf("rbm: weights missing: need a %d x %d matrix", vis.Len(), hid.Len())
	}
	r, c := w.Dims()
	if r != vis.Len() || c != hid.Len() {
		return nil, fmt.Errorf("rbm: weights are %d x %d: need visible x hidden = %d x %d", r, c, vis.Len(), hid.Len())
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if x := w.At(i, j); math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("rbm: weights[%d][%d] = %v: must be finite", i, j, x)
			}
		}
	}
	return &RBM{Visible: vis, Hidden: hid, W: w}, nil
}

// Validate re-checks an RBM whose fields were set by hand (same checks as New).
func (r *RBM) Validate() error {
	_, err := New(r.Visible, r.Hidden, r.W)
	return err
}

// Dims returns the numbers of visible and hidden units.
func (r *RBM) Dims() (n, m int) { return r.Visible.Len(), r.Hidden.Len() }

// Clone returns a deep copy of r.
func (r *RBM) Clone() *RBM {
	c := &RBM{Visible: r.Visible.clone(), Hidden: r.Hidden.clone(), W: mat.DenseCopyOf(r.W)}
	if r.Metadata != nil {
		c.Metadata = maps.Clone(r.Metadata)
	}
	return c
}

// Energy returns the joint energy E(v, h). It panics if the lengths do not
// match the layers.
func (r *RBM) Energy(v, h []float64) float64 {
	n, m := r.Dims()
	if len(v) != n || len(h) != m {
		panic(fmt.Sprintf("rbm: Energy: got %d visible, %d hidden values for a %d x %d RBM", len(v), len(h), n, m))
	}
	var e float64
	for i, x := range v {
		e -= r.Visible.Potential(i, x)
	}
	for mu, x := range h {
		e -= r.Hidden.Potential(mu, x)
	}
	raw := r.W.RawMatrix()
	for i, x := range v {
		if x == 0 {
			continue
		}
		row := raw.Data[i*raw.Stride : i*raw.Stride+m]
		var s float64
		for mu, w := range row {
			s += w * h[mu]
		}
		e -= x * s
	}
	return e
}

// HiddenInput writes t_mu = sum_i v_i W_{i mu} into dst (length M) and returns it;
// dst nil allocates. It panics on a length mismatch.
func (r *RBM) HiddenInput(dst, v []float64) []float64 {
	n, m := r.Dims()
	if len(v) != n {
		panic(fmt.Sprintf("rbm: HiddenInput: %d visible values for %d units", len(v), n))
	}
	if dst == nil {
		dst = make([]float64, m)
	}
	if len(dst) != m {
		panic(fmt.Sprintf("rbm: HiddenInput: dst length %d for %d hidden units", len(dst), m))
	}
	clear(dst)
	raw := r.W.RawMatrix()
	for i, x := range v {
		if x == 0 {
			continue
		}
		row := raw.Data[i*raw.Stride : i*raw.Stride+m]
		for mu, w := range row {
			dst[mu] += x * w
		}
	}
	return dst
}

// FreeEnergy returns the marginal (free) energy of the visible vector v,
//
//	F(v) = -sum_i a_i(v_i) - sum_mu K_mu(sum_i v_i W_{i mu}),
//
// with K_mu the cumulant generating function of hidden unit mu's prior
// (Layer.CGF). With this convention p(v) = exp(-F(v)) / Z with Z = LogZ's
// exponential; the joint partition function is Z times
// exp(sum_mu Hidden.LogNorm(mu)). v is not checked to hold allowed values.
// It panics if len(v) != N.
func (r *RBM) FreeEnergy(v []float64) float64 {
	_, m := r.Dims()
	var buf [64]float64
	var t []float64
	if m <= len(buf) {
		t = buf[:m]
	} else {
		t = make([]float64, m)
	}
	r.HiddenInput(t, v)
	var f float64
	for i, x := range v {
		f -= r.Visible.Potential(i, x)
	}
	return f - r.Hidden.sumCGF(t)
}

// BernoulliVisible returns the RBM over v in {0,1}^N equivalent to r, whose
// visible layer must be spin, by the exact change of variables s = 2v - 1:
// visible bias 2a, weights 2W, and hidden unit mu's bias shifted by
// -sigma_mu^2 d_mu (Gaussian) or -d_mu (discrete), d_mu = sum_i W_{i mu}.
// p'(v) = p(2v - 1) for every v. It also returns
// delta = ln Z' - ln Z (LogZ convention), so that F'(v) = F(2v - 1) - delta:
//
//	delta = sum_i a_i + sum_mu [ (b_mu^2 - b'_mu^2)/(2 sigma_mu^2) ]                (Gaussian hidden)
//	delta = sum_i a_i - sum_mu [ LogNorm'(mu) - LogNorm(mu) ]                      (discrete hidden)
func (r *RBM) BernoulliVisible() (*RBM, float64, error) {
	if r.Visible.Type != Spin {
		return nil, 0, fmt.Errorf("rbm: BernoulliVisible: visible layer is %s, need spin", r.Visible.Type)
	}
	n, m := r.Dims()
	out := r.Clone()
	out.Visible.Type = Bernoulli
	var delta float64
	for i := range n {
		delta += r.Visible.Bias[i]
		out.Visible.Bias[i] = 2 * r.Visible.Bias[i]
	}
	out.W.Scale(2, r.W)
	hu := r.Hidden.Type.unit()
	for mu := range m {
		var d float64
		for i := range n {
			d += r.W.At(i, mu)
		}
		nb, dlog := hu.absorbShift(r.Hidden.Bias[mu], r.Hidden.sigma(mu), d)
		out.Hidden.Bias[mu] = nb
		delta += dlog
	}
	return out, delta, nil
}
