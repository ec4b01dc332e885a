package mc

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// FSSCurve is the reweighted curve of one lattice size (the "reweighted"
// block of an 'isingrbm mc --reweight' output), sorted by temperature.
type FSSCurve struct {
	L      int
	Dim    int // number of lattice axes (2 square, 3 cubic); 0 if unknown
	Points []ReweightedPoint
}

// Crossing is the temperature where the Binder cumulants of two sizes are
// equal.
type Crossing struct {
	Sizes       [2]int  `json:"sizes"`
	Temperature MeanErr `json:"temperature"`
	Binder      MeanErr `json:"binder"`
}

// Exponents are the finite-size-scaling exponent ratios.
type Exponents struct {
	GammaOverNu MeanErr `json:"gamma_over_nu"`
	OneOverNu   MeanErr `json:"one_over_nu"`
	BetaOverNu  MeanErr `json:"beta_over_nu"`
}

// FSSOptions tunes FSS. The zero value: exponents at the crossing of the
// two largest sizes, no correction to scaling.
type FSSOptions struct {
	// Tc > 0 evaluates the exponents at this temperature instead of at the
	// crossing of the two largest sizes.
	Tc float64
	// Omega > 0 adds the correction-to-scaling term b L^-Omega to every fit
	// (needs at least 4 sizes).
	Omega float64
}

// FSSResult is the output of FSS ('isingrbm fss --json').
type FSSResult struct {
	Crossings []Crossing `json:"crossings"`
	Exponents Exponents  `json:"exponents"`
	// Temperature is where the exponents were evaluated (Tc, or the
	// crossing of the two largest sizes).
	Temperature float64 `json:"temperature"`
	// Sizes are the lattice sizes, ascending.
	Sizes []int `json:"sizes"`
	// Fits hold, per size, the values the exponents are fitted to.
	Fits []FSSPoint `json:"points"`
	// Omega is the correction-to-scaling exponent used (0: none).
	Omega float64 `json:"omega,omitempty"`
}

// FSSPoint are the observables of one size at the evaluation temperature.
type FSSPoint struct {
	L                 int     `json:"L"`
	SusceptibilityAbs MeanErr `json:"susceptibility_abs_per_site"`
	AbsMagnetization  MeanErr `json:"abs_magnetization_per_site"`
	BinderSlope       MeanErr `json:"binder_slope"`
}

// interp returns the quantity q of curve c linearly interpolated at t, with
// its error interpolated the same way, or an error if t is outside the
// curve.
func interp(c FSSCurve, t float64, q func(p ReweightedPoint) MeanErr) (MeanErr, error) {
	ps := c.Points
	if len(ps) == 0 || t < ps[0].Temperature-1e-12 || t > ps[len(ps)-1].Temperature+1e-12 {
		return MeanErr{}, fmt.Errorf("L = %d: temperature %.6g is outside its reweighted range", c.L, t)
	}
	i := max(0, min(len(ps)-2, findIdx(ps, t)))
	if len(ps) == 1 {
		return q(ps[0]), nil
	}
	a, b := ps[i], ps[i+1]
	w := (t - a.Temperature) / (b.Temperature - a.Temperature)
	qa, qb := q(a), q(b)
	return MeanErr{Mean: (1-w)*qa.Mean + w*qb.Mean, Error: (1-w)*qa.Error + w*qb.Error}, nil
}

// findIdx returns the index i with ps[i].T <= t < ps[i+1].T.
func findIdx(ps []ReweightedPoint, t float64) int {
	i, _ := slices.BinarySearchFunc(ps, t, func(p ReweightedPoint, t float64) int {
		switch {
		case p.Temperature < t:
			return -1
		case p.Temperature > t:
			return 1
		}
		return 0
	})
	return i - 1
}

// crossing finds where U4 of a and b are equal on the temperatures of a.
// The error is sigma_D/|dD/dT| with D = U4(a) - U4(b), sigma_D^2 the sum of
// the (independent) errors squared and dD/dT from the reweighted slopes:
// linear error propagation.
func crossing(a, b FSSCurve) (Crossing, error) {
	bin := func(p ReweightedPoint) MeanErr { return p.Binder }
	slope := func(p ReweightedPoint) MeanErr { return p.BinderSlope }
	var ts []float64
	for _, p := range a.Points {
		if p.Temperature >= b.Points[0].Temperature && p.Temperature <= b.Points[len(b.Points)-1].Temperature {
			ts = append(ts, p.Temperature)
		}
	}
	d := func(t float64) float64 {
		ua, _ := interp(a, t, bin)
		ub, _ := interp(b, t, bin)
		return ua.Mean - ub.Mean
	}
	var found []float64
	for i := 0; i+1 < len(ts); i++ {
		d0, d1 := d(ts[i]), d(ts[i+1])
		if d0 == 0 {
			found = append(found, ts[i])
		} else if d0*d1 < 0 {
			found = append(found, ts[i]-d0*(ts[i+1]-ts[i])/(d1-d0))
		}
	}
	if len(found) == 0 {
		return Crossing{}, fmt.Errorf("the Binder cumulants of L = %d and L = %d do not cross between T = %.4g and %.4g: reweight over a wider range",
			a.L, b.L, ts[0], ts[len(ts)-1])
	}
	// Several sign changes (noise): take the one nearest the middle.
	mid := (ts[0] + ts[len(ts)-1]) / 2
	t := found[0]
	for _, f := range found {
		if math.Abs(f-mid) < math.Abs(t-mid) {
			t = f
		}
	}
	ua, _ := interp(a, t, bin)
	ub, _ := interp(b, t, bin)
	sa, _ := interp(a, t, slope)
	sb, _ := interp(b, t, slope)
	ds := sa.Mean - sb.Mean
	sd := math.Hypot(ua.Error, ub.Error)
	c := Crossing{Sizes: [2]int{a.L, b.L}, Temperature: MeanErr{Mean: t, Error: sd / math.Abs(ds)},
		Binder: MeanErr{Mean: (ua.Mean + ub.Mean) / 2, Error: math.Hypot(ua.Error, ub.Error) / 2}}
	return c, nil
}

// fitLog fits ln y = a + x ln L (+ b L^-omega) by weighted least squares
// (weights 1/sigma^2 with sigma = err/y) and returns x with its error from
// the covariance matrix, scaled by sqrt(chi^2/dof) when that exceeds 1.
func fitLog(ls []int, ys []MeanErr, omega float64) (MeanErr, error) {
	np := 2
	if omega > 0 {
		np = 3
	}
	if len(ls) < np+boolInt(omega > 0) {
		return MeanErr{}, fmt.Errorf("%d sizes: a fit with %d parameters needs at least %d", len(ls), np, np+boolInt(omega > 0))
	}
	n := len(ls)
	a := mat.NewDense(n, np, nil)
	b := mat.NewVecDense(n, nil)
	for i, l := range ls {
		if !(ys[i].Mean > 0) || !(ys[i].Error > 0) {
			return MeanErr{}, fmt.Errorf("L = %d: value %g ± %g cannot be fitted on a log scale", l, ys[i].Mean, ys[i].Error)
		}
		w := ys[i].Mean / ys[i].Error // 1/sigma of ln y
		a.Set(i, 0, w)
		a.Set(i, 1, w*math.Log(float64(l)))
		if np == 3 {
			a.Set(i, 2, w*math.Pow(float64(l), -omega))
		}
		b.SetVec(i, w*math.Log(ys[i].Mean))
	}
	var ata mat.SymDense
	ata.SymOuterK(1, a.T())
	var inv mat.Dense
	if err := inv.Inverse(&ata); err != nil {
		return MeanErr{}, fmt.Errorf("fit is singular: %w", err)
	}
	var atb, p mat.VecDense
	atb.MulVec(a.T(), b)
	p.MulVec(&inv, &atb)
	var r mat.VecDense
	r.MulVec(a, &p)
	r.SubVec(&r, b)
	chi2 := mat.Dot(&r, &r)
	se := math.Sqrt(inv.At(1, 1))
	if dof := n - np; dof > 0 && chi2/float64(dof) > 1 {
		se *= math.Sqrt(chi2 / float64(dof))
	}
	return MeanErr{Mean: p.AtVec(1), Error: se}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FSS analyses reweighted curves of several sizes: the Binder-cumulant
// crossing of every pair of sizes, and the exponent ratios from fits of
// ln chi' (gamma/nu), ln |dU4/dT| (1/nu) and ln <|m|> (-beta/nu) against
// ln L at the evaluation temperature (FSSOptions.Tc, or the crossing of the
// two largest sizes). The errors of the exponents come from the errors of
// the points (the uncertainty of the evaluation temperature is not
// propagated).
func FSS(curves []FSSCurve, opt FSSOptions) (*FSSResult, error) {
	if len(curves) < 2 {
		return nil, errors.New("finite-size scaling needs curves of at least 2 sizes")
	}
	cs := slices.Clone(curves)
	slices.SortFunc(cs, func(a, b FSSCurve) int { return a.L - b.L })
	res := &FSSResult{Omega: opt.Omega}
	for i, c := range cs {
		if len(c.Points) < 2 {
			return nil, fmt.Errorf("L = %d: %d reweighted temperatures, need at least 2 (run mc with --reweight START:STOP:STEP)", c.L, len(c.Points))
		}
		if i > 0 && c.L == cs[i-1].L {
			return nil, fmt.Errorf("size L = %d given twice", c.L)
		}
		slices.SortFunc(c.Points, func(a, b ReweightedPoint) int { return int(math.Copysign(1, a.Temperature-b.Temperature)) })
		res.Sizes = append(res.Sizes, c.L)
	}
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			c, err := crossing(cs[i], cs[j])
			if err != nil {
				return nil, err
			}
			res.Crossings = append(res.Crossings, c)
		}
	}
	t := opt.Tc
	if t <= 0 {
		t = res.Crossings[len(res.Crossings)-1].Temperature.Mean // the two largest sizes
	}
	res.Temperature = t
	var chis, ms, slopes []MeanErr
	for _, c := range cs {
		chi, err := interp(c, t, func(p ReweightedPoint) MeanErr { return p.SusceptibilityAbs })
		if err != nil {
			return nil, err
		}
		m, _ := interp(c, t, func(p ReweightedPoint) MeanErr { return p.AbsMagnetization })
		s, _ := interp(c, t, func(p ReweightedPoint) MeanErr { return p.BinderSlope })
		s.Mean = math.Abs(s.Mean)
		chis, ms, slopes = append(chis, chi), append(ms, m), append(slopes, s)
		res.Fits = append(res.Fits, FSSPoint{L: c.L, SusceptibilityAbs: chi, AbsMagnetization: m, BinderSlope: s})
	}
	var err error
	if res.Exponents.GammaOverNu, err = fitLog(res.Sizes, chis, opt.Omega); err != nil {
		return nil, fmt.Errorf("gamma/nu: %w", err)
	}
	if res.Exponents.OneOverNu, err = fitLog(res.Sizes, slopes, opt.Omega); err != nil {
		return nil, fmt.Errorf("1/nu: %w", err)
	}
	if res.Exponents.BetaOverNu, err = fitLog(res.Sizes, ms, opt.Omega); err != nil {
		return nil, fmt.Errorf("beta/nu: %w", err)
	}
	res.Exponents.BetaOverNu.Mean = -res.Exponents.BetaOverNu.Mean
	return res, nil
}
