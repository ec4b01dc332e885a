// Package mc samples Ising spins by Markov-chain Monte Carlo and measures
// thermodynamics with error bars.
//
// # Conventions
//
// Spins s_i in {-1,+1} (int8); H(s) = -sum_{bonds} J_ij s_i s_j - sum_i h_i s_i;
// the chains sample p(s) = exp(-beta H(s))/Z with k_B = 1. A doubled pair on a
// periodic axis of length 2 carries 2J (lattice.Model merges it). Per-site
// observables use m = (1/N) sum_i s_i; see TempResult for the list.
//
// # Kernels
//
// A Kernel is one Markov chain at a fixed inverse temperature; the drivers
// call Sweep once per sweep and then read Energy and Magnetization (tracked by
// the kernel, so a measurement costs O(1)). The generic kernels work for every
// lattice.Model — any graph, couplings of either sign, site-dependent fields:
//
//   - Metropolis (NewMetropolis): propose s_i -> -s_i, accept with
//     min(1, e^{-beta dE}), dE = 2 s_i (sum_j J_ij s_j + h_i).
//   - Heat bath (NewHeatBath): set s_i = +1 with probability
//     sigmoid(2 beta h_i^eff) regardless of its old value.
//     Both visit N sites per sweep, in Random order (uniform with replacement,
//     detailed balance at every step) or Sequential order (0..N-1; each step
//     is reversible, the sweep satisfies global balance).
//   - Wolff (NewWolff) and Swendsen–Wang (NewSwendsenWang): a bond is
//     satisfied when J_ij s_i s_j > 0 and is activated with probability
//     1 - e^{-2 beta |J_ij|}; Wolff grows and flips one cluster from a random
//     seed, Swendsen–Wang flips every cluster with probability 1/2. For
//     J_ij < 0 the same rule is the correct Fortuin–Kasteleyn construction
//     (the bond is satisfied by antiparallel spins). A field enters through a
//     ghost spin s_0 coupled to site i by h_i: the extended system has no
//     field and is symmetric under a global flip, and the physical spins are
//     s_i s_0. In a frustrated model (spin glass) clusters percolate and the
//     cluster methods are no faster than local moves; they remain correct.
//
// A Wolff sweep is a fixed number of clusters chosen after thermalization so
// that a sweep flips about N spins (Adapter). Ending a sweep "when N spins have
// been flipped" instead would make the measurement time depend on the
// configuration, which biases results badly on small lattices (u = -1.76
// instead of -1.565 on the 4x4 torus at T = 2.27; the tests check this).
//
// Specialised kernels (package mc/fast: periodic square and cubic lattices,
// uniform coupling and field) implement the same interface; package mc/mcrun
// chooses them when they apply (Kernel auto, the default of mcrun.Run and of
// 'isingrbm mc').
//
// The algorithms are listed in one registry (algorithms.go, Registry): name,
// aliases, help line, whether it is a cluster move, and the constructor of
// its generic kernel. ParseAlgorithm, Algorithm.Cluster, NewKernel, the
// parallel-tempering local moves and the command-line help all read it.
//
// # Drivers
//
// Chain runs one kernel: RunConfig.Thermalize discarded sweeps, then
// RunConfig.Sweeps measured sweeps, recording the total energy and
// magnetization after every sweep (and optionally spin snapshots). Tempering
// is parallel tempering over a ladder of temperatures (any kernel that
// implements BetaSetter as the local move): after one local sweep of every
// replica, swaps of the replicas at ladder neighbours (k, k+1) are proposed in
// order k = 0..K-2 and accepted with min(1, e^{(beta_k - beta_{k+1})(E_k -
// E_{k+1})}) (total energies); the acceptance of each pair is reported.
//
// Both drivers stop at a sweep boundary when their context is cancelled and
// save their complete state with MarshalBinary (kernel spins and random
// source, recorded series, counters); UnmarshalBinary into a freshly built
// driver continues bit for bit, so an interrupted and resumed run gives the
// same bytes as an uninterrupted one.
//
// # Running a temperature list: package mc/mcrun
//
// Chain and Tempering run one kernel or one ladder. Package mc/mcrun is the
// library entry point for a whole run, what 'isingrbm mc' does:
// mcrun.Run(ctx, model, mcrun.Config{...}) picks the kernels (fast or
// generic), runs the temperatures in parallel, writes and resumes
// checkpoints, runs one shard of the list, and returns the analysed
// results with their series and final spins. It is a separate package
// because mc/fast imports mc (the fast Wolff kernel shares WolffAdaptation),
// so mc cannot import mc/fast.
//
// # Adding an algorithm
//
// A new update touches these files and nothing else:
//
//   - mc/<name>.go: the kernel, implementing Kernel and BetaSetter (and
//     Adapter if it tunes itself during thermalization), with its binary
//     checkpoint;
//   - mc/algorithms.go: a constant and one registry entry (name, aliases,
//     help, Cluster, New);
//   - mc/mc_test.go: an entry in algos, so that it is checked against the
//     exact results (and checkpoints against TestChainResume);
//   - optionally, when mc/fast gets a specialised kernel for it, one entry
//     in the fastKernels registry of mc/mcrun/kernels.go.
//
// The command line ('isingrbm mc --algorithm', '--local'), the experiments
// ([mc] algorithms), parallel tempering, checkpoints and shards pick it up
// from the registry.
//
// # Reproducibility
//
// No global random number generator is used: each kernel owns a math/rand/v2
// source, by convention internal/rng.New(seed, stream) with the stream equal
// to the index of the temperature (or replica) in the full temperature list.
// A chain's result therefore depends only on the model, the algorithm, the
// seed and the stream — not on GOMAXPROCS, on how temperatures are spread over
// goroutines or shards, or on when it was checkpointed.
//
// # Error analysis
//
// A chain does not keep its time series (unless RunConfig.KeepSeries asks
// for it): every measurement goes into a Stream, whose memory does not grow
// with the run length.
//
//   - Bins. The sums of u = E/N, u^2, |m|, m, m^2 and m^4 over bins of b
//     consecutive measurements, at most RunConfig.BinCapacity bins
//     (DefaultBinCapacity = 2^17, 6 MiB). When the buffer fills, neighbouring
//     bins are merged pairwise and b doubles, so a run of n measurements is
//     kept as between C/2 and C bins of b = 2^k measurements (b = 1 while
//     n <= C: the full series).
//   - Exact sums. The totals of the six observables and of m^8, and the
//     power sums of u - u_0 up to the fourth: exact means over every
//     measurement and exact full-resolution variances (also of the energy
//     fluctuation (u - <u>)^2, from the central moments).
//   - Energy histogram (EnergyHistogram, for reweighting): per distinct
//     total energy and per each of 32 consecutive blocks of the run, the
//     count and the sums of |m|, m^2, m^4; at most MaxEnergyLevels levels.
//
// Stream.Analyze (and Analyze, for a series held in memory: one bin per
// measurement) turns this into a TempResult. For each primary series (u,
// |m|, m, m^2, m^4) the mean is exact. At full resolution (b = 1) its error
// is sqrt(2 tau_int Var/n), with the integrated autocorrelation time
// tau_int(W) = 1/2 + sum_{t=1}^{W} rho(t) summed up to the smallest window W
// with W >= c tau_int(W) (automatic windowing, Madras and Sokal 1988; c = 6 by
// default; U. Wolff, Comput. Phys. Commun. 156 (2004) 143, hep-lat/0306017);
// the autocorrelation function comes from one FFT (gonum dsp/fourier) of the
// zero-padded series, O(n log n), also when the window does not converge.
// With bins of b > 1 the same windowing runs on the series of bin means,
// which gives the error sqrt(2 tau_B Var_B/n_B) (tau_B in bins: about 1/2
// once b >> tau_int; the bin-to-bin correlations it sums restore what bins
// of a few tau_int lose), and tau_int is reported in measurements as the
// value that gives this error with the exact full-resolution variance:
// tau_int = n Error^2/(2 Var). The analysis therefore costs O(C log C)
// whatever the run length (about 0.1 s per temperature), and the tests show
// on 2^19- and 2^21-measurement series that it agrees with the
// full-resolution analysis (errors and tau_int within 10-15 %, the accuracy
// of the error estimates themselves; means to rounding).
//
// A binning analysis with blocks of at least 10 tau_int (BinLayout, rounded
// to whole bins) is reported beside it (binning_error) as a cross-check,
// with a warning when it exceeds the tau_int error by more than a factor 1.5
// (a slow mode the window missed). Derived quantities — heat capacity
// c = beta^2 N (<u^2> - <u>^2) (from the centred power sums),
// susceptibility chi = beta N (<m^2> - <m>^2)
// (and chi' with <|m|>), Binder U4 = 1 - <m^4>/(3<m^2>^2) — are evaluated at
// the exact means and get jackknife errors over the same blocks. When the
// run is shorter than 50 tau_int (the
// largest of the series) or a window does not converge before n/2, the result
// carries a warning: the error bars are then not trustworthy. An
// anticorrelated series (negative sum of rho) is given tau_int = 1/2, which
// overstates its error rather than understating it. Stream.Analyze honours
// its context (package mcrun cancels the analysis on SIGINT).
//
// # Correlations and overlap
//
// With RunConfig.CorrelationL = L (mcrun.Config.Correlations: a chain,
// LxL square or LxLxL cubic lattice, periodic, d axes, N = L^d, site x_0 +
// L x_1 + L^2 x_2) every measurement (every ExtraEvery-th) records
//
//	G(r)    = (1/(N d)) sum_{a=1..d} sum_i s_i s_{i + r e_a},   r = 0..L/2
//	F(0)    = (1/N) |sum_i s_i|^2 = N m^2
//	F(k_a)  = (1/N) |sum_i s_i e^{i 2 pi x_a(i)/L}|^2,          averaged over the d axes
//
// (direct sums along the lines of each axis, N d (L/2 + 1) integer
// multiply-adds, and one projection per axis for F(k_a)). The output has
// "correlation_function" = [{distance r, mean <G(r)>, error}] (G(0) = 1
// exactly; the full, not the connected, correlation: at h = 0 on a finite
// lattice <s_i> = 0) and "correlation_length", the second-moment length of
// Cooper, Freedman and Preston (Phys. Rev. B 26 (1982) 2721):
//
//	xi = sqrt(chi/F - 1) / (2 sin(pi/L)),  chi = <F(0)> = N <m^2>,  F = <F(k_min)>
//
// with the structure factor normalised by 1/N as above (so chi is the
// susceptibility without the factor beta), and xi = 0 when chi <= F
// (possible from noise far above T_c). It is not the exponential
// (row-to-row) correlation length: the two agree in the scaling limit
// (xi_exp/xi_2nd -> 1.0004 as T -> T_c+ in 2D) and differ by a few percent
// at xi of a few lattice spacings.
//
// With RunConfig.Overlap the driver carries a twin, an independent replica
// with its own random stream (Chain.Twin; for parallel tempering a whole
// second ladder, Tempering.SetTwin, with its own swaps), swept in lockstep;
// every measurement records q^2 and q^4 of the overlap q = (1/N) sum_i
// s_i^a s_i^b between the kernel and its twin at the same temperature. The
// output has "overlap_q2", "overlap_q4" and "overlap_binder" g = (3 -
// <q^4>/<q^2>^2)/2. Only the first replica feeds the other observables, so
// they are the same with and without the twin. This works for any model (EA
// ±J, Gaussian, SK, ferromagnets).
//
// Both go into a VecStream (one per temperature): the sums of the vector
// (G(0..L/2), F(0), F(k_min), q^2, q^4) over bins that merge pairwise when
// the RunConfig.ExtraBins (DefaultExtraBins = 1024) bins are full, and the
// exact sums and sums of squares — bounded memory, saved in checkpoints
// (which resume bit for bit). The means are exact; the errors of G(r), q^2,
// q^4 come from automatic windowing on the bin means as for the primary
// series (tau_int reported in measurements of the extra series times
// ExtraEvery), xi and g get jackknife errors over blocks of at least 10
// tau_int (BinLayout) with tau_int the largest of the primary series and of
// the extra components. The tests compare G(r) and xi on the 4x4 torus and
// <q^2>, <q^4>, g of ±J instances of the 3x3 torus (single chains and
// parallel tempering) with enumeration, within 4 sigma and with bounds on
// the errors, and xi on a 16x16 torus at T = 2.8 (32x32 at T = 2.6 and 2.8
// with ISINGRBM_LONG=1) with the exact infinite-lattice exponential length
// 1/xi_exp = ln coth K - 2K within 10 % + 4 sigma (measured ratios 0.957 ±
// 0.018 at L = 16; 1.022 ± 0.016 and 1.041 ± 0.029 at L = 32).
//
// DisorderAverage (used by mcrun.RunDisorder) averages results over
// disorder instances: [X] is the mean of the instances' thermal means with
// the error max(sd of the instance means/sqrt(n), sqrt(sum_i e_i^2)/n) —
// the first already contains the instances' thermal noise, the second is
// the floor for n = 1 or nearly identical instances; the Binder cumulants
// are ratios of disorder averages with jackknife errors over instances.
//
// # Reweighting
//
// Reweighter (and Reweight) implement single- and multiple-histogram
// reweighting (Ferrenberg and Swendsen 1988, 1989) from the energy
// histograms the chains keep. Since the Boltzmann weight depends on the
// configuration only through E, a histogram over E with the per-level sums
// of |m|, m^2 and m^4 loses nothing for these observables (unlike a thinned
// series), and its size is set by the number of distinct energies, not by
// the run length. Models with more than MaxEnergyLevels distinct energies
// (continuous couplings) cannot be reweighted; the error says so. The
// density of states ln Omega(E) solves the multiple-histogram equations
// ln Omega(E) = ln sum_k H_k(E) - ln sum_k n_k e^{f_k - beta_k E},
// f_k = -ln sum_E Omega(E) e^{-beta_k E}, iterated in log space (log-sum-exp)
// to max |df| < 1e-11; one run is single-histogram reweighting. At a target
// beta: u, c (from the centred second moment), <|m|>, <m^2>, <m^4>, U4,
// chi' and dU4/dT (from the energy correlations <A E> - <A><E>, no finite
// differences). Errors: the whole procedure is repeated with each of the 32
// blocks of the run left out of every histogram (jackknife). A temperature is
// refused unless the reweighted mean energy lies within the 1 %..99 %
// quantiles of some run's histogram (overlapping runs merged) and the
// effective number of measurements behind the reweighted distribution is at
// least 5 % of the measurements per run; runs whose histograms share no
// energy are refused outright. The tests check the formulas exactly against
// enumeration (4x4 torus, single and multiple histogram) and Wolff runs on
// the 16x16 torus against Kaufman (u and c within 4 sigma, errors bounded).
//
// The tests run every algorithm on the 4x4 and 6x6 torus at T = 2.0, 2.27 and
// 3.0, a frustrated ±J model with random fields on 12 sites, and Wolff with a
// ghost spin in a uniform field, and require agreement with exact results
// (transfer.Enumerate, an independent transfer matrix, Krauth's 6x6 table)
// within 4 reported standard errors, and reported errors below fixed bounds,
// so that both wrong means and inflated error bars fail.
//
// # Files
//
// WriteSamples/ReadSamples: spin snapshots as .npy (int8, shape [samples, N],
// C order, values ±1) or .csv (one sample per line, ±1 comma separated, no
// header). WriteSeries: the measurement series as .npy (float64 [sweeps, 2]:
// energy, magnetization, totals) or .csv with header sweep,energy,magnetization.
package mc
