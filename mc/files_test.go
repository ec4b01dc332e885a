package mc

import (
	"bytes"
	"slices"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

func TestSamplesRoundTrip(t *testing.T) {
	s := []int8{1, -1, -1, 1, 1, 1, -1, -1, 1}
	for _, f := range []string{FormatNPY, FormatCSV} {
		var b bytes.Buffer
		if err := WriteSamples(&b, f, s, 3); err != nil {
			t.Fatal(err)
		}
		if f == FormatNPY && b.Len()%64 != 9%64 {
			// header is a multiple of 64 bytes, then 9 data bytes
			t.Errorf("npy length %d: header not 64-byte aligned", b.Len())
		}
		got, n, err := ReadSamples(bytes.NewReader(b.Bytes()), f)
		if err != nil || n != 3 || !slices.Equal(got, s) {
			t.Errorf("%s: read %v n=%d err=%v, want %v", f, got, n, err, s)
		}
	}
	var b bytes.Buffer
	WriteSamples(&b, FormatCSV, s, 3)
	if b.String() != "1,-1,-1\n1,1,1\n-1,-1,1\n" {
		t.Errorf("csv = %q", b.String())
	}
	if _, _, err := ReadSamples(bytes.NewReader([]byte("1,0\n")), FormatCSV); err == nil {
		t.Errorf("value 0 accepted")
	}
}

func TestSeriesNPY(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSeries(&b, FormatNPY, []float64{-32, -28.5, -24}, []float64{16, 14, -2}); err != nil {
		t.Fatal(err)
	}
	var m mat.Dense
	if err := npyio.Read(bytes.NewReader(b.Bytes()), &m); err != nil {
		t.Fatal(err)
	}
	if r, c := m.Dims(); r != 3 || c != 2 || m.At(1, 0) != -28.5 || m.At(2, 1) != -2 {
		t.Errorf("read back %v", mat.Formatted(&m))
	}
}
