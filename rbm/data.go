package rbm

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/isingrbm/isingrbm/internal/datafile"
	"gonum.org/v1/gonum/mat"
)

// Training data are a matrix with one sample per row and one column per
// visible unit. LoadData reads (formats in internal/datafile):
//
//   - NumPy .npy (format version 1.0, 2.0 or 3.0; C or Fortran order;
//     dtype bool, int8..int64, uint8..uint64, float16, float32 or float64,
//     either byte order) of shape
//   - (N,): one sample;
//   - (n, N): n samples of N units (what `isingrbm mc --save-samples`
//     writes: int8, values ±1);
//   - (n, Lx, Ly) or (n, Lx, Ly, Lz): n lattice configurations indexed
//     a[sample, x, y(, z)], flattened in the project's site order
//     site = x + Lx*(y + Ly*z). This is numpy's
//     a.reshape(n, -1, order='F'), not the C-order a.reshape(n, -1) (which
//     gives y + Ly*x); an array indexed a[sample, y, x] (image order, shape
//     (n, Ly, Lx)) must be transposed first: a.transpose(0, 2, 1). For a
//     lattice whose size is known use LoadDataDims, which refuses a shape
//     that does not match;
//   - text (.csv, .txt, .dat, .tsv): one sample per line, values separated
//     by commas or (no comma in the first row) by spaces/tabs, optional
//     header row of column names (pandas' to_csv, with or without its index
//     column), '#' comment lines and blank lines skipped; see
//     datafile.ReadTable.
//
// LoadData accepts only the values -1, 0 and 1 (bools, integers or floats);
// ConvertData maps them to the encoding of the model's visible layer (s =
// 2v - 1) and refuses mixed encodings.

// MaxDataValues bounds the number of values a data file may hold (2^31 - 1,
// 16 GiB as float64), so that a corrupt header cannot ask for more memory.
// It fits in an int on 32-bit platforms too.
const MaxDataValues = datafile.MaxValues

// dataExts are the text extensions LoadData reads.
var dataExts = []string{".csv", ".txt", ".dat", ".tsv"}

// LoadData reads a sample matrix from path, choosing the format by the
// extension (.npy, or .csv/.txt/.dat/.tsv), and checks that every value is
// -1, 0 or 1. Errors name the file and the row (line of a text file) and
// value.
func LoadData(path string) (*mat.Dense, error) { return LoadDataDims(path, nil) }

// LoadDataDims is LoadData for a lattice of the given dimensions (Lx, Ly[,
// Lz]; nil: unknown): a .npy array of 3 or 4 dimensions must then have the
// shape (n, Lx, Ly[, Lz]); an array of shape (n, Ly, Lx) (image order) is
// refused with the transpose to apply.
func LoadDataDims(path string, dims []int) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case ext == ".npy":
		size := int64(-1)
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		a, err := datafile.ReadNPY(f, size)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		x, err := npyMatrix(a, dims)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := checkBinary(x, func(i int) string { return fmt.Sprintf("%s: sample %d (row %d of the array)", path, i, i) }); err != nil {
			return nil, err
		}
		return x, nil
	case slices.Contains(dataExts, ext):
		t, err := datafile.ReadTable(f, path)
		if err != nil {
			return nil, err
		}
		x := mat.NewDense(t.Rows, t.Cols, t.Data)
		if err := checkBinary(x, func(i int) string { return fmt.Sprintf("%s:%d: sample %d", path, t.Lines[i], i) }); err != nil {
			return nil, err
		}
		return x, nil
	}
	return nil, fmt.Errorf("%s: unknown data file type %q: allowed .npy, %s", path, filepath.Ext(path), strings.Join(dataExts, ", "))
}

// checkBinary refuses values other than -1, 0 and 1; where(i) names row i.
func checkBinary(x *mat.Dense, where func(i int) string) error {
	rows, cols := x.Dims()
	for i := range rows {
		for j := range cols {
			if v := x.At(i, j); v != 1 && v != 0 && v != -1 {
				return fmt.Errorf("%s, unit %d: value %s: values must be binary, -1/+1 (spins) or 0/1 (bits)",
					where(i), j, datafile.Quote(strconv.FormatFloat(v, 'g', -1, 64)))
			}
		}
	}
	return nil
}

// ReadNPY reads a NumPy array (see the formats above) into a matrix, values
// as stored. A 1-D array is read as a single sample; arrays of 3 or 4
// dimensions are lattice configurations flattened in site order.
func ReadNPY(r io.Reader) (*mat.Dense, error) {
	a, err := datafile.ReadNPY(r, -1)
	if err != nil {
		return nil, err
	}
	return npyMatrix(a, nil)
}

// npyMatrix turns an array into the sample matrix (see LoadDataDims).
func npyMatrix(a *datafile.NPY, dims []int) (*mat.Dense, error) {
	shape := a.Shape
	var rows, cols int
	switch len(shape) {
	case 1:
		rows, cols = 1, shape[0]
	case 2, 3, 4:
		rows, cols = shape[0], 0
		if rows > 0 {
			cols = a.Len() / rows // product of the other dimensions
		}
	default:
		return nil, fmt.Errorf("npy: array has shape %v: want (samples, units), (samples, Lx, Ly) or (samples, Lx, Ly, Lz)", shape)
	}
	if rows < 1 || cols < 1 {
		return nil, fmt.Errorf("npy: array has shape %v: need at least one sample and one unit", shape)
	}
	if len(shape) > 2 && dims != nil {
		sp := shape[1:]
		if !slices.Equal(sp, dims) {
			rev := slices.Clone(dims)
			slices.Reverse(rev)
			hint := ""
			if len(sp) == 2 && slices.Equal(sp, rev) {
				hint = ": it looks like a[sample, y, x]; transpose it with a.transpose(0, 2, 1)"
			} else if len(sp) == 3 && slices.Equal(sp, rev) {
				hint = ": it looks like a[sample, z, y, x]; transpose it with a.transpose(0, 3, 2, 1)"
			}
			return nil, fmt.Errorf("npy: array has shape %v, the lattice is %v: want (samples, Lx, Ly[, Lz]) = (samples, %s)%s",
				shape, dims, strings.Trim(strings.Join(strings.Fields(fmt.Sprint(dims)), ", "), "[]"), hint)
		}
	}
	data := make([]float64, rows*cols)
	if len(shape) <= 2 {
		for i := range data {
			data[i] = a.Float64(i)
		}
	} else {
		// a[s, x, y, z] (C order) -> site x + Lx*(y + Ly*z).
		lx, ly, lz := shape[1], shape[2], 1
		if len(shape) == 4 {
			lz = shape[3]
		}
		k := 0
		for s := range rows {
			for x := range lx {
				for y := range ly {
					for z := range lz {
						data[s*cols+x+lx*(y+ly*z)] = a.Float64(k)
						k++
					}
				}
			}
		}
	}
	return mat.NewDense(rows, cols, data), nil
}

// ReadCSV reads samples from text (see datafile.ReadTable: CSV or
// whitespace-separated, optional header row, '#' comments), values as
// read. name prefixes errors as name:line.
func ReadCSV(r io.Reader, name string) (*mat.Dense, error) {
	t, err := datafile.ReadTable(r, name)
	if err != nil {
		return nil, err
	}
	return mat.NewDense(t.Rows, t.Cols, t.Data), nil
}

// ConvertData checks that x holds binary samples for n visible units and
// returns them encoded for a visible layer of type typ: {0,1} for Bernoulli,
// {-1,+1} for spin. The data may use either encoding ({-1,+1} or {0,1}; a
// file containing only 1s is taken as already encoded). x is not modified.
// Errors name the first offending sample and unit (0-based).
func ConvertData(x *mat.Dense, n int, typ LayerType) (*mat.Dense, error) {
	if !typ.Discrete() {
		return nil, fmt.Errorf("data: the model's visible layer is %s: training and evaluation need bernoulli or spin visible units", typ)
	}
	rows, cols := x.Dims()
	if cols != n {
		return nil, fmt.Errorf("data: samples have %d units, the model has %d visible units", cols, n)
	}
	var hasNeg, hasZero bool
	firstNeg, firstZero := [2]int{}, [2]int{}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			switch v := x.At(i, j); v {
			case 1:
			case -1:
				if !hasNeg {
					hasNeg, firstNeg = true, [2]int{i, j}
				}
			case 0:
				if !hasZero {
					hasZero, firstZero = true, [2]int{i, j}
				}
			default:
				return nil, fmt.Errorf("data: sample %d, unit %d is %v: values must be binary, -1/+1 (spins) or 0/1 (bits)", i, j, v)
			}
		}
	}
	if hasNeg && hasZero {
		return nil, fmt.Errorf("data: mixed encodings, -1 at sample %d unit %d and 0 at sample %d unit %d: use -1/+1 or 0/1 throughout",
			firstNeg[0], firstNeg[1], firstZero[0], firstZero[1])
	}
	out := mat.DenseCopyOf(x)
	raw := out.RawMatrix()
	switch {
	case typ == Bernoulli && hasNeg:
		for k, v := range raw.Data {
			raw.Data[k] = (v + 1) / 2
		}
	case typ == Spin && hasZero:
		for k, v := range raw.Data {
			raw.Data[k] = 2*v - 1
		}
	}
	return out, nil
}
