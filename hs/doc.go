// Package hs performs the Hubbard–Stratonovich transformation of an Ising
// model into a restricted Boltzmann machine whose visible marginal is exactly
// the Ising distribution (P. Mehta et al., Phys. Rep. 810, 1 (2019), sec. XVI;
// J. Hubbard, PRL 3, 77 (1959)).
//
// # Conventions
//
// Spins s_i in {-1,+1}; H(s) = -sum_{bonds} J_ij s_i s_j - sum_i h_i s_i;
// p(s) = exp(-beta H(s))/Z, k_B = 1. K = beta J (the N x N symmetric coupling
// matrix with zero diagonal, a doubled pair carrying the summed coupling) and
// B = beta h. RBM energy E(v,h) = -sum_i a_i(v_i) - sum_mu b_mu(h_mu) -
// sum_{i,mu} v_i W_{i mu} h_mu, with free energy F(v) and ln Z_RBM =
// ln sum_v exp(-F(v)) as in package rbm.
//
// # Gaussian hidden units
//
// Since s_i^2 = 1, s^T K s/2 changes only by the constant cN/2 when K is
// replaced by A = K + c I, and for A positive (semi)definite the Gaussian
// identity
//
//	exp(s^T A s/2) = (2 pi)^{-M/2} int d^M h exp(-|h|^2/2 + s^T W h),   A = W W^T,
//
// turns the Boltzmann weight into the marginal of an RBM with spin visible
// units (bias B_i), M Gaussian hidden units (bias 0, sigma 1) and weights W.
// Its free energy is F(s) = -B.s - |W^T s|^2/2 = beta H(s) - cN/2 for every
// state, so ln Z_RBM = ln Z_Ising + cN/2 (Result.LnZOffset) and the
// conditionals are h | s ~ N(W^T s, I), P(s_i = +1 | h) = sigmoid(2(B_i + (W h)_i)).
//
// The shift c (Config.Shift): ShiftAuto takes -lambda_min(K) + Margin, with
// Margin = 1e-6 max(1, max|lambda(K)|), the smallest shift that leaves A safely
// positive definite (Cholesky needs that); ShiftMin takes exactly
// -lambda_min(K), so A is only semidefinite and its zero modes (eigenvalues
// below 1e-12 N max(1, max|lambda|)) are dropped: the fewest hidden units
// (for example one for the Curie–Weiss complete graph, N-1 for a torus);
// ShiftValue takes a given c and refuses one that leaves A indefinite (or
// singular, for Cholesky), naming the bound -lambda_min. The factorization
// (Config.Factor) is Eigen, W = U Lambda^{1/2} restricted to the non-zero
// modes, or Cholesky, W = L (N hidden units, lower triangular).
//
// # Bond hidden units
//
// The discrete alternative has one spin hidden unit per coupled pair, from
// exp(K s s') = exp(-|K|) cosh(w (s + sign(K) s')), cosh 2w = exp(2|K|)
// (BondWeight): the hidden unit has bias 0 and weights w on site i and
// sign(K) w on site j. It is exact for either sign of K, and
// ln Z_RBM = ln Z_Ising + sum_bonds |K|.
//
// # Bernoulli encoding
//
// With Config.Encoding = BernoulliEncoding the visible units are v = (s+1)/2
// in {0,1}; s = 2v - 1 is substituted exactly (rbm.RBM.BernoulliVisible):
// visible bias 2B, weights 2W and hidden biases shifted by -sum_i W_{i mu}
// (times sigma^2 for Gaussian units), with the change of ln Z added to
// LnZOffset. Visible unit i is site i in both encodings, so state k (bit i
// set iff s_i = +1, iff v_i = 1) indexes the same configuration.
//
// # Checks
//
// Check compares ln p_RBM(s) with ln p_Ising(s) (from transfer.LogProbabilities)
// for all 2^N states, N <= 24, and reports the largest difference, both
// Kullback–Leibler divergences, the total variation distance and the error of
// the predicted ln Z offset; the tests require 1e-10 on chains, tori,
// triangular lattices, antiferromagnets, ±J and SK instances with random
// fields on both sides of T_c (observed: at most ~1.4e-12). ContinuumLogZ
// evaluates the continuum form of the seed,
//
//	Z = e^{-cN/2} ((2 pi)^N det A)^{-1/2} int d^N phi e^{-phi^T A^{-1} phi/2} prod_i 2 cosh(phi_i + B_i),
//
// by tensor Gauss–Hermite quadrature (GaussHermite, Golub–Welsch) after the
// whitening phi = W y, for N <= 3, showing that the discrete -> continuum map
// is exact numerically (relative agreement ~1e-15 with exact Z).
package hs
