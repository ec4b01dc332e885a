package experiments

import (
	"os"
	"testing"
)

// BenchmarkParseQuickstart parses and validates the quickstart spec (which
// builds its model).
func BenchmarkParseQuickstart(b *testing.B) {
	src, err := os.ReadFile("quickstart.toml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Parse(src, "quickstart.toml"); err != nil {
			b.Fatal(err)
		}
	}
}
