package fast

import (
	"fmt"
	"testing"

	"github.com/isingrbm/isingrbm/internal/rng"
)

// wolffPushRef is the textbook Wolff step (every spin flipped when it joins
// the cluster, energy not tracked) on the kernel's spins and random bits: the
// definition that Step, with its pending flips and incremental bond sum, must
// reproduce bit for bit.
func wolffPushRef(k *Cluster) int {
	seed := int(k.dec.g.bounded(uint64(k.n)))
	s, z := k.s, k.z
	old := s[seed]
	s[seed] = -old
	stack := []int{seed}
	size := 0
	buf, nb := k.buf, k.nbuf
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		size++
		if z == 4 && nb < 4 {
			buf, nb = k.bondBits(), 64
		}
		// The square kernel visits +x, -x, +y, -y; the table is +x, +y, -x, -y.
		order := []int{0, 1, 2, 3, 4, 5}[:z]
		if z == 4 {
			order = []int{0, 2, 1, 3}
		}
		for _, c := range order {
			if nb == 0 {
				buf, nb = k.bondBits(), 64
			}
			j := int(k.nbr[i*z+c])
			if s[j] == old && buf&1 == 1 {
				s[j] = -old
				stack = append(stack, j)
			}
			buf >>= 1
			nb--
		}
	}
	k.buf, k.nbuf = buf, nb
	return size
}

// checkTracked compares the tracked bond sum and magnetization with a full
// recount.
func checkTracked(t *testing.T, name string, k *Cluster) {
	t.Helper()
	b, m := k.bonds, k.mag
	k.recount()
	if b != k.bonds || m != k.mag {
		t.Fatalf("%s: tracked bond sum %d, magnetization %d; recount %d, %d", name, b, m, k.bonds, k.mag)
	}
	for i, v := range k.s {
		if v != 1 && v != -1 {
			t.Fatalf("%s: spin %d at site %d after a sweep", name, v, i)
		}
	}
}

// TestClusterTracking checks that the Wolff and Swendsen–Wang kernels track
// energy and magnetization exactly (against a full recount after every
// cluster or sweep), and that they are the same chains as their reference
// definitions: the push-time Wolff step, and the Swendsen–Wang sweep with
// the neighbour table and mc.Union (the square lattice's three-pass sweep).
func TestClusterTracking(t *testing.T) {
	for _, dims := range [][]int{{2, 2}, {2, 6}, {5, 3}, {16, 16}, {24, 10}, {2, 3, 4}, {4, 4, 4}} {
		for _, beta := range []float64{0.2, betaC, 0.7} {
			p := Params{Dims: dims, J: 1.3, Beta: beta / 1.3}
			name := fmt.Sprintf("%v beta=%.3f", dims, beta)
			a, _ := NewWolff(p, rng.New(3, 1))
			b, _ := NewWolff(p, rng.New(3, 1))
			for c := range 300 {
				sa, sb := a.Step(), wolffPushRef(b)
				if sa != sb || string(i8b(a.s)) != string(i8b(b.s)) {
					t.Fatalf("%s wolff cluster %d: size %d, reference %d, or spins differ", name, c, sa, sb)
				}
				checkTracked(t, name+" wolff", a)
			}
			c, _ := NewSwendsenWang(p, rng.New(4, 1))
			d, _ := NewSwendsenWang(p, rng.New(4, 1))
			for sw := range 30 {
				f1, c1 := c.Sweep()
				f2, c2 := d.sweepSWTable()
				if f1 != f2 || c1 != c2 || string(i8b(c.s)) != string(i8b(d.s)) {
					t.Fatalf("%s sw sweep %d: (%d,%d), reference (%d,%d), or spins differ", name, sw, f1, c1, f2, c2)
				}
				checkTracked(t, name+" sw", c)
				checkTracked(t, name+" sw table", d)
			}
		}
	}
}

func i8b(s []int8) []byte {
	b := make([]byte, len(s))
	for i, v := range s {
		b[i] = byte(v)
	}
	return b
}
