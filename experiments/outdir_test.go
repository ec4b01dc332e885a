package experiments

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// small is the cheapest spec with data and figures.
const small = `name = "small"
seed = 1
sizes = ["2x2"]
[lattice]
kind = "square"
[exact]
T = [2.0, 3.0]
[figures]
thermo = ["u"]
formats = ["png"]
`

func sameTree(t *testing.T, before, after map[string][]byte, what string) {
	t.Helper()
	if len(after) != len(before) {
		t.Errorf("%s: %d files before, %d after", what, len(before), len(after))
	}
	for name, x := range before {
		if !bytes.Equal(x, after[name]) {
			t.Errorf("%s: %s changed", what, name)
		}
	}
}

// TestOutDirRules: a folder holding another experiment's results or files
// Run did not write is refused without Force; with Force no such file is
// deleted (kept in place, or moved to displaced-* when a new output has its
// name); a rerun of the same experiment replaces its own files; a failure
// during the swap leaves the folder exactly as it was.
func TestOutDirRules(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := Run(ctx, mustParse(t, small), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, mustParse(t, small), dir, Options{}); err != nil {
		t.Fatalf("rerun of the same experiment: %v", err)
	}
	other := strings.Replace(small, `name = "small"`, `name = "other"`, 1)
	before := readTree(t, dir)
	_, err := Run(ctx, mustParse(t, other), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), `experiment "small"`) || !strings.Contains(err.Error(), "--force") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("another experiment's folder: err = %v", err)
	}
	sameTree(t, before, readTree(t, dir), "refused run")

	// A user's files: refused, then kept with Force.
	mine := filepath.Join(dir, "figures", "mine.png")
	clash := filepath.Join(dir, "figures", "thermo_u.png")
	os.WriteFile(mine, []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("notes"), 0o644)
	if _, err := Run(ctx, mustParse(t, small), dir, Options{}); err == nil || !strings.Contains(err.Error(), "figures/mine.png") {
		t.Fatalf("folder with a user's file: err = %v", err)
	}
	// thermo_u.png is listed in the manifest (ours); make it a user's file by
	// dropping the manifest's listing: replace the manifest with another
	// experiment's that lists nothing.
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"name": "other", "data": [], "figures": []}`), 0o644)
	os.WriteFile(clash, []byte("user figure"), 0o644)
	if _, err := Run(ctx, mustParse(t, small), dir, Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "mine" {
		t.Errorf("figures/mine.png: %q after the forced run, want kept", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "notes" {
		t.Error("notes.txt not kept")
	}
	moved, _ := filepath.Glob(filepath.Join(dir, "displaced-*", "figures", "thermo_u.png"))
	if len(moved) != 1 {
		t.Fatalf("the user's thermo_u.png was not moved aside: %v", moved)
	} else if b, _ := os.ReadFile(moved[0]); string(b) != "user figure" {
		t.Errorf("displaced file holds %q", b)
	}

	// A failure during the swap (disk full, say) leaves the folder as it was.
	fresh := t.TempDir()
	if _, err := Run(ctx, mustParse(t, small), fresh, Options{}); err != nil {
		t.Fatal(err)
	}
	before = readTree(t, fresh)
	swapHook = func() error { return errors.New("no space left on device") }
	defer func() { swapHook = func() error { return nil } }()
	changed := strings.Replace(small, "T = [2.0, 3.0]", "T = [2.5]", 1)
	if _, err := Run(ctx, mustParse(t, changed), fresh, Options{}); err == nil || !strings.Contains(err.Error(), "as it was") {
		t.Fatalf("failed swap: err = %v", err)
	}
	sameTree(t, before, readTree(t, fresh), "failed swap")
	ents, _ := os.ReadDir(fresh)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("%s left behind", e.Name())
		}
	}
}
