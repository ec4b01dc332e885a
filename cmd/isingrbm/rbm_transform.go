package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/gonum/mat"

	"github.com/isingrbm/isingrbm/internal/datafile"
)

func init() { registerRBM(rbmTransformCommand) }

func rbmTransformCommand() *cli.Command {
	return &cli.Command{
		Name:  "transform",
		Usage: "hidden activations E[h | v] of data (scikit-learn's BernoulliRBM.transform)",
		Description: "Writes one row of M hidden-unit means per sample: sigmoid(b + v W) for bernoulli, tanh(b + v W) for\n" +
			"spin and b + sigma^2 v W for gaussian hidden units; FILE.npy (float64 [samples, M]) or FILE.csv (header\n" +
			"h0,...,h{M-1}, loads with pandas.read_csv and numpy.genfromtxt(names=True)). Data as for rbm train.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Required: true, Category: "RBM", Usage: "RBM model FILE.json"},
			&cli.StringFlag{Name: "data", Required: true, Category: "RBM", Usage: "samples FILE.npy or FILE.csv (±1 or 0/1), one per row"},
			&cli.StringFlag{Name: "out", Required: true, Category: catOutput, Usage: "write the activations to FILE.npy or FILE.csv"},
		},
		Action: runRBMTransform,
	}
}

func runRBMTransform(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	out := c.String("out")
	format, err := checkExt("out", out, "npy", "csv")
	if err != nil {
		return err
	}
	if err := checkWritable("out", out); err != nil {
		return err
	}
	r, err := rbmReadDiscreteModel("model", c.String("model"), "transform needs bernoulli or spin visible units")
	if err != nil {
		return err
	}
	n, m := r.Dims()
	data, err := rbmLoadData("data", c.String("data"), n, r.Visible.Type)
	if err != nil {
		return err
	}
	var h mat.Dense
	r.HiddenMean(&h, data)
	rows, _ := h.Dims()
	return writeFile(out, func(w io.Writer) error {
		if format == "npy" {
			return datafile.WriteFloat64(w, []int{rows, m}, h.RawMatrix().Data)
		}
		cw := csv.NewWriter(w)
		rec := make([]string, m)
		for j := range rec {
			rec[j] = fmt.Sprintf("h%d", j)
		}
		cw.Write(rec)
		for i := 0; i < rows; i++ {
			for j, x := range h.RawRowView(i) {
				rec[j] = strconv.FormatFloat(x, 'g', -1, 64)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	})
}
