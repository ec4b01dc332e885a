package rbm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"
)

// Training data are a matrix with one sample per row and one column per
// visible unit. Two file formats are read:
//
//   - NumPy .npy, 2-D [samples, N], C or Fortran order, dtype int8, int16,
//     int32, int64, uint8, float32 or float64 (what `isingrbm mc
//     --save-samples` writes: int8 with values ±1);
//   - CSV (.csv or .txt): one sample per line, values separated by commas, no
//     header; blank lines and lines starting with '#' are skipped.
//
// Values must be binary: either spins {-1,+1} or bits {0,1}. ConvertData
// maps them to the encoding of the model's visible layer (s = 2v - 1).

// MaxDataValues bounds the number of values a data file may hold (2^31 - 1,
// 16 GiB as float64), so that a corrupt header cannot ask for more memory.
// It fits in an int on 32-bit platforms too.
const MaxDataValues = 1<<31 - 1

// LoadData reads a sample matrix from path, choosing the format by the
// extension (.npy, or .csv/.txt). Values are returned as read (use
// ConvertData to check and encode them for a model).
func LoadData(path string) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		x, err := ReadNPY(bufio.NewReader(f))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return x, nil
	case ".csv", ".txt":
		return ReadCSV(bufio.NewReader(f), path)
	}
	return nil, fmt.Errorf("%s: unknown data file type %q: allowed .npy, .csv, .txt", path, filepath.Ext(path))
}

// ReadNPY reads a 2-D NumPy array (see the formats above) into a matrix. A
// 1-D array is read as a single sample.
func ReadNPY(r io.Reader) (*mat.Dense, error) {
	rd, err := npy.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	shape := rd.Header.Descr.Shape
	var rows, cols int
	switch len(shape) {
	case 1:
		rows, cols = 1, shape[0]
	case 2:
		rows, cols = shape[0], shape[1]
	default:
		return nil, fmt.Errorf("npy: array has shape %v: want 2-D [samples, units]", shape)
	}
	if rows < 1 || cols < 1 {
		return nil, fmt.Errorf("npy: array has shape %v: need at least one sample and one unit", shape)
	}
	if rows > MaxDataValues/cols {
		return nil, fmt.Errorf("npy: array has shape %v: at most %d values", shape, MaxDataValues)
	}
	n := rows * cols
	data := make([]float64, n)
	dt := rd.Header.Descr.Type
	kind := strings.TrimLeft(strings.Trim(dt, "'\" "), "<>|=")
	readInto := func(ptr any, conv func(i int)) error {
		if err := rd.Read(ptr); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("npy: reading %s data: %w", dt, err)
		}
		for i := range data {
			conv(i)
		}
		return nil
	}
	switch kind {
	case "i1":
		v := make([]int8, n)
		err = readInto(&v, func(i int) { data[i] = float64(v[i]) })
	case "u1", "b1":
		if kind == "b1" {
			v := make([]bool, n)
			err = readInto(&v, func(i int) {
				if v[i] {
					data[i] = 1
				}
			})
			break
		}
		v := make([]uint8, n)
		err = readInto(&v, func(i int) { data[i] = float64(v[i]) })
	case "i2":
		v := make([]int16, n)
		err = readInto(&v, func(i int) { data[i] = float64(v[i]) })
	case "i4":
		v := make([]int32, n)
		err = readInto(&v, func(i int) { data[i] = float64(v[i]) })
	case "i8":
		v := make([]int64, n)
		err = readInto(&v, func(i int) { data[i] = float64(v[i]) })
	case "f4":
		v := make([]float32, n)
		err = readInto(&v, func(i int) { data[i] = float64(v[i]) })
	case "f8":
		err = readInto(&data, func(int) {})
	default:
		return nil, fmt.Errorf("npy: dtype %q not supported: allowed int8, int16, int32, int64, uint8, bool, float32, float64", dt)
	}
	if err != nil {
		return nil, err
	}
	if rd.Header.Descr.Fortran && rows > 1 && cols > 1 {
		c := make([]float64, n)
		for j := 0; j < cols; j++ {
			for i := 0; i < rows; i++ {
				c[i*cols+j] = data[j*rows+i]
			}
		}
		data = c
	}
	return mat.NewDense(rows, cols, data), nil
}

// ReadCSV reads samples from CSV text: one sample per line, values separated
// by commas (spaces around them allowed), no header, '#' comment lines and
// blank lines skipped. Every line must have the same number of values. name
// prefixes errors as name:line.
func ReadCSV(r io.Reader, name string) (*mat.Dense, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<28)
	var data []float64
	cols, rows, line := -1, 0, 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '#' {
			continue
		}
		fields := strings.Split(s, ",")
		if cols < 0 {
			cols = len(fields)
		} else if len(fields) != cols {
			return nil, fmt.Errorf("%s:%d: %d values, but the first sample has %d", name, line, len(fields), cols)
		}
		for j, f := range fields {
			x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%s:%d: value %d %q is not a finite number", name, line, j+1, strings.TrimSpace(f))
			}
			data = append(data, x)
		}
		rows++
		if len(data) > MaxDataValues {
			return nil, fmt.Errorf("%s:%d: more than %d values", name, line, MaxDataValues)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: no samples (the file is empty or only comments)", name)
	}
	return mat.NewDense(rows, cols, data), nil
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
