package experiments

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/mc"
)

// FuzzReadShards feeds arbitrary shard files (DIR/shards/NAME.K-of-N.gob,
// read by 'isingrbm run --merge') to readShards: no panic, one-line errors.
func FuzzReadShards(f *testing.F) {
	spec := &Spec{Name: "fz"}
	good := shardFile{Spec: specHash(spec), K: 1, N: 1,
		MC:   []shardRow{{Job: 0, Algorithm: "wolff", Res: mc.TempResult{Index: 0}}},
		RBM:  []shardRow{{Job: 1, Algorithm: "rbm"}},
		Snap: []int8{1, -1}}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:b.Len()/2])
	f.Add([]byte{})
	bad := good
	bad.K, bad.N = 2, 1<<30
	b.Reset()
	gob.NewEncoder(&b).Encode(&bad)
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "shards"), 0o755)
		if err := os.WriteFile(shardPath(dir, spec.Name, 1, 1), data, 0o644); err != nil {
			t.Fatal(err)
		}
		r := &run{spec: spec}
		if err := r.readShards(dir); err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error %q", err)
		}
	})
}
