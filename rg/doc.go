// Package rg is the renormalization-group side of isingrbm: exact decimation
// as the marginal of a restricted Boltzmann machine, RG flows with their
// fixed points, Monte Carlo renormalization group in two and three
// dimensions, stacked RBMs trained on Ising samples, and the retrieval of
// Hopfield networks.
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
// The same on the simple cubic lattice (MCRGConfig.Dim = 3, default at
// beta_c = 0.221654626): 2x2x2 blocks, majority of 8 with a fair coin for
// ties, and 6 even interactions (nearest, face-diagonal, body-diagonal and
// (2,0,0) pairs, plaquette, (2,1,0) pairs) with the same 3 odd ones. On
// 32^3 with 6000 Wolff sweeps (110 s on one shared core), levels 1, 2, 3:
// y_t = 1.424(10), 1.512(11), 1.556(14) against 1/nu = 1.5874, y_h =
// 2.4586(4), 2.4605(12), 2.4739(26) against 2.4819 (YT3D, YH3D); 16^3 with
// 20000 sweeps gives y_t = 1.423(5), 1.499(9) and y_h = 2.4593(5),
// 2.4597(15) at levels 1, 2. The estimates approach the 3D values from below
// with the level, more slowly than in 2D: six even couplings truncate the
// 3D Hamiltonian more, and the largest lattice blocked three times ends on
// a 4^3 lattice.
//
// # Stacked RBMs
//
// Stack trains the stack of P. Mehta and D. J. Schwab (arXiv:1410.3831) on
// Wolff samples (IsingSamples): layer 1 on the spins, layer l+1 on hidden
// samples of layer l, CD-1 with an L1 penalty and spin hidden units.
// ReceptiveFields, Gyration and LayerLocality measure how local the hidden
// units' receptive fields are against random Gaussian maps (and a stack
// trained on site-permuted samples); Flow runs the RBM flow of repeated
// reconstructions (S. Iso, S. Shiba and S. Yokoo, PRE 97, 053304 (2018)).
// FieldsFigure, LocalityFigure and StackFlowFigure draw them. On 16x16 at
// T_c (5000 samples, layers 64 and 16, 30 epochs) the mean radius of
// gyration is 0.39 of the random maps' in layer 1 and 0.67 in layer 2: the
// receptive fields are local and grow with depth, like Kadanoff blocks.
//
// # Hopfield networks
//
// lattice.KindHopfield adds the Hopfield network, the model in which the RBM
// is most literal: its Hubbard–Stratonovich transform with the minimal shift
// has exactly P Gaussian hidden units with W W^T = (beta/N) Xi Xi^T (A. Barra,
// A. Bernacchia, E. Santucci and P. Contucci, Neural Networks 34, 1 (2012)).
//
// HopfieldRetrieval measures the retrieval overlaps m_mu = (1/N) sum_i
// xi_i^mu s_i by Metropolis chains started in a pattern, in the pattern
// representation (O(P) per update, checked against the mc Metropolis kernel
// on the same lattice.Hopfield network), against T and the load P/N;
// HopfieldFigure draws <max_mu |m_mu|> with the P/N -> 0 Curie–Weiss curve
// m = tanh(m/T). In the thermodynamic limit (Amit, Gutfreund and Sompolinsky,
// PRL 55, 1530 (1985)) retrieval holds below T_M(P/N), T_M -> 1 as P/N -> 0,
// up to P/N ~ 0.138 at T = 0. With N = 200 (4 pattern sets, 2000 sweeps):
// P/N = 0.005 follows m = tanh(m/T) (0.956 at T = 0.5, 0.24 at T = 1 where
// the finite network has no sharp transition); P/N = 0.05 retrieves
// (m > 0.99) up to T = 0.3 and loses it between 0.4 and 0.7; P/N = 0.1 only
// at T <= 0.2; P/N = 0.14 does not retrieve reliably even at T = 0.1
// (0.74 ± 0.15 over the pattern sets). Without retrieval max_mu |m_mu| stays
// near 0.5 (spin-glass and mixture states overlap with some pattern) and, in
// the paramagnet, at the O(1/sqrt N) level of fluctuations: small networks
// show smooth crossovers, not the transitions of the limit.
package rg
