package experiments

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/mc/mcrun"
)

// Shard selects part of the Monte Carlo and RBM-sampling chains of a spec:
// chain j of a section (in the order algorithm, size, temperature) belongs to
// shard (j mod N) + 1, the round-robin rule of 'isingrbm mc --shard'
// (mcrun.Shard, parsed by mcrun.ParseShard). The zero value means no
// sharding.
type Shard = mcrun.Shard

// shardRow is one finished chain in a shard file.
type shardRow struct {
	Job       int
	Algorithm string
	Res       mc.TempResult
}

// shardFile is DIR/shards/NAME.K-of-N.gob (gob keeps NaN and every bit).
type shardFile struct {
	Spec string // specHash of the spec that made it
	K, N int
	MC   []shardRow
	RBM  []shardRow
	Snap []int8
}

// shardSet holds the chains read back by a merge, by job index.
type shardSet struct {
	loaded  bool
	mc, rbm map[int]shardRow
	snap    []int8
}

// mine reports whether job i belongs to this run (always true without sharding).
func (r *run) mine(i int) bool { return r.opt.Shard.Owns(i) }

// specHash identifies what a spec computes (its figures settings excluded),
// so that shards of different specs are never merged.
func specHash(s *Spec) string {
	c := *s
	c.Figures = FigureSpec{}
	c.Description = ""
	b, _ := json.Marshal(c)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

func shardPath(dir, name string, k, n int) string {
	return filepath.Join(dir, "shards", fmt.Sprintf("%s.%d-of-%d.gob", name, k, n))
}

// writeShard saves this run's chains.
func (r *run) writeShard(dir string) (string, error) {
	if err := os.MkdirAll(filepath.Join(dir, "shards"), 0o755); err != nil {
		return "", err
	}
	r.shardOut.Spec = specHash(r.spec)
	r.shardOut.K, r.shardOut.N = r.opt.Shard.K, r.opt.Shard.N
	path := shardPath(dir, r.spec.Name, r.opt.Shard.K, r.opt.Shard.N)
	return path, atomicfile.Write(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(&r.shardOut) })
}

// readShards loads every shard of this spec from DIR/shards; all K of one N
// must be present and made by the same spec.
func (r *run) readShards(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "shards", r.spec.Name+".*-of-*.gob"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("--merge: no shard files %s in %s", r.spec.Name+".K-of-N.gob", filepath.Join(dir, "shards"))
	}
	sort.Strings(files)
	want := specHash(r.spec)
	set := shardSet{loaded: true, mc: map[int]shardRow{}, rbm: map[int]shardRow{}}
	seen := map[int]bool{}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var sf shardFile
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&sf); err != nil {
			return fmt.Errorf("--merge: %s: %w", f, err)
		}
		if sf.Spec != want {
			return fmt.Errorf("--merge: %s was made by a different spec (hash %s, this spec %s): remove it or rerun that shard", f, sf.Spec, want)
		}
		if n == 0 {
			n = sf.N
		}
		if sf.N != n {
			return fmt.Errorf("--merge: %s is shard %d of %d, others are of %d: use one split", f, sf.K, sf.N, n)
		}
		seen[sf.K] = true
		for _, x := range sf.MC {
			set.mc[x.Job] = x
		}
		for _, x := range sf.RBM {
			set.rbm[x.Job] = x
		}
		if sf.Snap != nil {
			set.snap = sf.Snap
		}
	}
	for k := 1; k <= n; k++ {
		if !seen[k] {
			return fmt.Errorf("--merge: shard %d of %d is missing in %s", k, n, filepath.Join(dir, "shards"))
		}
	}
	r.shardRows = set
	return nil
}
