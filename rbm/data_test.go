package rbm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
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
	if _, err := ReadNPY(bytes.NewReader(npyBytes("|i1", false, []int{1, 2, 3}, make([]int8, 6)))); err == nil {
		t.Error("3-D array: no error")
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
