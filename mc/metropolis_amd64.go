//go:build amd64 && !purego

package mc

// useMetropolisAsm selects the assembly loops of the compact Metropolis
// sweep (tests switch it off to compare them with the Go loops bit for bit).
var useMetropolisAsm = true

// metropolisAsm4 and metropolisAsm6 are metropolis4 and metropolis6 in
// assembly: the same draws, decisions and sums. s is the first spin, n the
// number of sites, rec the first record word, tp points at thr[qmax].
//
//go:noescape
func metropolisAsm4(s *int8, n int, rec *int32, tp *uint64, gen *pcgMirror) (de, t int64)

//go:noescape
func metropolisAsm6(s *int8, n int, rec *int32, tp *uint64, gen *pcgMirror) (de, t int64)
