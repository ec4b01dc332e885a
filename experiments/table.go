package experiments

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
)

// table is a data file: named columns and rows of cells, each a string or a
// float64. It is written as CSV (header line, floats in shortest round-trip
// form, NaN as "NaN") and as JSON {"columns": [...], "rows": [[...], ...]}
// (NaN as null), both byte-for-byte reproducible.
type table struct {
	name    string
	columns []string
	rows    [][]any
}

func newTable(name string, cols ...string) *table { return &table{name: name, columns: cols} }

// add appends a row; it panics if the number of cells is wrong (a programmer error).
func (t *table) add(cells ...any) {
	if len(cells) != len(t.columns) {
		panic(fmt.Sprintf("experiments: table %s: %d cells for %d columns", t.name, len(cells), len(t.columns)))
	}
	t.rows = append(t.rows, cells)
}

func csvCell(v any) string {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) {
			return "NaN"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return strconv.Quote(x)[1 : len(strconv.Quote(x))-1]
	}
	panic(fmt.Sprintf("experiments: cell of type %T", v))
}

func (t *table) writeCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i, c := range t.columns {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(c)
	}
	bw.WriteByte('\n')
	for _, r := range t.rows {
		for i, v := range r {
			if i > 0 {
				bw.WriteByte(',')
			}
			s := csvCell(v)
			if _, ok := v.(string); ok && (containsAny(s, ",\"\n\r") || s == "") {
				s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"` // RFC 4180, as pandas and numpy read it
			}
			bw.WriteString(s)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func containsAny(s, chars string) bool {
	for _, c := range s {
		for _, d := range chars {
			if c == d {
				return true
			}
		}
	}
	return false
}

func (t *table) writeJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	cols, _ := json.Marshal(t.columns)
	fmt.Fprintf(bw, "{\n  \"name\": %q,\n  \"columns\": %s,\n  \"rows\": [", t.name, cols)
	for k, r := range t.rows {
		if k > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    [")
		for i, v := range r {
			if i > 0 {
				bw.WriteString(", ")
			}
			switch x := v.(type) {
			case float64:
				if math.IsNaN(x) || math.IsInf(x, 0) {
					bw.WriteString("null")
				} else {
					bw.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
				}
			case string:
				b, _ := json.Marshal(x)
				bw.Write(b)
			default:
				bw.WriteString(csvCell(v))
			}
		}
		bw.WriteByte(']')
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// save writes dir/name.csv and, if withJSON, dir/name.json, atomically, and
// returns the file names written.
func (t *table) save(dir string, withJSON bool) ([]string, error) {
	files := []string{t.name + ".csv"}
	if err := atomicfile.Write(filepath.Join(dir, t.name+".csv"), t.writeCSV); err != nil {
		return nil, err
	}
	if withJSON {
		if err := atomicfile.Write(filepath.Join(dir, t.name+".json"), t.writeJSON); err != nil {
			return nil, err
		}
		files = append(files, t.name+".json")
	}
	return files, nil
}
