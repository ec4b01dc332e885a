//go:build amd64 && !purego

package fast

import "golang.org/x/sys/cpu"

// The assembly row kernels need AVX-512F (or AVX2) and POPCNT.
var (
	haveAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasPOPCNT
	haveAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT
)

// replicaRowAsm is replicaRowGo in AVX-512 assembly: the eight words of a
// group, the eight generator streams and the class masks are one register
// each; the queue of the second phase is filled with vpcompressq. It gives
// the same bits as replicaRowGo.
//
//go:noescape
func replicaRowAsm(a *rowArgs) int

// replicaRowAVX2 is the first phase of replicaRowGo in AVX2 assembly for the
// whole groups of the row only (a group is two registers); with
// replicaRowAVX2Tail it gives the same bits as replicaRowGo.
//
//go:noescape
func replicaRowAVX2(a *rowArgs) int

// measureRowAVX512 adds the per-lane counts of one colour-0 row to a.acc
// (see measArgs); it needs AVX-512F.
//
//go:noescape
func measureRowAVX512(a *measArgs)
