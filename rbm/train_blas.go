//go:build !openblas

package rbm

// BLASImplementation names the BLAS behind gonum's matrix products: "gonum"
// (pure Go) in the default build, "openblas" with -tags openblas (see
// train_openblas.go).
const BLASImplementation = "gonum"
