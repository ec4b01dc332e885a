package rbm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

// npyBytes writes a NumPy v1.0 file by hand (dtype descr, shape, raw data).
func npyBytes(descr string, fortran bool, shape []int, data any) []byte {
	var b bytes.Buffer
	sh := ""
	for _, s := range shape {
		sh += fmt.Sprintf("%d, ", s)
	}
	sh = strings.TrimSuffix(sh, " ")
	if len(shape) > 1 {
		sh = strings.TrimSuffix(sh, ",")
	}
	f := "False"
	if fortran {
		f = "True"
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }", descr, f, sh)
	for (10+len(hdr)+1)%64 != 0 {
		hdr += " "
	}
	hdr += "\n"
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	binary.Write(&b, binary.LittleEndian, data)
	return b.Bytes()
}

func TestReadNPYTypes(t *testing.T) {
	want := mat.NewDense(2, 3, []float64{1, -1, 1, -1, -1, 1})
	cases := []struct {
		descr string
		data  any
	}{
		{"|i1", []int8{1, -1, 1, -1, -1, 1}},
		{"<i2", []int16{1, -1, 1, -1, -1, 1}},
		{"<i4", []int32{1, -1, 1, -1, -1, 1}},
		{"<i8", []int64{1, -1, 1, -1, -1, 1}},
		{"<f4", []float32{1, -1, 1, -1, -1, 1}},
		{"<f8", []float64{1, -1, 1, -1, -1, 1}},
	}
	for _, c := range cases {
		x, err := ReadNPY(bytes.NewReader(npyBytes(c.descr, false, []int{2, 3}, c.data)))
		if err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		if !mat.Equal(x, want) {
			t.Errorf("%s: got %v", c.descr, mat.Formatted(x))
		}
	}
	// Fortran order: columns stored first.
	x, err := ReadNPY(bytes.NewReader(npyBytes("|i1", true, []int{2, 3}, []int8{1, -1, -1, -1, 1, 1})))
	if err != nil || !mat.Equal(x, want) {
		t.Errorf("fortran order: %v %v", err, x)
	}
	// Written by npyio from a mat.Dense.
	var b bytes.Buffer
	if err := npyio.Write(&b, want); err != nil {
		t.Fatal(err)
	}
	if x, err := ReadNPY(&b); err != nil || !mat.Equal(x, want) {
		t.Errorf("npyio-written: %v %v", err, x)
	}
	if _, err := ReadNPY(bytes.NewReader(npyBytes("|i1", false, []int{1, 1, 1, 2, 3}, make([]int8, 6)))); err == nil {
		t.Error("5-D array: no error")
	}
	if _, err := ReadNPY(strings.NewReader("not a numpy file")); err == nil {
		t.Error("garbage: no error")
	}
}

func TestReadCSVAndConvert(t *testing.T) {
	x, err := ReadCSV(strings.NewReader("# comment\n1,0,1\n\n0, 0 ,1\n"), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ConvertData(x, 3, Spin)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(s, mat.NewDense(2, 3, []float64{1, -1, 1, -1, -1, 1})) {
		t.Errorf("bits to spins: %v", mat.Formatted(s))
	}
	b, err := ConvertData(s, 3, Bernoulli)
	if err != nil || !mat.Equal(b, x) {
		t.Errorf("spins to bits: %v %v", err, b)
	}
	for _, c := range []struct{ text, want string }{
		{"1,0\n1,0,1\n", "f.csv:2: 3 values, but the first sample has 2"},
		{"1,x\n", `f.csv:1: value 2 "x" is not a finite number`},
		{"", "no samples"},
	} {
		if _, err := ReadCSV(strings.NewReader(c.text), "f.csv"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err %v, want %q", c.text, err, c.want)
		}
	}
	for _, c := range []struct {
		x    *mat.Dense
		n    int
		typ  LayerType
		want string
	}{
		{mat.NewDense(1, 2, []float64{0.5, 1}), 2, Bernoulli, "sample 0, unit 0 is 0.5: values must be binary"},
		{mat.NewDense(1, 2, []float64{-1, 0}), 2, Spin, "mixed encodings"},
		{mat.NewDense(1, 2, []float64{1, 1}), 3, Spin, "samples have 2 units, the model has 3 visible units"},
		{mat.NewDense(1, 2, []float64{1, 1}), 2, Gaussian, "need bernoulli or spin"},
	} {
		if _, err := ConvertData(c.x, c.n, c.typ); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ConvertData: err %v, want %q", err, c.want)
		}
	}
}

func TestLoadData(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.npy")
	os.WriteFile(p, npyBytes("|i1", false, []int{2, 2}, []int8{1, -1, -1, 1}), 0o644)
	x, err := LoadData(p)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(x, mat.NewDense(2, 2, []float64{1, -1, -1, 1})) {
		t.Errorf("npy: %v", mat.Formatted(x))
	}
	p = filepath.Join(dir, "s.csv")
	os.WriteFile(p, []byte("1,-1\n-1,1\n"), 0o644)
	if y, err := LoadData(p); err != nil || y == nil || !mat.Equal(y, x) {
		t.Errorf("csv: %v %v", err, y)
	}
	if _, err := LoadData(filepath.Join(dir, "s.json")); err == nil {
		t.Error("unknown extension: no error")
	}
}

// pyX is the matrix of rbm/testdata/data/gen.py.
var pyX = mat.NewDense(5, 6, []float64{
	1, -1, 1, 1, -1, -1,
	-1, -1, 1, -1, 1, 1,
	1, 1, 1, -1, -1, 1,
	-1, 1, -1, 1, 1, -1,
	1, -1, -1, -1, 1, 1,
})

// TestLoadDataPython reads the files numpy and pandas wrote (gen.py).
func TestLoadDataPython(t *testing.T) {
	bits := mat.NewDense(5, 6, nil)
	bits.Apply(func(_, _ int, v float64) float64 { return (v + 1) / 2 }, pyX)
	for _, c := range []struct {
		file string
		want *mat.Dense
	}{
		{"spins_i1.npy", pyX}, {"spins_i8.npy", pyX}, {"spins_f4_be.npy", pyX}, {"spins_f2.npy", pyX},
		{"bits_bool.npy", bits}, {"bits_u2.npy", bits}, {"spins_fortran.npy", pyX},
		{"spins_v2.npy", pyX}, {"spins_v3.npy", pyX},
		{"pandas_index.csv", pyX}, {"pandas_noindex.csv", pyX}, {"pandas_names.csv", pyX},
		{"pandas_bool.csv", bits}, {"pandas_float.csv", pyX},
		{"savetxt_default.txt", pyX}, {"savetxt_header.txt", bits}, {"savetxt_comma.csv", pyX}, {"savetxt_tab.tsv", bits},
	} {
		x, err := LoadData(filepath.Join("testdata", "data", c.file))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if !mat.Equal(x, c.want) {
			t.Errorf("%s: read\n%v", c.file, mat.Formatted(x))
		}
	}
	// Lattices a[s, x, y(, z)] read in site order x + Lx*(y + Ly*z).
	for _, c := range []struct {
		name string
		dims []int
	}{{"lattice_3x2", []int{3, 2}}, {"lattice_2x3x2", []int{2, 3, 2}}} {
		want, err := LoadData(filepath.Join("testdata", "data", c.name+"_flat.npy"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{c.name + ".npy", c.name + "_fortran.npy"} {
			p := filepath.Join("testdata", "data", f)
			if x, err := LoadData(p); err != nil || !mat.Equal(x, want) {
				t.Errorf("%s: %v\n%v\nwant\n%v", f, err, mat.Formatted(x), mat.Formatted(want))
			}
			if x, err := LoadDataDims(p, c.dims); err != nil || !mat.Equal(x, want) {
				t.Errorf("%s dims %v: %v", f, c.dims, err)
			}
			rev := slices.Clone(c.dims)
			slices.Reverse(rev)
			if slices.Equal(rev, c.dims) {
				continue
			}
			if _, err := LoadDataDims(p, rev); err == nil || !strings.Contains(err.Error(), "transpose") {
				t.Errorf("%s dims %v (image order): err %v, want the transpose hint", f, rev, err)
			}
		}
	}
}

// TestLoadDataRefuses checks truncated and malformed files: one-line errors
// naming the file, no panics, no allocation of claimed sizes.
func TestLoadDataRefuses(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join("testdata", "data", "spins_i1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	good8, _ := os.ReadFile(filepath.Join("testdata", "data", "spins_i8.npy"))
	hdr := func(dict string, major byte) []byte {
		var b bytes.Buffer
		b.WriteString("\x93NUMPY")
		b.WriteByte(major)
		b.WriteByte(0)
		if major == 1 {
			binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
		} else {
			binary.Write(&b, binary.LittleEndian, uint32(len(dict)))
		}
		b.WriteString(dict)
		return b.Bytes()
	}
	huge := hdr("{'descr': '|i1', 'fortran_order': False, 'shape': (268435456, 6), }"+strings.Repeat(" ", 49)+"\n", 1)
	huge = append(huge, make([]byte, 138-len(huge))...)
	huger := hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (268435456, 64), }\n", 1)
	v2len := append([]byte("\x93NUMPY\x02\x00\xf0\xff\xff\xff"), make([]byte, 64)...)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"cut.npy", good[:len(good)-1], "1 values missing"},
		{"header_only.npy", good[:128], "30 values missing"},
		{"cut_mid.npy", good8[:len(good8)-12], "2 values missing"},
		{"nonewline.npy", hdr("{'descr': '|i1', 'fortran_order': False, 'shape': (5, 6), }", 1), "30 values missing"},
		{"nobrace.npy", append(hdr("{'descr': '|i1', 'fortran_order': False, 'shape': (5, 6), \n", 1), good[128:]...), "want a quoted string"},
		{"emptyshape.npy", append(hdr("{'descr': '|i1', 'fortran_order': False, 'shape': (), }\n", 1), 1), "shape []"},
		{"v2len.npy", v2len, "header length 4294967280 bytes"},
		{"huge.npy", huge, "1610612736 values (1610612736 bytes of int8), the file holds 11: 1610612725 values missing"},
		{"huger.npy", huger, "more than 2147483647 values"},
		{"structured.npy", hdr("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }\n", 1), "structured"},
		{"object.npy", hdr("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", 1), "dtype"},
		{"v4.npy", hdr("{}", 4), "version 4.0"},
		{"trailing.npy", append(slices.Clone(good), 1, 1), "2 bytes after"},
		{"value.npy", append(hdr("{'descr': '|i1', 'fortran_order': False, 'shape': (1, 2), }\n", 1), 1, 2), `sample 0 (row 0 of the array), unit 1: value "2"`},
		{"value.csv", []byte("s0,s1\n1,1\n1,0.5\n"), `value.csv:3: sample 1, unit 1: value "0.5"`},
		{"long.csv", []byte("1," + strings.Repeat("7", 500) + "x\n"), `...`},
		{"typo.csv", []byte("1,x,1\n1,1,1\n"), `value 2 "x" is not a finite number`},
		{"ragged.txt", []byte("1 1 1\n1 1\n"), "ragged.txt:2: 2 values, but the first sample has 3"},
		{"onlyheader.csv", []byte("a,b\n"), "only a header"},
		{"nan.csv", []byte("1,nan\n"), "not a finite number"},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, c.data, 0o644)
		_, err := LoadData(p)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, p) || strings.Contains(msg, "\n") || len(msg) > 400 {
			t.Errorf("%s: error %q: want one line naming the file, containing %q", c.name, msg, c.want)
		}
	}
	// Keys in another order and Python 2 longs are fine.
	p := filepath.Join(dir, "order.npy")
	os.WriteFile(p, append(hdr("{'shape': (5L, 6L), 'fortran_order': False, \"descr\": '|i1'}\n", 1), good[128:]...), 0o644)
	if x, err := LoadData(p); err != nil || !mat.Equal(x, pyX) {
		t.Errorf("keys in another order: %v", err)
	}
	// A 2-sample 2-unit file "0,1 / 1,0" is data, not a header.
	p = filepath.Join(dir, "two.csv")
	os.WriteFile(p, []byte("0,1\n1,0\n"), 0o644)
	if x, err := LoadData(p); err != nil || x.RawMatrix().Rows != 2 {
		t.Errorf("0,1 first row: %v %v", err, x)
	}
}
