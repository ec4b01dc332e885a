package mcrun

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// checkpointConfigs are the runs whose checkpoints the tests corrupt: a
// fast kernel, a generic one with series, parallel tempering.
var checkpointConfigs = []Config{
	{Algorithm: mc.Metropolis, Order: mc.Sequential, Betas: []float64{0.35, 0.45}, Sweeps: 300, Thermalize: 10, SampleEvery: 7},
	{Algorithm: mc.HeatBath, Order: mc.Random, Betas: []float64{0.4}, Sweeps: 200, KeepSeries: true},
	{Algorithm: mc.PT, Local: mc.Wolff, Betas: []float64{0.35, 0.45}, Sweeps: 200},
}

// writeTestCheckpoint writes the checkpoint of an interrupted run of cfg on
// a 4x4 torus into dir and returns its path and the job that reads it.
func writeTestCheckpoint(tb testing.TB, dir string, cfg Config) (string, *job) {
	tb.Helper()
	m, err := lattice.Square(4, 4, lattice.Periodic, lattice.Periodic)
	if err != nil {
		tb.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cfg.Checkpoint = filepath.Join(dir, "c.ckpt")
	if _, err := Run(cancelled, m, cfg); !errors.Is(err, ErrInterrupted) {
		tb.Fatalf("interrupted run: %v", err)
	}
	j, err := newJob(m, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return cfg.Checkpoint, j
}

// TestCheckpointBitFlips flips every bit of real checkpoints: every flip
// must be refused as a corrupt checkpoint, in one line (the checksum; before
// it, 206 of 270 flips resumed with a changed result).
func TestCheckpointBitFlips(t *testing.T) {
	for _, cfg := range checkpointConfigs {
		dir := t.TempDir()
		path, j := writeTestCheckpoint(t, dir, cfg)
		good, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := loadCheckpoint(path, j.checkpointID(), j.units); err != nil {
			t.Fatalf("%s: intact checkpoint: %v", cfg.Algorithm, err)
		}
		bad := filepath.Join(dir, "bad.ckpt")
		flips := 0
		for bit := 0; bit < 8*len(good); bit++ {
			if bit > 8*40 && bit < 8*(len(good)-40) && bit%13 != 0 {
				continue // every bit of frame and checksum, a sample of the state
			}
			b := []byte(string(good))
			b[bit/8] ^= 1 << (bit % 8)
			if _, err := unframeCheckpoint(b); err == nil {
				t.Fatalf("%s: flip of bit %d accepted", cfg.Algorithm, bit)
			}
			// The whole load path, for a sample of the flips.
			if bit%(8*13*7) == 0 {
				os.WriteFile(bad, b, 0o644)
				err := loadCheckpoint(bad, j.checkpointID(), j.units)
				if err == nil || !strings.Contains(err.Error(), "corrupt") && !strings.Contains(err.Error(), "version") ||
					strings.Contains(err.Error(), "\n") {
					t.Errorf("%s: flip of bit %d: %v", cfg.Algorithm, bit, err)
				}
				flips++
			}
		}
		// Truncations and an appended byte.
		for _, b := range [][]byte{good[:len(good)-1], good[:40], good[:0], append([]byte(string(good)), 0)} {
			os.WriteFile(bad, b, 0o644)
			if err := loadCheckpoint(bad, j.checkpointID(), j.units); err == nil || !strings.Contains(err.Error(), "corrupt") {
				t.Errorf("%s: %d of %d bytes: %v", cfg.Algorithm, len(b), len(good), err)
			}
		}
		if flips == 0 {
			t.Fatal("no flips tried")
		}
	}
}

// TestCheckpointOldFormat refuses a format-1 checkpoint (a bare gob) with
// the reason.
func TestCheckpointOldFormat(t *testing.T) {
	dir := t.TempDir()
	path, j := writeTestCheckpoint(t, dir, checkpointConfigs[0])
	b, _ := os.ReadFile(path)
	payload, err := unframeCheckpoint(b)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, payload, 0o644)
	if err := loadCheckpoint(path, j.checkpointID(), j.units); err == nil || !strings.Contains(err.Error(), "older isingrbm") {
		t.Errorf("format 1: %v", err)
	}
}

// FuzzCheckpointFile feeds arbitrary files to the checkpoint reader: no
// panic, and anything but the intact file is refused.
func FuzzCheckpointFile(f *testing.F) {
	dir := f.TempDir()
	var jobs []*job
	for _, cfg := range checkpointConfigs {
		d := filepath.Join(dir, string(cfg.Algorithm))
		os.Mkdir(d, 0o755)
		path, j := writeTestCheckpoint(f, d, cfg)
		b, _ := os.ReadFile(path)
		f.Add(b, uint8(len(jobs)))
		jobs = append(jobs, j)
	}
	f.Add([]byte("ISMCCKPT\x02\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff"), uint8(0))
	f.Add([]byte("isingrbm-mc-checkpoint-1"), uint8(1))
	f.Add([]byte{}, uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		j := jobs[int(which)%len(jobs)]
		p := filepath.Join(t.TempDir(), "f.ckpt")
		os.WriteFile(p, b, 0o644)
		if err := loadCheckpoint(p, j.checkpointID(), j.units); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error %q", err)
		}
	})
}

// FuzzCheckpointPayload frames arbitrary payloads with a valid checksum, so
// that the gob and the chains' UnmarshalBinary behind the frame are fuzzed
// too: no panic on any state.
func FuzzCheckpointPayload(f *testing.F) {
	dir := f.TempDir()
	var jobs []*job
	for _, cfg := range checkpointConfigs {
		d := filepath.Join(dir, string(cfg.Algorithm))
		os.Mkdir(d, 0o755)
		path, j := writeTestCheckpoint(f, d, cfg)
		b, _ := os.ReadFile(path)
		payload, err := unframeCheckpoint(b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(payload, uint8(len(jobs)))
		jobs = append(jobs, j)
	}
	f.Fuzz(func(t *testing.T, payload []byte, which uint8) {
		j := jobs[int(which)%len(jobs)]
		p := filepath.Join(t.TempDir(), "f.ckpt")
		os.WriteFile(p, frameCheckpoint(payload), 0o644)
		loadCheckpoint(p, j.checkpointID(), j.units)
	})
}
