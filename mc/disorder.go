package mc

import "math"

// DisorderPoint is the average over disorder instances at one temperature:
// one entry of "disorder_average" in the output of 'isingrbm mc
// --disorder-seeds'. Each quantity has Mean = the average [X] of the
// instances' thermal means and Error = the larger of the spread of the
// instance means / sqrt(n) (sample standard deviation, n >= 2; it contains
// the instances' thermal noise) and the combined thermal error
// sqrt(sum_i e_i^2)/n (the only error when n = 1). Binder and
// OverlapBinder are the ratios of disorder averages, 1 - [<m^4>]/(3
// [<m^2>]^2) and (3 - [<q^4>]/[<q^2>]^2)/2, with jackknife errors over the
// instances (n >= 2; for n = 1 the instance's own error).
type DisorderPoint struct {
	Temperature         float64            `json:"temperature"`
	Beta                float64            `json:"beta"`
	Instances           int                `json:"instances"`
	Energy              MeanErr            `json:"energy_per_site"`
	AbsMagnetization    MeanErr            `json:"abs_magnetization_per_site"`
	Magnetization       MeanErr            `json:"magnetization_per_site"`
	M2                  MeanErr            `json:"m2"`
	M4                  MeanErr            `json:"m4"`
	HeatCapacity        MeanErr            `json:"heat_capacity_per_site"`
	Susceptibility      MeanErr            `json:"susceptibility_per_site"`
	SusceptibilityAbs   MeanErr            `json:"susceptibility_abs_per_site"`
	Binder              MeanErr            `json:"binder"`
	CorrelationFunction []CorrelationPoint `json:"correlation_function,omitempty"`
	CorrelationLength   *MeanErr           `json:"correlation_length,omitempty"`
	OverlapQ2           *MeanErr           `json:"overlap_q2,omitempty"`
	OverlapQ4           *MeanErr           `json:"overlap_q4,omitempty"`
	OverlapBinder       *MeanErr           `json:"overlap_binder,omitempty"`
}

// DisorderAverage averages the results of the same temperature over
// disorder instances (rs[i] is instance i's result; at least one). See
// DisorderPoint for the errors.
func DisorderAverage(rs []TempResult) DisorderPoint {
	n := len(rs)
	p := DisorderPoint{Temperature: rs[0].Temperature, Beta: rs[0].Beta, Instances: n}
	avg := func(get func(r *TempResult) (float64, float64)) MeanErr {
		var mean, th float64
		xs := make([]float64, n)
		for i := range rs {
			m, e := get(&rs[i])
			xs[i] = m
			mean += m
			th += e * e
		}
		mean /= float64(n)
		out := MeanErr{Mean: mean, Error: math.Sqrt(th) / float64(n)}
		if n >= 2 {
			var v float64
			for _, x := range xs {
				v += (x - mean) * (x - mean)
			}
			out.Error = math.Max(out.Error, math.Sqrt(v/float64(n-1)/float64(n)))
		}
		return out
	}
	est := func(f func(r *TempResult) Estimate) MeanErr {
		return avg(func(r *TempResult) (float64, float64) { e := f(r); return e.Mean, e.Error })
	}
	// ratio is f([a], [b]) with its jackknife error over the instances.
	ratio := func(a, b func(r *TempResult) Estimate, own func(r *TempResult) Estimate, f func(a, b float64) float64) MeanErr {
		if n == 1 {
			e := own(&rs[0])
			return MeanErr{Mean: e.Mean, Error: e.Error}
		}
		var sa, sb float64
		for i := range rs {
			sa += a(&rs[i]).Mean
			sb += b(&rs[i]).Mean
		}
		value := f(sa/float64(n), sb/float64(n))
		fb := make([]float64, n)
		var fbar float64
		for i := range rs {
			fb[i] = f((sa-a(&rs[i]).Mean)/float64(n-1), (sb-b(&rs[i]).Mean)/float64(n-1))
			fbar += fb[i]
		}
		fbar /= float64(n)
		var ss float64
		for _, v := range fb {
			ss += (v - fbar) * (v - fbar)
		}
		return MeanErr{Mean: value, Error: math.Sqrt(ss * float64(n-1) / float64(n))}
	}
	p.Energy = est(func(r *TempResult) Estimate { return r.Energy })
	p.AbsMagnetization = est(func(r *TempResult) Estimate { return r.AbsMagnetization })
	p.Magnetization = est(func(r *TempResult) Estimate { return r.Magnetization })
	p.M2 = est(func(r *TempResult) Estimate { return r.M2 })
	p.M4 = est(func(r *TempResult) Estimate { return r.M4 })
	p.HeatCapacity = est(func(r *TempResult) Estimate { return r.HeatCapacity })
	p.Susceptibility = est(func(r *TempResult) Estimate { return r.Susceptibility })
	p.SusceptibilityAbs = est(func(r *TempResult) Estimate { return r.SusceptibilityAbs })
	p.Binder = ratio(func(r *TempResult) Estimate { return r.M2 }, func(r *TempResult) Estimate { return r.M4 },
		func(r *TempResult) Estimate { return r.Binder }, func(a, b float64) float64 {
			if a == 0 {
				return 0
			}
			return 1 - b/(3*a*a)
		})
	all := func(ok func(r *TempResult) bool) bool {
		for i := range rs {
			if !ok(&rs[i]) {
				return false
			}
		}
		return true
	}
	if all(func(r *TempResult) bool {
		return r.CorrelationLength != nil && len(r.CorrelationFunction) == len(rs[0].CorrelationFunction)
	}) {
		p.CorrelationFunction = make([]CorrelationPoint, len(rs[0].CorrelationFunction))
		for d := range p.CorrelationFunction {
			me := avg(func(r *TempResult) (float64, float64) {
				c := r.CorrelationFunction[d]
				return c.Mean, c.Error
			})
			p.CorrelationFunction[d] = CorrelationPoint{Distance: d, Mean: me.Mean, Error: me.Error}
		}
		xi := est(func(r *TempResult) Estimate { return *r.CorrelationLength })
		p.CorrelationLength = &xi
	}
	if all(func(r *TempResult) bool { return r.OverlapQ2 != nil && r.OverlapQ4 != nil && r.OverlapBinder != nil }) {
		q2 := est(func(r *TempResult) Estimate { return *r.OverlapQ2 })
		q4 := est(func(r *TempResult) Estimate { return *r.OverlapQ4 })
		g := ratio(func(r *TempResult) Estimate { return *r.OverlapQ2 }, func(r *TempResult) Estimate { return *r.OverlapQ4 },
			func(r *TempResult) Estimate { return *r.OverlapBinder }, OverlapBinder)
		p.OverlapQ2, p.OverlapQ4, p.OverlapBinder = &q2, &q4, &g
	}
	return p
}
