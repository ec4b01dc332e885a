package datafile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Table is a numeric table read from CSV or whitespace-separated text.
type Table struct {
	Rows, Cols int
	Data       []float64 // row-major
	Lines      []int     // 1-based source line of each row
	Header     []string  // column names when the file has a header row (index column removed)
	Index      bool      // the first column was a pandas index and was dropped
	Comma      bool      // values separated by commas (otherwise by blanks)
}

// ReadTable reads a table of numbers, one row per line:
//
//   - values separated by commas (CSV, e.g. pandas.DataFrame.to_csv) or,
//     when the first row has no comma, by spaces or tabs (numpy.savetxt's
//     default);
//   - blank lines and lines starting with '#' are skipped (numpy.savetxt
//     writes its header as a '#' comment);
//   - the first row may be a header of column names: it is taken as one
//     when its fields are names (starting with a letter or '_'), the
//     integers 0, 1, 2, ... (pandas' names of the columns of a NumPy
//     array), or names followed by those integers; with at least 3
//     columns, an all-numeric first row is a header only if it is exactly
//     0, 1, ..., N-1. When the first header field is empty or "Unnamed: 0"
//     (pandas' unnamed index, written by to_csv by default), the first
//     column is an index and is dropped from every row;
//   - values are decimal numbers (any float syntax strconv.ParseFloat
//     reads) or True/False (pandas' bool columns, read as 1/0); NaN and
//     infinities are refused.
//
// Every row must have the same number of values. Errors read
// "name:line: ...", values quoted to at most about 100 characters.
func ReadTable(r io.Reader, name string) (*Table, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<28)
	t := &Table{Cols: -1}
	line := 0
	first := true
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '#' {
			continue
		}
		if first {
			t.Comma = strings.ContainsRune(s, ',')
		}
		var fields []string
		if t.Comma {
			fields = strings.Split(s, ",")
			for i := range fields {
				fields[i] = strings.TrimSpace(fields[i])
			}
		} else {
			fields = strings.Fields(s)
		}
		if first {
			first = false
			if names, index, ok := headerRow(fields); ok {
				t.Header, t.Index = names, index
				t.Cols = len(fields)
				continue
			}
		}
		if t.Cols < 0 {
			t.Cols = len(fields)
		} else if len(fields) != t.Cols {
			what := "the first sample"
			if t.Header != nil {
				what = "the header"
			}
			return nil, fmt.Errorf("%s:%d: %d values, but %s has %d", name, line, len(fields), what, t.Cols)
		}
		if t.Index {
			fields = fields[1:]
		}
		for j, f := range fields {
			x, ok := parseValue(f)
			if !ok {
				col := j + 1
				if t.Index {
					col++
				}
				return nil, fmt.Errorf("%s:%d: value %d %s is not a finite number", name, line, col, Quote(f))
			}
			t.Data = append(t.Data, x)
		}
		t.Lines = append(t.Lines, line)
		t.Rows++
		if len(t.Data) > MaxValues {
			return nil, fmt.Errorf("%s:%d: more than %d values", name, line, MaxValues)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, 1<<28)
		}
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if t.Index {
		t.Cols--
	}
	if t.Rows == 0 {
		if t.Header != nil {
			return nil, fmt.Errorf("%s: no samples (only a header row)", name)
		}
		return nil, fmt.Errorf("%s: no samples (the file is empty or only comments)", name)
	}
	if t.Cols < 1 {
		return nil, fmt.Errorf("%s: no values in the rows (only an index column)", name)
	}
	return t, nil
}

// parseValue parses a table value: a finite number, or True/False.
func parseValue(f string) (float64, bool) {
	switch f {
	case "True", "true":
		return 1, true
	case "False", "false":
		return 0, true
	}
	x, err := strconv.ParseFloat(f, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// headerRow decides whether fields (the first row) are column names; see
// ReadTable. It returns the names without the index column.
func headerRow(fields []string) (names []string, index, ok bool) {
	f := make([]string, len(fields))
	for i, s := range fields {
		f[i] = strings.Trim(s, `"`)
	}
	index = len(f) > 1 && (f[0] == "" || f[0] == "Unnamed: 0")
	cols := f
	if index {
		cols = f[1:]
	}
	allNum := true
	for _, s := range f {
		if _, isNum := parseValue(s); !isNum {
			allNum = false
		}
	}
	if allNum {
		// 0, 1, ..., N-1 with N >= 3 cannot be binary data.
		if len(f) < 3 {
			return nil, false, false
		}
		for i, s := range f {
			if s != strconv.Itoa(i) {
				return nil, false, false
			}
		}
		return f, false, true
	}
	next, ints := 0, false
	for _, s := range cols {
		if s == strconv.Itoa(next) {
			next++
			ints = true
			continue
		}
		if ints || !isName(s) {
			return nil, false, false // a name after the integers, or a number out of sequence
		}
	}
	return append([]string(nil), cols...), index, true
}

// isName reports whether s looks like a column name: it starts with a
// letter (any script) or '_' and is not a number or True/False.
func isName(s string) bool {
	if s == "" {
		return false
	}
	if _, num := parseValue(s); num {
		return false
	}
	c := s[0]
	return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80
}

// WriteSamplesCSV writes spin snapshots (row-major, n spins per row, values
// ±1) as CSV: a header row s0,s1,...,s{n-1} (the site indices, so that
// pandas.read_csv and our readers keep every sample), then one snapshot per
// line, comma-separated -1/1.
func WriteSamplesCSV(w io.Writer, samples []int8, n int) error {
	bw := bufio.NewWriter(w)
	for i := range n {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte('s')
		bw.WriteString(strconv.Itoa(i))
	}
	bw.WriteByte('\n')
	for r := 0; r < len(samples)/n; r++ {
		for i, v := range samples[r*n : (r+1)*n] {
			if i > 0 {
				bw.WriteByte(',')
			}
			if v > 0 {
				bw.WriteByte('1')
			} else {
				bw.WriteString("-1")
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteSeriesCSV writes a measurement series: header
// "sweep,energy,magnetization", then one line per measurement, sweep
// counted from 0, floats in the shortest form that reads back exactly.
func WriteSeriesCSV(w io.Writer, energies, mags []float64) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("sweep,energy,magnetization\n")
	for i := range energies {
		bw.WriteString(strconv.Itoa(i))
		bw.WriteByte(',')
		bw.WriteString(strconv.FormatFloat(energies[i], 'g', -1, 64))
		bw.WriteByte(',')
		bw.WriteString(strconv.FormatFloat(mags[i], 'g', -1, 64))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
