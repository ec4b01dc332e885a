//go:build !amd64 || purego

package mc

const useMetropolisAsm = false

func metropolisAsm4(*int8, int, *int32, *uint64, *pcgMirror) (de, t int64) {
	panic("mc: no assembly Metropolis loop")
}

func metropolisAsm6(*int8, int, *int32, *uint64, *pcgMirror) (de, t int64) {
	panic("mc: no assembly Metropolis loop")
}
