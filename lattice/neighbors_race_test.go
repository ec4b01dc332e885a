package lattice

import (
	"sync"
	"testing"
)

// TestNeighborsConcurrent builds the neighbour list from many goroutines at
// once (run with -race): every caller must see the same complete list.
func TestNeighborsConcurrent(t *testing.T) {
	m, err := Square(8, 8, Periodic, Periodic)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]*Neighbors, 8)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[g] = m.Neighbors()
		}()
	}
	wg.Wait()
	for _, nb := range got {
		if nb != got[0] || len(nb.Sites) != 4*m.N {
			t.Fatalf("concurrent Neighbors gave different or incomplete lists")
		}
	}
}
