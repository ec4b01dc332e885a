package mcrun

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"os"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
)

// checkpoint is the gob layout of a checkpoint file: the state of every
// unit (mc.Chain or mc.Tempering MarshalBinary) of the run, and the config
// hash plus shard of the run that wrote it.
type checkpoint struct {
	Magic  string
	Config string
	Units  [][]byte
}

const checkpointMagic = "isingrbm-mc-checkpoint-1"

// saveCheckpoint writes the state of us to path atomically (temporary file
// and rename).
func saveCheckpoint(path, id string, us []unit) error {
	cp := checkpoint{Magic: checkpointMagic, Config: id}
	for _, u := range us {
		b, err := u.MarshalBinary()
		if err != nil {
			return &ConfigError{Field: "Checkpoint", Value: path, Msg: err.Error(), Err: err}
		}
		cp.Units = append(cp.Units, b)
	}
	if err := atomicfile.Write(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(cp) }); err != nil {
		return &ConfigError{Field: "Checkpoint", Value: path, Msg: err.Error(), Err: err}
	}
	return nil
}

// loadCheckpoint restores us from path, which must have been written by a
// run with the same id.
func loadCheckpoint(path, id string, us []unit) error {
	bad := func(format string, a ...any) error {
		return &ConfigError{Field: "Checkpoint", Value: path, Msg: fmt.Sprintf(format, a...)}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return &ConfigError{Field: "Checkpoint", Value: path, Msg: err.Error(), Err: err}
	}
	var cp checkpoint
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&cp); err != nil || cp.Magic != checkpointMagic {
		return bad("not an isingrbm mc checkpoint or corrupt")
	}
	if cp.Config != id {
		return bad("written for a different model, flags or shard (config %s, this run %s): refusing to resume; remove it or use another checkpoint file", cp.Config, id)
	}
	if len(cp.Units) != len(us) {
		return bad("corrupt (%d chains, want %d)", len(cp.Units), len(us))
	}
	for i, u := range us {
		if err := u.UnmarshalBinary(cp.Units[i]); err != nil {
			return &ConfigError{Field: "Checkpoint", Value: path, Msg: "corrupt: " + err.Error(), Err: err}
		}
	}
	return nil
}
