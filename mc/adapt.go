package mc

import "math"

// WolffAdaptation chooses the fixed number of Wolff clusters per sweep from
// the cluster sizes seen during thermalization. It is shared by the generic
// Wolff kernel and the fast square-lattice one, so both make the same choice.
//
// During thermalization a Wolff sweep builds clusters until at least N spins
// have been flipped; after it, every sweep builds exactly
// ClustersPerSweep(N) clusters, so that the end of a sweep does not depend on
// the configuration (that dependence biases measurements). The mean cluster
// size is taken over the later sweeps only: the accumulation restarts each
// time the number of recorded sweeps reaches a power of two, keeping the
// previous window, so the estimate uses the last quarter to half of the
// thermalization and forgets the disordered start (whose small clusters would
// otherwise give many more clusters per sweep than needed). The zero value is
// ready to use.
type WolffAdaptation struct {
	sweeps    int64
	cur, prev [2]int64 // clusters, spins flipped
}

// Record adds one thermalization sweep.
func (a *WolffAdaptation) Record(clusters, flipped int64) {
	a.cur[0] += clusters
	a.cur[1] += flipped
	a.sweeps++
	if a.sweeps&(a.sweeps-1) == 0 {
		a.prev, a.cur = a.cur, [2]int64{}
	}
}

// ClustersPerSweep returns round(n / mean cluster size), at least 1 (1 when
// nothing was recorded).
func (a *WolffAdaptation) ClustersPerSweep(n int) int {
	c, f := a.prev[0]+a.cur[0], a.prev[1]+a.cur[1]
	if f <= 0 {
		return 1
	}
	return max(1, int(math.Round(float64(n)*float64(c)/float64(f))))
}

// Words returns the state for checkpoints; SetWords restores it.
func (a *WolffAdaptation) Words() []uint64 {
	return []uint64{uint64(a.sweeps), uint64(a.cur[0]), uint64(a.cur[1]), uint64(a.prev[0]), uint64(a.prev[1])}
}

// WolffAdaptationWords is the length of Words.
const WolffAdaptationWords = 5

// SetWords restores a state saved by Words. It panics if len(w) != WolffAdaptationWords.
func (a *WolffAdaptation) SetWords(w []uint64) {
	if len(w) != WolffAdaptationWords {
		panic("mc: WolffAdaptation.SetWords: wrong length")
	}
	a.sweeps = int64(w[0])
	a.cur = [2]int64{int64(w[1]), int64(w[2])}
	a.prev = [2]int64{int64(w[3]), int64(w[4])}
}
