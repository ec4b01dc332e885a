package mcrun

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

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
// carry nothing but the Index. When shards are missing or given more than
// once, the error names all of them at once (missing ones as Ranges).
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
	for i, s := range shards {
		if s.Temperatures < 1 {
			return mc.Output{}, fmt.Errorf("merge: %s: temperature count %d: must be >= 1", names[i], s.Temperatures)
		}
	}
	f, n := shards[0], parsed[0].N
	seen := make(map[int][]string)
	for i, s := range shards {
		if s.Algorithm != f.Algorithm || s.Local != f.Local || s.MeasureEvery != f.MeasureEvery || s.Seed != f.Seed ||
			s.Config != f.Config || s.Temperatures != f.Temperatures || parsed[i].N != n {
			return mc.Output{}, fmt.Errorf("merge: %s and %s come from different runs (algorithm, seed, config hash, temperature count or shard count differ)", names[0], names[i])
		}
		seen[parsed[i].K] = append(seen[parsed[i].K], names[i])
	}
	set := &ShardSetError{N: n, Given: seen}
	for k := 1; k <= n; k++ {
		switch len(seen[k]) {
		case 0:
			set.Missing = append(set.Missing, k)
		case 1:
		default:
			set.Duplicated = append(set.Duplicated, k)
		}
	}
	if len(set.Missing)+len(set.Duplicated) > 0 {
		return mc.Output{}, set
	}
	out := f
	out.Shard = ""
	out.Results = []mc.TempResult{}
	for i, s := range shards {
		// Compare the counts first: Indices allocates one int per
		// temperature, and the count comes from the file.
		got := make([]int, 0, len(s.Results))
		for _, r := range s.Results {
			got = append(got, r.Index)
		}
		slices.Sort(got)
		if k := parsed[i].count(f.Temperatures); k != len(s.Results) {
			return mc.Output{}, fmt.Errorf("merge: %s: shard %s holds temperatures %v, want %d of the %d temperatures", names[i], parsed[i], got, k, f.Temperatures)
		}
		want := parsed[i].Indices(f.Temperatures)
		if !slices.Equal(got, want) {
			return mc.Output{}, fmt.Errorf("merge: %s: shard %s holds temperatures %v, want %v", names[i], parsed[i], got, want)
		}
		out.Results = append(out.Results, s.Results...)
	}
	slices.SortFunc(out.Results, func(a, b mc.TempResult) int { return a.Index - b.Index })
	return out, nil
}

// ShardSetError is the error of Merge when shards are missing or given more
// than once: it names all of them.
type ShardSetError struct {
	N          int
	Missing    []int            // shards k (of N) not given, ascending
	Duplicated []int            // shards given more than once, ascending
	Given      map[int][]string // shard k -> the names it was given under
}

func (e *ShardSetError) Error() string {
	var problems []string
	for _, k := range e.Duplicated {
		files := e.Given[k]
		if len(files) == 2 {
			problems = append(problems, fmt.Sprintf("shard %d/%d given twice (%s and %s)", k, e.N, files[0], files[1]))
		} else {
			problems = append(problems, fmt.Sprintf("shard %d/%d given %d times (%s)", k, e.N, len(files), strings.Join(files, ", ")))
		}
	}
	switch {
	case len(e.Missing) == 1:
		problems = append(problems, fmt.Sprintf("shard %d/%d is missing", e.Missing[0], e.N))
	case len(e.Missing) > 1:
		problems = append(problems, fmt.Sprintf("%d shards of %d are missing: %s", len(e.Missing), e.N, Ranges(e.Missing)))
	}
	return "merge: " + strings.Join(problems, "; ")
}

// Ranges writes sorted, distinct positive integers as comma-separated
// ranges, the syntax of Slurm's --array: [1 2 3 5 7 8] gives "1-3,5,7-8".
func Ranges(ks []int) string {
	var b strings.Builder
	for i := 0; i < len(ks); {
		j := i
		for j+1 < len(ks) && ks[j+1] == ks[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ks[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(ks[j]))
		}
		i = j + 1
	}
	return b.String()
}
