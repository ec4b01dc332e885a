package mc

import (
	"encoding/json"
	"math"
)

// estimateWire is the JSON form of Estimate: a quantity that could not be
// estimated (NaN, for example the error of a run with one measurement) is
// written as null, since JSON has no NaN.
type estimateWire struct {
	Mean         *float64 `json:"mean"`
	Error        *float64 `json:"error"`
	TauInt       *float64 `json:"tau_int"`
	BinningError *float64 `json:"binning_error,omitempty"`
}

func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func nilAsNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// MarshalJSON writes non-finite values as null.
func (e Estimate) MarshalJSON() ([]byte, error) {
	w := estimateWire{Mean: finiteOrNil(e.Mean), Error: finiteOrNil(e.Error), TauInt: finiteOrNil(e.TauInt)}
	if e.BinningError != 0 {
		w.BinningError = finiteOrNil(e.BinningError)
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads null as NaN, so that a merge of shard files rewrites
// exactly what a single run wrote.
func (e *Estimate) UnmarshalJSON(b []byte) error {
	var w estimateWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	e.Mean, e.Error, e.TauInt = nilAsNaN(w.Mean), nilAsNaN(w.Error), nilAsNaN(w.TauInt)
	e.BinningError = 0
	if w.BinningError != nil {
		e.BinningError = *w.BinningError
	}
	return nil
}
