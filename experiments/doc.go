// Package experiments reads the TOML experiment specifications shipped in this
// directory and runs them end to end: exact thermodynamics (package
// transfer), Monte Carlo with error bars (mc), the Hubbard–Stratonovich
// equivalence (hs), RBM Gibbs sampling and the cumulant expansion (rbm), then
// the comparison figures (plots).
//
// # Conventions
//
// Spins s_i in {-1,+1}; H(s) = -sum_{bonds} J_ij s_i s_j - sum_i h_i s_i;
// p(s) = exp(-beta H(s))/Z with k_B = 1, T = 1/beta in units of J. State k of
// an enumeration table has s_i = +1 iff bit i of k is set. Per-site
// observables are those of transfer.Result and mc.TempResult.
//
// # Spec format
//
//	name = "quickstart"              # required, [A-Za-z0-9_-]+
//	description = "..."
//	seed = 1                         # master seed of every random stream
//
//	[lattice]                        # lattice.Spec: kind, size, boundary, J, h, disorder, ...
//	kind = "square"
//	size = "4x4"                     # or, at top level, sizes = ["4x4", "8x8"]
//
//	[exact]                          # auto, enumerate, transfer, kaufman, dos, chain, onsager,
//	methods = ["transfer|kaufman", "onsager"]   # or "a|b": the first that applies to each size
//	T_range = [1.0, 4.0, 0.05]       # or T = [...] or beta = [...]
//
//	[exact_z]                        # ln Z by several methods per size; Kaufman -> Onsager
//	T = [1.5, 2.269, 3.5]
//	methods = ["enumerate", "transfer", "kaufman", "dos"]
//	convergence_L = [4, 8, 16, 32, 64]
//
//	[mc]                             # algorithms: metropolis, heatbath, wolff, sw
//	algorithms = ["metropolis", "wolff"]
//	T = [1.5, 2.0, 2.5]
//	thermalize = 1000                # zero value: sweeps/10
//	sweeps = 20000                   # required, >= 100
//	snapshot_T = 2.25                # optional spin snapshot figure
//
//	[hs]                             # state-by-state HS equivalence at one T
//	T = 2.5
//	hidden = ["gaussian", "bond"]
//	extra = [{ kind = "complete", size = "10", scale = "sqrtn", disorder = "gaussian", sigma = 1 }]
//	continuum = { kind = "chain", size = "3" }   # Gauss–Hermite check of the continuum integral
//
//	[rbm_sampling]                   # block Gibbs on the Gaussian-hidden HS RBM
//	T = [2.0, 2.5]
//	sweeps = 20000
//
//	[cumulants]                      # random RBMs: exact couplings vs cumulant series
//	visible = 10
//	hidden = 6
//	hidden_types = ["bernoulli", "gaussian"]
//	order = 8
//
//	[learning]                       # RBMs trained with rbm train's defaults on Wolff samples,
//	T = [1.8, 2.3]                   # sampled and compared with exact values (learning.go)
//	hidden = [16, 64]                # hidden units, one model per entry and hidden type
//	hidden_types = ["auto"]          # auto (gaussian for spins), bernoulli, spin, gaussian
//	samples = 50000
//	sample_every = 2
//	method = "auto"                  # auto, exact, pl, pcd, cd
//	gibbs_chains = 200
//	gibbs_sweeps = 2000
//	[learning.kl]                    # optional: exact KL vs hidden units and samples on a small lattice
//	size = "4x4"
//	T = 2.269
//
//	[figures]
//	formats = ["png", "svg"]         # png, svg, pdf
//	thermo = ["u", "c", "absm", "chi_abs", "U4"]
//
// An [rg] section (RGSpec; experiments/rg.toml) adds the renormalization-group
// study: the flow diagram, MCRG at T_c on the spec's periodic square lattice,
// stacked RBMs and Hopfield retrieval.
//
// Unknown keys, wrong types and bad values are errors of the form
// FILE:LINE: key: problem (allowed values).
//
// # Reproducibility
//
// Every random stream is internal/rng.New(seed, id) with id a hash of what it
// is used for ("mc/wolff/4x4/3": algorithm, size, temperature index), so the
// data files are byte-identical between runs and independent of the number
// of workers. Wall times go to manifest.json only. A run writes into
// DIR/.staging-* and moves data/ and figures/ into place, then writes
// manifest.json, only when every computation succeeded; an interrupted run
// leaves DIR as it was (a killed process may leave a .staging-* directory,
// never a half-written output file).
//
// # Sharding
//
// The Monte Carlo and RBM-sampling chains of a spec can be split over
// machines: Options.Shard {K, N} runs the chains j with j mod N = K-1 and
// writes DIR/shards/NAME.K-of-N.gob; Options.Merge then reads every shard
// (all K of one N, made by the same spec, else an error) and runs the rest.
// Because every chain has its own random stream, the merged data files are
// byte-identical to an unsharded run's.
package experiments
