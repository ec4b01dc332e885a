package experiments

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// outDir is what CheckOutDir found in an existing output folder.
type outDir struct {
	// foreign are the entries of DIR/data and DIR/figures that the folder's
	// manifest does not list (relative paths such as "figures/mine.png"):
	// files Run did not write, which it carries over into the new folders.
	foreign []string
}

// ownEntry reports whether a top-level entry of an output folder is one Run
// writes: data, figures, manifest.json, shards (--shard) and the staging
// directories of runs in progress.
func ownEntry(name string) bool {
	return name == "data" || name == "figures" || name == "manifest.json" || name == "shards" ||
		strings.HasPrefix(name, ".staging-")
}

// CheckOutDir checks that Run may write the results of experiment name into
// dir: dir does not exist, is empty, or holds only the results of an earlier
// run of the same experiment (DIR/manifest.json names it and lists every
// file of DIR/data and DIR/figures). Otherwise it returns a one-line error
// naming what is there, unless force is set. It never changes anything.
func CheckOutDir(dir, name string, force bool) (*outDir, error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return &outDir{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("--out %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("--out %s: not a directory", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %w", dir, err)
	}
	var other []string // top-level entries Run did not write
	for _, e := range ents {
		if !ownEntry(e.Name()) {
			other = append(other, e.Name())
		}
	}
	listed := map[string]bool{}
	otherExp := ""
	hasManifest := false
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil {
		var m struct {
			Name    string   `json:"name"`
			Data    []string `json:"data"`
			Figures []string `json:"figures"`
		}
		if json.Unmarshal(b, &m) != nil || m.Name == "" {
			other = append(other, "manifest.json (not an isingrbm run manifest)")
		} else {
			hasManifest = true
			if m.Name != name {
				otherExp = m.Name
			}
			for _, f := range append(m.Data, m.Figures...) {
				listed[filepath.ToSlash(filepath.Clean(f))] = true
			}
		}
	}
	out := &outDir{}
	for _, sub := range []string{"data", "figures"} {
		es, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			continue
		}
		for _, e := range es {
			rel := sub + "/" + e.Name()
			if !hasManifest || !listed[rel] || e.IsDir() {
				out.foreign = append(out.foreign, rel)
			}
		}
	}
	if force || otherExp == "" && len(other) == 0 && len(out.foreign) == 0 {
		return out, nil
	}
	var what []string
	if otherExp != "" {
		what = append(what, fmt.Sprintf("the results of experiment %q", otherExp))
	}
	if n := append(append([]string(nil), other...), out.foreign...); len(n) > 0 {
		sort.Strings(n)
		if len(n) > 3 {
			n = append(n[:3], fmt.Sprintf("and %d more", len(n)-3))
		}
		what = append(what, "files 'isingrbm run' did not write ("+strings.Join(n, ", ")+")")
	}
	return nil, fmt.Errorf("--out %s holds %s: give another folder (the default is out/%s), or --force to write there anyway (files it did not write are kept)",
		dir, strings.Join(what, " and "), name)
}

// swapIn moves the finished outputs of stage (data, figures,
// manifest.json) into dir. Files of DIR/data and DIR/figures that Run did not
// write (prev.foreign) are carried into the new folders first, or moved
// aside to DIR/displaced-TIME when a new output has their name; the
// previous outputs go into stage (removed by the caller). Every step is a
// rename within dir; if one fails, the steps done are undone, so that dir is
// as it was.
func swapIn(dir, stage string, prev *outDir, logf func(string, ...any)) (err error) {
	type move struct{ from, to string }
	var done []move
	rename := func(from, to string) error {
		if err := os.Rename(from, to); err != nil {
			return err
		}
		done = append(done, move{from, to})
		return nil
	}
	defer func() {
		if err == nil {
			return
		}
		for i := len(done) - 1; i >= 0; i-- {
			os.Rename(done[i].to, done[i].from)
		}
		err = fmt.Errorf("--out %s: %w (the folder is as it was)", dir, err)
	}()
	displaced := ""
	if prev != nil {
		for _, rel := range prev.foreign {
			src := filepath.Join(dir, rel)
			dst := filepath.Join(stage, rel)
			if _, err := os.Lstat(dst); err == nil {
				if displaced == "" {
					displaced = filepath.Join(dir, "displaced-"+time.Now().UTC().Format("20060102T150405Z"))
				}
				dst = filepath.Join(displaced, rel)
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return err
				}
				logf("%s: not written by 'isingrbm run' and a new output has its name: moved to %s", src, dst)
			}
			if err := rename(src, dst); err != nil {
				return err
			}
		}
	}
	for _, sub := range []string{"data", "figures"} {
		dst := filepath.Join(dir, sub)
		if _, err := os.Stat(dst); err == nil {
			if err := rename(dst, filepath.Join(stage, "old-"+sub)); err != nil {
				return err
			}
		}
		if err := rename(filepath.Join(stage, sub), dst); err != nil {
			return err
		}
	}
	mp := filepath.Join(dir, "manifest.json")
	if _, err := os.Stat(mp); err == nil {
		if err := rename(mp, filepath.Join(stage, "old-manifest.json")); err != nil {
			return err
		}
	}
	if err := swapHook(); err != nil {
		return err
	}
	return rename(filepath.Join(stage, "manifest.json"), mp)
}

// swapHook is called before the last rename of swapIn; tests make it fail.
var swapHook = func() error { return nil }
