// Package rbm is a restricted Boltzmann machine library: Bernoulli, spin and
// Gaussian layers, marginal (free) energies, exact log Z, block Gibbs
// sampling, a JSON model format, and (in the files built on this core)
// training, AIS, pseudo-likelihood and the cumulant expansion of the marginal
// into multi-body couplings.
//
// # Energy
//
// An RBM has N visible units v and M hidden units h, with weights W (N x M,
// a gonum *mat.Dense) and the joint energy
//
//	E(v, h) = -sum_i a_i(v_i) - sum_mu b_mu(h_mu) - sum_{i,mu} v_i W_{i mu} h_mu.
//
// Each layer's units are of one LayerType, with an energy term
// (Layer.Potential) set by a bias and, for Gaussian units, a width sigma:
//
//	Bernoulli  v in {0,1}     a(v) = a v
//	Spin       v in {-1,+1}   a(v) = a v
//	Gaussian   v real         a(v) = -(v - a)^2 / (2 sigma^2)
//
// so the prior of a lone unit is q(x) ∝ exp(a(x)): Bernoulli with
// P(1) = sigmoid(a), spin with P(+1) = sigmoid(2a), or N(a, sigma^2).
// Exactly this energy, and nothing else, defines every method below; the
// tests check each conditional sampler against ratios of exp(-E) at the
// joint level, the mismatch (a missing factor 2 for spins, a sigma^2 on the
// wrong side for Gaussian units) that breaks published RBM code.
//
// # Marginal, free energy and log Z
//
// Summing (or integrating) out the hidden layer gives
//
//	sum_h exp(-E(v,h)) = exp(-F(v) + sum_mu LogNorm_mu),
//	F(v) = -sum_i a_i(v_i) - sum_mu K_mu(sum_i v_i W_{i mu}),
//
// where K_mu(t) = ln E_q[e^{t h}] is the cumulant generating function of
// hidden unit mu's prior (Layer.CGF: softplus(b+t) - softplus(b),
// ln cosh(b+t) - ln cosh(b), or b t + sigma^2 t^2/2, all evaluated stably) and
// LogNorm_mu = ln sum_h exp(b_mu(h)) (Layer.LogNorm). FreeEnergy returns F;
// LogZ returns ln Z with Z = sum_v exp(-F(v)), so that p(v) = exp(-F(v))/Z
// (LogProb); LogZJoint is the partition function of E itself,
// ln Z + sum_mu LogNorm_mu. With these conventions the Hubbard–Stratonovich
// RBM of an Ising model (package hs) has F(s) = beta H(s) - cN/2 exactly.
//
// LogZ is exact: it enumerates the smaller discrete layer (at most
// MaxEnumerate = 30 units) in Gray code order, in parallel chunks whose
// inputs are recomputed from scratch every 1024 states and whose sums are
// combined in a fixed order (the result does not depend on GOMAXPROCS), and
// integrates the other layer in closed form through its K. Two Gaussian
// layers are refused. LogProbTable returns ln p(v_k) for all 2^N visible
// states (N <= MaxTable), state k having unit i "on" iff bit i of k is set —
// for spin units the project's convention s_i = +1 iff bit i is set.
//
// # Block Gibbs sampling
//
// HiddenMean, VisibleMean, SampleHidden, SampleVisible and Gibbs work on
// batches: each row of a B x N (visible) or B x M (hidden) matrix is an
// independent chain. Given the input t = v W (or h W^T), a unit with bias b is
//
//	Bernoulli: 1 with probability sigmoid(b + t)
//	Spin:      +1 with probability sigmoid(2 (b + t))
//	Gaussian:  N(b + sigma^2 t, sigma^2)
//
// The inputs are computed by one gonum matrix product into the caller's
// destination, so a sweep allocates nothing per element; the random numbers
// come from the *rand.Rand passed in (use internal/rng), drawn element by
// element in row-major order, so a seed fixes the chains for any GOMAXPROCS.
//
// # JSON model format
//
// Read and Write use
//
//	{"visible": {"type": "spin"|"bernoulli"|"gaussian", "bias": [...], "sigma": [...]},
//	 "hidden":  {"type": ..., "bias": [...], "sigma": [...]},
//	 "weights": [[W_1_1, ..., W_1_M], ..., [W_N_1, ..., W_N_M]]}
//
// with the energy convention above, one weight row per visible unit and
// "sigma" present only for Gaussian layers. Unknown keys, trailing data,
// missing or non-finite numbers, sigma <= 0 and weights whose shape is not
// visible x hidden are errors naming the field. Floats are written in the
// shortest form that reads back to the same bits.
package rbm
