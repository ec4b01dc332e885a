// Package transfer computes exact partition functions and thermodynamics of
// Ising models: exhaustive enumeration, the 1D and 2D transfer matrices,
// Kaufman's finite-torus formula and Onsager's infinite-lattice solution.
// Everything is exact up to floating-point rounding and every method is
// cross-checked against the others in the tests.
//
// # Conventions
//
// Spins are s_i in {-1,+1}; H(s) = -sum_{bonds} J_ij s_i s_j - sum_i h_i s_i;
// p(s) = exp(-beta H(s))/Z with k_B = 1; K = beta J and B = beta h. On a
// periodic axis of length 2 the pair is bonded twice (coupling 2J), as in
// package lattice and in Kaufman's formula. State k of an enumeration table
// has s_i = +1 iff bit i of k is set. A Result holds per-site quantities with
// m = (1/N) sum_i s_i: f = -ln Z/(beta N), u = <H>/N,
// c = beta^2 (<H^2> - <H>^2)/N, <m>, <|m|>, <m^2>, <m^4>,
// U4 = 1 - <m^4>/(3 <m^2>^2), the connected susceptibility
// chi = beta N (<m^2> - <m>^2) and chi' = beta N (<m^2> - <|m|>^2) (with
// <|m|>, the usual finite-size estimator below T_c). Result.Has says which
// of them a method gives; the others are NaN and left out of the JSON form,
// never faked.
//
// # Methods
//
// Enumerate visits all 2^N states (N <= 36) in Gray-code order, so each step
// flips one spin and costs one local-field sum. The state space is cut by its
// high bits into a number of chunks that depends only on N; the chunks run on
// all cores and are combined in a fixed order, so the result does not depend
// on GOMAXPROCS. When the couplings and fields are integer multiples of a
// common quantum the states are counted exactly in an (E, M) histogram, from
// which any number of temperatures follow with no further pass; otherwise
// weights are summed in log space with a running scale and a weighted
// (West/Chan) variance update. LogProbabilities returns the whole table
// ln p(s) for N <= 24.
//
// Chain uses the 2x2 transfer matrix of the chain (Ising 1925; Kramers and
// Wannier, Phys. Rev. 60, 252 (1941)): ln Z from the closed form of its
// eigenvalues lambda_± = e^K cosh B ± sqrt(e^{2K} sinh^2 B + e^{-2K}),
// periodic Z = lambda_+^N + lambda_-^N, open as in PHYSICS.md.
//
// Strip is the row-to-row transfer matrix of the square lattice with uniform
// couplings and field, periodic or open in each direction. T = U D with D
// diagonal (in-row bonds and field) and U a product of one 2x2 factor per
// column, so a row costs O(W 2^W) (the sparse factorisation). An open
// propagation direction needs one vector; a periodic one needs the trace,
// Z = Tr T^L, one vector per class of start rows under the row symmetries
// (rotations and the reflection commute with T). A running log scale keeps
// the vector finite.
//
// MagnetizationDistribution (method "transfer-m") is the same row transfer
// matrix carrying the magnetization: the vector after each row is a table
// v[s][k], k the number of up spins so far, so Z(M) and thus the exact
// distribution P(M) of M = sum_i s_i come out, and with them <|m|> and chi',
// which are not derivatives of ln Z. D shifts row s by its number of up
// spins; the butterflies of U act on s for every k at once, so a row costs
// O(W 2^W (N+1)). The table is computed in zero field, where the global spin
// flip is a symmetry: the trace of a periodic propagation direction runs
// over the classes of start rows under rotations, the reflection and the
// flip (about 2^W/(4W) of them), a class of orbit O contributing
// (|O|/2)(p(M) + p(-M)), so P(M) = P(-M) exactly. Any field follows at no
// cost, P_h(M) ∝ P_0(M) e^{beta h M} (MagDist.WithField). Each column k
// carries its own running log scale, so the table spans any dynamic range.
// TransferM adds u and c from Strip's beta derivatives (in the field) to the
// moments of P_h(M): every quantity of Result. 8x8 torus ~20 ms, 10x10 with
// field ~0.3 s, 12x12 ~3 s on one core.
//
// Kaufman is the exact partition function of the finite m x n torus in zero
// field (B. Kaufman, Phys. Rev. 76, 1232 (1949)), isotropic or anisotropic,
// with the signed g_0 = 2b + ln tanh a (negative above T_c). The four
// Pfaffian terms are combined without cancellation: Z1 + Z2 and Z3 + Z4 are
// rewritten as sums of positive terms for either sign of g_0, so ln Z keeps
// full relative precision for any size (1024 x 1024 in about a millisecond).
//
// Onsager is the thermodynamic limit (L. Onsager, Phys. Rev. 65, 117 (1944)):
// ln Z/N by quadrature, u and c through the complete elliptic integrals K and
// E computed by the arithmetic-geometric mean, the spontaneous magnetization
// of C. N. Yang (Phys. Rev. 85, 808 (1952)) and K_c = ln(1 + sqrt 2)/2.
//
// DOS is the exact density of states g(E) of the isotropic torus in big
// integers (P. D. Beale, Phys. Rev. Lett. 76, 78 (1996)): with x = e^{-2K},
// pairing the factors k and 2n - k of Kaufman's products turns them into
// Chebyshev polynomials of cosh g_k, a rational function of x, and the two
// unpaired factors into rational functions of x, so Z = x^{-N} Q(x)/2^{N/2+1}
// with a polynomial Q computed in big.Float (1.5N + 128 bits) and rounded. The
// result checks itself: every coefficient is within 1/4 of an integer, odd
// powers vanish and sum g = 2^N. Z(beta) then follows at any beta from N+1
// terms.
//
// InfiniteStripLimit gives the free energy per site and the correlation
// length of an infinite strip from the two leading eigenvalues of the
// symmetric transfer matrix (power method with deflation).
//
// # Exact derivatives
//
// u, c and the magnetization moments of the transfer-matrix methods and of
// Kaufman's formula are exact derivatives of ln Z, not finite differences:
// the computation is carried out on truncated Taylor series (jets, Taylor-mode
// automatic differentiation) in beta (order 2: -N u and N c/beta^2) and in
// B = beta h at fixed beta (order 4: the first four cumulants of M = N m,
// from which <m>, <m^2>, <m^4>, U4 and chi follow). The Taylor variable is
// centred on the mean (computed by a first-order pass) so that the
// coefficients are central moments and small variances at low temperature do
// not cancel. <|m|> is not a derivative of ln Z and is given by enumeration
// and MagnetizationDistribution (and, as the limit of the spontaneous
// magnetization, by Onsager).
//
// # Choosing a method
//
// Compute dispatches by name. Auto prefers a method that gives every
// quantity when it costs little: transfer-m (uniform chains, tori, cylinders
// and strips, estimated at most 20 s per temperature) or enumeration of up to
// 24 sites, whichever is cheaper; otherwise the fastest exact method: the
// chain closed form, Kaufman for a zero-field ferromagnetic torus, the strip
// transfer matrix when it is cheaper than enumeration, and enumeration.
// Applicable returns an error naming the limit and the time or memory a
// request would need; a size refused as too costly wraps ErrSize.
package transfer
