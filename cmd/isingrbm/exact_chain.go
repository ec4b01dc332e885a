package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/transfer"
)

// longChain is the length from which 'isingrbm exact' serves a uniform chain
// (method auto or transfer) by the closed-form transfer matrix without
// building the model: O(log N) time and memory for any N, as the README
// promises (the model of 10^9 sites would take 48 GB). Below it auto may
// prefer transfer-m or enumeration, which need the model.
const longChain = 1 << 17

// exactLongChain computes 'isingrbm exact' for a long uniform chain without
// the model; ok is false when the flags ask for something else.
func exactLongChain(c *cli.Context) (rows []exactRow, notes []string, ok bool, err error) {
	method := strings.ToLower(c.String("method"))
	if (method != "auto" && method != transfer.MethodTransfer) || strings.Contains(c.String("size"), ",") {
		return nil, nil, false, nil
	}
	spec := specFromFlags(c)
	n, bc, chain, err := spec.UniformChain()
	if err != nil || !chain || n < longChain {
		return nil, nil, false, nil // the model path reports any error
	}
	if err := noEmpty(c, "lattice", "size", "boundary", "disorder", "h-disorder", "scale", "edges", "method", "out"); err != nil {
		return nil, nil, true, err
	}
	if p := c.String("out"); p != "" {
		if _, err := checkExt("out", p, "csv", "json"); err != nil {
			return nil, nil, true, err
		}
		if err := checkWritable("out", p); err != nil {
			return nil, nil, true, err
		}
	}
	j, h := c.Float64("J"), c.Float64("h")
	for name, v := range map[string]float64{"J": j, "h": h} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, true, fmt.Errorf("--%s %v: must be a finite number", name, v)
		}
	}
	betas, err := betasFromFlags(c, nil)
	if err != nil {
		return nil, nil, true, err
	}
	if math.IsInf(2*(2*math.Abs(j)+math.Abs(h)), 0) {
		return nil, nil, true, fmt.Errorf("--J %g, --h %g: the energy change of a spin flip overflows float64", j, h)
	}
	for _, b := range betas {
		if math.IsInf(b*2*(2*math.Abs(j)+math.Abs(h)), 0) {
			return nil, nil, true, fmt.Errorf("%s: beta J = %g, beta h = %g: beta times the largest energy change of a spin flip overflows float64", tempFlag(c, b), b*j, b*h)
		}
		r, err := transfer.Chain(n, j, h, b, bc)
		if err != nil {
			return nil, nil, true, fmt.Errorf("--method %s: %w", transfer.MethodTransfer, err)
		}
		if r.Has&transfer.HasLnZ == 0 {
			return nil, nil, true, errors.New("--method transfer: ln Z overflows float64")
		}
		rows = append(rows, exactRow{size: strconv.Itoa(n), res: r})
	}
	if method == "auto" {
		notes = append(notes, fmt.Sprintf("auto: transfer (uniform chain of %d sites: closed-form transfer matrix, O(log N); the model is not built)", n))
	}
	return rows, notes, true, nil
}
