// Package rg is the renormalization-group side of isingrbm: exact decimation
// as the marginal of a restricted Boltzmann machine, RG flows with their
// fixed points, and Monte Carlo renormalization group.
//
// # Conventions
//
// Spins s_i in {-1,+1}; H(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i;
// p(s) = exp(-beta H)/Z; K = beta J and B = beta h are dimensionless. RBM
// energy E(v,h) = -sum_i a_i v_i - sum_mu b_mu h_mu - sum_{i,mu} v_i W_{i mu} h_mu
// (package rbm).
//
// # Hidden units are what the RG integrates out
//
// Kadanoff's block picture (L. P. Kadanoff, Physics 2, 263 (1966)) replaces
// spins by fewer effective ones; the simplest exact instance is decimation.
// On a bipartite lattice (a chain, or a square lattice with even periodic
// sides) no two sites of one sublattice are bonded, so summing that sublattice
// out is marginalizing the hidden layer of an RBM: the kept spins are the
// visible units (bias a_i = beta h_i), the decimated spins are spin hidden units
// (bias b_mu = beta h_mu), and W_{i mu} = beta J_{i mu} on the bonds between them
// (Build). Because hidden units do not interact, the marginal factorizes:
//
//	ln w(s) = ln sum_{decimated} e^{-beta H}
//	        = sum_i a_i s_i + sum_mu ln 2cosh(b_mu + sum_i W_{i mu} s_i)
//	        = c_0 + sum_S c_S prod_{i in S} s_i,
//
// which is -F(v) + sum_mu LogNorm_mu of package rbm. Each ln 2cosh term depends
// only on the few neighbours of its hidden unit, so its Walsh expansion
// (rbm.WalshTransform over 2^d states, d <= 4 on the square lattice) is exact
// and cheap, and the sum over hidden units gives the exact effective
// couplings c_S of any size of lattice (Expand, Decimate). They are the exact
// versions of the cumulant-expansion couplings of package rbm: a spin prior
// has non-zero cumulants of every even order (of every order in a field), so
// the decimated model has every k-body term its neighbourhoods allow. The tests compare every c_S with brute-force
// marginalization (enumerating the decimated spins with the model's own
// energy, then Walsh-transforming ln w over the kept spins) on chains and
// square lattices, periodic and open, uniform and random couplings and
// fields, to 1e-12 (observed ~2e-15).
//
// Closed forms (derived in closed.go, tested against Decimate): the chain
//
//	K' = (1/4) ln[cosh(2K+B) cosh(2K-B)/cosh^2 B],  B' = B + (1/2) ln[cosh(2K+B)/cosh(2K-B)]
//
// with a constant G per decimated spin (ChainStep); iterated down to one
// spin it gives the exact ln Z of the periodic chain (checked against package
// transfer to 1e-12). The square lattice at B = 0 (SquareCouplings):
// K1 = (1/4) ln cosh 4K (a nearest pair of the kept, rotated lattice shares two
// decimated sites), K2 = (1/8) ln cosh 4K (distance 2: one decimated site),
// plaquette K4 = (1/8) ln cosh 4K - (1/2) ln cosh 2K; on the 4x4 torus K2
// doubles (both ways round share a decimated site).
//
// # Flows
//
// The chain recursion (ChainFlow) has the attractive fixed line K = 0 and the
// unstable zero-temperature point K = ∞, B = 0: no transition. The square
// lattice does not close on a finite set of couplings; truncating to the
// nearest (K) and next-nearest (L) couplings gives the classic two-parameter
// maps (SquareRule): the lowest-order K' = 2K^2 + L, L' = K^2 of H. J. Maris
// and L. P. Kadanoff, Am. J. Phys. 46, 652 (1978), with the non-trivial fixed
// point (1/3, 1/9), lambda_t = (2 + sqrt 10)/3, nu = ln sqrt 2 / ln lambda_t
// = 0.638 and K_c = 0.3921 (exact: 0.4407, nu = 1); and the same truncation of
// the exact couplings, K' = (1/4) ln cosh 4K + L, L' = (1/8) ln cosh 4K, whose
// fixed point (0.507, 0.169) gives nu = 1.218 and K_c = 0.632 — keeping the
// full ln cosh without the plaquette and the couplings L itself generates is
// not better than the consistent lowest order. FlowFigure draws both with the
// chain flow.
//
// # Monte Carlo renormalization group
//
// MCRG follows R. H. Swendsen, Phys. Rev. Lett. 42, 859 (1979): configurations
// from a Markov chain (Wolff updates, package mc) at T_c are blocked by the b = 2
// majority rule of Th. Niemeijer and J. M. J. van Leeuwen (Physica 71, 17
// (1974); ties broken by a fair coin), level after level, and the derivatives
// of the blocked couplings with respect to the unblocked ones follow from
// correlation functions alone, T^(n) = B^{-1} A with A = <S^(n) S^(n-1)>_c and
// B = <S^(n) S^(n)>_c, without ever knowing the couplings. The leading even
// eigenvalue gives y_t, the leading odd one y_h. On 64x64 at T_c with 50000
// Wolff sweeps (25-45 s on one shared core) the levels 1, 2, 3 give
// y_t = 0.961(4), 0.995(5), 0.996(6) and y_h = 1.8807(1), 1.8756(3), 1.8741(4)
// against the exact 1 and 15/8.
//
// # Hopfield networks
//
// lattice.KindHopfield adds the Hopfield network, the model in which the RBM
// is most literal: its Hubbard–Stratonovich transform with the minimal shift
// has exactly P Gaussian hidden units with W W^T = (beta/N) Xi Xi^T (A. Barra,
// A. Bernacchia, E. Santucci and P. Contucci, Neural Networks 34, 1 (2012)).
package rg
