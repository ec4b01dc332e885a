package mcrun

import (
	"fmt"
	"slices"

	"github.com/isingrbm/isingrbm/mc"
)

// Merge combines the outputs of the shards 1/n .. n/n of one run (names[i]
// names shards[i] in errors, e.g. its file) into the output the unsharded
// run gives: every shard must come from the same run (algorithm, local
// move, seed, config hash, thinning, temperature count, shard count), each
// of the n shards must be present exactly once and hold exactly its
// temperatures (Shard.Indices). The merged results are sorted by Index and
// the Shard field is cleared. Only the Index of each result is checked, so
// callers that keep rows in another form (CSV lines) may pass results that
// carry nothing but the Index.
func Merge(shards []mc.Output, names []string) (mc.Output, error) {
	if len(shards) == 0 || len(names) != len(shards) {
		panic(fmt.Sprintf("mcrun: Merge: %d shards, %d names", len(shards), len(names)))
	}
	parsed := make([]Shard, len(shards))
	for i, s := range shards {
		if s.Shard == "" {
			return mc.Output{}, fmt.Errorf("merge: %s is not a shard output (it has no shard k/n)", names[i])
		}
		sh, err := ParseShard(s.Shard)
		if err != nil {
			return mc.Output{}, fmt.Errorf("merge: %s: bad shard field: %w", names[i], err)
		}
		parsed[i] = sh
	}
	f, n := shards[0], parsed[0].N
	seen := make(map[int]string)
	for i, s := range shards {
		if s.Algorithm != f.Algorithm || s.Local != f.Local || s.MeasureEvery != f.MeasureEvery || s.Seed != f.Seed ||
			s.Config != f.Config || s.Temperatures != f.Temperatures || parsed[i].N != n {
			return mc.Output{}, fmt.Errorf("merge: %s and %s come from different runs (algorithm, seed, config hash, temperature count or shard count differ)", names[0], names[i])
		}
		if prev, dup := seen[parsed[i].K]; dup {
			return mc.Output{}, fmt.Errorf("merge: shard %d/%d given twice (%s and %s)", parsed[i].K, n, prev, names[i])
		}
		seen[parsed[i].K] = names[i]
	}
	for k := 1; k <= n; k++ {
		if _, ok := seen[k]; !ok {
			return mc.Output{}, fmt.Errorf("merge: shard %d/%d is missing", k, n)
		}
	}
	out := f
	out.Shard = ""
	out.Results = []mc.TempResult{}
	for i, s := range shards {
		want := parsed[i].Indices(f.Temperatures)
		got := make([]int, 0, len(s.Results))
		for _, r := range s.Results {
			got = append(got, r.Index)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return mc.Output{}, fmt.Errorf("merge: %s: shard %s holds temperatures %v, want %v", names[i], parsed[i], got, want)
		}
		out.Results = append(out.Results, s.Results...)
	}
	slices.SortFunc(out.Results, func(a, b mc.TempResult) int { return a.Index - b.Index })
	return out, nil
}
