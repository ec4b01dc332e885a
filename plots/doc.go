// Package plots draws the isingrbm comparison figures with gonum/plot.
// (Being built: see issue 7.)
package plots
