// Package fast holds Monte Carlo kernels specialised to the periodic square
// and simple cubic lattices with a uniform coupling J and a uniform field h,
// written to run close to the hardware limit while sampling exactly the same
// Markov chains as the textbook algorithms.
//
// Conventions (as everywhere in isingrbm): spins s_i in {-1,+1};
// H(s) = -J sum_<ij> s_i s_j - h sum_i s_i with one bond from every site to its
// +x, +y (and +z) neighbour, so that on an axis of length 2 the pair carries
// 2J; p(s) = exp(-beta H(s))/Z with k_B = 1; site index x + Lx*(y + Ly*z).
//
// # Kernels
//
// Checkerboard is a multi-spin-coded single-lattice Metropolis or heat-bath
// kernel: each checkerboard sublattice is stored as bits of uint64 words (64
// sites per word), the neighbour words are XORed with the spin word, and a
// bit-sliced adder gives, for 64 sites at once, the number u of unsatisfied
// bonds (and with a field the spin value), which fixes the flip probability
// p(u, s): Metropolis min(1, e^{-beta dE}), heat bath 1/(1+e^{beta dE}),
// dE = 2J(z-2u) + 2hs.
//
// Replicas runs up to 64 independent copies of one lattice, copy k in bit k
// of every word, each at its own inverse temperature, for temperature sweeps
// and independent-sample averages. When every length is even it updates the
// two checkerboard colours in turn, eight words (sites) of a row at a time
// with AVX-512 (or AVX2) where available (eight interleaved generator
// streams, one per word of a group); otherwise its site order is typewriter order, so it
// works for any lengths >= 2. NewReplicaSet groups any number of
// temperatures into 64-replica kernels with their own random streams.
//
// NewReplicasPMJ runs the replicas on one ±J spin-glass instance (every lane
// a replica of the same disorder): each neighbour word is XORed with its
// bond's sign mask (all ones for J < 0) before the bit-sliced count, so the
// count is the number of unsatisfied bonds and the acceptance classes, the
// probability tables, the exact decisions and the row kernels (Go, AVX-512,
// AVX2) are those of the uniform kernel. With every sign +1 the chain is,
// bit for bit, that of NewReplicas. Replicas.Overlaps gives the overlaps of
// replica pairs (l, l+shift) straight from the words.
//
// Cluster implements Wolff single-cluster and Swendsen–Wang updates
// (J > 0, h = 0). Wolff grows its cluster without data-dependent branches:
// every neighbour visit consumes one precomputed exact bond bit and a neighbour
// joins iff it is aligned and its bit is set; a stack entry packs the site
// index with x and y, so a neighbour's entry is the popped one plus a
// constant. Swendsen–Wang labels clusters with union-find (union by smaller
// index), on the square lattice in three passes (bond bits; raster labelling
// with the left neighbour's root in a register; flatten, coins and flips).
// Both track the energy exactly (an integer bond sum) and the magnetization
// without a pass over the lattice for the measurement: a Wolff site joins as
// "pending" and is flipped when popped, so each flip is a single-spin flip
// whose energy change the neighbour visits already count; the Swendsen–Wang
// flip pass adds each bond at its larger end. TestClusterTracking checks both
// against a recount after every cluster and sweep, and bit for bit against
// the textbook definitions (flip at push; mc.Union over the neighbour table).
//
// Replicas.Measure gives the energy and magnetization of every replica from
// the bit-sliced words as they are stored (no unpacking): per-lane counts of
// +1 spins and of unsatisfied bonds with a Harley–Seal carry-save tree.
//
// All kernels have the method set of package mc's Kernel (Sweep returning
// attempted/accepted counts, Energy, Magnetization, Spins, binary
// checkpoints, SetBeta), and Cluster also mc's Adapter, so 'isingrbm mc'
// selects them automatically where they apply.
//
// # Exact acceptance
//
// The multi-spin kernels do not share random numbers between sites or
// replicas and do not round the acceptance probability: every attempted flip
// is an independent Bernoulli(p) decision with p the float64 probability
// itself. The decision is "u < p" for a uniform u whose binary digits are
// the lane's bits of successive fresh random words. A float64 p in (0,1) has a
// finite binary expansion 0.p_1 p_2 ... p_n, so the comparison is decided at
// the first digit where u and p differ (u < p iff that digit of p is 1); if u
// agrees with all n digits, u >= p. The sampler does this for 64 lanes at once
// (a round is: one random word r, the word P of digit j of every lane's p,
// built from the class masks; accept |= undecided & P &^ r; undecided &^=
// P ^ r) and stops when no lane of the word is undecided (with 1, 2, 3 or 5
// uncertain classes and at least 24 undecided lanes it always does the first 7
// rounds, which such a word needs anyway, to avoid a mispredicted loop exit;
// bits drawn after a lane is decided are never used). Lanes with p = 1
// (Metropolis downhill moves) or p = 0 use no random bits. Each round halves
// the undecided lanes, so a lane uses 2 random bits on average; a word needs
// about log2(number of uncertain lanes) + 1.3 rounds (about 7 at beta_c,
// where most sites are aligned with their neighbours and most flips are
// rejected). Because the stopping round is a stopping time of the i.i.d. bit
// stream, the bits any lane uses are fresh: every lane makes an exact,
// independent decision. TestBernoulliDecidesExactly checks, lane by lane,
// that the decision is the exact comparison of u with p (with math/big).
//
// The Wolff and Swendsen–Wang bond tests use the same sampler with one class,
// p = 1 - e^{-2 beta J}: 64 exact bond bits at a time.
//
// # Reference chain of the replicas
//
// Checkerboard path (every length even). Replica k of a Replicas kernel is,
// bit for bit, the scalar sequential chain that visits first the sites with
// x+y+z even, then those with x+y+z odd, each colour row by row (y fastest,
// then z) and in a row by increasing x, and flips site i iff u < p(beta_k,
// dE_i). The random digits come from eight xoshiro256++ streams seeded, after
// the random start, with 32 draws from the constructor's source (stream j
// from draws 4j..4j+3, state words in order). A round draws one word from
// each of the eight streams. Let nr be the longest binary expansion of the
// probabilities in use and K = min(12, nr) (min(6, nr) with fewer than 32
// replicas). Each row of a colour is done in two phases. First phase: the
// sites of the row form groups of eight consecutive sites (fewer at the end
// of the row); a group with a lane that has 0 < p < 1 draws exactly K rounds,
// and the i-th site of the group uses stream i: digit j of u is bit k of the
// j-th word stream i drew for the group. Second phase (only if K < nr): the
// sites that still have a replica whose digits so far all equal those of its
// p are queued by increasing x and taken in groups of eight (fewer at the
// end); a group draws rounds while some of its lanes is still undecided and
// fewer than nr - K rounds have been drawn, and the i-th site of the group
// continues its u with digits K+1, K+2, ... from stream i. Sites of one colour
// do not interact, so this simultaneous update is the sequential chain. The
// pure-Go replicaRowGo defines these bits and the AVX-512 and AVX2 kernels
// reproduce them (TestReplicasAsmMatchesGo), so the chain does not depend on
// the CPU.
//
// Typewriter path (some length odd). Replica k is the scalar sequential chain
// that visits sites 0..N-1 and flips site i iff u < p(beta_k, dE_i), where the
// binary digits of u are bit k of the random words drawn for site i from one
// xoshiro256** generator.
//
// TestReplicasReferenceChain replays the kernel's random words on both paths
// (with the assembly and the Go row kernel) with an int8 implementation of
// these chains (probabilities computed independently) and requires every
// replica, in particular replica 0, to match exactly.
//
// # Random numbers and parallelism
//
// Each kernel owns a xoshiro256** generator (the checkerboard replicas also
// eight xoshiro256++ streams) seeded from the math/rand/v2 Source given to its
// constructor (use internal/rng.New(seed, stream)); a
// kernel's chain depends only on that source and the calls made. Parallel
// runs independent kernels (temperatures, replica groups) on several
// goroutines; since no generator is shared, the results do not depend on
// GOMAXPROCS or on the number of workers.
//
// # Performance
//
// See the Performance section of README.md for measured throughput (attempted flips/ns,
// replica-updates/ns, flipped spins/ns) beside the C peer programs, and
// bench_test.go for the benchmarks.
package fast
