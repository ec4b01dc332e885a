// Command isingrbm computes exact and Monte Carlo thermodynamics of Ising
// models and their exact equivalence with restricted Boltzmann machines.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newApp().Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "isingrbm:", err)
		os.Exit(1)
	}
}
