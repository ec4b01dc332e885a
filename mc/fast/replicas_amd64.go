package fast

import "golang.org/x/sys/cpu"

// haveReplicaAsm says whether replicaRowAsm (AVX-512F and POPCNT) can run.
var haveReplicaAsm = cpu.X86.HasAVX512F && cpu.X86.HasPOPCNT

// replicaRowAsm is replicaRowGo in AVX-512 assembly: the eight words of a
// group, the eight generator streams and the class masks are one register
// each. It gives the same bits as replicaRowGo.
//
//go:noescape
func replicaRowAsm(a *rowArgs) int
