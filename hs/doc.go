// Package hs performs the Hubbard–Stratonovich transformation of an Ising
// model into a restricted Boltzmann machine with Gaussian hidden units whose
// marginal is exactly the Ising distribution. (Being built: see issue 5.)
package hs
