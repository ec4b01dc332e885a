// Package lattice builds Ising models: chains, square, triangular and simple
// cubic lattices, complete graphs and arbitrary edge lists, with periodic or open
// boundaries per axis, uniform or random couplings, and uniform or random fields.
//
// # Conventions
//
// Spins are s_i in {-1,+1}, stored as int8. The Hamiltonian is
//
//	H(s) = -sum_{bonds (i,j)} J_ij s_i s_j - sum_i h_i s_i
//
// and the Boltzmann distribution is p(s) = exp(-beta H(s)) / Z.
//
// Bonds are kept as a list; a pair may appear more than once. On a periodic
// axis of length 2 both bonds (i, i+1) and (i, i-1) join the same two sites and
// both are kept, so that pair carries 2J; this is the convention of Kaufman's
// finite-torus formula. A periodic axis of length 1 would make a self-loop and
// is rejected. The coupling matrix J_ij sums all bonds of a pair.
//
// Sites are numbered x + Lx*(y + Ly*z) on lattices. Every bond of a lattice
// goes from a site to its +x, +y (and +z) neighbour; the triangular lattice
// adds the (+x, +y) diagonal, so each site has 6 neighbours on a large torus.
//
// # Disorder
//
// Couplings and fields are drawn from a math/rand/v2 source given by the
// caller (see Spec and internal/rng), so an instance is reproducible from its
// seed. Bonds are drawn in bond-list order, then fields in site order.
package lattice
