package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/mc"
)

func init() { register(mergeCommand) }

func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine the shard outputs of 'isingrbm mc --shard k/n --out FILE' into the file a single run would have written",
		ArgsUsage: "SHARD_FILE...",
		Description: "Every shard file must come from the same model, flags and seed (checked with the config hash the files carry),\n" +
			"all n shards must be present exactly once, and all files must have the extension of --out (.json or .csv).\n" +
			"The merged file is byte-identical to the --out FILE of an unsharded run (with --seconds=false; otherwise only\n" +
			"the wall times differ).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Required: true, Category: catOutput, Usage: "merged output FILE.json or FILE.csv"},
		},
		Action: runMerge,
	}
}

// mergeShard is what merge needs from one shard file.
type mergeShard struct {
	path   string
	meta   mc.Output // Results set for JSON; metadata only for CSV
	k, n   int
	rows   map[int]string // CSV: index -> row
	header string         // CSV column header line
}

func runMerge(c *cli.Context) error {
	outPath := c.String("out")
	ext, err := checkExt("out", outPath, "json", "csv")
	if err != nil {
		return err
	}
	paths := c.Args().Slice()
	if len(paths) == 0 {
		return errors.New("merge: give the shard files as arguments (after the flags)")
	}
	var shards []*mergeShard
	for _, p := range paths {
		if e := extOf(p); e != ext {
			return fmt.Errorf("merge: shard %s has extension .%s, --out has .%s: all must match", p, e, ext)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		s := &mergeShard{path: p}
		if ext == "json" {
			if err := json.Unmarshal(b, &s.meta); err != nil {
				return fmt.Errorf("merge: %s: not an 'isingrbm mc' JSON output: %w", p, err)
			}
		} else if err := parseMCCSV(b, s); err != nil {
			return fmt.Errorf("merge: %s: %w", p, err)
		}
		if s.meta.Shard == "" {
			return fmt.Errorf("merge: %s is not a shard output (it has no shard k/n)", p)
		}
		if s.k, s.n, err = parseShard(s.meta.Shard); err != nil {
			return fmt.Errorf("merge: %s: bad shard field: %w", p, err)
		}
		shards = append(shards, s)
	}
	first := shards[0]
	seen := make(map[int]string)
	for _, s := range shards {
		m, f := s.meta, first.meta
		if m.Algorithm != f.Algorithm || m.Local != f.Local || m.MeasureEvery != f.MeasureEvery || m.Seed != f.Seed || m.Config != f.Config || m.Temperatures != f.Temperatures || s.n != first.n || s.header != first.header {
			return fmt.Errorf("merge: %s and %s come from different runs (algorithm, seed, config hash, temperature count or shard count differ)", first.path, s.path)
		}
		if prev, dup := seen[s.k]; dup {
			return fmt.Errorf("merge: shard %d/%d given twice (%s and %s)", s.k, s.n, prev, s.path)
		}
		seen[s.k] = s.path
	}
	for k := 1; k <= first.n; k++ {
		if _, ok := seen[k]; !ok {
			return fmt.Errorf("merge: shard %d/%d is missing", k, first.n)
		}
	}
	out := first.meta
	out.Shard = ""
	out.Results = []mc.TempResult{}
	rows := make(map[int]string)
	for _, s := range shards {
		want := mcShardIndices(out.Temperatures, s.k, s.n)
		var got []int
		if ext == "json" {
			for _, r := range s.meta.Results {
				got = append(got, r.Index)
				out.Results = append(out.Results, r)
			}
		} else {
			for i, row := range s.rows {
				got = append(got, i)
				rows[i] = row
			}
			slices.Sort(got)
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("merge: %s: shard %d/%d holds temperatures %v, want %v", s.path, s.k, s.n, got, want)
		}
	}
	slices.SortFunc(out.Results, func(a, b mc.TempResult) int { return a.Index - b.Index })
	return writeFile(outPath, func(w io.Writer) error {
		if ext == "json" {
			return writeJSON(w, out)
		}
		if _, err := io.WriteString(w, mcCSVComment(&out)+"\n"+first.header+"\n"); err != nil {
			return err
		}
		for i := 0; i < out.Temperatures; i++ {
			if _, err := io.WriteString(w, rows[i]+"\n"); err != nil {
				return err
			}
		}
		return nil
	})
}

// parseMCCSV reads the comment line, the header and the rows of a CSV
// result file written by 'isingrbm mc --out FILE.csv'.
func parseMCCSV(b []byte, s *mergeShard) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "# isingrbm mc ") {
		return errors.New("not an 'isingrbm mc' CSV output (first line must be '# isingrbm mc ...')")
	}
	for _, kv := range strings.Fields(strings.TrimPrefix(sc.Text(), "# isingrbm mc ")) {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "algorithm":
			s.meta.Algorithm = v
		case "local":
			s.meta.Local = v
		case "seed":
			s.meta.Seed, err = strconv.ParseUint(v, 10, 64)
		case "config":
			s.meta.Config = v
		case "temperatures":
			s.meta.Temperatures, err = strconv.Atoi(v)
		case "shard":
			s.meta.Shard = v
		case "measure_every":
			s.meta.MeasureEvery, err = strconv.Atoi(v)
		}
		if err != nil {
			return fmt.Errorf("bad %s in first line: %w", k, err)
		}
	}
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "index,") {
		return errors.New("missing column header line 'index,...'")
	}
	s.header = sc.Text()
	s.rows = make(map[int]string)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		f, _, _ := strings.Cut(line, ",")
		i, err := strconv.Atoi(f)
		if err != nil || i < 0 || i >= s.meta.Temperatures {
			return fmt.Errorf("row %q: bad temperature index (want 0..%d)", f, s.meta.Temperatures-1)
		}
		if _, dup := s.rows[i]; dup {
			return fmt.Errorf("temperature index %d appears twice", i)
		}
		s.rows[i] = line
	}
	return sc.Err()
}
