package quote

import (
	"strings"
	"testing"
)

func TestQ(t *testing.T) {
	if got := Q("abc"); got != `"abc"` {
		t.Errorf("Q(abc) = %s", got)
	}
	long := strings.Repeat("é", 3_000_000) // 6 MB
	got := Q(long)
	if len(got) > MaxLen+40 || !strings.HasSuffix(got, "... (6000000 bytes)") {
		t.Errorf("Q(6 MB) = %d bytes: %.200s", len(got), got)
	}
	if strings.Contains(got, `\x`) {
		t.Errorf("Q cut a rune: %s", got)
	}
}
