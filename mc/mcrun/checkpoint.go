package mcrun

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
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

// A checkpoint file is a frame around the gob: the 8-byte magic
// "ISMCCKPT", the format version (uint32 little endian, checkpointVersion),
// the gob length (uint64 little endian), the gob, and the SHA-256 of
// everything before it. A file whose checksum, length or version does not
// match is refused as corrupt: resuming from flipped bits would silently
// change the result.
const (
	checkpointFrameMagic = "ISMCCKPT"
	checkpointVersion    = 2
	checkpointPrefix     = 8 + 4 + 8
	// maxCheckpointBytes bounds the file read (16 GiB; the states of the
	// chains and their series can be large, but never that large).
	maxCheckpointBytes = 1 << 34
)

// frameCheckpoint wraps the gob payload with magic, version, length and
// checksum.
func frameCheckpoint(payload []byte) []byte {
	b := make([]byte, 0, checkpointPrefix+len(payload)+sha256.Size)
	b = append(b, checkpointFrameMagic...)
	b = binary.LittleEndian.AppendUint32(b, checkpointVersion)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(payload)))
	b = append(b, payload...)
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// unframeCheckpoint checks the frame of a checkpoint file and returns the
// gob payload, or a one-line reason.
func unframeCheckpoint(b []byte) ([]byte, error) {
	if len(b) < len(checkpointFrameMagic) || string(b[:len(checkpointFrameMagic)]) != checkpointFrameMagic {
		var old checkpoint
		if gob.NewDecoder(bytes.NewReader(b)).Decode(&old) == nil && old.Magic == checkpointMagic {
			return nil, fmt.Errorf("written by an older isingrbm (checkpoint format 1, no checksum): it cannot be verified; remove it and start again")
		}
		return nil, fmt.Errorf("not an isingrbm mc checkpoint, or corrupt")
	}
	if len(b) < checkpointPrefix+sha256.Size {
		return nil, fmt.Errorf("corrupt checkpoint: truncated (%d bytes)", len(b))
	}
	if v := binary.LittleEndian.Uint32(b[8:12]); v != checkpointVersion {
		return nil, fmt.Errorf("checkpoint format version %d: this isingrbm reads version %d", v, checkpointVersion)
	}
	n := binary.LittleEndian.Uint64(b[12:20])
	if n != uint64(len(b)-checkpointPrefix-sha256.Size) {
		return nil, fmt.Errorf("corrupt checkpoint: length field %d, file holds %d bytes of state", n, len(b)-checkpointPrefix-sha256.Size)
	}
	body := b[:len(b)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], b[len(body):]) {
		return nil, fmt.Errorf("corrupt checkpoint: checksum mismatch")
	}
	return body[checkpointPrefix:], nil
}

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
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(cp); err != nil {
		return &ConfigError{Field: "Checkpoint", Value: path, Msg: err.Error(), Err: err}
	}
	framed := frameCheckpoint(payload.Bytes())
	if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(framed); return err }); err != nil {
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
	if st, err := os.Stat(path); err == nil && st.Size() > maxCheckpointBytes {
		return bad("corrupt checkpoint: %d bytes, at most %d", st.Size(), int64(maxCheckpointBytes))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return &ConfigError{Field: "Checkpoint", Value: path, Msg: err.Error(), Err: err}
	}
	payload, err := unframeCheckpoint(b)
	if err != nil {
		return bad("%v", err)
	}
	var cp checkpoint
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&cp); err != nil || cp.Magic != checkpointMagic {
		return bad("corrupt checkpoint: the checksum matches but the state does not decode")
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
