package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/isingrbm/isingrbm/internal/quote"
	"github.com/isingrbm/isingrbm/lattice"
)

// Shared flag categories, so that help texts group them.
const (
	catLattice = "Model"
	catTemp    = "Temperature"
	catOutput  = "Output"
)

// latticeFlags are the model flags shared by every command that takes a model.
func latticeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "lattice", Value: "square", Category: catLattice,
			Usage: "geometry: chain, square, triangular, cubic, complete, hopfield (with --patterns P) or edges (with --edges FILE)"},
		&cli.StringFlag{Name: "size", Value: "4x4", Category: catLattice,
			Usage: "sites per axis: N (chain, complete; a single L also means LxL or LxLxL), LxL, LxLxL; each >= 1"},
		&cli.StringFlag{Name: "boundary", Value: "periodic", Category: catLattice,
			Usage: "periodic or open, or one per axis separated by commas (e.g. periodic,open); a periodic axis needs length >= 2"},
		&cli.Float64Flag{Name: "J", Value: 1, Category: catLattice,
			Usage: "coupling J (energy units; > 0 ferromagnetic); the mean coupling with --disorder"},
		&cli.Float64Flag{Name: "h", Value: 0, Category: catLattice,
			Usage: "field h on every site (energy units); the mean field with --h-disorder"},
		&cli.StringFlag{Name: "disorder", Value: "none", Category: catLattice,
			Usage: "coupling disorder: none, pm (each bond +J or -J with probability 1/2), gaussian (N(J, sigma^2))"},
		&cli.Float64Flag{Name: "sigma", Value: 0, Category: catLattice,
			Usage: "width of gaussian coupling disorder (>= 0, energy units)"},
		&cli.StringFlag{Name: "h-disorder", Value: "none", Category: catLattice,
			Usage: "field disorder: none, pm (+h or -h), gaussian (N(h, h-sigma^2))"},
		&cli.Float64Flag{Name: "h-sigma", Value: 0, Category: catLattice,
			Usage: "width of gaussian field disorder (>= 0, energy units)"},
		&cli.Uint64Flag{Name: "disorder-seed", Value: 1, Category: catLattice,
			Usage: "seed of the disorder draw (couplings and fields); the same seed gives the same instance"},
		&cli.StringFlag{Name: "scale", Value: "none", Category: catLattice,
			Usage: "complete graph coupling scaling: none, n (J/N, Curie-Weiss), sqrtn (J_ij/sqrt N; Sherrington-Kirkpatrick is --scale sqrtn --disorder gaussian --sigma 1 --J 0: J_ij ~ N(0, 1/N))"},
		&cli.StringFlag{Name: "edges", Category: catLattice,
			Usage: "edge-list file for --lattice edges: lines 'i j J', 'h i value', optional 'sites N', '#' comments"},
		&cli.IntFlag{Name: "patterns", Category: catLattice,
			Usage: "hopfield: number P >= 1 of random ±1 patterns (drawn from --disorder-seed); J_ij = (J/N) sum_mu xi_i^mu xi_j^mu"},
	}
}

// specFromFlags reads the model flags into a lattice.Spec.
func specFromFlags(c *cli.Context) lattice.Spec {
	j := c.Float64("J")
	return lattice.Spec{
		Kind:     c.String("lattice"),
		Size:     c.String("size"),
		Boundary: c.String("boundary"),
		J:        &j,
		H:        c.Float64("h"),
		Disorder: c.String("disorder"),
		Sigma:    c.Float64("sigma"),
		HDisord:  c.String("h-disorder"),
		HSigma:   c.Float64("h-sigma"),
		Seed:     c.Uint64("disorder-seed"),
		Scale:    c.String("scale"),
		Edges:    c.String("edges"),
		Patterns: c.Int("patterns"),
	}
}

// modelFromFlags builds the model of the shared flags; errors name the flag.
func modelFromFlags(c *cli.Context) (*lattice.Model, lattice.Spec, error) {
	spec := specFromFlags(c)
	if c.String("lattice") == "edges" && !c.IsSet("size") {
		spec.Size = ""
	}
	if err := noEmpty(c, "lattice", "size", "boundary", "disorder", "h-disorder", "scale", "edges"); err != nil {
		return nil, spec, err
	}
	for _, name := range []string{"J", "h", "sigma", "h-sigma"} {
		if v := c.Float64(name); math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, spec, fmt.Errorf("--%s %v: must be a finite number", name, v)
		}
	}
	m, err := spec.Build()
	if err != nil {
		var fe *lattice.FieldError
		if errors.As(err, &fe) {
			return nil, spec, fmt.Errorf("--%s: %w", fe.Field, fe.Err)
		}
		return nil, spec, err
	}
	return m, spec, nil
}

// temperatureFlags are --beta and --T; each takes one value, a comma list or
// a range start:stop:step (stop included).
func temperatureFlags(required bool) []cli.Flag {
	req := ""
	if required {
		req = " (one of --beta, --T is required)"
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "beta", Category: catTemp,
			Usage: "inverse temperature(s) beta = 1/T in units of 1/J, >= 0: a value, a list a,b,c or a range start:stop:step" + req},
		&cli.StringFlag{Name: "T", Category: catTemp,
			Usage: "temperature(s) T in units of J (k_B = 1), > 0: a value, a list a,b,c or a range start:stop:step"},
	}
}

// betasFromFlags returns the inverse temperatures given by --beta or --T.
// With neither flag it returns def (an error if def is nil).
func betasFromFlags(c *cli.Context, def []float64) ([]float64, error) {
	hasB, hasT := c.IsSet("beta"), c.IsSet("T")
	switch {
	case hasB && hasT:
		return nil, errors.New("--beta and --T both given: give one of them")
	case hasB:
		v, err := parseValues(c.String("beta"))
		if err != nil {
			return nil, fmt.Errorf("--beta: %w", err)
		}
		for _, b := range v {
			if b < 0 {
				return nil, fmt.Errorf("--beta %v: must be >= 0", b)
			}
		}
		return v, nil
	case hasT:
		v, err := parseValues(c.String("T"))
		if err != nil {
			return nil, fmt.Errorf("--T: %w", err)
		}
		for i, t := range v {
			if t <= 0 {
				return nil, fmt.Errorf("--T %v: must be > 0", t)
			}
			if math.IsInf(1/t, 0) {
				return nil, fmt.Errorf("--T %v: beta = 1/T = +Inf overflows float64: T must be >= %.3g", t, 1/math.MaxFloat64)
			}
			v[i] = 1 / t
		}
		return v, nil
	}
	if def == nil {
		return nil, errors.New("give the temperature with --beta B or --T T")
	}
	return def, nil
}

// maxValues bounds the length of a list or range of temperatures.
const maxValues = 100000

// parseValues parses "x", "a,b,c" or "start:stop:step" (stop included within
// a tolerance of step/1e6). Every value must be finite.
func parseValues(s string) ([]float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty value: want a number, a list a,b,c or a range start:stop:step")
	}
	num := func(p string) (float64, error) {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%s is not a finite number", quote.Q(p))
		}
		return v, nil
	}
	if strings.Contains(s, ":") {
		p := strings.Split(s, ":")
		if len(p) != 3 {
			return nil, fmt.Errorf("range %s: want start:stop:step", quote.Q(s))
		}
		var v [3]float64
		for i := range p {
			x, err := num(p[i])
			if err != nil {
				return nil, fmt.Errorf("range %s: %w", quote.Q(s), err)
			}
			v[i] = x
		}
		start, stop, step := v[0], v[1], v[2]
		if step <= 0 {
			return nil, fmt.Errorf("range %s: step must be > 0", quote.Q(s))
		}
		if stop < start {
			return nil, fmt.Errorf("range %s: stop must be >= start", quote.Q(s))
		}
		n := math.Floor((stop-start)/step+1e-6) + 1
		if n > maxValues {
			return nil, fmt.Errorf("range %s has %.0f values: at most %d", quote.Q(s), n, maxValues)
		}
		out := make([]float64, int(n))
		for i := range out {
			// start + i*step, rounded to 12 significant digits so 0.1 steps print cleanly.
			x := start + float64(i)*step
			r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
			out[i] = r
		}
		return out, nil
	}
	var out []float64
	for _, p := range strings.Split(s, ",") {
		x, err := num(p)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if len(out) > maxValues {
		return nil, fmt.Errorf("%d values: at most %d", len(out), maxValues)
	}
	return out, nil
}

// noArgs rejects stray positional arguments, which are usually a mistyped flag.
func noArgs(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("unexpected argument %s (flags go before any argument; see --help)", quote.Q(c.Args().First()))
	}
	return nil
}

// noEmpty refuses string flags given with an empty value ("--boundary ”"):
// an empty value is a mistake (an unset shell variable), never the default.
func noEmpty(c *cli.Context, names ...string) error {
	for _, n := range names {
		if c.IsSet(n) && strings.TrimSpace(c.String(n)) == "" {
			return fmt.Errorf("--%s %s: empty value: give a value or leave the flag out for the default", n, quote.Q(c.String(n)))
		}
	}
	return nil
}

// tempFlag names the temperature flag the user gave and the value of it
// that corresponds to beta.
func tempFlag(c *cli.Context, beta float64) string {
	if c.IsSet("T") {
		return fmt.Sprintf("--T %g", 1/beta)
	}
	return fmt.Sprintf("--beta %g", beta)
}

// checkOverflow refuses a model and temperatures whose dimensionless
// couplings overflow float64: the largest energy change of one spin flip,
// 2 (sum_j |J_ij| + |h_i|), and beta times it must be finite. The error
// names the flag that made it infinite (--J, --h, --sigma, --edges, or the
// temperature flag).
func checkOverflow(c *cli.Context, m *lattice.Model, betas []float64) error {
	localJ := make([]float64, m.N)
	for _, b := range m.Bonds() {
		localJ[b.I] += math.Abs(b.Coupling)
		localJ[b.J] += math.Abs(b.Coupling)
	}
	var maxJ, maxH, maxLocal float64
	for i, l := range localJ {
		h := math.Abs(m.Fields[i])
		maxJ, maxH, maxLocal = max(maxJ, l), max(maxH, h), max(maxLocal, 2*(l+h))
	}
	if math.IsInf(2*maxJ, 0) {
		f := "--J " + strconv.FormatFloat(c.Float64("J"), 'g', -1, 64)
		switch {
		case c.String("lattice") == "edges" && !c.IsSet("J"):
			f = "--edges " + c.String("edges")
		case c.Float64("sigma") != 0 && math.Abs(c.Float64("J")) < 1e300:
			f = "--sigma " + strconv.FormatFloat(c.Float64("sigma"), 'g', -1, 64)
		}
		return fmt.Errorf("%s: the energy change of a spin flip, 2 sum_j |J_ij| = +Inf, overflows float64: keep |J| times the coordination below ~1e307", f)
	}
	if math.IsInf(maxLocal, 0) {
		f := "--h " + strconv.FormatFloat(c.Float64("h"), 'g', -1, 64)
		if c.String("lattice") == "edges" && !c.IsSet("h") {
			f = "--edges " + c.String("edges")
		}
		return fmt.Errorf("%s: the energy change of a spin flip, 2 (sum_j |J_ij| + |h_i|) = +Inf, overflows float64: keep |h| below ~1e307", f)
	}
	for _, b := range betas {
		if math.IsInf(b*maxLocal, 0) {
			return fmt.Errorf("%s: beta sum_j |J_ij| = %g, beta |h| = %g: beta times the largest energy change of a spin flip (2 (sum_j |J_ij| + |h_i|) = %g) = +Inf overflows float64",
				tempFlag(c, b), b*maxJ, b*maxH, maxLocal)
		}
	}
	return nil
}
