package datafile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// npySeeds are valid files (numpy-written ones from rbm/testdata/data) and
// the malformed cases of the fault review.
func npySeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "rbm", "testdata", "data", "*.npy"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	var b bytes.Buffer
	WriteInt8(&b, []int{2, 3}, []int8{1, -1, 1, -1, -1, 1})
	good := b.Bytes()
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add(good[:64])
	f.Add([]byte("\x93NUMPY\x01\x00\x3a\x00{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }"))
	f.Add([]byte("\x93NUMPY\x01\x00\x3a\x00{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), \n"))
	f.Add([]byte("\x93NUMPY\x01\x00\x3a\x00{'shape': (2, 3), 'fortran_order': False, 'descr': '|i1', }\n"))
	f.Add([]byte("\x93NUMPY\x01\x00\x3a\x00{'descr': '|i1', 'fortran_order': False, 'shape': (), }\n"))
	f.Add([]byte("\x93NUMPY\x02\x00\xf0\xff\xff\xff{"))
	f.Add([]byte("\x93NUMPY\x01\x00\x76\x00{'descr': '|i1', 'fortran_order': False, 'shape': (268435456, 6), }" + strings.Repeat(" ", 49) + "\n" + "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"))
}

// FuzzReadNPY: no panic on any input, with and without a known size; an
// accepted array has exactly the elements its shape claims.
func FuzzReadNPY(f *testing.F) {
	npySeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, size := range []int64{int64(len(b)), -1} {
			a, err := ReadNPY(bytes.NewReader(b), size)
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("multi-line error %q", err)
				}
				continue
			}
			if len(a.Raw) != a.Len()*a.DType.Size {
				t.Fatalf("%d raw bytes for %d values of %d bytes", len(a.Raw), a.Len(), a.DType.Size)
			}
			for i := 0; i < a.Len(); i++ {
				a.Float64(i)
			}
		}
	})
}

// FuzzReadTable: no panic; an accepted table is rectangular and finite.
func FuzzReadTable(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "rbm", "testdata", "data", "*.[ct]sv"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "rbm", "testdata", "data", "*.txt"))
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"s0,s1\n1,-1\n", ",0,1,2\n0,1,1,1\n", "0,1\n1,0\n", "1,x,1\n", "# c\n1 0 1\n\n0 0 1\n",
		"a,b\n", "", "True,False\n", "1,nan\n", "\"s0\",\"s1\"\n1,1\n", "Unnamed: 0,0,1,2\n0,1,1,1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := ReadTable(bytes.NewReader(b), "f.csv")
		if err != nil {
			if strings.Count(err.Error(), "\n") > 0 {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if tb.Rows < 1 || tb.Cols < 1 || len(tb.Data) != tb.Rows*tb.Cols || len(tb.Lines) != tb.Rows {
			t.Fatalf("table %d x %d with %d values, %d lines", tb.Rows, tb.Cols, len(tb.Data), len(tb.Lines))
		}
	})
}
