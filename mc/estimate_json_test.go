package mc

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestEstimateJSONNonFinite(t *testing.T) {
	in := Estimate{Mean: -1.5, Error: math.NaN(), TauInt: math.Inf(1)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"mean":-1.5,"error":null,"tau_int":null}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var out Estimate
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Mean != -1.5 || !math.IsNaN(out.Error) || !math.IsNaN(out.TauInt) || out.BinningError != 0 {
		t.Errorf("round trip gave %+v", out)
	}
	b, _ = json.Marshal(Estimate{Mean: 1, Error: 0.1, TauInt: 2.5, BinningError: 0.11})
	if !strings.Contains(string(b), `"binning_error":0.11`) {
		t.Errorf("binning error lost: %s", b)
	}
}
