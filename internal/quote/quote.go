// Package quote quotes user-supplied values for error messages, bounded in
// length: a 5 MB flag value or file line gives a one-line error of at most
// about MaxLen characters, never a 5 MB line.
package quote

import (
	"strconv"
	"unicode/utf8"
)

// MaxLen is the number of bytes of a value that Q keeps.
const MaxLen = 100

// Q returns s quoted as by strconv.Quote; a value longer than MaxLen bytes
// is cut (at a rune boundary) and followed by "... (N bytes)".
func Q(s string) string {
	if len(s) <= MaxLen {
		return strconv.Quote(s)
	}
	cut := MaxLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}
