package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// Help and usage errors as Go command-line programs give them: -h and
// --help everywhere, a usage error as one line with a "did you mean" and
// "see 'isingrbm CMD --help'", never the whole help after an error.
//
// -h versus --h: the field flag is --h (H = ... - sum_i h_i s_i), the
// physicist's name, and stays. Go's flag package reads -h and --h alike, so
// rewriteArgs tells them apart before parsing: a lone -h (one dash) is
// help, --h (two dashes) the field. A -h followed by a number is refused
// (it was the field in earlier versions) rather than silently showing help.

// rewriteArgs returns args (without the program name) with every lone "-h"
// before a "--" replaced by "--help"; "-h VALUE" and "-h=VALUE" with a
// numeric value are an error naming --h.
func rewriteArgs(args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...), nil
		}
		if v, ok := strings.CutPrefix(a, "-h="); ok {
			return nil, fmt.Errorf("-h=%s: -h (one dash) is help; the field is --h %s (two dashes)", v, v)
		}
		if a == "-h" {
			if i+1 < len(args) {
				if _, err := strconv.ParseFloat(args[i+1], 64); err == nil {
					return nil, fmt.Errorf("-h %s: -h (one dash) is help; the field is --h %s (two dashes)", args[i+1], args[i+1])
				}
			}
			a = "--help"
		}
		out = append(out, a)
	}
	return out, nil
}

// setupCommand gives c (and its subcommands) short usage errors, checks its
// required flags itself (so that a missing one is a one-line error, not the
// help) and fixes the help of --beta/--T where one value is taken.
func setupCommand(c *cli.Command, path string) {
	c.OnUsageError = usageError
	var required []string
	for _, f := range c.Flags {
		if rf, ok := f.(cli.RequiredFlag); ok && rf.IsRequired() {
			unsetRequired(f)
			requiredFlags[f] = true
			required = append(required, f.Names()[0])
		}
		if oneTemperature[strings.TrimPrefix(path, "isingrbm ")] {
			if sf, ok := f.(*cli.StringFlag); ok {
				switch sf.Name {
				case "beta":
					sf.Usage = "inverse temperature beta = 1/T in units of 1/J, >= 0: one value (no lists or ranges here)"
				case "T":
					sf.Usage = "temperature T in units of J (k_B = 1), > 0: one value (no lists or ranges here)"
				}
			}
		}
	}
	if len(required) > 0 {
		before := c.Before
		c.Before = func(ctx *cli.Context) error {
			for _, n := range required {
				if !ctx.IsSet(n) {
					return fmt.Errorf("--%s is required; see '%s --help'", n, path)
				}
			}
			if before != nil {
				return before(ctx)
			}
			return nil
		}
	}
	if len(c.Subcommands) > 0 && c.Action == nil {
		c.Action = func(ctx *cli.Context) error {
			if ctx.NArg() > 0 {
				return unknownCommand(c.Subcommands, ctx.Args().First(), path)
			}
			return cli.ShowSubcommandHelp(ctx)
		}
	}
	for _, s := range c.Subcommands {
		setupCommand(s, path+" "+s.Name)
	}
}

// unsetRequired clears the Required field of the flag types isingrbm uses.
func unsetRequired(f cli.Flag) {
	switch x := f.(type) {
	case *cli.StringFlag:
		x.Required = false
	case *cli.IntFlag:
		x.Required = false
	case *cli.Float64Flag:
		x.Required = false
	case *cli.Uint64Flag:
		x.Required = false
	case *cli.BoolFlag:
		x.Required = false
	case *cli.DurationFlag:
		x.Required = false
	case *cli.StringSliceFlag:
		x.Required = false
	case *cli.Int64Flag:
		x.Required = false
	}
}

// commandPath is "isingrbm CMD [SUB]" of a context.
func commandPath(c *cli.Context) string {
	var names []string
	for _, l := range c.Lineage() {
		if l.Command != nil && l.Command.Name != "" && l.Command.Name != "isingrbm" {
			names = append([]string{l.Command.Name}, names...)
		}
	}
	return strings.Join(append([]string{"isingrbm"}, names...), " ")
}

// usageError turns a flag-parsing error into one line: "unknown flag
// --methd (did you mean --method?); see 'isingrbm exact --help'".
func usageError(c *cli.Context, err error, _ bool) error {
	path := commandPath(c)
	msg := err.Error()
	var flags []cli.Flag
	if c.Command != nil {
		flags = c.Command.Flags
	}
	if len(flags) == 0 && c.App != nil && path == "isingrbm" {
		flags = c.App.Flags
	}
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		name := strings.TrimLeft(strings.TrimPrefix(msg, "flag provided but not defined: "), "-")
		msg = "unknown flag --" + name
		var names []string
		for _, f := range flags {
			names = append(names, f.Names()...)
		}
		names = append(names, "help")
		if s := closest(name, names); s != "" {
			msg += " (did you mean --" + s + "?)"
		}
	case strings.HasPrefix(msg, "flag needs an argument: "):
		msg = "--" + strings.TrimLeft(strings.TrimPrefix(msg, "flag needs an argument: "), "-") + " needs a value"
	case strings.HasPrefix(msg, "invalid value "):
		// invalid value "x" for flag -sweeps: parse error
		msg = strings.Replace(msg, " for flag -", " for flag --", 1)
	}
	return errors.New(msg + "; see '" + path + " --help'")
}

// unknownCommand is the error for an unknown command name.
func unknownCommand(cmds []*cli.Command, name, path string) error {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Names()...)
		}
	}
	msg := fmt.Sprintf("unknown command %q for '%s'", name, path)
	if s := closest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return errors.New(msg + "; see '" + path + " --help'")
}

// closest returns the candidate nearest to s in Levenshtein distance, if
// it is near enough to be a typo: distance <= max(1, len(s)/3), or s is a
// prefix of it.
func closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(s), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && (bestD <= max(1, len(s)/3) || len(s) >= 2 && strings.HasPrefix(best, s)) {
		return best
	}
	for _, c := range candidates {
		if len(s) >= 2 && strings.HasPrefix(c, s) {
			return c
		}
	}
	return ""
}

// levenshtein is the edit distance of a and b: insertions, deletions,
// substitutions and transpositions of neighbours (trian -> train), each
// cost 1 (optimal string alignment).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

const bashCompletion = `# bash completion for isingrbm: source <(isingrbm completion bash)
_isingrbm_complete() {
  local cur opts
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == "-"* ]]; then
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "${cur}" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
  return 0
}
complete -o bashdefault -o default -F _isingrbm_complete isingrbm
`

const zshCompletion = `#compdef isingrbm
# zsh completion for isingrbm: source <(isingrbm completion zsh)
_isingrbm() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _isingrbm isingrbm
`

// completionCommand prints a shell completion script.
func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Load it in the current shell or install it:\n" +
			"   source <(isingrbm completion bash)        # or in ~/.bashrc\n" +
			"   source <(isingrbm completion zsh)         # or in ~/.zshrc\n" +
			"   isingrbm completion fish > ~/.config/fish/completions/isingrbm.fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return errors.New("completion needs one shell: bash, zsh or fish; see 'isingrbm completion --help'")
			}
			switch sh := c.Args().First(); sh {
			case "bash":
				_, err := fmt.Fprint(c.App.Writer, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(c.App.Writer, zshCompletion)
				return err
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(c.App.Writer, s)
				return err
			default:
				msg := fmt.Sprintf("completion %q: allowed bash, zsh, fish", sh)
				if s := closest(sh, []string{"bash", "zsh", "fish"}); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				return errors.New(msg)
			}
		},
	}
}
