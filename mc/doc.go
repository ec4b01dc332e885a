// Package mc samples Ising spins by Monte Carlo: Metropolis, heat bath, Wolff,
// Swendsen–Wang and parallel tempering, with error bars from the integrated
// autocorrelation time. (Being built: see issue 4.)
package mc
