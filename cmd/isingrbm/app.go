package main

import (
	"runtime/debug"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// version is the release of this source tree; builds from a VCS checkout add
// the revision (see buildVersion).
const version = "0.1.0"

// commandFactories holds one constructor per command. Each command lives in its
// own file and registers itself in an init function, so that adding a command
// touches no other file.
var commandFactories []func() *cli.Command

func register(f func() *cli.Command) { commandFactories = append(commandFactories, f) }

func init() {
	// --h (two dashes) is the field flag (H = ... - sum h s); -h (one dash)
	// is help, told apart before parsing by rewriteArgs.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Usage: "show help (also -h)"}
	defaultStringer := cli.FlagStringer
	cli.FlagStringer = func(f cli.Flag) string {
		s := defaultStringer(f)
		if requiredFlags[f] {
			if i := strings.LastIndex(s, " (default: "); i >= 0 {
				s = s[:i]
			}
			s += " (required)"
		}
		return s
	}
}

// requiredFlags are the flags declared Required: newApp checks them itself
// (a short error instead of the whole help) and the help marks them
// "(required)" instead of printing a default.
var requiredFlags = map[cli.Flag]bool{}

// oneTemperature are the commands whose --beta/--T take a single value.
var oneTemperature = map[string]bool{"hs": true, "rbm sample": true, "rbm train": true, "rbm eval": true, "rg": true}

func newApp() *cli.App {
	cmds := make([]*cli.Command, 0, len(commandFactories))
	for _, f := range commandFactories {
		cmds = append(cmds, f())
	}
	slices.SortFunc(cmds, func(a, b *cli.Command) int { return strings.Compare(a.Name, b.Name) })
	for _, c := range cmds {
		setupCommand(c, "isingrbm "+c.Name)
	}
	return &cli.App{
		Name:  "isingrbm",
		Usage: "exact and Monte Carlo Ising models, and their equivalence with restricted Boltzmann machines",
		Description: "Conventions: spins s_i in {-1,+1}; H(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i;\n" +
			"p(s) = exp(-beta H(s))/Z with k_B = 1 (T = 1/beta in units of J). On a periodic axis of length 2\n" +
			"both bonds (i,i+1) and (i,i-1) are kept, so that pair carries 2J.\n" +
			"Use 'isingrbm COMMAND --help' for the flags of a command.",
		Version:              buildVersion(),
		Commands:             append(cmds, completionCommand()),
		HideVersion:          false,
		EnableBashCompletion: true,
		// Errors are printed once, by main.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   usageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return unknownCommand(c.App.Commands, c.Args().First(), "isingrbm")
			}
			return cli.ShowAppHelp(c)
		},
	}
}

// buildVersion returns the version with the VCS revision when the binary was
// built from a checkout.
func buildVersion() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = strings.TrimPrefix(bi.Main.Version, "v")
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}
