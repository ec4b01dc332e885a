// Package mcrun runs Monte Carlo over a list of temperatures: the library
// form of 'isingrbm mc'. The command line only parses its flags into a
// Config, calls Run and prints the Result; experiments use the same call.
//
//	m, _ := lattice.Square(32, 32, lattice.Periodic, lattice.Periodic)
//	res, err := mcrun.Run(ctx, m, mcrun.Config{
//		Algorithm: mc.Wolff, Betas: []float64{0.40, 0.44, 0.48},
//		Sweeps: 100000, Thermalize: 5000, Seed: 7,
//		Checkpoint: "scan.ckpt", Resume: true, // optional
//	})
//	for _, r := range res.Output.Results { fmt.Println(r.Temperature, r.HeatCapacity) }
//
// # What Run does
//
// Every temperature k of Config.Betas is one mc.Chain (or, for mc.PT, one
// mc.Tempering over the whole ladder) with its kernel seeded by
// internal/rng.New(Seed, k) (Config.Streams may rename the streams; the
// swaps of parallel tempering have their own stream). The chains run in
// parallel, at most Config.Workers (GOMAXPROCS) at a time; since no random
// source is shared, the result does not depend on the number of cores, on
// the shard split or on interruptions.
//
// Kernels. Config.Kernel Auto (the zero value) uses a kernel of mc/fast
// when one applies — a square or simple cubic lattice, periodic on every
// axis, standard bond list, uniform J and h: Metropolis and heat bath with
// mc.Sequential order and even lengths (the checkerboard kernel), Wolff and
// Swendsen–Wang with J > 0 and h = 0 — and the generic kernel of package mc
// otherwise; Generic always uses the generic kernels; Fast fails with a
// *ConfigError on Kernel where no fast kernel applies. FastKernel exposes
// the choice, and the fastKernels table in kernels.go is its registry (one
// entry per algorithm that has a fast kernel).
//
// Checkpoints. With Config.Checkpoint set, Run writes the complete state
// (spins, random-source states, recorded series, counters of every chain,
// gob-encoded, atomically: temporary file and rename) every
// CheckpointEvery, at the end, and when ctx is cancelled; it then stops at
// a sweep boundary and returns an error wrapping ErrInterrupted. With
// Resume it continues from the file (or starts afresh, with a notice to
// Config.Log, if the file does not exist yet), and the result is the same,
// byte for byte, as an uninterrupted run's (Seconds aside). A checkpoint
// records the config hash (model and every number-changing field) and the
// shard: the checkpoint of another run is refused; without Resume an
// existing file is an error, never overwritten.
//
// Shards. Config.Shard {K, N} runs temperatures K-1, K-1+N, ... (round
// robin: every shard gets a spread of cheap and expensive temperatures) with
// the same streams as the whole run; Merge checks that n outputs are the n
// shards of one run, each exactly once with exactly its temperatures, and
// returns the output of the unsharded run. ParseShard is the one parser of
// "k/n" (also for 'isingrbm run --shard', whose chains are assigned by the
// same rule, Shard.Owns).
//
// Observables. Config.Correlations adds the correlation function and the
// second-moment correlation length, Config.Overlap a twin replica per
// temperature (a twin ladder for parallel tempering) and the overlap
// moments (see package mc, "Correlations and overlap"); both are in the
// config hash, so checkpoints and shards of runs with and without them do
// not mix. RunDisorder runs one Run per disorder instance (instance k is
// exactly the run of the model of seed k) and adds the disorder averages
// (mc.DisorderAverage); it refuses Shard and checkpoints each instance to
// Checkpoint + ".disorder<seed>".
//
// Errors. An invalid field, a checkpoint that cannot be used, or Kernel Fast
// without a fast kernel gives a *ConfigError with the Go field name; its
// message refers to other fields by their Go names, which the command line
// rewrites into flag names.
package mcrun
