package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRGHopfieldJSON(t *testing.T) {
	out, _, err := execApp("rg", "hopfield", "--size", "100", "--patterns-list", "5", "--T", "0.3,1.5",
		"--sweeps", "1000", "--thermalize", "200", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		N      int `json:"neurons"`
		Points []struct {
			Patterns    int     `json:"patterns"`
			Load        float64 `json:"load"`
			Temperature float64 `json:"temperature"`
			Max         struct {
				Mean, Error float64
			} `json:"max_abs_overlap"`
		} `json:"points"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err, out)
	}
	if res.N != 100 || len(res.Points) != 2 || res.Points[0].Load != 0.05 {
		t.Fatalf("got %+v", res)
	}
	if lo, hi := res.Points[0].Max, res.Points[1].Max; lo.Mean+3*lo.Error < 0.9 || hi.Mean > 0.35 {
		t.Errorf("max |m_mu| = %+v at T = 0.3 (want > 0.9), %+v at T = 1.5 (want < 0.35)", lo, hi)
	}
}

func TestRGHopfieldErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--size", "1"}, "--size"},
		{[]string{"--patterns-list", "0"}, "--patterns-list"},
		{[]string{"--patterns-list", "a"}, "--patterns-list"},
		{[]string{"--sweeps", "5"}, "--sweeps"},
		{[]string{"--beta", "0"}, "--beta/--T"},
		{[]string{"--thermalize", "-1"}, "--thermalize"},
	} {
		_, _, err := execApp(append([]string{"rg", "hopfield"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one naming %s", c.args, err, c.want)
		}
	}
}
