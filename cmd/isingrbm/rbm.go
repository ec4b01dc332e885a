package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

func init() { register(rbmCommand) }

// rbmSubcommands holds the 'isingrbm rbm' subcommands; each lives in its own
// file (rbm_*.go) and registers itself with registerRBM in an init function.
var rbmSubcommands []func() *cli.Command

func registerRBM(f func() *cli.Command) { rbmSubcommands = append(rbmSubcommands, f) }

func rbmCommand() *cli.Command {
	subs := make([]*cli.Command, 0, len(rbmSubcommands))
	for _, f := range rbmSubcommands {
		subs = append(subs, f())
	}
	slices.SortFunc(subs, func(a, b *cli.Command) int { return strings.Compare(a.Name, b.Name) })
	return &cli.Command{
		Name:        "rbm",
		Usage:       "restricted Boltzmann machines: sample, couplings, train, eval",
		Subcommands: subs,
	}
}
