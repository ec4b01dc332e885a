//go:build !amd64 || purego

package fast

const (
	haveAVX512 = false
	haveAVX2   = false
)

func replicaRowAsm(a *rowArgs) int  { panic("fast: no AVX-512 row kernel") }
func replicaRowAVX2(a *rowArgs) int { panic("fast: no AVX2 row kernel") }

func measureRowAVX512(*measArgs) { panic("fast: no AVX-512") }
