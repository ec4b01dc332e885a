package mcrun

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/isingrbm/isingrbm/internal/budget"
	"github.com/isingrbm/isingrbm/internal/quote"
	"github.com/isingrbm/isingrbm/lattice"
	"github.com/isingrbm/isingrbm/mc"
)

// KernelChoice selects between the specialised kernels of mc/fast and the
// generic kernels of mc.
type KernelChoice string

// Kernel choices. The zero value "" means Auto.
const (
	// Auto uses a specialised kernel when one applies (see FastKernel),
	// the generic kernel otherwise.
	Auto KernelChoice = "auto"
	// Generic always uses the generic kernels of package mc.
	Generic KernelChoice = "generic"
	// Fast requires a specialised kernel and fails with a *ConfigError on
	// field Kernel when none applies.
	Fast KernelChoice = "fast"
)

// ParseKernelChoice parses "auto", "generic" or "fast".
func ParseKernelChoice(s string) (KernelChoice, error) {
	switch k := KernelChoice(s); k {
	case Auto, Generic, Fast:
		return k, nil
	}
	return "", &ConfigError{Field: "Kernel", Value: quote.Q(s), Msg: "allowed auto, generic or fast"}
}

// Config is a Monte Carlo run over a list of temperatures. Betas and Sweeps
// are required; every other zero value is a documented default.
type Config struct {
	// Algorithm is the update: mc.Metropolis, mc.HeatBath, mc.Wolff,
	// mc.SwendsenWang or mc.PT (see mc.Registry). Zero: mc.Metropolis.
	Algorithm mc.Algorithm
	// Local is the local move of parallel tempering (Algorithm mc.PT);
	// ignored otherwise. Zero: mc.Metropolis.
	Local mc.Algorithm
	// Order is the site order of single-spin sweeps. Zero: mc.Random (as
	// everywhere in package mc; 'isingrbm mc' defaults to mc.Sequential).
	// The fast checkerboard kernels need mc.Sequential.
	Order mc.Order
	// Kernel chooses the fast or the generic kernels. Zero: Auto.
	Kernel KernelChoice

	// Betas is the full list of inverse temperatures, each finite and > 0;
	// at least 2 for mc.PT. Required.
	Betas []float64
	// Sweeps is the number of measurement sweeps per temperature, >= 1.
	// Required.
	Sweeps int
	// Thermalize sweeps are discarded before measuring, >= 0. Zero: none.
	Thermalize int
	// MeasureEvery > 1 records energy and magnetization only every
	// MeasureEvery-th sweep (tau_int is then in measurements). Zero: 1.
	MeasureEvery int
	// SampleEvery > 0 keeps a spin snapshot every SampleEvery-th
	// measurement sweep (Result.Series[j].Samples). Zero: no snapshots.
	SampleEvery int
	// KeepSeries keeps the full series of energies and magnetizations
	// (Result.Series[j].Energies, .Magnetizations; needed by
	// Result.WriteSeries): 16 bytes per measurement and temperature, in
	// memory and in the checkpoint. The analysis does not need it. Zero:
	// not kept, memory bounded whatever the run length.
	KeepSeries bool
	// Window is the automatic-windowing constant c of tau_int, finite and
	// > 0. Zero: 6.
	Window float64

	// Correlations measures the spin-spin correlation function G(r), r =
	// 0..L/2, and the second-moment correlation length at every
	// measurement (mc.TempResult.CorrelationFunction, CorrelationLength;
	// see package mc, "Correlations and overlap"). The model must be a
	// chain, square or simple cubic lattice, periodic, with length L on
	// every axis. Cost: N d (L/2 + 1) multiply-adds per measurement (raise
	// ExtraEvery on large lattices). Zero: not measured.
	Correlations bool
	// Overlap runs a second, independent replica (the twin) at every
	// temperature — with parallel tempering, a second independent ladder —
	// and measures the overlap q = (1/N) sum_i s_i^a s_i^b
	// (mc.TempResult.OverlapQ2, OverlapQ4, OverlapBinder). The twin of
	// temperature k uses the stream streamTwin + Streams[k] (0x7477696e
	// << 32 + k by default), the twin ladder's swaps their own stream; the
	// other observables come from the first replica and are unchanged.
	// Doubles the sampling time. Zero: not measured.
	Overlap bool
	// ExtraEvery > 1 measures the correlations and the overlap only at
	// every ExtraEvery-th measurement (the first included); their tau_int
	// is still reported in measurements. Zero: 1.
	ExtraEvery int

	// Seed of the random streams. Temperature k of Betas uses the stream
	// internal/rng.New(Seed, Streams[k]); the parallel-tempering swaps use
	// their own stream. Zero is a valid seed.
	Seed uint64
	// Streams[k] is the stream id of temperature k. Nil: k (what 'isingrbm
	// mc' uses). Otherwise len(Streams) == len(Betas), ids distinct.
	Streams []uint64

	// Shard runs only part of Betas (see Shard). Zero: all of them. Not
	// allowed with mc.PT, whose temperatures form one chain.
	Shard Shard

	// Checkpoint is the file that holds the full state of the run. It is
	// written atomically every CheckpointEvery, at the end and when ctx is
	// cancelled. Zero: no checkpoints.
	Checkpoint string
	// Resume continues from Checkpoint (or starts afresh, calling Log, if
	// the file does not exist yet). Without Resume an existing Checkpoint
	// file is an error. Needs Checkpoint.
	Resume bool
	// CheckpointEvery is the interval between checkpoints, >= 0. Zero:
	// 10 s.
	CheckpointEvery time.Duration

	// Workers bounds the number of temperatures run at the same time.
	// Zero: GOMAXPROCS. The result does not depend on it.
	Workers int
	// Progress, when set, is called about every ProgressEvery from a
	// separate goroutine with the work done and the total work of the run,
	// and once at the end. The work is counted in sweeps (thermalization
	// included) plus, for the analysis of each temperature (or of the
	// parallel-tempering ladder), 1 % of its sweeps (at least 1), added
	// when that analysis is done. Zero: no progress reports.
	Progress func(done, total int64)
	// ProgressEvery is the interval between Progress calls. Zero: 250 ms.
	ProgressEvery time.Duration
	// Log receives notices (such as "no checkpoint yet, starting from the
	// beginning"). Zero: notices are dropped.
	Log func(msg string)
}

// ConfigError is an invalid Config field, or a field that cannot be served
// for this model (Kernel Fast without a specialised kernel, a checkpoint of
// another run). Callers with other names for the fields (command-line flags)
// can rewrite Field.
type ConfigError struct {
	Field string // Config field name, e.g. "Kernel", "Checkpoint"
	Value string // the offending value, as given
	Msg   string // what is wrong and what is allowed
	Err   error  // underlying error, if any
}

func (e *ConfigError) Error() string {
	s := "mcrun: " + e.Field
	if e.Value != "" {
		s += " " + e.Value
	}
	return s + ": " + e.Msg
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ErrInterrupted is returned (wrapped) by Run when its context was cancelled
// before the run finished. With a Checkpoint the state has been saved and a
// Resume run continues it.
var ErrInterrupted = errors.New("mcrun: interrupted")

// Shard is slice K (1 <= K <= N) of N of a list of jobs: job j belongs to
// shard j mod N + 1 (round robin, so that every shard gets a spread of cheap
// and expensive temperatures). The zero value is the whole list.
type Shard struct{ K, N int }

// ParseShard parses "k/n" (spaces around k and n allowed) with integers
// 1 <= k <= n.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	var k, n int
	var err error
	if ok {
		k, err = strconv.Atoi(strings.TrimSpace(a))
		if err == nil {
			n, err = strconv.Atoi(strings.TrimSpace(b))
		}
	}
	if !ok || err != nil || n < 1 || k < 1 || k > n {
		return Shard{}, &ConfigError{Field: "Shard", Value: quote.Q(s), Msg: "want k/n with integers 1 <= k <= n"}
	}
	return Shard{K: k, N: n}, nil
}

// Valid reports whether s is the zero value or 1 <= K <= N.
func (s Shard) Valid() bool { return s == Shard{} || s.N >= 1 && s.K >= 1 && s.K <= s.N }

// String returns "k/n", or "" for the zero value.
func (s Shard) String() string {
	if s == (Shard{}) {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// Owns reports whether job j belongs to s (always, for the zero value).
func (s Shard) Owns(j int) bool {
	if s.N == 0 {
		return j >= 0
	}
	return j >= 0 && j%s.N == s.K-1
}

// Indices returns the jobs of 0..total-1 that belong to s, in order:
// K-1, K-1+N, K-1+2N, ... It allocates count(total) ints: callers with an
// untrusted total compare that count first.
func (s Shard) Indices(total int) []int {
	if s.N == 0 {
		s = Shard{K: 1, N: 1}
	}
	var idx []int
	if n := s.count(total); n > 0 {
		idx = make([]int, 0, n)
	}
	for j := s.K - 1; j >= 0 && j < total; j += s.N {
		idx = append(idx, j)
	}
	return idx
}

// count returns the number of jobs of 0..total-1 that belong to s:
// (total-K)/N + 1 when total >= K, else 0.
func (s Shard) count(total int) int {
	if s.N == 0 {
		return max(total, 0)
	}
	if s.K < 1 || total < s.K {
		return 0
	}
	return (total-s.K)/s.N + 1
}

// normalized returns c with the zero values replaced by their defaults, or
// a *ConfigError for the first invalid field.
func (c Config) normalized() (Config, error) {
	bad := func(field, value, format string, a ...any) (Config, error) {
		return c, &ConfigError{Field: field, Value: value, Msg: fmt.Sprintf(format, a...)}
	}
	if c.Algorithm == "" {
		c.Algorithm = mc.Metropolis
	}
	if _, ok := c.Algorithm.Info(); !ok {
		return bad("Algorithm", quote.Q(string(c.Algorithm)), "allowed %s", mc.JoinAlgorithms(mc.Algorithms, ", "))
	}
	local := mc.JoinAlgorithms(mc.KernelAlgorithms(), ", ")
	if i := strings.LastIndex(local, ", "); i >= 0 {
		local = local[:i] + " or " + local[i+2:]
	}
	if c.Algorithm == mc.PT {
		if c.Local == "" {
			c.Local = mc.Metropolis
		}
		if !c.Local.HasKernel() {
			return bad("Local", quote.Q(string(c.Local)), "allowed %s", local)
		}
		if len(c.Betas) < 2 {
			return bad("Algorithm", "pt", "needs at least 2 temperatures")
		}
	} else {
		c.Local = c.Algorithm
	}
	switch c.Order {
	case "":
		c.Order = mc.Random
	case mc.Random, mc.Sequential:
	default:
		return bad("Order", quote.Q(string(c.Order)), "allowed random or sequential")
	}
	if c.Kernel == "" {
		c.Kernel = Auto
	}
	if _, err := ParseKernelChoice(string(c.Kernel)); err != nil {
		return c, err
	}
	if len(c.Betas) == 0 {
		return bad("Betas", "", "at least one inverse temperature is needed")
	}
	for _, b := range c.Betas {
		if !(b > 0) || math.IsInf(b, 0) {
			return bad("Betas", fmt.Sprint(b), "every inverse temperature must be finite and > 0")
		}
	}
	if c.Sweeps < 1 {
		return bad("Sweeps", strconv.Itoa(c.Sweeps), "must be >= 1")
	}
	if c.Thermalize < 0 {
		return bad("Thermalize", strconv.Itoa(c.Thermalize), "must be >= 0")
	}
	if c.MeasureEvery < 0 {
		return bad("MeasureEvery", strconv.Itoa(c.MeasureEvery), "must be >= 0 (0 means 1)")
	}
	if c.MeasureEvery == 0 {
		c.MeasureEvery = 1
	}
	if float64(c.Thermalize)+float64(c.Sweeps) > MaxSweeps {
		f, v := "Sweeps", c.Sweeps
		if c.Thermalize > c.Sweeps {
			f, v = "Thermalize", c.Thermalize
		}
		return bad(f, strconv.Itoa(v), "Thermalize %d + Sweeps %d = %.4g sweeps per temperature: at most 10^15", c.Thermalize, c.Sweeps, float64(c.Thermalize)+float64(c.Sweeps))
	}
	if c.SampleEvery < 0 {
		return bad("SampleEvery", strconv.Itoa(c.SampleEvery), "must be >= 0 (0: no snapshots)")
	}
	if c.Window == 0 {
		c.Window = 6
	}
	if !(c.Window > 0) || math.IsInf(c.Window, 0) {
		return bad("Window", fmt.Sprint(c.Window), "must be a finite number > 0")
	}
	if c.Streams != nil {
		if len(c.Streams) != len(c.Betas) {
			return bad("Streams", "", "%d stream ids for %d temperatures: want one per temperature", len(c.Streams), len(c.Betas))
		}
		seen := map[uint64]bool{streamSwaps: true}
		for _, s := range c.Streams {
			if seen[s] {
				return bad("Streams", fmt.Sprint(s), "stream ids must be distinct (and differ from the swap stream %#x)", streamSwaps)
			}
			seen[s] = true
		}
	}
	if !c.Shard.Valid() {
		return bad("Shard", c.Shard.String(), "want k/n with integers 1 <= k <= n")
	}
	if c.Shard.N > 0 && c.Algorithm == mc.PT {
		return bad("Shard", c.Shard.String(), "cannot split pt (its temperatures form one ladder): run pt unsharded")
	}
	if c.CheckpointEvery < 0 {
		return bad("CheckpointEvery", c.CheckpointEvery.String(), "must be > 0 (0 means 10s)")
	}
	if c.CheckpointEvery == 0 {
		c.CheckpointEvery = 10 * time.Second
	}
	if c.Resume && c.Checkpoint == "" {
		return bad("Resume", "", "needs a Checkpoint file")
	}
	if c.Workers < 0 {
		return bad("Workers", strconv.Itoa(c.Workers), "must be >= 0 (0 means GOMAXPROCS)")
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 250 * time.Millisecond
	}
	return c, nil
}

// MaxSweeps bounds Thermalize + Sweeps per temperature (10^15: even a
// one-site model at one sweep per nanosecond needs 12 days), so that every
// count derived from it fits in an int64.
const MaxSweeps = 1e15

// MaxUpdates bounds the single-spin updates of a run, (Thermalize + Sweeps)
// x sites x temperatures: 10^16 is four months at one update per
// nanosecond, beyond any sensible job.
const MaxUpdates = 1e16

// CheckResources refuses, before anything is allocated, a run of cfg on a
// model of n sites whose time or memory is absurd: more than MaxUpdates
// single-spin updates, or kept series (16 bytes per measurement and
// temperature) and spin snapshots (n bytes each) beyond the memory budget
// (internal/budget). Errors are *ConfigError naming the field to change.
// Run calls it; callers can call it earlier.
func CheckResources(n int, cfg Config) error {
	c, err := cfg.normalized()
	if err != nil {
		return err
	}
	temps := len(c.Betas)
	if c.Shard.N > 0 {
		temps = c.Shard.count(len(c.Betas))
	}
	sweeps := float64(c.Thermalize) + float64(c.Sweeps)
	if u := sweeps * float64(n) * float64(temps); u > MaxUpdates {
		return &ConfigError{Field: "Sweeps", Value: strconv.Itoa(c.Sweeps), Msg: fmt.Sprintf(
			"(Thermalize %d + Sweeps %d) x %d sites x %d temperatures = %.3g single-spin updates, about %s at one update per nanosecond: at most %.0e",
			c.Thermalize, c.Sweeps, n, temps, u, years(u/1e9), MaxUpdates)}
	}
	meas := float64(c.Sweeps / c.MeasureEvery)
	var need float64
	if c.KeepSeries {
		need += 16 * meas * float64(temps)
	}
	if c.SampleEvery > 0 {
		need += float64(n) * math.Floor(meas/float64(c.SampleEvery)) * float64(temps)
	}
	if err := budget.Check("the kept series and spin snapshots", need, "Sweeps, or raise MeasureEvery or SampleEvery"); err != nil {
		return &ConfigError{Field: "Sweeps", Value: strconv.Itoa(c.Sweeps), Msg: err.Error(), Err: err}
	}
	return nil
}

func years(sec float64) string {
	switch {
	case sec < 2*86400:
		return fmt.Sprintf("%.3g hours", sec/3600)
	case sec < 2*3.15e7:
		return fmt.Sprintf("%.3g days", sec/86400)
	}
	return fmt.Sprintf("%.3g years", sec/3.15e7)
}

// streamSwaps is the random stream of the parallel-tempering swaps (the
// replicas use the temperature streams).
const streamSwaps uint64 = 0x7377617073000000

// stream returns the stream id of temperature k.
func (c *Config) stream(k int) uint64 {
	if c.Streams == nil {
		return uint64(k)
	}
	return c.Streams[k]
}

// Hash identifies the model and every setting of c that changes the numbers
// (not the shard, the checkpoint or progress settings): the "config" of
// mc.Output, which shard merges and checkpoints check. c must be
// normalized.
func hash(m *lattice.Model, c *Config) string {
	h := sha256.New()
	fmt.Fprintf(h, "isingrbm mc v1\nkind %s dims %v boundary %v\n", m.Geometry.Kind, m.Geometry.Dims, m.Geometry.Boundary)
	fmt.Fprintf(h, "sites %d\n", m.N)
	for _, b := range m.Bonds() {
		fmt.Fprintf(h, "b %d %d %x\n", b.I, b.J, math.Float64bits(b.Coupling))
	}
	for _, f := range m.Fields {
		fmt.Fprintf(h, "h %x\n", math.Float64bits(f))
	}
	fmt.Fprintf(h, "alg %s local %s order %s kernel %s seed %d therm %d sweeps %d every %d window %v\n",
		c.Algorithm, c.Local, c.Order, c.Kernel, c.Seed, c.Thermalize, c.Sweeps, c.SampleEvery, math.Float64bits(c.Window))
	fmt.Fprintf(h, "measure-every %d\n", c.MeasureEvery)
	if c.Correlations || c.Overlap {
		fmt.Fprintf(h, "correlations %v overlap %v extra-every %d\n", c.Correlations, c.Overlap, max(c.ExtraEvery, 1))
	}
	for _, b := range c.Betas {
		fmt.Fprintf(h, "beta %x\n", math.Float64bits(b))
	}
	if c.Streams != nil {
		fmt.Fprintf(h, "streams %v\n", c.Streams)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
