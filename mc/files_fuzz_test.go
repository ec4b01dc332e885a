package mc

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadSamples: no panic on any .npy or CSV input; accepted samples are
// ±1 and a whole number of rows.
func FuzzReadSamples(f *testing.F) {
	s := []int8{1, -1, -1, 1, 1, 1}
	for _, format := range []string{FormatNPY, FormatCSV} {
		var b bytes.Buffer
		WriteSamples(&b, format, s, 3)
		f.Add(b.Bytes(), format == FormatNPY)
		f.Add(b.Bytes()[:b.Len()-2], format == FormatNPY)
	}
	f.Add([]byte("1,0\n"), false)
	f.Add([]byte("\x93NUMPY\x02\x00\xf0\xff\xff\xff{"), true)
	f.Fuzz(func(t *testing.T, b []byte, npy bool) {
		format := FormatCSV
		if npy {
			format = FormatNPY
		}
		for _, size := range []int64{int64(len(b)), -1} {
			got, n, err := ReadSamplesSize(bytes.NewReader(b), format, size)
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("multi-line error %q", err)
				}
				continue
			}
			if n < 1 || len(got)%n != 0 || len(got) == 0 {
				t.Fatalf("%d samples of %d", len(got), n)
			}
			for _, v := range got {
				if v != 1 && v != -1 {
					t.Fatalf("value %d", v)
				}
			}
		}
	})
}
