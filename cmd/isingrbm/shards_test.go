package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestShardsStatus: 5 shards, of which 1 and 4 are complete, 2 has only a
// checkpoint, 3 is missing, and 5 has the output of another run (plus a
// checkpoint); the status names each, exits 1 until all are complete.
func TestShardsStatus(t *testing.T) {
	dir := t.TempDir()
	pat := filepath.Join(dir, "scan.{k}.json")
	ckPat := filepath.Join(dir, "scan.{k}.ckpt")
	run := func(k string, extra ...string) {
		t.Helper()
		args := append([]string{"mc", "--size", "4x4", "--T", "1.5:3.5:0.25", "--sweeps", "300", "--algorithm", "wolff",
			"--seconds=false", "--progress=false", "--shard", k + "/5", "--out", shardPath(pat, int(k[0]-'0'), 5)}, extra...)
		if _, _, err := execApp(args...); err != nil {
			t.Fatal(err)
		}
	}
	run("1")
	run("4")
	run("5", "--seed", "7")
	for _, k := range []string{"2", "5"} {
		os.WriteFile(strings.Replace(ckPat, "{k}", k, 1), []byte("x"), 0o644)
	}
	stdout, _, err := execApp("shards", "status", "--shards", "5", "--out-pattern", pat, "--checkpoint-pattern", ckPat, "--json")
	if err == nil || !strings.Contains(err.Error(), "2 of 5 shards complete; not complete: 2-3,5") {
		t.Errorf("error %v", err)
	}
	var st shardsStatus
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(st.Complete, []int{1, 4}) || !reflect.DeepEqual(st.Checkpointed, []int{2, 5}) ||
		!reflect.DeepEqual(st.Missing, []int{3}) || len(st.Bad) != 1 || st.Bad[0].Shard != 5 ||
		!strings.Contains(st.Bad[0].Reason, "different run") {
		t.Errorf("status %+v", st)
	}
	text, _, _ := execApp("shards", "status", "--shards", "5", "--out-pattern", pat, "--checkpoint-pattern", ckPat)
	for _, want := range []string{"complete         2  1,4", "checkpointed     2  2,5", "missing          1  3", "bad output of shard 5"} {
		if !strings.Contains(text, want) {
			t.Errorf("text status lacks %q:\n%s", want, text)
		}
	}
	// Without checkpoints looked for; then complete.
	run("2")
	run("3")
	run("5")
	if _, _, err := execApp("shards", "status", "--shards", "5", "--out-pattern", pat); err != nil {
		t.Errorf("all complete: %v", err)
	}
	// A 1/1 run is not shard 1 of 5.
	if _, _, err := execApp("mc", "--size", "4x4", "--T", "2", "--sweeps", "100", "--shard", "1/1", "--progress=false",
		"--out", filepath.Join(dir, "one.1.json")); err != nil {
		t.Fatal(err)
	}
	_, _, err = execApp("shards", "status", "--shards", "2", "--out-pattern", filepath.Join(dir, "one.{k}.json"))
	if err == nil || !strings.Contains(err.Error(), "0 of 2") {
		t.Errorf("1/1 output counted as shard 1/2: %v", err)
	}
	for _, c := range []struct {
		want string
		args []string
	}{
		{"--shards 0", []string{"--shards", "0", "--out-pattern", pat}},
		{"--out-pattern", []string{"--shards", "2", "--out-pattern", "scan.json"}},
		{"--out-pattern", []string{"--shards", "2", "--out-pattern", "scan.{k}.txt"}},
		{"--checkpoint-pattern", []string{"--shards", "2", "--out-pattern", pat, "--checkpoint-pattern", "x.ckpt"}},
	} {
		wantError(t, c.want, append([]string{"shards", "status"}, c.args...)...)
	}
}
