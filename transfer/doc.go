// Package transfer computes exact partition functions and thermodynamics of
// small Ising models: enumeration, the 1D and 2D transfer matrices, Kaufman's
// finite-torus formula, Onsager's infinite-lattice solution and Beale's exact
// density of states. (Being built: see issue 3.)
package transfer
