//go:build openblas

package rbm

// Building with -tags openblas (cgo, and Debian's libopenblas-dev or any
// CBLAS-compatible OpenBLAS) routes every gonum matrix product of the binary
// through OpenBLAS instead of gonum's pure-Go BLAS. Training then runs at the
// speed of NumPy-based code for large layers (the matrix products dominate);
// results agree with the pure-Go build to rounding, not bit for bit. Set
// OPENBLAS_NUM_THREADS=1 for single-threaded runs. The default build stays
// pure Go.
//
//	go build -tags openblas ./cmd/isingrbm

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() { blas64.Use(netlib.Implementation{}) }

// BLASImplementation names the BLAS behind gonum's matrix products.
const BLASImplementation = "openblas"
