// Package rg is the renormalization-group side of isingrbm: exact
// decimation as the marginal of a restricted Boltzmann machine, RG flows,
// and Monte Carlo renormalization group.
package rg
