package experiments

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/isingrbm/isingrbm/hs"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
	"github.com/isingrbm/isingrbm/plots"
	"github.com/isingrbm/isingrbm/transfer"
)

// Spec is an experiment: one model (or one model at several sizes), the
// computations to run on it and the figures to draw. It is read from TOML by
// Parse; see the package documentation for the format. The zero value of every
// optional section is "not run".
type Spec struct {
	Name        string       `toml:"name" json:"name"`               // required: [A-Za-z0-9_-]+, used in file names
	Description string       `toml:"description" json:"description"` // free text, copied to the manifest
	Seed        uint64       `toml:"seed" json:"seed"`               // master seed of every random stream; zero value 0 is a valid seed
	Lattice     lattice.Spec `toml:"lattice" json:"lattice"`         // the model; lattice.size is ignored when sizes is given
	// Sizes, when non-empty, runs every computation at each size in turn
	// (for example ["4x4", "8x8", "16x16"] for a Binder crossing).
	Sizes []string `toml:"sizes" json:"sizes,omitempty"`

	Exact       *ExactSpec       `toml:"exact" json:"exact,omitempty"`
	ExactZ      *ExactZSpec      `toml:"exact_z" json:"exact_z,omitempty"`
	MC          *MCSpec          `toml:"mc" json:"mc,omitempty"`
	HS          *HSSpec          `toml:"hs" json:"hs,omitempty"`
	RBMSampling *RBMSamplingSpec `toml:"rbm_sampling" json:"rbm_sampling,omitempty"`
	Cumulants   *CumulantSpec    `toml:"cumulants" json:"cumulants,omitempty"`
	Learning    *LearningSpec    `toml:"learning" json:"learning,omitempty"`
	RG          *RGSpec          `toml:"rg" json:"rg,omitempty"`
	Figures     FigureSpec       `toml:"figures" json:"figures"`
}

// Temps is a temperature list: exactly one of T (temperatures > 0, in units of
// J/k_B), T_range ([start, stop, step], stop included) or beta (inverse
// temperatures >= 0) must be given.
type Temps struct {
	T      []float64 `toml:"T" json:"T,omitempty"`
	TRange []float64 `toml:"T_range" json:"T_range,omitempty"`
	Beta   []float64 `toml:"beta" json:"beta,omitempty"`
}

// ExactSpec asks for exact thermodynamics at every temperature. Methods are
// those of transfer.Compute ("auto", "enumerate", "transfer" (row transfer
// matrix), "kaufman" (u and c only), "dos" (Beale's density of states)), "chain" (closed form, uniform chains)
// and "onsager" (the infinite square lattice, drawn dashed). Each must apply
// to every size (transfer.Applicable); "a|b" picks, for each size, the first
// of a, b that applies (e.g. "transfer|kaufman"). The zero value of Methods
// means ["auto"].
type ExactSpec struct {
	Temps
	Methods []string `toml:"methods" json:"methods,omitempty"`
}

// ExactZSpec compares ln Z from several exact methods ("enumerate",
// "transfer", "kaufman", "dos"; the first is the reference, zero value ["enumerate",
// "kaufman"])
// on every size of the spec (uniform ferromagnetic square tori) at each
// temperature of T (required), and, for every L of ConvergenceL (each 2..4096),
// the approach of Kaufman's ln Z/N on the L x L torus to Onsager's limit.
type ExactZSpec struct {
	T            []float64 `toml:"T" json:"T"`
	Methods      []string  `toml:"methods" json:"methods,omitempty"`
	ConvergenceL []int     `toml:"convergence_L" json:"convergence_L,omitempty"`
}

// MCSpec asks for Monte Carlo estimates with error bars at every temperature,
// for each algorithm (metropolis, heatbath, wolff, sw). Zero values:
// Algorithms ["wolff"], Order "random", Thermalize Sweeps/10; Sweeps is
// required (>= 100). Snapshot > 0 saves a spin configuration of the lattice
// after the last sweep at the temperature nearest to Snapshot (2D lattices).
type MCSpec struct {
	Temps
	Algorithms []string `toml:"algorithms" json:"algorithms,omitempty"`
	Order      string   `toml:"order" json:"order,omitempty"`
	Thermalize int      `toml:"thermalize" json:"thermalize"`
	Sweeps     int      `toml:"sweeps" json:"sweeps"`
	Snapshot   float64  `toml:"snapshot_T" json:"snapshot_T,omitempty"`
}

// HSSpec asks for the Hubbard–Stratonovich equivalence check at one
// temperature: the RBM of each hidden kind ("gaussian", "bond"; zero value
// ["gaussian"]) is built and ln p_RBM(s) is compared with ln p_Ising(s) on all
// 2^N states (N <= 24). Extra lists further models checked the same way (for
// example an SK instance), as inline tables with the keys of [lattice].
//
// Continuum, when set, is a model of at most hs.MaxContinuumSites sites whose
// ln Z is also computed from the continuum Hubbard–Stratonovich integral by
// Gauss–Hermite quadrature with each number of ContinuumNodes (zero value
// [2, 4, 8, 16, 32]) and compared with enumeration.
type HSSpec struct {
	T              float64        `toml:"T" json:"T"` // required, > 0
	Hidden         []string       `toml:"hidden" json:"hidden,omitempty"`
	Extra          []lattice.Spec `toml:"extra" json:"extra,omitempty"`
	Continuum      *lattice.Spec  `toml:"continuum" json:"continuum,omitempty"`
	ContinuumNodes []int          `toml:"continuum_nodes" json:"continuum_nodes,omitempty"`
}

// RBMSamplingSpec asks for a block-Gibbs chain of the Gaussian-hidden HS RBM
// of the model at every temperature, analysed like a Monte Carlo chain
// (error bars from tau_int) and compared with exact and Ising Monte Carlo
// results. Chains is the number of independent chains run as one batch (zero
// value 1); Sweeps is required (>= 100); Thermalize zero value Sweeps/10.
type RBMSamplingSpec struct {
	Temps
	Chains     int `toml:"chains" json:"chains,omitempty"`
	Thermalize int `toml:"thermalize" json:"thermalize"`
	Sweeps     int `toml:"sweeps" json:"sweeps"`
}

// CumulantSpec asks for the effective couplings of random RBMs, one per hidden
// type ("bernoulli", "spin", "gaussian"; zero value ["bernoulli", "gaussian"]),
// with Visible spin units (N <= 16), Hidden units (>= 1), weights N(0,
// WeightSigma^2) (zero value 0.5) and hidden biases N(0, BiasSigma^2) drawn from
// the experiment seed, compared order by order with the cumulant series
// truncated at Order (1..12, zero value 8).
type CumulantSpec struct {
	Visible     int      `toml:"visible" json:"visible"`
	Hidden      int      `toml:"hidden" json:"hidden"`
	HiddenTypes []string `toml:"hidden_types" json:"hidden_types,omitempty"`
	WeightSigma float64  `toml:"weight_sigma" json:"weight_sigma,omitempty"`
	BiasSigma   float64  `toml:"bias_sigma" json:"bias_sigma,omitempty"`
	Order       int      `toml:"order" json:"order,omitempty"`
}

// LearningSpec is the Torlai–Melko study, with exact references: at every
// temperature, Samples Ising configurations drawn by Wolff Monte Carlo (one
// every SampleEvery sweeps, zero value 2, after 1000 thermalization sweeps;
// Samples zero value 50000) train an RBM for every entry of Hidden (zero
// value [64]) and HiddenTypes (zero value ["auto"]: gaussian for spin data)
// with the defaults of 'isingrbm rbm train' (rbm.AutoPlan; Method "auto",
// or "exact", "pl", "pcd", "cd"; Epochs 0 means the method's default). Each
// trained RBM is sampled by GibbsChains block Gibbs chains (zero value 200)
// of GibbsSweeps sweeps (zero value 2000), started from the training data,
// and its u, c, <|m|>, chi' and U4 are compared with the exact values of
// the lattice (transfer matrices) and with the Monte Carlo estimates of the
// training data. KL, if present, adds the exact-likelihood study of a small
// lattice.
type LearningSpec struct {
	Temps
	Hidden      []int    `toml:"hidden" json:"hidden"`
	HiddenTypes []string `toml:"hidden_types" json:"hidden_types"`
	Samples     int      `toml:"samples" json:"samples"`
	SampleEvery int      `toml:"sample_every" json:"sample_every"`
	Method      string   `toml:"method" json:"method"`
	Epochs      int      `toml:"epochs" json:"epochs,omitempty"`
	GibbsChains int      `toml:"gibbs_chains" json:"gibbs_chains"`
	GibbsSweeps int      `toml:"gibbs_sweeps" json:"gibbs_sweeps"`
	KL          *KLSpec  `toml:"kl" json:"kl,omitempty"`
}

// KLSpec is the exact study of how KL(p_Ising || p_RBM) falls with the
// number of hidden units and of samples, on a lattice small enough to
// enumerate (Size, zero value "4x4", of the spec's lattice kind, N <= 20) at
// temperature T (zero value 2.269): Samples Wolff configurations (zero value
// 100000) train, by exact likelihood, RBMs with each entry of Hidden (zero
// value [2, 4, 8, 16, 32]) and HiddenTypes (zero value ["gaussian", "spin"]),
// and RBMs with SampleHidden gaussian hidden units (zero value 16) on the
// first SampleSizes samples (zero value [1000, 3000, 10000, 30000, 100000]).
type KLSpec struct {
	Size         string   `toml:"size" json:"size"`
	T            float64  `toml:"T" json:"T"`
	Samples      int      `toml:"samples" json:"samples"`
	Hidden       []int    `toml:"hidden" json:"hidden"`
	HiddenTypes  []string `toml:"hidden_types" json:"hidden_types"`
	SampleHidden int      `toml:"sample_hidden" json:"sample_hidden"`
	SampleSizes  []int    `toml:"sample_sizes" json:"sample_sizes"`
	Epochs       int      `toml:"epochs" json:"epochs"`
}

// RGSpec is the renormalization-group study (package rg). The spec's
// lattice must be a periodic square lattice with J = 1, h = 0 and no
// disorder, of side L divisible by 2^Levels with L/2^Levels >= 4: it is the
// lattice of the Monte Carlo RG. The study draws the flow diagram of the
// exact chain recursion and the truncated square-lattice maps (no
// parameters); runs MCRG (rg.MCRG) at T_c with Levels blocking levels (zero
// value 3, 1..10), Sweeps Wolff sweeps (zero value 50000, 100..MaxSweeps)
// and Bins jackknife bins (zero value 20, 2..1000); trains a stack of RBMs
// (rg.Stack, CD-1, spin hidden units, L1 0.02, layers N/4 and N/16) on
// StackSamples Wolff samples (zero value 5000, 100..1000000) of the
// StackSize x StackSize torus (zero value 16, 4..64) at T_c for StackEpochs
// epochs per layer (zero value 30, 1..100000) and runs the RBM flow of layer
// 1 for FlowSteps reconstructions (zero value 20, 0..10000) from
// FlowSamples configurations (zero value 500, 2..100000) at each FlowT
// (zero value [1.5, 2.269, 3.5], each in 0.1..100); and measures Hopfield
// retrieval (rg.HopfieldRetrieval) with HopfieldNeurons neurons (zero value
// 200, 2..4096), each of HopfieldPatterns (zero value [1, 10, 20, 28], each
// 1..100000), at the temperatures HopfieldT (zero value 0.1, 0.2, ..., 1.4,
// each > 0), HopfieldSweeps Metropolis sweeps (zero value 2000,
// 100..MaxSweeps) after 500, averaged over HopfieldRealizations pattern sets
// (zero value 4, 1..10000) drawn from lattice.disorder_seed + r.
type RGSpec struct {
	Levels               int       `toml:"levels" json:"levels"`
	Sweeps               int       `toml:"sweeps" json:"sweeps"`
	Bins                 int       `toml:"bins" json:"bins"`
	StackSize            int       `toml:"stack_size" json:"stack_size"`
	StackSamples         int       `toml:"stack_samples" json:"stack_samples"`
	StackEpochs          int       `toml:"stack_epochs" json:"stack_epochs"`
	FlowT                []float64 `toml:"flow_T" json:"flow_T"`
	FlowSteps            int       `toml:"flow_steps" json:"flow_steps"`
	FlowSamples          int       `toml:"flow_samples" json:"flow_samples"`
	HopfieldNeurons      int       `toml:"hopfield_neurons" json:"hopfield_neurons"`
	HopfieldPatterns     []int     `toml:"hopfield_patterns" json:"hopfield_patterns"`
	HopfieldT            []float64 `toml:"hopfield_T" json:"hopfield_T"`
	HopfieldSweeps       int       `toml:"hopfield_sweeps" json:"hopfield_sweeps"`
	HopfieldRealizations int       `toml:"hopfield_realizations" json:"hopfield_realizations"`
}

// FigureSpec chooses the figures. Zero values: Formats ["png", "svg"],
// Thermo ["u", "c", "absm", "chi", "U4"] (the quantities drawn against T).
type FigureSpec struct {
	Formats []string `toml:"formats" json:"formats,omitempty"`
	Thermo  []string `toml:"thermo" json:"thermo,omitempty"`
}

// SpecError is an error in a spec file, at a line when one is known. Err is
// the underlying error when there is one (a toml.ParseError, the TOML
// library's type error, or a lattice error), for errors.As and errors.Is.
type SpecError struct {
	File string
	Line int    // 0 when unknown
	Key  string // dotted key, e.g. "mc.sweeps"; empty for syntax errors
	Msg  string
	Err  error // the cause; may be nil
}

// Unwrap returns the cause.
func (e *SpecError) Unwrap() error { return e.Err }

func (e *SpecError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Limits of the parser, so that a spec cannot ask for absurd work by mistake.
const (
	MaxTemps     = 1000
	MaxSweeps    = 100_000_000
	MaxHSSites   = 24
	MaxCumVis    = 16
	MaxCumHidden = 64
	MaxCumOrder  = 12
	MaxSizes     = 16
)

// Parse reads a spec from TOML source; name is the spec file's path, used in
// error messages (name:line: key: problem) and to resolve a relative
// lattice.edges file. Unknown keys, wrong types and bad values are errors.
func Parse(src []byte, name string) (*Spec, error) {
	var s Spec
	md, err := toml.NewDecoder(bytes.NewReader(src)).Decode(&s)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &SpecError{File: name, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message, Err: err}
		}
		var ppe *toml.ParseError
		if errors.As(err, &ppe) {
			return nil, &SpecError{File: name, Line: ppe.Position.Line, Key: ppe.LastKey, Msg: ppe.Message, Err: err}
		}
		// A type mismatch: the library gives only text, so find the key by
		// comparing the untyped decoding with the Spec's field types.
		var raw map[string]any
		if _, rerr := toml.Decode(string(src), &raw); rerr == nil {
			if key, msg := typeMismatch(reflect.TypeOf(s), raw); key != nil {
				return nil, &SpecError{File: name, Line: newLocator(src).line(key), Key: strings.Join(key, "."), Msg: msg, Err: err}
			}
		}
		return nil, &SpecError{File: name, Msg: err.Error(), Err: err}
	}
	// An edge-list file is relative to the spec file's directory.
	if s.Lattice.Edges != "" && !filepath.IsAbs(s.Lattice.Edges) {
		s.Lattice.Edges = filepath.Join(filepath.Dir(name), s.Lattice.Edges)
	}
	loc := newLocator(src)
	// The TOML library stores a negative integer in a uint64 seed as a huge
	// one; refuse it like any out-of-range value.
	if md.IsDefined("seed") {
		var raw map[string]any
		if _, err := toml.Decode(string(src), &raw); err == nil {
			if v, ok := raw["seed"].(int64); ok && v < 0 {
				return nil, &SpecError{File: name, Line: loc.line([]string{"seed"}), Key: "seed", Msg: fmt.Sprintf("%d: must be an integer in 0..%d", v, uint64(math.MaxUint64))}
			}
		}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, &SpecError{File: name, Line: loc.line(k), Key: k.String(), Msg: "unknown key" + knownKeys(k)}
	}
	if err := s.validate(); err != nil {
		var ve *valueError
		if errors.As(err, &ve) {
			return nil, &SpecError{File: name, Line: loc.line(strings.Split(ve.key, ".")), Key: ve.key, Msg: ve.msg, Err: err}
		}
		return nil, &SpecError{File: name, Msg: err.Error(), Err: err}
	}
	return &s, nil
}

// knownKeys lists the allowed keys of the table of k, for the error message.
func knownKeys(k toml.Key) string {
	allowed := map[string]string{
		"":             "name, description, seed, lattice, sizes, exact, exact_z, mc, hs, rbm_sampling, cumulants, learning, rg, figures",
		"exact_z":      "T, methods, convergence_L",
		"lattice":      "kind, size, boundary, J, h, disorder, sigma, h_disorder, h_sigma, disorder_seed, scale, edges",
		"exact":        "T, T_range, beta, methods",
		"mc":           "T, T_range, beta, algorithms, order, thermalize, sweeps, snapshot_T",
		"hs":           "T, hidden, extra, continuum, continuum_nodes",
		"rbm_sampling": "T, T_range, beta, chains, thermalize, sweeps",
		"cumulants":    "visible, hidden, hidden_types, weight_sigma, bias_sigma, order",
		"figures":      "formats, thermo",
		"learning":     "T, T_range, beta, hidden, hidden_types, samples, sample_every, method, epochs, gibbs_chains, gibbs_sweeps, kl",
		"learning.kl":  "size, T, samples, hidden, hidden_types, sample_hidden, sample_sizes, epochs",
		"rg": "levels, sweeps, bins, stack_size, stack_samples, stack_epochs, flow_T, flow_steps, flow_samples, " +
			"hopfield_neurons, hopfield_patterns, hopfield_T, hopfield_sweeps, hopfield_realizations",
	}
	parent := ""
	if len(k) > 1 {
		parent = k[0]
	}
	if len(k) > 2 && k[0] == "hs" && (k[1] == "extra" || k[1] == "continuum") {
		parent = "lattice"
	}
	if a, ok := allowed[parent]; ok {
		return " (allowed here: " + a + ")"
	}
	return ""
}

type valueError struct {
	key, msg string
	err      error // the cause, if any
}

func (e *valueError) Error() string { return e.key + ": " + e.msg }
func (e *valueError) Unwrap() error { return e.err }

func bad(key, format string, a ...any) error {
	return &valueError{key: key, msg: fmt.Sprintf(format, a...)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Betas returns the inverse temperatures of t in the order given.
func (t Temps) Betas() []float64 {
	switch {
	case len(t.Beta) > 0:
		return append([]float64(nil), t.Beta...)
	case len(t.T) > 0:
		out := make([]float64, len(t.T))
		for i, v := range t.T {
			out[i] = 1 / v
		}
		return out
	case len(t.TRange) == 3:
		start, stop, step := t.TRange[0], t.TRange[1], t.TRange[2]
		n := int(math.Floor((stop-start)/step+1e-6)) + 1
		out := make([]float64, n)
		for i := range out {
			// Rounded to 12 significant digits so that 0.1 steps print cleanly.
			x, _ := strconv.ParseFloat(strconv.FormatFloat(start+float64(i)*step, 'g', 12, 64), 64)
			out[i] = 1 / x
		}
		return out
	}
	return nil
}

func (t Temps) validate(sec string) error {
	given := 0
	for _, l := range [][]float64{t.T, t.TRange, t.Beta} {
		if len(l) > 0 {
			given++
		}
	}
	if given != 1 {
		return bad(sec, "give exactly one of T (list of temperatures > 0), T_range ([start, stop, step]) or beta (list >= 0)")
	}
	for _, v := range t.T {
		if !finite(v) || v <= 0 {
			return bad(sec+".T", "temperature %v: must be finite and > 0", v)
		}
	}
	for _, v := range t.Beta {
		if !finite(v) || v < 0 {
			return bad(sec+".beta", "inverse temperature %v: must be finite and >= 0", v)
		}
	}
	if len(t.TRange) > 0 {
		if len(t.TRange) != 3 {
			return bad(sec+".T_range", "want [start, stop, step], got %d numbers", len(t.TRange))
		}
		start, stop, step := t.TRange[0], t.TRange[1], t.TRange[2]
		if !finite(start) || !finite(stop) || !finite(step) || start <= 0 || step <= 0 || stop < start {
			return bad(sec+".T_range", "[%v, %v, %v]: want 0 < start <= stop and step > 0", start, stop, step)
		}
		if n := (stop-start)/step + 1; n > MaxTemps {
			return bad(sec+".T_range", "%.0f temperatures: at most %d", n, MaxTemps)
		}
	}
	if n := len(t.T) + len(t.Beta); n > MaxTemps {
		return bad(sec, "%d temperatures: at most %d", n, MaxTemps)
	}
	return nil
}

func oneOf(key, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return bad(key, "%q: allowed %s", v, strings.Join(allowed, ", "))
}

func checkSweeps(sec string, therm, sweeps int) error {
	if sweeps < 100 || sweeps > MaxSweeps {
		return bad(sec+".sweeps", "%d: must be in 100..%d", sweeps, MaxSweeps)
	}
	if therm < 0 || therm > MaxSweeps {
		return bad(sec+".thermalize", "%d: must be in 0..%d", therm, MaxSweeps)
	}
	return nil
}

// MaxSites bounds the sites of a model in a spec (MaxCompleteSites for the
// complete graph, whose bonds grow as N^2), checked before the model is built.
const (
	MaxSites         = 1 << 20
	MaxCompleteSites = 2048
)

// checkSize rejects sizes whose models would be too large to build.
func checkSize(ls lattice.Spec, size string) error { return checkSizeLimit(ls, size, MaxSites) }

func checkSizeLimit(ls lattice.Spec, size string, maxSites int) error {
	if ls.Kind == "edges" {
		return nil
	}
	dims, err := lattice.ParseSize(size)
	if err != nil {
		return nil // Build reports it with the field name
	}
	axes := map[string]int{"square": 2, "triangular": 2, "cubic": 3}[ls.Kind]
	n := 1.0
	for _, d := range dims {
		n *= float64(d)
	}
	if len(dims) == 1 && axes > 1 {
		n = math.Pow(float64(dims[0]), float64(axes))
	}
	limit := float64(maxSites)
	if ls.Kind == "complete" {
		limit = math.Min(limit, MaxCompleteSites)
	}
	if n > limit {
		return fmt.Errorf("size %q has %.0f sites: at most %.0f for %s", size, n, limit, ls.Kind)
	}
	return nil
}

// Models returns the models of the spec, one per size (or the single
// lattice), with their size labels.
func (s *Spec) Models() ([]*lattice.Model, []string, error) {
	sizes := s.Sizes
	if len(sizes) == 0 {
		sizes = []string{s.Lattice.Size}
	}
	var ms []*lattice.Model
	var labels []string
	for _, sz := range sizes {
		ls := s.Lattice
		ls.Size = sz
		if err := checkSize(ls, sz); err != nil {
			return nil, nil, &lattice.FieldError{Field: "size", Err: err}
		}
		m, err := ls.Build()
		if err != nil {
			return nil, nil, err
		}
		ms = append(ms, m)
		labels = append(labels, sizeLabel(m, sz))
	}
	return ms, labels, nil
}

func sizeLabel(m *lattice.Model, sz string) string {
	if sz == "" {
		return fmt.Sprintf("N%d", m.N)
	}
	return strings.ToLower(sz)
}

// pickMethod returns the first method of the list "a|b|c" that applies to m.
func pickMethod(m *lattice.Model, list string) (string, error) {
	var errs []string
	for _, me := range strings.Split(list, "|") {
		err := transfer.Applicable(m, me)
		if err == nil {
			return me, nil
		}
		errs = append(errs, err.Error())
	}
	return "", fmt.Errorf("no method of %q applies: %s", list, strings.Join(errs, "; "))
}

// uniformFerro reports a uniform lattice with J > 0 and no field.
func (s *Spec) uniformFerro() bool {
	ls := s.Lattice
	j := 1.0
	if ls.J != nil {
		j = *ls.J
	}
	none := func(d string) bool { return d == "" || d == "none" || d == "uniform" }
	return j > 0 && ls.H == 0 && none(ls.Disorder) && none(ls.HDisord)
}

func (s *Spec) validate() error {
	if s.Name == "" {
		return bad("name", "missing: give the experiment a name ([A-Za-z0-9_-]+)")
	}
	for _, r := range s.Name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return bad("name", "%q: use only letters, digits, - and _", s.Name)
		}
	}
	if s.Lattice.Kind == "" {
		return bad("lattice", "missing [lattice] table with at least kind and size")
	}
	if len(s.Sizes) > MaxSizes {
		return bad("sizes", "%d sizes: at most %d", len(s.Sizes), MaxSizes)
	}
	if len(s.Sizes) > 0 && s.Lattice.Size != "" {
		return bad("sizes", "give either lattice.size or sizes, not both")
	}
	ms, labels, err := s.Models()
	if err != nil {
		var fe *lattice.FieldError
		if errors.As(err, &fe) {
			key := "lattice." + strings.ReplaceAll(fe.Field, "-", "_")
			if fe.Field == "lattice" {
				key = "lattice.kind"
			}
			if fe.Field == "disorder-seed" {
				key = "lattice.disorder_seed"
			}
			if fe.Field == "size" && len(s.Sizes) > 0 {
				key = "sizes"
			}
			return &valueError{key: key, msg: fe.Err.Error(), err: err}
		}
		return &valueError{key: "lattice", msg: err.Error(), err: err}
	}
	maxN := 0
	for _, m := range ms {
		maxN = max(maxN, m.N)
	}
	if s.Exact == nil && s.ExactZ == nil && s.MC == nil && s.HS == nil && s.RBMSampling == nil && s.Cumulants == nil && s.Learning == nil && s.RG == nil {
		return bad("exact", "no computation: add at least one of [exact], [exact_z], [mc], [hs], [rbm_sampling], [cumulants], [learning], [rg]")
	}
	if g := s.RG; g != nil {
		if err := g.validateRG(s); err != nil {
			return err
		}
	}
	if l := s.Learning; l != nil {
		if err := l.validateLearning(maxN); err != nil {
			return err
		}
	}
	if z := s.ExactZ; z != nil {
		if len(z.T) == 0 || len(z.T) > 20 {
			return bad("exact_z.T", "give 1 to 20 temperatures > 0")
		}
		for _, v := range z.T {
			if !finite(v) || v <= 0 {
				return bad("exact_z.T", "temperature %v: must be finite and > 0", v)
			}
		}
		if len(z.Methods) == 0 {
			z.Methods = []string{"enumerate", "kaufman"}
		}
		if len(z.Methods) < 2 {
			return bad("exact_z.methods", "give at least two methods to compare (the first is the reference)")
		}
		for _, me := range z.Methods {
			if err := oneOf("exact_z.methods", me, "enumerate", "transfer", "kaufman", "dos"); err != nil {
				return err
			}
			for k, m := range ms {
				if err := transfer.Applicable(m, me); err != nil {
					return bad("exact_z.methods", "%s on size %s: %v", me, labels[k], err)
				}
			}
		}
		if s.Lattice.Kind != "square" || !s.uniformFerro() || strings.Contains(s.Lattice.Boundary, "open") {
			return bad("exact_z", "needs a uniform periodic square lattice with J > 0 and h = 0")
		}
		for _, l := range z.ConvergenceL {
			if l < 2 || l > 4096 {
				return bad("exact_z.convergence_L", "%d: must be in 2..4096", l)
			}
		}
	}
	if e := s.Exact; e != nil {
		if err := e.validate("exact"); err != nil {
			return err
		}
		if len(e.Methods) == 0 {
			e.Methods = []string{"auto"}
		}
		for _, me := range e.Methods {
			if strings.Contains(me, "|") {
				for _, alt := range strings.Split(me, "|") {
					if err := oneOf("exact.methods", alt, "enumerate", "transfer", "kaufman", "dos"); err != nil {
						return err
					}
				}
				for k, m := range ms {
					if _, err := pickMethod(m, me); err != nil {
						return bad("exact.methods", "size %s: %v", labels[k], err)
					}
				}
				continue
			}
			if err := oneOf("exact.methods", me, "auto", "enumerate", "transfer", "kaufman", "dos", "chain", "onsager"); err != nil {
				return err
			}
			switch me {
			case "chain":
				if s.Lattice.Kind != "chain" || s.Lattice.Disorder != "" && s.Lattice.Disorder != "none" || s.Lattice.HDisord != "" && s.Lattice.HDisord != "none" {
					return bad("exact.methods", "chain needs a uniform chain lattice")
				}
			case "onsager":
				if s.Lattice.Kind != "square" || !s.uniformFerro() {
					return bad("exact.methods", "onsager is the infinite square lattice: needs a uniform square lattice with J > 0 and h = 0")
				}
			default:
				for k, m := range ms {
					if me == "auto" {
						if _, _, err := transfer.Auto(m); err != nil {
							return bad("exact.methods", "size %s: %v", labels[k], err)
						}
					} else if err := transfer.Applicable(m, me); err != nil {
						return bad("exact.methods", "%s on size %s: %v", me, labels[k], err)
					}
				}
			}
		}
	}
	if m := s.MC; m != nil {
		if err := m.validate("mc"); err != nil {
			return err
		}
		if len(m.Algorithms) == 0 {
			m.Algorithms = []string{"wolff"}
		}
		for _, a := range m.Algorithms {
			alg, err := mc.ParseAlgorithm(a)
			if err != nil || alg == mc.PT {
				return bad("mc.algorithms", "%q: allowed metropolis, heatbath, wolff, sw", a)
			}
		}
		if m.Order == "" {
			m.Order = "random"
		}
		if _, err := mc.ParseOrder(m.Order); err != nil {
			return bad("mc.order", "%q: allowed random or sequential", m.Order)
		}
		if m.Thermalize == 0 {
			m.Thermalize = m.Sweeps / 10
		}
		if err := checkSweeps("mc", m.Thermalize, m.Sweeps); err != nil {
			return err
		}
		if !finite(m.Snapshot) || m.Snapshot < 0 {
			return bad("mc.snapshot_T", "%v: must be a temperature > 0 (or 0 for none)", m.Snapshot)
		}
	}
	if h := s.HS; h != nil {
		if !finite(h.T) || h.T <= 0 {
			return bad("hs.T", "%v: must be a temperature > 0", h.T)
		}
		if len(h.Hidden) == 0 {
			h.Hidden = []string{"gaussian"}
		}
		for _, k := range h.Hidden {
			if err := oneOf("hs.hidden", k, "gaussian", "bond"); err != nil {
				return err
			}
		}
		if maxN > MaxHSSites {
			return bad("hs", "the state-by-state check needs N <= %d sites, the model has %d", MaxHSSites, maxN)
		}
		if h.Continuum != nil {
			if err := checkSizeLimit(*h.Continuum, h.Continuum.Size, hs.MaxContinuumSites); err != nil {
				return bad("hs.continuum", "%v", err)
			}
			m, err := h.Continuum.Build()
			if err != nil {
				return bad("hs.continuum", "%v", err)
			}
			if m.N > hs.MaxContinuumSites {
				return bad("hs.continuum", "%d sites: the tensor quadrature allows at most %d", m.N, hs.MaxContinuumSites)
			}
			if len(h.ContinuumNodes) == 0 {
				h.ContinuumNodes = []int{2, 4, 8, 16, 32}
			}
			for _, n := range h.ContinuumNodes {
				if n < 1 || n > 200 {
					return bad("hs.continuum_nodes", "%d: must be in 1..200", n)
				}
			}
		} else if len(h.ContinuumNodes) > 0 {
			return bad("hs.continuum_nodes", "needs hs.continuum, the model to integrate")
		}
		for i, ls := range h.Extra {
			if err := checkSizeLimit(ls, ls.Size, MaxHSSites); err != nil {
				return bad("hs.extra", "model %d: %v", i+1, err)
			}
			m, err := ls.Build()
			if err != nil {
				return bad("hs.extra", "model %d: %v", i+1, err)
			}
			if m.N > MaxHSSites {
				return bad("hs.extra", "model %d has %d sites: at most %d", i+1, m.N, MaxHSSites)
			}
		}
	}
	if r := s.RBMSampling; r != nil {
		if err := r.validate("rbm_sampling"); err != nil {
			return err
		}
		if r.Chains == 0 {
			r.Chains = 1
		}
		if r.Chains < 1 || r.Chains > 1024 {
			return bad("rbm_sampling.chains", "%d: must be in 1..1024", r.Chains)
		}
		if r.Thermalize == 0 {
			r.Thermalize = r.Sweeps / 10
		}
		if err := checkSweeps("rbm_sampling", r.Thermalize, r.Sweeps); err != nil {
			return err
		}
	}
	if c := s.Cumulants; c != nil {
		if c.Visible < 1 || c.Visible > MaxCumVis {
			return bad("cumulants.visible", "%d: must be in 1..%d", c.Visible, MaxCumVis)
		}
		if c.Hidden < 1 || c.Hidden > MaxCumHidden {
			return bad("cumulants.hidden", "%d: must be in 1..%d", c.Hidden, MaxCumHidden)
		}
		if len(c.HiddenTypes) == 0 {
			c.HiddenTypes = []string{"bernoulli", "gaussian"}
		}
		for _, t := range c.HiddenTypes {
			if err := oneOf("cumulants.hidden_types", t, "bernoulli", "spin", "gaussian"); err != nil {
				return err
			}
		}
		if c.WeightSigma == 0 {
			c.WeightSigma = 0.5
		}
		if !finite(c.WeightSigma) || c.WeightSigma <= 0 || c.WeightSigma > 10 {
			return bad("cumulants.weight_sigma", "%v: must be in (0, 10]", c.WeightSigma)
		}
		if !finite(c.BiasSigma) || c.BiasSigma < 0 || c.BiasSigma > 10 {
			return bad("cumulants.bias_sigma", "%v: must be in [0, 10]", c.BiasSigma)
		}
		if c.Order == 0 {
			c.Order = 8
		}
		if c.Order < 1 || c.Order > MaxCumOrder {
			return bad("cumulants.order", "%d: must be in 1..%d", c.Order, MaxCumOrder)
		}
	}
	f := &s.Figures
	if len(f.Formats) == 0 {
		f.Formats = []string{"png", "svg"}
	}
	for _, x := range f.Formats {
		if err := oneOf("figures.formats", x, plots.Formats...); err != nil {
			return err
		}
	}
	if len(f.Thermo) == 0 {
		f.Thermo = []string{"u", "c", "absm", "chi", "U4"}
	}
	for _, q := range f.Thermo {
		if _, err := plots.ParseQuantity(q); err != nil {
			return bad("figures.thermo", "%v", err)
		}
	}
	return nil
}

// locator finds the line of a dotted key in TOML source: it tracks the
// current [table] header and the keys assigned under it. It is a best-effort
// scanner for error messages (multi-line strings are not tracked).
type locator struct {
	lines map[string]int // dotted key or table -> first line
}

func newLocator(src []byte) *locator {
	l := &locator{lines: map[string]int{}}
	table := ""
	for i, raw := range strings.Split(string(src), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				continue
			}
			table = strings.Trim(strings.TrimSpace(strings.Trim(line[:end], "[]")), " ")
			table = normKey(table)
			if _, ok := l.lines[table]; !ok {
				l.lines[table] = i + 1
			}
			continue
		}
		eq := strings.IndexByte(line, '=')
		if eq <= 0 {
			continue
		}
		key := normKey(strings.TrimSpace(line[:eq]))
		if table != "" {
			key = table + "." + key
		}
		if _, ok := l.lines[key]; !ok {
			l.lines[key] = i + 1
		}
	}
	return l
}

func normKey(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// line returns the line of the longest prefix of key that is known, or 0.
func (l *locator) line(key []string) int {
	for n := len(key); n > 0; n-- {
		if ln, ok := l.lines[strings.Join(key[:n], ".")]; ok {
			return ln
		}
	}
	return 0
}

// validateLearning checks [learning] and sets its zero values.
func (l *LearningSpec) validateLearning(maxN int) error {
	if err := l.validate("learning"); err != nil {
		return err
	}
	if maxN > 4096 {
		return bad("learning", "the model has %d sites: at most 4096 for RBM training", maxN)
	}
	if len(l.Hidden) == 0 {
		l.Hidden = []int{64}
	}
	if len(l.HiddenTypes) == 0 {
		l.HiddenTypes = []string{"auto"}
	}
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&l.Samples, 50000)
	def(&l.SampleEvery, 2)
	def(&l.GibbsChains, 200)
	def(&l.GibbsSweeps, 2000)
	if l.Method == "" {
		l.Method = "auto"
	}
	for _, h := range l.Hidden {
		if h < 1 || h > 4096 {
			return bad("learning.hidden", "%d: must be in 1..4096", h)
		}
	}
	for _, t := range l.HiddenTypes {
		if err := oneOf("learning.hidden_types", t, "auto", "bernoulli", "spin", "gaussian"); err != nil {
			return err
		}
	}
	if err := oneOf("learning.method", l.Method, "auto", "exact", "pl", "pcd", "cd"); err != nil {
		return err
	}
	for _, c := range []struct {
		key       string
		v, lo, hi int
	}{
		{"learning.samples", l.Samples, 100, 10_000_000}, {"learning.sample_every", l.SampleEvery, 1, 10000},
		{"learning.epochs", l.Epochs, 0, 100000}, {"learning.gibbs_chains", l.GibbsChains, 1, 4096},
		{"learning.gibbs_sweeps", l.GibbsSweeps, 100, MaxSweeps},
	} {
		if c.v < c.lo || c.v > c.hi {
			return bad(c.key, "%d: must be in %d..%d", c.v, c.lo, c.hi)
		}
	}
	if k := l.KL; k != nil {
		if k.Size == "" {
			k.Size = "4x4"
		}
		if k.T == 0 {
			k.T = 2.269
		}
		def(&k.Samples, 100000)
		def(&k.SampleHidden, 16)
		def(&k.Epochs, 1000)
		if len(k.Hidden) == 0 {
			k.Hidden = []int{2, 4, 8, 16, 32}
		}
		if len(k.HiddenTypes) == 0 {
			k.HiddenTypes = []string{"gaussian", "spin"}
		}
		if len(k.SampleSizes) == 0 {
			k.SampleSizes = []int{1000, 3000, 10000, 30000, 100000}
		}
		if !finite(k.T) || k.T <= 0 {
			return bad("learning.kl.T", "%v: must be finite and > 0", k.T)
		}
		for _, h := range append(append([]int(nil), k.Hidden...), k.SampleHidden) {
			if h < 1 || h > 64 {
				return bad("learning.kl.hidden", "%d: must be in 1..64", h)
			}
		}
		for _, t := range k.HiddenTypes {
			if err := oneOf("learning.kl.hidden_types", t, "bernoulli", "spin", "gaussian"); err != nil {
				return err
			}
		}
		for _, n := range k.SampleSizes {
			if n < 10 || n > k.Samples {
				return bad("learning.kl.sample_sizes", "%d: must be in 10..samples (%d)", n, k.Samples)
			}
		}
		if k.Samples < 100 || k.Samples > 10_000_000 {
			return bad("learning.kl.samples", "%d: must be in 100..10000000", k.Samples)
		}
		if k.Epochs < 1 || k.Epochs > 100000 {
			return bad("learning.kl.epochs", "%d: must be in 1..100000", k.Epochs)
		}
	}
	return nil
}

// validateRG checks [rg] and the lattice it needs, and sets its zero values.
func (g *RGSpec) validateRG(s *Spec) error {
	ls := s.Lattice
	if ls.Kind != "square" || len(s.Sizes) > 0 || !s.uniformFerro() || ls.J != nil && *ls.J != 1 ||
		ls.Boundary != "" && ls.Boundary != "periodic" {
		return bad("lattice", "[rg] needs one periodic square lattice (lattice.size, no sizes) with J = 1, h = 0 and no disorder: the MCRG lattice")
	}
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&g.Levels, 3)
	def(&g.Sweeps, 50000)
	def(&g.Bins, 20)
	def(&g.StackSize, 16)
	def(&g.StackSamples, 5000)
	def(&g.StackEpochs, 30)
	def(&g.FlowSteps, 20)
	def(&g.FlowSamples, 500)
	def(&g.HopfieldNeurons, 200)
	def(&g.HopfieldSweeps, 2000)
	def(&g.HopfieldRealizations, 4)
	if g.FlowT == nil {
		g.FlowT = []float64{1.5, 2.269, 3.5}
	}
	if len(g.HopfieldPatterns) == 0 {
		g.HopfieldPatterns = []int{1, 10, 20, 28}
	}
	if len(g.HopfieldT) == 0 {
		for k := 1; k <= 14; k++ {
			g.HopfieldT = append(g.HopfieldT, float64(k)/10)
		}
	}
	for _, c := range []struct {
		key       string
		v, lo, hi int
	}{
		{"rg.levels", g.Levels, 1, 10}, {"rg.sweeps", g.Sweeps, 100, MaxSweeps}, {"rg.bins", g.Bins, 2, 1000},
		{"rg.stack_size", g.StackSize, 4, 64}, {"rg.stack_samples", g.StackSamples, 100, 1_000_000},
		{"rg.stack_epochs", g.StackEpochs, 1, 100000}, {"rg.flow_steps", g.FlowSteps, 0, 10000},
		{"rg.flow_samples", g.FlowSamples, 2, 100000}, {"rg.hopfield_neurons", g.HopfieldNeurons, 2, lattice.MaxHopfieldNeurons},
		{"rg.hopfield_sweeps", g.HopfieldSweeps, 100, MaxSweeps}, {"rg.hopfield_realizations", g.HopfieldRealizations, 1, 10000},
	} {
		if c.v < c.lo || c.v > c.hi {
			return bad(c.key, "%d: must be in %d..%d", c.v, c.lo, c.hi)
		}
	}
	if g.Sweeps < g.Bins {
		return bad("rg.sweeps", "%d: must be at least bins (%d)", g.Sweeps, g.Bins)
	}
	dims, err := lattice.ParseSize(ls.Size)
	if err != nil || len(dims) > 2 || len(dims) == 2 && dims[0] != dims[1] {
		return bad("lattice.size", "%q: [rg] needs L or LxL", ls.Size)
	}
	if l := dims[0]; l%(1<<g.Levels) != 0 || l>>g.Levels < 4 {
		return bad("lattice.size", "L = %d with rg.levels = %d: L must be divisible by 2^levels = %d with L/2^levels >= 4", l, g.Levels, 1<<g.Levels)
	}
	if len(g.FlowT) > 20 || len(g.HopfieldT) > MaxTemps || len(g.HopfieldPatterns) > 20 {
		return bad("rg", "at most 20 flow_T, %d hopfield_T and 20 hopfield_patterns", MaxTemps)
	}
	for _, t := range g.FlowT {
		if !(t >= 0.1 && t <= 100) {
			return bad("rg.flow_T", "%v: must be in 0.1..100", t)
		}
	}
	for _, t := range g.HopfieldT {
		if !finite(t) || t <= 0 {
			return bad("rg.hopfield_T", "%v: must be finite and > 0", t)
		}
	}
	for _, p := range g.HopfieldPatterns {
		if p < 1 || p > lattice.MaxHopfieldPatterns {
			return bad("rg.hopfield_patterns", "%d: must be in 1..%d", p, lattice.MaxHopfieldPatterns)
		}
	}
	return nil
}
