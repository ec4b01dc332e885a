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
// # Unit types
//
// Everything that depends on the type of a layer's units lives in one file
// per type, implementing the unexported interface unit of unit.go (potential,
// normaliser, K and K', conditional mean and sampler, cumulants, ...; row
// methods for the hot loops): unit_bernoulli.go, unit_spin.go and
// unit_gaussian.go. LayerType indexes the registry in layer.go, which holds
// each type's name and aliases. A new unit type touches those two files only:
// a LayerType constant and a registry entry in layer.go, and its unit_*.go.
// A discrete type takes two values (off, 1) with the potential b x, which
// the enumerators and the shared two-state sampler of unit.go rely on; a
// continuous one also implements continuous (its row sampler) and is never
// enumerated. TestRegistryContract checks both.
// The rest of the package calls the unit through Layer or LayerType.unit and
// does not name a type, with these exceptions, which are algorithms for
// particular models rather than properties of a unit: the visible-layer
// transforms for the value sets {0,1} and {-1,+1} (ConvertData,
// BernoulliVisible, ExactCouplings, CumulantCouplings), coupling-space
// training for spin visible and Gaussian hidden units (pairwise.go), the
// defaults of AutoPlan (auto.go) and Symmetric's spin visible layer.
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
// # Training
//
// Train fits an RBM to samples with one of four estimators (TrainConfig.Method):
// the exact likelihood gradient, summed over all 2^N visible states
// (Exact, N <= MaxExactTrain); pseudo-likelihood (PL, Besag 1975: no
// sampling, curvature of the local conditionals, no critical slowing
// down); contrastive divergence CD-k and persistent CD (PCD). Optimizers:
// SGD with momentum, Adam, ScaledSGD (the weight gradient preconditioned by
// (W^T W + eps I)^-1) and full-batch L-BFGS for the deterministic
// objectives. For spin visible and at least N Gaussian hidden units the
// marginal is a pairwise model with couplings J = W W^T, and PL and Exact
// with L-BFGS run in coupling space, where both objectives are concave
// (pairwise.go), W following from J by the minimal-shift Hubbard–Stratonovich
// factorization. Symmetric trains a Z2-symmetric model; Validation and
// Patience keep the model of the best held-out score and stop early; the
// monitoring statistics cost at most MonitorBudget of the training,
// estimated from operation counts so that the log is reproducible.
//
// AutoPlan makes the choices of 'isingrbm rbm train' when the user names only
// the data and the number of hidden units; they were chosen by measurement on
// Ising Monte Carlo samples and each is documented in auto.go. On 50000 Wolff
// samples of the 8x8 torus with 64 hidden units the sampled RBM reproduces
// u and <|m|> to 0.7 % and c to 1 % at T = 1.8, 2.27 and 3.0 (c at T = 1.8 to 4 % for another
// of three sample sets); on the 4x4 torus
// at T_c exact-likelihood training reaches KL(p_Ising || p_RBM) = 0.0006
// nats with 16 or 32 gaussian and 0.0008 with 32 spin hidden units (100000
// samples), at the statistical floor (free parameters)/(2 x samples).
//
// SampleIsing measures the Ising observables of an RBM's visible marginal by
// independent block Gibbs chains, with error bars from mc's analysis and a
// jackknife over the chains.
//
// Files of the training code: train.go (configuration, the minibatch loop,
// CD/PCD gradients, optimizers, monitoring budget), pl.go (pseudo-
// likelihood), exactgrad.go (exact gradient), pairwise.go (coupling space),
// lbfgs.go (L-BFGS in W), auto.go (the defaults), observe.go (SampleIsing).
// A new estimator adds a Method constant, a gradient function called from
// trainer.update (or a full-batch path next to trainPairwise), and its
// defaults in AutoPlan.
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
// "sigma" present only for Gaussian layers. An optional "metadata" object
// records the model's provenance (RBM.Metadata): 'isingrbm rbm train' writes
// the training configuration, the automatic choices and the data file's
// SHA-256; 'isingrbm hs' the Ising model, beta, the construction, the shift
// and the ln Z offset. Unknown keys, trailing data,
// missing or non-finite numbers, sigma <= 0 and weights whose shape is not
// visible x hidden are errors naming the field. Floats are written in the
// shortest form that reads back to the same bits.
package rbm
