package plots

import (
	"io"
	"testing"

	"gonum.org/v1/plot/vg/draw"
)

// BenchmarkThermoPNG renders the thermodynamics fixture as a 6 x 4 inch PNG.
func BenchmarkThermoPNG(b *testing.B) {
	for b.Loop() {
		p, err := Thermo(thermoFixture())
		if err != nil {
			b.Fatal(err)
		}
		c, err := draw.NewFormattedCanvas(DefaultWidth, DefaultHeight, "png")
		if err != nil {
			b.Fatal(err)
		}
		p.Draw(draw.New(c))
		if _, err := c.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEquivalence65536 builds the scatter of 2^16 states (de-duplicated).
func BenchmarkEquivalence65536(b *testing.B) {
	x := make([]float64, 1<<16)
	y := make([]float64, 1<<16)
	for i := range x {
		x[i] = -float64(i%97) * 0.3
		y[i] = x[i] + 1e-15*float64(i%7)
	}
	for b.Loop() {
		if _, err := Equivalence("", "x", "y", x, y); err != nil {
			b.Fatal(err)
		}
	}
}
