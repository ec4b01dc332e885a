package main

import (
	"strings"
	"testing"
)

// TestHelpAndUsageErrors: -h is help at the top level and in every command
// (--h stays the field); usage errors are one line with "did you mean" and
// "see 'isingrbm CMD --help'", and print no help; required flags are marked
// required; --beta of a one-temperature command says so; completion scripts.
func TestHelpAndUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"exact", "-h"}, {"mc", "-h"}, {"rbm", "train", "-h"}, {"run", "-h"}} {
		out, _, err := execApp(args...)
		if err != nil || !strings.Contains(out, "USAGE") {
			t.Errorf("%v: err %v, output %.80q", args, err, out)
		}
	}
	// --h (two dashes) is still the field.
	a, _, err := execApp("exact", "--size", "2x2", "--T", "2", "--h", "0.3", "--json")
	if err != nil || !strings.Contains(a, `"magnetization_per_site": 0.`) {
		t.Errorf("--h 0.3: %v\n%s", err, a)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"exact", "--methd", "x"}, []string{"unknown flag --methd", "did you mean --method?", "see 'isingrbm exact --help'"}},
		{[]string{"mc", "--swepes", "10"}, []string{"did you mean --sweeps?", "see 'isingrbm mc --help'"}},
		{[]string{"foo"}, []string{`unknown command "foo"`, "see 'isingrbm --help'"}},
		{[]string{"exct"}, []string{`did you mean "exact"?`}},
		{[]string{"rbm", "trian"}, []string{`did you mean "train"?`, "see 'isingrbm rbm --help'"}},
		{[]string{"merge", "x.csv"}, []string{"--out is required", "see 'isingrbm merge --help'"}},
		{[]string{"exact", "-h", "0.1", "--T", "2"}, []string{"-h (one dash) is help", "--h 0.1"}},
		{[]string{"exact", "--sweeps"}, []string{"unknown flag --sweeps", "see 'isingrbm exact --help'"}},
		{[]string{"completion", "bsh"}, []string{"allowed bash, zsh, fish", `did you mean "bash"?`}},
	} {
		out, _, err := execApp(c.args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q does not contain %q", c.args, err, w)
			}
		}
		if strings.Contains(err.Error(), "\n") || strings.Contains(out, "USAGE") {
			t.Errorf("%v: error %q is not one line, or help was printed (%d bytes)", c.args, err, len(out))
		}
	}
	help, _, _ := execApp("merge", "--help")
	if !strings.Contains(help, "(required)") || strings.Contains(help, "--out value  merged output FILE.json or FILE.csv (default") {
		t.Errorf("merge --help does not mark --out required:\n%s", help)
	}
	for _, cmd := range []string{"hs", "rbm sample"} {
		help, _, _ := execApp(append(strings.Fields(cmd), "--help")...)
		if !strings.Contains(help, "one value (no lists or ranges here)") || strings.Contains(help, "a list a,b,c") {
			t.Errorf("%s --help: --beta/--T promise lists", cmd)
		}
	}
	if help, _, _ := execApp("exact", "--help"); !strings.Contains(help, "a list a,b,c") || !strings.Contains(help, "4x4,8x8,16x16") {
		t.Errorf("exact --help: no lists for --beta or --size")
	}
	for sh, want := range map[string]string{"bash": "complete -o bashdefault", "zsh": "#compdef isingrbm", "fish": "complete -c isingrbm"} {
		out, _, err := execApp("completion", sh)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("completion %s: %v\n%.200s", sh, err, out)
		}
	}
	// urfave/cli reads os.Args for the word being completed: use the binary.
	if out, _, code := execBinary(t, "exact", "--me", "--generate-bash-completion"); code != 0 || !strings.Contains(out, "--method") {
		t.Errorf("completion of exact --me: exit %d, %q", code, out)
	}
	if out, _, code := execBinary(t, "--generate-bash-completion"); code != 0 || !strings.Contains(out, "exact\n") {
		t.Errorf("completion of commands: exit %d, %q", code, out)
	}
	if _, stderr, code := execBinary(t, "exact", "--methd", "x"); code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Errorf("binary: exit %d, stderr %q; want 1 and one line", code, stderr)
	}
	if out, _, code := execBinary(t, "-h"); code != 0 || !strings.Contains(out, "USAGE") {
		t.Errorf("binary -h: exit %d", code)
	}
}

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"methd", "method", 1}, {"kitten", "sitting", 3}, {"exct", "exact", 1}, {"abc", "", 3}, {"trian", "train", 1}} {
		if got := levenshtein(c.a, c.b); got != c.d {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
