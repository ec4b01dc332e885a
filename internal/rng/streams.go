package rng

// The registry of named stream ids. Two uses of one user seed must never
// share a random sequence, so every fixed stream id of the project is
// declared here, in one list, and TestNamedStreamsDisjoint keeps them apart.
//
// A stream id is either an index (the temperature, replica or chain number k
// of a run, small integers from 0: mc, mcrun's Config.Streams, rg) or a named
// id from this list. A named id is the ASCII of a short name read as a
// big-endian integer, at least four letters, so it is >= 2^24 and cannot meet
// an index; a family of streams (a named id plus an offset per group) claims
// the range [id, id + span). experiments derives its ids by hashing the
// name of what it draws (64 random bits, a collision being as unlikely as
// one of the PCG streams themselves).
//
// A new random use adds a constant here and a row to named; the
// package that uses it refers to the constant. Ids still declared in their
// packages mirror the value here (lattice.StreamPatterns, mcrun's
// streamSwaps and streamReplicas) until they refer to it.
const (
	// lattice
	StreamDisorder         uint64 = 0x6469736f72646572 // lattice disorder ("disorder")
	StreamFields           uint64 = 0x6669656c64730000 // random fields ("fields")
	StreamHopfieldPatterns uint64 = 0x7061747465726e73 // Hopfield patterns ("patterns"; lattice.StreamPatterns)

	// mc/mcrun
	StreamPTSwaps  uint64 = 0x7377617073000000 // parallel-tempering swaps ("swaps")
	StreamReplicas uint64 = 0x7265706c00000000 // replica groups: + 4096 k + g for group g of temperature k ("repl")

	// rbm
	StreamTrainShuffle uint64 = 0x747368756666   // minibatch shuffles ("tshuff")
	StreamTrainGibbs   uint64 = 0x74676962       // training chains ("tgib")
	StreamTrainInit    uint64 = 0x74696e6974     // initial weights ("tinit")
	StreamValidation   uint64 = 0x7476616c       // validation split ("tval")
	StreamAISForward   uint64 = 0x616973666f7277 // forward AIS ("aisforw")
	StreamAISReverse   uint64 = 0x616973726576   // reverse AIS ("aisrev")
	StreamGibbsIsing   uint64 = 0x676973696e67   // rbm.SampleIsing ("gising")

	// rg
	StreamHopfieldRetrieval uint64 = 0x686f7072657400 // rg.HopfieldRetrieval chains: + chain index k < 2^32 ("hopret")

	// transfer
	StreamStripStart uint64 = 0x7472616e73666572 // start vector of InfiniteStrip ("transfer")
)

// named lists the registry for the test: each id with the width of the range
// it claims (1 for a single stream).
var named = []struct {
	name string
	id   uint64
	span uint64
}{
	{"StreamDisorder", StreamDisorder, 1},
	{"StreamFields", StreamFields, 1},
	{"StreamHopfieldPatterns", StreamHopfieldPatterns, 1},
	{"StreamPTSwaps", StreamPTSwaps, 1},
	{"StreamReplicas", StreamReplicas, 1 << 40},
	{"StreamTrainShuffle", StreamTrainShuffle, 1},
	{"StreamTrainGibbs", StreamTrainGibbs, 1},
	{"StreamTrainInit", StreamTrainInit, 1},
	{"StreamValidation", StreamValidation, 1},
	{"StreamAISForward", StreamAISForward, 1},
	{"StreamAISReverse", StreamAISReverse, 1},
	{"StreamGibbsIsing", StreamGibbsIsing, 1},
	{"StreamStripStart", StreamStripStart, 1},
	{"StreamHopfieldRetrieval", StreamHopfieldRetrieval, 1 << 32},
}
