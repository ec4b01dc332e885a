//go:build !amd64

package fast

const haveReplicaAsm = false

func replicaRowAsm(a *rowArgs) int { return replicaRowGo(a) }
