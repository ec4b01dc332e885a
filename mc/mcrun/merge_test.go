package mcrun

import (
	"fmt"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/mc"
)

func TestRanges(t *testing.T) {
	for _, c := range []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{4}, "4"},
		{[]int{1, 2, 3, 5, 7, 8}, "1-3,5,7-8"},
		{[]int{2, 4, 6}, "2,4,6"},
		{[]int{9, 10, 11, 12}, "9-12"},
	} {
		if got := Ranges(c.in); got != c.want {
			t.Errorf("Ranges(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMergeListsAllProblems: every missing and every duplicated shard is
// named in the one error.
func TestMergeListsAllProblems(t *testing.T) {
	shard := func(k, n int) mc.Output {
		o := mc.Output{Algorithm: "wolff", Seed: 3, Config: "abc", Temperatures: 2 * n, Shard: fmt.Sprintf("%d/%d", k, n)}
		for _, i := range (Shard{k, n}).Indices(2 * n) {
			o.Results = append(o.Results, mc.TempResult{Index: i})
		}
		return o
	}
	var outs []mc.Output
	var names []string
	for _, k := range []int{1, 1, 3, 6, 6, 6, 9} {
		outs = append(outs, shard(k, 10))
		names = append(names, fmt.Sprintf("f%d.%d", k, len(outs)))
	}
	_, err := Merge(outs, names)
	if err == nil {
		t.Fatal("Merge accepted an incomplete set")
	}
	for _, want := range []string{"shard 1/10 given twice (f1.1 and f1.2)", "shard 6/10 given 3 times (f6.4, f6.5, f6.6)",
		"6 shards of 10 are missing: 2,4-5,7-8,10"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans several lines: %q", err)
	}
}
