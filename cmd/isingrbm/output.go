package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

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

// checkWritable fails at once, naming flag, when path cannot be written:
// its folder is missing or not writable. It creates and removes a probe file
// next to path, so that a long run does not lose its results at the end.
func checkWritable(flag, path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".isingrbm-probe-*")
	if err != nil {
		return fmt.Errorf("--%s %s: cannot write there: %w", flag, path, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// keepResults is called when writing the output of --flag failed after the
// work was done: it saves the results (write) to a new file in the
// temporary directory and returns a one-line error naming the flag, the
// cause and where the results are (on stderr if even that fails).
func keepResults(c *cli.Context, flag string, err error, write func(io.Writer) error) error {
	name := "isingrbm"
	if c.Command != nil && c.Command.Name != "" {
		name += "-" + c.Command.Name
	}
	if f, ferr := os.CreateTemp("", name+"-*.json"); ferr == nil {
		werr := write(f)
		if cerr := f.Close(); werr == nil && cerr == nil {
			return fmt.Errorf("--%s: %w; the results are saved in %s", flag, err, f.Name())
		}
		os.Remove(f.Name())
	}
	fmt.Fprintln(c.App.ErrWriter, "isingrbm: could not save the results to a file; here they are:")
	write(c.App.ErrWriter)
	return fmt.Errorf("--%s: %w; the results were printed on stderr", flag, err)
}
