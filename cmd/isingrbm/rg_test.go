package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/rg"
)

func TestRGDecimateJSON(t *testing.T) {
	out, _, err := execApp("rg", "decimate", "--lattice", "chain", "--size", "8", "--beta", "0.7", "--h", "0.1", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Kept      []int   `json:"kept"`
		Constant  float64 `json:"constant"`
		Couplings []struct {
			Sites []int   `json:"sites"`
			Value float64 `json:"value"`
		} `json:"couplings"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err, out)
	}
	k2, b2, g := rg.ChainStep(0.7, 0.07)
	if len(d.Kept) != 4 || d.Kept[1] != 2 || len(d.Couplings) != 8 {
		t.Fatalf("kept %v, %d couplings: want [0 2 4 6] and 8", d.Kept, len(d.Couplings))
	}
	for _, c := range d.Couplings {
		want := b2
		if len(c.Sites) == 2 {
			want = k2
		}
		if math.Abs(c.Value-want) > 1e-14 {
			t.Errorf("c%v = %v, want %v", c.Sites, c.Value, want)
		}
	}
	if math.Abs(d.Constant-4*g) > 1e-13 {
		t.Errorf("constant %v, want %v", d.Constant, 4*g)
	}
	txt, _, err := execApp("rg", "decimate", "--size", "4x4", "--T", "2.5")
	if err != nil || !strings.Contains(txt, "8 kept sites") || !strings.Contains(txt, "\n4      0 2 5 13 ") {
		t.Errorf("text output (err %v):\n%s", err, txt)
	}
}

func TestRGBadInput(t *testing.T) {
	wantError(t, "rg needs chain or square", "rg", "decimate", "--lattice", "cubic", "--size", "4", "--beta", "1")
	wantError(t, "independent", "rg", "decimate", "--size", "5x5", "--beta", "1")
	wantError(t, "more than", "rg", "decimate", "--size", "65536x65536", "--beta", "1")
	wantError(t, "one temperature", "rg", "decimate", "--size", "4x4", "--beta", "1,2")
	wantError(t, "--beta", "rg", "decimate", "--size", "4x4")
	_, _, code := execBinary(t, "rg", "decimate", "--size", "4x", "--beta", "1")
	if code != 1 {
		t.Errorf("bad size: exit %d, want 1", code)
	}
}
