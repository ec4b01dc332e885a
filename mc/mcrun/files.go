package mcrun

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/isingrbm/isingrbm/internal/atomicfile"
	"github.com/isingrbm/isingrbm/mc"
)

// IndexedPath returns path itself when the run has a single temperature
// (total == 1), otherwise stem_<index>.ext with the index zero-padded to the
// width of total-1: the per-temperature file names of WriteSeries and
// WriteSamples.
func IndexedPath(path string, index, total int) string {
	if total == 1 {
		return path
	}
	ext := filepath.Ext(path)
	width := len(strconv.Itoa(total - 1))
	return fmt.Sprintf("%s_%0*d%s", strings.TrimSuffix(path, ext), width, index, ext)
}

func extOf(path string) string { return strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".") }

// WriteSeries writes the energy and magnetization series of every
// temperature to path (.csv or .npy, see mc.WriteSeries), one file per
// temperature named by IndexedPath, each atomically.
func (r *Result) WriteSeries(path string) error {
	for _, s := range r.Series {
		if s.Stream != nil && s.Stream.Count > 0 && len(s.Energies) == 0 {
			return &ConfigError{Field: "KeepSeries", Msg: "the full series was not kept: set KeepSeries to write it"}
		}
	}
	return r.write(path, func(w io.Writer, s *mc.Series) error {
		return mc.WriteSeries(w, extOf(path), s.Energies, s.Magnetizations)
	})
}

// WriteSamples writes the spin snapshots (Config.SampleEvery) of every
// temperature of a model of n sites to path (.npy or .csv, see
// mc.WriteSamples), one file per temperature named by IndexedPath.
func (r *Result) WriteSamples(path string, n int) error {
	return r.write(path, func(w io.Writer, s *mc.Series) error {
		return mc.WriteSamples(w, extOf(path), s.Samples, n)
	})
}

func (r *Result) write(path string, f func(io.Writer, *mc.Series) error) error {
	for j, s := range r.Series {
		p := IndexedPath(path, r.Output.Results[j].Index, r.Output.Temperatures)
		if err := atomicfile.Write(p, func(w io.Writer) error { return f(w, s) }); err != nil {
			return err
		}
	}
	return nil
}

// Histograms returns the reweighting input of every temperature of the
// result (see mc.Reweight).
func (r *Result) Histograms() []mc.HistogramRun {
	var h []mc.HistogramRun
	for j, s := range r.Series {
		run := mc.HistogramRun{Beta: r.Output.Results[j].Beta}
		if s.Stream != nil {
			run.Hist = s.Stream.Hist
		}
		h = append(h, run)
	}
	return h
}
