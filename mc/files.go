package mc

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
)

// File formats of spin samples and time series.
const (
	FormatCSV = "csv"
	FormatNPY = "npy"
)

// writeNPYHeader writes a NumPy format 1.0 header for a C-order array of the
// given dtype ("|i1", "<f8") and shape, padded to a multiple of 64 bytes.
func writeNPYHeader(w io.Writer, dtype string, shape []int) error {
	var sh strings.Builder
	sh.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			sh.WriteString(", ")
		}
		sh.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		sh.WriteByte(',')
	}
	sh.WriteByte(')')
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", dtype, sh.String())
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	if len(hdr) > math.MaxUint16 {
		return errors.New("mc: npy header too long")
	}
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	b = append(b, hdr...)
	_, err := w.Write(b)
	return err
}

// WriteSamples writes spin snapshots (row-major, n spins per row, values ±1)
// in format FormatNPY (an int8 array of shape [rows, n], C order) or FormatCSV
// (one snapshot per line, comma-separated -1/1, no header). It panics if
// len(samples) is not a multiple of n.
func WriteSamples(w io.Writer, format string, samples []int8, n int) error {
	if n < 1 || len(samples)%n != 0 {
		panic(fmt.Sprintf("mc: WriteSamples: %d spins is not a multiple of %d", len(samples), n))
	}
	rows := len(samples) / n
	switch format {
	case FormatNPY:
		if err := writeNPYHeader(w, "|i1", []int{rows, n}); err != nil {
			return err
		}
		b := make([]byte, len(samples))
		for i, v := range samples {
			b[i] = byte(v)
		}
		_, err := w.Write(b)
		return err
	case FormatCSV:
		bw := bufio.NewWriter(w)
		for r := 0; r < rows; r++ {
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
	return fmt.Errorf("mc: sample format %q: allowed csv or npy", format)
}

// ReadSamples reads spin snapshots written by WriteSamples (or any .npy int8
// array of shape [rows, n] with values ±1, or a CSV of ±1 rows of equal
// length) and returns them row-major with n, the number of spins per row.
func ReadSamples(r io.Reader, format string) (samples []int8, n int, err error) {
	switch format {
	case FormatNPY:
		rd, err := npy.NewReader(r)
		if err != nil {
			return nil, 0, fmt.Errorf("mc: reading npy samples: %w", err)
		}
		shape := rd.Header.Descr.Shape
		if len(shape) != 2 {
			return nil, 0, fmt.Errorf("mc: npy samples have shape %v: want [samples, sites]", shape)
		}
		if rd.Header.Descr.Fortran {
			return nil, 0, errors.New("mc: npy samples in Fortran order: want C order")
		}
		var data []int8
		if err := rd.Read(&data); err != nil {
			return nil, 0, fmt.Errorf("mc: reading npy samples (want dtype int8): %w", err)
		}
		if len(data) != shape[0]*shape[1] {
			return nil, 0, fmt.Errorf("mc: npy samples: %d values for shape %v", len(data), shape)
		}
		for i, v := range data {
			if v != 1 && v != -1 {
				return nil, 0, fmt.Errorf("mc: npy samples: value %d at row %d: want -1 or 1", v, i/max(shape[1], 1))
			}
		}
		return data, shape[1], nil
	case FormatCSV:
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<30)
		line := 0
		for sc.Scan() {
			line++
			t := bytes.TrimSpace(sc.Bytes())
			if len(t) == 0 {
				continue
			}
			f := strings.Split(string(t), ",")
			if n == 0 {
				n = len(f)
			} else if len(f) != n {
				return nil, 0, fmt.Errorf("mc: samples line %d has %d values, line 1 has %d", line, len(f), n)
			}
			for _, x := range f {
				switch strings.TrimSpace(x) {
				case "1", "+1":
					samples = append(samples, 1)
				case "-1":
					samples = append(samples, -1)
				default:
					return nil, 0, fmt.Errorf("mc: samples line %d: value %q: want -1 or 1", line, x)
				}
			}
		}
		if err := sc.Err(); err != nil {
			return nil, 0, err
		}
		if n == 0 {
			return nil, 0, errors.New("mc: no samples in file")
		}
		return samples, n, nil
	}
	return nil, 0, fmt.Errorf("mc: sample format %q: allowed csv or npy", format)
}

// WriteSeries writes the measurement time series (total energy and total
// magnetization after each measurement sweep) in format FormatNPY (float64
// array of shape [sweeps, 2], columns energy, magnetization) or FormatCSV
// (header "sweep,energy,magnetization", sweep counted from 0 after
// thermalization).
func WriteSeries(w io.Writer, format string, energies, mags []float64) error {
	if len(energies) != len(mags) {
		panic("mc: WriteSeries: series of different lengths")
	}
	switch format {
	case FormatNPY:
		if err := writeNPYHeader(w, "<f8", []int{len(energies), 2}); err != nil {
			return err
		}
		b := make([]byte, 0, 16*len(energies))
		for i := range energies {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(energies[i]))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(mags[i]))
		}
		_, err := w.Write(b)
		return err
	case FormatCSV:
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
	return fmt.Errorf("mc: series format %q: allowed csv or npy", format)
}
