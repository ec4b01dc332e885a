package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
)

// writeJSON writes v as indented JSON followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeFile writes an output file atomically: a failed or interrupted run
// leaves no half-written file.
func writeFile(path string, fn func(w io.Writer) error) error {
	return atomicfile.Write(path, fn)
}

// extOf returns the lower-case extension of path without the dot.
func extOf(path string) string {
	return strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
}

// checkExt returns an error naming flag unless path has one of the allowed extensions.
func checkExt(flag, path string, allowed ...string) (string, error) {
	e := extOf(path)
	for _, a := range allowed {
		if e == a {
			return e, nil
		}
	}
	return "", fmt.Errorf("--%s %q: unknown file type %q, allowed extensions: .%s", flag, path, e, strings.Join(allowed, ", ."))
}
