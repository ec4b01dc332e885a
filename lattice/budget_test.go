package lattice

import (
	"errors"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/internal/budget"
)

// Models beyond the memory budget are refused before anything is
// allocated, naming the estimate and --size.
func TestModelMemoryBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "64M")
	for _, s := range []Spec{
		{Kind: "square", Size: "2000x2000"}, // 4e6 sites, 8e6 bonds: 448 MB
		{Kind: "cubic", Size: "200"},        // 8e6 sites
		{Kind: "complete", Size: "4000"},    // 8e6 bonds
		{Kind: "chain", Size: "2000000"},    // 2e6 sites: 128 MB
		{Kind: "triangular", Size: "1000x1000"},
	} {
		_, err := s.Build()
		var be *budget.Error
		if !errors.As(err, &be) || !strings.Contains(err.Error(), "size") {
			t.Errorf("%s %s: error %v, want the memory budget naming --size", s.Kind, s.Size, err)
		}
	}
	if _, err := (Spec{Kind: "square", Size: "100x100"}).Build(); err != nil {
		t.Errorf("100x100 within 64M: %v", err)
	}
}

// A huge bad value is quoted in at most ~100 characters.
func TestLongValueQuoted(t *testing.T) {
	long := strings.Repeat("x9", 2_500_000)
	for _, s := range []Spec{{Kind: "square", Size: long}, {Kind: long, Size: "4"}, {Kind: "square", Size: "4", Boundary: long},
		{Kind: "complete", Size: "4", Scale: long}, {Kind: "square", Size: "4", Disorder: long}} {
		_, err := s.Build()
		if err == nil || len(err.Error()) > 400 {
			t.Errorf("error of %d bytes: %.300v", len(err.Error()), err)
		}
	}
	_, err := ReadEdges(strings.NewReader("0 1 "+long+"\n"), "e.edges")
	if err == nil || len(err.Error()) > 400 {
		t.Errorf("edge list: error of %d bytes", len(err.Error()))
	}
}

func TestEdgeListMemoryBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "16M")
	_, err := ReadEdges(strings.NewReader("sites 67108864\n0 1 1\n"), "big.edges")
	var be *budget.Error
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "big.edges") {
		t.Errorf("edge list of 2^26 sites within 16M: %v", err)
	}
}
