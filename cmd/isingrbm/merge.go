package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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
	meta   mc.Output // the whole output (of FILE.json, or of the sidecar of FILE.csv)
	header string    // CSV: the column header line
}

func runMerge(c *cli.Context) error {
	outPath := c.String("out")
	ext, err := checkExt("out", outPath, "json", "csv")
	if err != nil {
		return err
	}
	if err := checkWritable("out", outPath); err != nil {
		return err
	}
	paths := c.Args().Slice()
	if len(paths) == 0 {
		return errors.New("merge: give the shard files as arguments (after the flags)")
	}
	var metas []mc.Output
	for _, p := range paths {
		if e := extOf(p); e != ext {
			return fmt.Errorf("merge: shard %s has extension .%s, --out has .%s: all must match", p, e, ext)
		}
		s, err := readShardFile(p)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
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
	if err := writeMCFiles(outPath, &out); err != nil {
		return keepResults(c, "out", err, func(w io.Writer) error { return writeJSON(w, &out) })
	}
	return nil
}

// readShardFile reads the output FILE.json, or FILE.csv with its sidecar
// FILE.json, of 'isingrbm mc' (errors name the file). A CSV must be exactly
// the table of its sidecar's results, so that a sidecar of another run is
// refused.
func readShardFile(p string) (*mergeShard, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	s := &mergeShard{}
	if extOf(p) == "json" {
		if err := decodeStrict(b, &s.meta); err != nil {
			return nil, fmt.Errorf("%s: not an 'isingrbm mc' JSON output: %w", p, err)
		}
		return s, nil
	}
	if bytes.HasPrefix(b, []byte("# isingrbm mc ")) {
		return nil, fmt.Errorf("%s: written by an older isingrbm (metadata in a '# isingrbm mc' first line): merge the shards' .json outputs, or rerun the shards", p)
	}
	sc := mcSidecar(p)
	jb, err := os.ReadFile(sc)
	if err != nil {
		return nil, fmt.Errorf("%s: its metadata file %s (written next to every 'isingrbm mc --out FILE.csv'): %v", p, sc, err)
	}
	if err := decodeStrict(jb, &s.meta); err != nil {
		return nil, fmt.Errorf("%s: not an 'isingrbm mc' JSON output: %w", sc, err)
	}
	var want bytes.Buffer
	if err := writeMCOutput(&want, "csv", &s.meta); err != nil {
		return nil, err
	}
	if !bytes.Equal(b, want.Bytes()) {
		return nil, fmt.Errorf("%s: does not match its metadata file %s (the two come from different runs, or one was edited)", p, sc)
	}
	s.header, _, _ = strings.Cut(string(b), "\n")
	return s, nil
}

// decodeStrict decodes one JSON value, refusing unknown keys and trailing
// data: a shard that is not exactly an 'isingrbm mc' output is not merged.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}
