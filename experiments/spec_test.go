package experiments

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/isingrbm/isingrbm/lattice"
)

const minimal = `name = "t"
[lattice]
kind = "square"
size = "2x2"
[exact]
T = [1.0, 2.0]
`

func TestParseShipped(t *testing.T) {
	files, err := filepath.Glob("*.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no shipped specs")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(src, f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if s.Name+".toml" != f {
			t.Errorf("%s: name %q does not match the file name", f, s.Name)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	s, err := Parse([]byte(minimal+"[mc]\nT_range = [1.0, 2.0, 0.5]\nsweeps = 1000\n"), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Exact.Methods; len(got) != 1 || got[0] != "auto" {
		t.Errorf("exact.methods default %v", got)
	}
	if s.MC.Thermalize != 100 || s.MC.Algorithms[0] != "wolff" || s.MC.Order != "random" {
		t.Errorf("mc defaults: %+v", s.MC)
	}
	b := s.MC.Betas()
	want := []float64{1, 1 / 1.5, 0.5}
	if len(b) != len(want) {
		t.Fatalf("T_range gives betas %v", b)
	}
	for i := range b {
		if b[i] != want[i] {
			t.Errorf("beta[%d] = %v, want %v", i, b[i], want[i])
		}
	}
	if f := s.Figures; len(f.Formats) != 2 || len(f.Thermo) != 5 {
		t.Errorf("figure defaults %+v", f)
	}
}

// TestParseErrors checks that bad specs give errors naming the file, the line
// and the key, and saying what is allowed.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"syntax", "name = \"t\"\n[lattice\n", []string{"x.toml:3:", "end table name"}},
		{"unknown top", minimal + "sede = 3\n", []string{"x.toml:7:", "exact.sede", "unknown key", "allowed here: T, T_range"}},
		{"unknown key", minimal + "[mc]\nT = [1.0]\nsweeps = 1000\nsweps = 10\n", []string{"x.toml:10:", "mc.sweps", "unknown key", "sweeps"}},
		{"unknown table", minimal + "[montecarlo]\nx = 1\n", []string{"x.toml:7:", "montecarlo", "unknown key"}},
		{"wrong type", minimal + "[mc]\nT = [1.0]\nsweeps = \"many\"\n", []string{"x.toml:9:", "sweeps"}},
		{"no name", "[lattice]\nkind = \"square\"\nsize = \"2x2\"\n[exact]\nT = [1.0]\n", []string{"name: missing"}},
		{"bad name", "name = \"a b\"\n[lattice]\nkind = \"square\"\nsize = \"2x2\"\n[exact]\nT = [1.0]\n", []string{"x.toml:1:", "name", "letters, digits"}},
		{"no lattice", "name = \"t\"\n[exact]\nT = [1.0]\n", []string{"lattice", "missing"}},
		{"bad kind", strings.Replace(minimal, "square", "hexagonal", 1), []string{"x.toml:3:", "lattice.kind", "allowed chain, square"}},
		{"bad size", strings.Replace(minimal, "2x2", "2x0", 1), []string{"x.toml:4:", "lattice.size", ">= 1"}},
		{"bad boundary", strings.Replace(minimal, "size = \"2x2\"", "size = \"2x2\"\nboundary = \"twisted\"", 1), []string{"x.toml:5:", "lattice.boundary", "periodic or open"}},
		{"two temps", minimal + "beta = [1.0]\n", []string{"x.toml:5:", "exact", "exactly one of T"}},
		{"no temps", "name = \"t\"\n[lattice]\nkind = \"square\"\nsize = \"2x2\"\n[exact]\nmethods = [\"enumerate\"]\n", []string{"x.toml:5:", "exactly one of T"}},
		{"negative T", strings.Replace(minimal, "[1.0, 2.0]", "[1.0, -2.0]", 1), []string{"x.toml:6:", "exact.T", "> 0"}},
		{"bad range", strings.Replace(minimal, "T = [1.0, 2.0]", "T_range = [2.0, 1.0, 0.1]", 1), []string{"x.toml:6:", "exact.T_range", "start <= stop"}},
		{"range length", strings.Replace(minimal, "T = [1.0, 2.0]", "T_range = [1.0, 2.0]", 1), []string{"x.toml:6:", "[start, stop, step]"}},
		{"huge range", strings.Replace(minimal, "T = [1.0, 2.0]", "T_range = [1.0, 2.0, 1e-9]", 1), []string{"exact.T_range", "at most 1000"}},
		{"bad method", minimal + "methods = [\"kaufmann\"]\n", []string{"x.toml:7:", "exact.methods", "allowed auto, enumerate, transfer, kaufman, dos, chain, onsager"}},
		{"chain method", minimal + "methods = [\"chain\"]\n", []string{"exact.methods", "chain lattice"}},
		{"too big", strings.Replace(minimal, "2x2", "7x7", 1) + "methods = [\"enumerate\"]\n", []string{"x.toml:7:", "exact.methods", "enumerate on size 7x7"}},
		{"kaufman open", strings.Replace(minimal, "size = \"2x2\"", "size = \"4x4\"\nboundary = \"open\"", 1) + "methods = [\"kaufman\"]\n", []string{"x.toml:8:", "exact.methods", "kaufman on size 4x4"}},
		{"onsager chain", strings.Replace(strings.Replace(minimal, "square", "chain", 1), "2x2", "4", 1) + "methods = [\"onsager\"]\n", []string{"exact.methods", "square lattice"}},
		{"exact_z one method", minimal + "[exact_z]\nT = [2.0]\nmethods = [\"kaufman\"]\n", []string{"x.toml:9:", "exact_z.methods", "at least two"}},
		{"exact_z L", minimal + "[exact_z]\nT = [2.0]\nconvergence_L = [1]\n", []string{"x.toml:9:", "exact_z.convergence_L", "2..4096"}},
		{"few sweeps", minimal + "[mc]\nT = [1.0]\nsweeps = 10\n", []string{"x.toml:9:", "mc.sweeps", "100.."}},
		{"neg therm", minimal + "[mc]\nT = [1.0]\nsweeps = 1000\nthermalize = -1\n", []string{"x.toml:10:", "mc.thermalize", "0.."}},
		{"bad alg", minimal + "[mc]\nT = [1.0]\nsweeps = 1000\nalgorithms = [\"pt\"]\n", []string{"x.toml:10:", "mc.algorithms", "allowed metropolis"}},
		{"bad order", minimal + "[mc]\nT = [1.0]\nsweeps = 1000\norder = \"spiral\"\n", []string{"mc.order", "random or sequential"}},
		{"hs T", minimal + "[hs]\nT = 0.0\n", []string{"x.toml:8:", "hs.T", "> 0"}},
		{"hs missing T", minimal + "[hs]\nhidden = [\"bond\"]\n", []string{"x.toml:7:", "hs.T"}},
		{"hs hidden", minimal + "[hs]\nT = 1.0\nhidden = [\"bernoulli\"]\n", []string{"x.toml:9:", "hs.hidden", "allowed gaussian, bond"}},
		{"hs extra", minimal + "[hs]\nT = 1.0\nextra = [{kind = \"complete\", size = \"40\"}]\n", []string{"x.toml:9:", "hs.extra", "at most 24"}},
		{"hs extra key", minimal + "[hs]\nT = 1.0\nextra = [{kind = \"complete\", size = \"4\", sise = 3}]\n", []string{"x.toml:9:", "unknown key", "allowed here: kind, size"}},
		{"hs continuum", minimal + "[hs]\nT = 1.0\ncontinuum = {kind = \"chain\", size = \"5\"}\n", []string{"x.toml:9:", "hs.continuum", "at most 3"}},
		{"hs nodes", minimal + "[hs]\nT = 1.0\ncontinuum_nodes = [4]\n", []string{"x.toml:9:", "needs hs.continuum"}},
		{"cum visible", minimal + "[cumulants]\nvisible = 30\nhidden = 2\n", []string{"x.toml:8:", "cumulants.visible", "1..16"}},
		{"cum type", minimal + "[cumulants]\nvisible = 4\nhidden = 2\nhidden_types = [\"relu\"]\n", []string{"x.toml:10:", "allowed bernoulli, spin, gaussian"}},
		{"cum order", minimal + "[cumulants]\nvisible = 4\nhidden = 2\norder = 20\n", []string{"x.toml:10:", "cumulants.order", "1..12"}},
		{"rbm chains", minimal + "[rbm_sampling]\nT = [1.0]\nsweeps = 1000\nchains = -2\n", []string{"x.toml:10:", "rbm_sampling.chains"}},
		{"format", minimal + "[figures]\nformats = [\"gif\"]\n", []string{"x.toml:8:", "figures.formats", "allowed png, svg, pdf"}},
		{"quantity", minimal + "[figures]\nthermo = [\"entropy\"]\n", []string{"x.toml:8:", "figures.thermo", "allowed u, c"}},
		{"sizes both", strings.Replace(minimal, "name = \"t\"", "name = \"t\"\nsizes = [\"2x2\"]", 1), []string{"x.toml:2:", "sizes", "not both"}},
		{"sizes bad", strings.Replace(strings.Replace(minimal, "size = \"2x2\"\n", "", 1), "name = \"t\"", "name = \"t\"\nsizes = [\"2x2\", \"3\", \"ax2\"]", 1), []string{"x.toml:2:", "sizes", "not a positive integer"}},
		{"nothing", "name = \"t\"\n[lattice]\nkind = \"square\"\nsize = \"2x2\"\n", []string{"no computation"}},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.src), "x.toml")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "[mc]\nT = [1.0]\nsweeps = 1000\n[hs]\nT = 2.0\n"))
	f.Add([]byte("name = \"x\"\nsizes = [\"2\", \"3\"]\n[lattice]\nkind = \"chain\"\n[exact]\nbeta = [0.0, 1.0]\nmethods = [\"chain\"]\n"))
	f.Add([]byte("[[a]]\nb = 1\n[a.c]\n"))
	if files, _ := filepath.Glob("*.toml"); len(files) > 0 {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse(src, "fuzz.toml")
		if err != nil {
			if s != nil {
				t.Fatalf("spec and error both returned")
			}
			if !strings.HasPrefix(err.Error(), "fuzz.toml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		// A valid spec has a name, a buildable model and temperatures
		// for every temperature-driven section.
		if s.Name == "" {
			t.Fatal("valid spec without a name")
		}
		if _, _, err := s.Models(); err != nil {
			t.Fatalf("valid spec whose models fail: %v", err)
		}
		for _, ts := range []*Temps{sectionTemps(s.Exact), sectionTempsMC(s.MC)} {
			if ts != nil && len(ts.Betas()) == 0 {
				t.Fatal("valid section without temperatures")
			}
		}
	})
}

func sectionTemps(e *ExactSpec) *Temps {
	if e == nil {
		return nil
	}
	return &e.Temps
}

func sectionTempsMC(m *MCSpec) *Temps {
	if m == nil {
		return nil
	}
	return &m.Temps
}

func TestParseEdgesRelative(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ring.edges"), []byte("0 1 1\n1 2 1\n2 0 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "name = \"e\"\n[lattice]\nkind = \"edges\"\nedges = \"ring.edges\"\n[exact]\nT = [1.0]\n"
	s, err := Parse([]byte(src), filepath.Join(dir, "e.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Lattice.Edges != filepath.Join(dir, "ring.edges") {
		t.Errorf("edges resolved to %q", s.Lattice.Edges)
	}
	_, err = Parse([]byte(strings.Replace(src, "ring.edges", "none.edges", 1)), filepath.Join(dir, "e.toml"))
	if err == nil || !strings.Contains(err.Error(), "lattice.edges") {
		t.Errorf("missing edge file: %v", err)
	}
}

// TestDocExampleParses keeps the format example of doc.go valid.
func TestDocExampleParses(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "// # Spec format"):
			in = true
		case strings.HasPrefix(line, "// Unknown keys"):
			in = false
		case in && strings.HasPrefix(line, "//\t"):
			src.WriteString(strings.TrimPrefix(line, "//\t") + "\n")
		}
	}
	if src.Len() == 0 {
		t.Fatal("no example found in doc.go")
	}
	if _, err := Parse([]byte(src.String()), "doc.toml"); err != nil {
		t.Errorf("doc.go example: %v\n%s", err, src.String())
	}
}

// TestSpecErrorCause checks that a SpecError keeps its cause (errors.As
// reaches the TOML library's error or the lattice error) and that type
// mismatches, which the library reports only as text, still name the file,
// the line and the key.
func TestSpecErrorCause(t *testing.T) {
	cases := []struct {
		name, src, want string
		cause           func(error) bool
	}{
		{"syntax", "name = \"t\"\n[lattice\n", "x.toml:3: ", func(err error) bool {
			var pe toml.ParseError
			return errors.As(err, &pe) && pe.Position.Line == 3
		}},
		{"int as string", minimal + "[mc]\nT = [1.0]\nsweeps = \"many\"\n", "x.toml:9: mc.sweeps: wrong type: want an integer, got a string", nil},
		{"float as bool", minimal + "[hs]\nT = true\n", "x.toml:8: hs.T: wrong type: want a number, got a boolean", nil},
		{"list element", minimal + "[mc]\nT = [1.0, \"2\"]\nsweeps = 1000\n", "x.toml:8: mc.T: wrong type: want a number, got a string", nil},
		{"inline table", minimal + "[hs]\nT = 1.0\nextra = [{kind = \"complete\", size = 4}]\n", "x.toml:9: hs.extra.size: wrong type: want a string, got an integer", nil},
		{"table as value", "name = \"t\"\nlattice = 3\n[exact]\nT = [1.0]\n", "x.toml:2: lattice: wrong type: want a table, got an integer", nil},
		{"range", minimal + "[mc]\nT = [1.0]\nsweeps = 1000\nthermalize = 99999999999999999999\n", "x.toml:", func(err error) bool {
			var pe toml.ParseError
			return errors.As(err, &pe)
		}},
		{"lattice", strings.Replace(minimal, "2x2", "2x0", 1), "x.toml:4: lattice.size: ", func(err error) bool {
			var fe *lattice.FieldError
			return errors.As(err, &fe) && fe.Field == "size"
		}},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.src), "x.toml")
		var se *SpecError
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v is not a *SpecError", c.name, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: error %q, want prefix %q", c.name, err, c.want)
		}
		if se.Err == nil || errors.Unwrap(err) != se.Err {
			t.Errorf("%s: no cause kept", c.name)
		}
		if c.cause != nil && !c.cause(err) {
			t.Errorf("%s: errors.As does not reach the cause of %v (cause %T %v)", c.name, err, se.Err, se.Err)
		}
	}
}

// A negative seed is refused (the TOML library would store it in the
// uint64 as a huge number).
func TestSpecNegativeSeed(t *testing.T) {
	_, err := Parse([]byte("name = \"x\"\nseed = -1\n[lattice]\nkind = \"square\"\nsize = \"4x4\"\n[exact]\nmethods = [\"auto\"]\nT = [2.0]\n"), "x.toml")
	if err == nil || !strings.Contains(err.Error(), "x.toml:2: seed: -1: must be an integer in 0..") {
		t.Fatalf("err = %v", err)
	}
}
