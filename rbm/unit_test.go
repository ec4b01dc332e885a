package rbm

import "testing"

// TestRegistryContract checks what the code assumes of every registered
// unit type: a name that parses back, discrete units with two values
// (off, 1) and the potential b x, and a row sampler (continuous) for every
// unit that is not discrete.
func TestRegistryContract(t *testing.T) {
	for k := range registry {
		typ := LayerType(k)
		u := typ.unit()
		if got, err := ParseLayerType(typ.String()); err != nil || got != typ {
			t.Errorf("%v: ParseLayerType(String()) = %v, %v", typ, got, err)
		}
		_, isContinuous := u.(continuous)
		if u.discrete() == isContinuous {
			t.Errorf("%v: discrete %v, but continuous sampler %v: exactly one is needed", typ, u.discrete(), isContinuous)
		}
		if !u.discrete() {
			continue
		}
		off, on := u.values()
		if on != 1 || !(off < on) {
			t.Errorf("%v: values (%v, %v): the code assumes on = 1 > off", typ, off, on)
		}
		for _, b := range []float64{-1.5, 0, 0.7} {
			if u.potential(b, 0, on)-u.potential(b, 0, off) != b*(on-off) {
				t.Errorf("%v: potential is not b x", typ)
			}
		}
	}
}
