// Package plots draws the isingrbm comparison figures with gonum/plot.
//
// Every function takes small result types (Series, ThermoPlot, ZMethods,
// OrderNorms, a mat.Matrix, a spin slice) and returns a *plot.Plot or a
// *Panel; Save and SaveSize write them as PNG and SVG (and PDF on request),
// each file atomically through internal/atomicfile. Nothing is printed.
//
// # Conventions
//
// Spins are s_i in {-1,+1}; H(s) = -sum_{bonds} J_ij s_i s_j - sum_i h_i s_i;
// p(s) = exp(-beta H(s))/Z with k_B = 1, so T is in units of J/k_B, energies
// in units of J, heat capacities in units of k_B. Per-site observables use
// m = (1/N) sum_i s_i: u = <H>/N, c = beta^2 (<H^2> - <H>^2)/N, <|m|>,
// chi = beta N (<m^2> - <m>^2) (= d<m>/dh; at zero field on a finite lattice
// <m> = 0 exactly, so chi = beta N <m^2>), chi' = beta N (<m^2> - <|m|>^2)
// (the finite-lattice variant with <|m|>),
// U4 = 1 - <m^4>/(3 <m^2>^2).
//
// # Styles
//
// Exact finite-lattice curves are solid lines, infinite-lattice limits (Onsager)
// dashed, Monte Carlo estimates markers with one-sigma error bars; reference
// values (T_c, U4*, machine epsilon) are grey dotted lines named in the legend.
// A log axis never silently drops or clamps a value: non-positive values are
// an error, except where a figure documents otherwise (ZAgreement draws an
// exact 0 at ZeroFloor and says so in its title; CouplingsByOrder omits
// exactly vanishing orders and says so in its title).
//
// # Golden images
//
// The tests compare PNG renderings with testdata/*_golden.png using
// gonum.org/v1/plot/cmpimg; regenerate them with `go test ./plots/ -regen`
// and look at each image before committing.
package plots
