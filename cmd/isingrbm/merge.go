package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/mcrun"
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
	meta   mc.Output      // JSON: the whole output; CSV: metadata, results with only their Index
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
	var metas []mc.Output
	rows := make(map[int]string)
	header := ""
	for i, p := range paths {
		if e := extOf(p); e != ext {
			return fmt.Errorf("merge: shard %s has extension .%s, --out has .%s: all must match", p, e, ext)
		}
		s, err := readShardFile(p)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		if i == 0 {
			header = s.header
		} else if s.header != header {
			return fmt.Errorf("merge: %s and %s come from different runs (CSV columns differ)", paths[0], p)
		}
		for k, r := range s.rows {
			rows[k] = r
		}
		metas = append(metas, s.meta)
	}
	out, err := mcrun.Merge(metas, paths)
	if err != nil {
		var set *mcrun.ShardSetError
		if errors.As(err, &set) && len(set.Missing) > 0 {
			return fmt.Errorf("%w (rerun them, e.g. sbatch --array=%s; 'isingrbm shards status' shows which have checkpoints)", err, mcrun.Ranges(set.Missing))
		}
		return err
	}
	return writeFile(outPath, func(w io.Writer) error {
		if ext == "json" {
			return writeJSON(w, out)
		}
		if _, err := io.WriteString(w, mcCSVComment(&out)+"\n"+header+"\n"); err != nil {
			return err
		}
		for _, r := range out.Results {
			if _, err := io.WriteString(w, rows[r.Index]+"\n"); err != nil {
				return err
			}
		}
		return nil
	})
}

// readShardFile reads the output FILE.json or FILE.csv of 'isingrbm mc'
// (errors name the file).
func readShardFile(p string) (*mergeShard, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	s := &mergeShard{}
	if extOf(p) == "json" {
		if err := json.Unmarshal(b, &s.meta); err != nil {
			return nil, fmt.Errorf("%s: not an 'isingrbm mc' JSON output: %w", p, err)
		}
	} else if err := parseMCCSV(b, s); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return s, nil
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
		s.meta.Results = append(s.meta.Results, mc.TempResult{Index: i})
	}
	return sc.Err()
}
