// Package rbm is a restricted Boltzmann machine library: Bernoulli, spin and
// Gaussian layers, marginal energies, exact and AIS log Z, Gibbs sampling,
// training, and the cumulant expansion. (Being built: see issues 5 and 6.)
package rbm
