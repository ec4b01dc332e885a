package lattice

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/isingrbm/isingrbm/internal/quote"
)

// ReadEdges reads an edge-list model. The format, one record per line:
//
//	# comment (also after a record)
//	sites N        optional; otherwise N = 1 + the largest index used
//	i j J          a bond -J s_i s_j between sites i and j (0-based)
//	h i value      a field -value s_i on site i
//
// Blank lines are ignored. Without a "sites N" line, site 0 must appear in
// a bond or field line: a file numbered from 1 would otherwise get an
// isolated extra site 0 (which doubles Z and changes every per-site
// quantity), so it is refused; declare "sites N" to keep isolated sites. name is used in error messages, which have the
// form name:line: problem.
func ReadEdges(r io.Reader, name string) (*Model, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var bonds []Bond
	fields := map[int]float64{}
	declared := -1
	maxIdx := -1
	used0 := false // site 0 appears in a bond or field line
	line := 0
	errf := func(format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, a...))
	}
	parseIdx := func(s string) (int, error) {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, errf("site index %s: must be an integer >= 0", quote.Q(s))
		}
		if declared >= 0 && v >= declared {
			return 0, errf("site index %d out of range 0..%d (sites %d)", v, declared-1, declared)
		}
		if v >= MaxSites {
			return 0, errf("site index %d too large: at most %d", v, MaxSites-1)
		}
		return v, nil
	}
	parseVal := func(s, what string) (float64, error) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, errf("%s %s: must be a finite number", what, quote.Q(s))
		}
		return v, nil
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		if k := strings.IndexByte(text, '#'); k >= 0 {
			text = text[:k]
		}
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "sites":
			if len(f) != 2 {
				return nil, errf("want \"sites N\"")
			}
			v, err := strconv.Atoi(f[1])
			if err != nil || v < 1 || v > MaxSites {
				return nil, errf("sites %s: must be an integer in 1..%d", quote.Q(f[1]), MaxSites)
			}
			if declared >= 0 {
				return nil, errf("sites declared twice")
			}
			if maxIdx >= v {
				return nil, errf("sites %d but index %d already used", v, maxIdx)
			}
			declared = v
		case f[0] == "h":
			if len(f) != 3 {
				return nil, errf("want \"h i value\", got %d fields", len(f))
			}
			i, err := parseIdx(f[1])
			if err != nil {
				return nil, err
			}
			v, err := parseVal(f[2], "field")
			if err != nil {
				return nil, err
			}
			fields[i] += v
			maxIdx = max(maxIdx, i)
			used0 = used0 || i == 0
		default:
			if len(f) != 3 {
				return nil, errf("want \"i j J\" (or \"h i value\", \"sites N\"), got %d fields", len(f))
			}
			i, err := parseIdx(f[0])
			if err != nil {
				return nil, err
			}
			j, err := parseIdx(f[1])
			if err != nil {
				return nil, err
			}
			if i == j {
				return nil, errf("self-loop %d %d not allowed", i, j)
			}
			v, err := parseVal(f[2], "coupling")
			if err != nil {
				return nil, err
			}
			if len(bonds) >= MaxBonds {
				return nil, errf("more than %d bonds", MaxBonds)
			}
			bonds = append(bonds, Bond{I: i, J: j, Coupling: v})
			maxIdx = max(maxIdx, i, j)
			used0 = used0 || i == 0 || j == 0
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	n := declared
	if n < 0 {
		n = maxIdx + 1
	}
	if n < 1 {
		return nil, fmt.Errorf("%s: no sites: the file has no bonds, fields or sites line", name)
	}
	if declared < 0 && !used0 {
		return nil, fmt.Errorf("%s: site 0 is in no bond or field line and there is no 'sites N' line: indices are 0-based, so a file numbered from 1 would get an isolated site 0; renumber from 0, or add 'sites %d' to keep isolated sites", name, n)
	}
	if err := checkBudget("edge list "+name, float64(n), float64(len(bonds))); err != nil {
		return nil, err
	}
	h := make([]float64, n)
	for i, v := range fields {
		h[i] = v
	}
	return New(n, bonds, h, Geometry{Kind: KindEdges, Dims: []int{n}})
}

// WriteEdges writes m in the format read by ReadEdges, with full float64
// precision so that a round trip is exact.
func (m *Model) WriteEdges(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# isingrbm edge list: H = -sum J s_i s_j - sum h s_i\nsites %d\n", m.N)
	for _, b := range m.bonds {
		fmt.Fprintf(bw, "%d %d %s\n", b.I, b.J, strconv.FormatFloat(b.Coupling, 'g', -1, 64))
	}
	for i, h := range m.Fields {
		if h != 0 {
			fmt.Fprintf(bw, "h %d %s\n", i, strconv.FormatFloat(h, 'g', -1, 64))
		}
	}
	return bw.Flush()
}
