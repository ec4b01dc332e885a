package mc

import (
	"fmt"
	"io"

	"github.com/isingrbm/isingrbm/internal/datafile"
)

// File formats of spin samples and time series (readers and writers in
// internal/datafile).
const (
	FormatCSV = "csv"
	FormatNPY = "npy"
)

// WriteSamples writes spin snapshots (row-major, n spins per row, values ±1)
// in format FormatNPY (an int8 array of shape [rows, n], C order) or FormatCSV
// (a header row s0,...,s{n-1} of site indices, then one snapshot per line,
// comma-separated -1/1). It panics if len(samples) is not a multiple of n.
func WriteSamples(w io.Writer, format string, samples []int8, n int) error {
	if n < 1 || len(samples)%n != 0 {
		panic(fmt.Sprintf("mc: WriteSamples: %d spins is not a multiple of %d", len(samples), n))
	}
	switch format {
	case FormatNPY:
		return datafile.WriteInt8(w, []int{len(samples) / n, n}, samples)
	case FormatCSV:
		return datafile.WriteSamplesCSV(w, samples, n)
	}
	return fmt.Errorf("mc: sample format %q: allowed csv or npy", format)
}

// ReadSamples reads spin snapshots written by WriteSamples (or any .npy
// array of shape [rows, n] of an integer, float or bool dtype holding ±1, or
// a CSV or whitespace-separated table of ±1 rows of equal length, with or
// without a header row) and returns them row-major with n, the number of
// spins per row. size is the length of r when known (a file; -1 if not):
// a truncated or oversized .npy is then refused before allocating.
func ReadSamples(r io.Reader, format string) (samples []int8, n int, err error) {
	return ReadSamplesSize(r, format, -1)
}

// ReadSamplesSize is ReadSamples for an input of known size in bytes (a
// file; -1 if not known).
func ReadSamplesSize(r io.Reader, format string, size int64) (samples []int8, n int, err error) {
	switch format {
	case FormatNPY:
		a, err := datafile.ReadNPY(r, size)
		if err != nil {
			return nil, 0, fmt.Errorf("mc: reading npy samples: %w", err)
		}
		if len(a.Shape) != 2 || a.Shape[0] < 1 || a.Shape[1] < 1 {
			return nil, 0, fmt.Errorf("mc: npy samples have shape %v: want [samples, sites]", a.Shape)
		}
		n = a.Shape[1]
		samples = make([]int8, a.Len())
		for i := range samples {
			switch v := a.Float64(i); v {
			case 1, -1:
				samples[i] = int8(v)
			default:
				return nil, 0, fmt.Errorf("mc: npy samples: value %v at row %d: want -1 or 1", v, i/n)
			}
		}
		return samples, n, nil
	case FormatCSV:
		t, err := datafile.ReadTable(r, "samples")
		if err != nil {
			return nil, 0, fmt.Errorf("mc: %w", err)
		}
		samples = make([]int8, len(t.Data))
		for i, v := range t.Data {
			if v != 1 && v != -1 {
				return nil, 0, fmt.Errorf("mc: samples line %d: value %v: want -1 or 1", t.Lines[i/t.Cols], v)
			}
			samples[i] = int8(v)
		}
		return samples, t.Cols, nil
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
		data := make([]float64, 0, 2*len(energies))
		for i := range energies {
			data = append(data, energies[i], mags[i])
		}
		return datafile.WriteFloat64(w, []int{len(energies), 2}, data)
	case FormatCSV:
		return datafile.WriteSeriesCSV(w, energies, mags)
	}
	return fmt.Errorf("mc: series format %q: allowed csv or npy", format)
}
