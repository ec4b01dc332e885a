package par

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
)

func TestChunksVisitsEveryChunkOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		seen := make([]int32, 1000)
		err := Chunks(context.Background(), len(seen), func(w, c int) error {
			if w < 0 || w >= Workers(len(seen)) {
				t.Errorf("worker %d out of range", w)
			}
			atomic.AddInt32(&seen[c], 1)
			return nil
		})
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		for c, k := range seen {
			if k != 1 {
				t.Fatalf("GOMAXPROCS %d: chunk %d visited %d times", procs, c, k)
			}
		}
	}
}

func TestChunksStopsOnErrorAndCancel(t *testing.T) {
	boom := errors.New("boom")
	var ran atomic.Int64
	err := Chunks(context.Background(), 1_000_000, func(w, c int) error {
		ran.Add(1)
		if c == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if ran.Load() > 1000 {
		t.Errorf("%d chunks ran after the error at chunk 3", ran.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Chunks(ctx, 10, func(w, c int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
}

// TestChunksOnWorkers checks that ChunksOn uses the number of goroutines it
// is given, clamped to the number of chunks, whatever GOMAXPROCS is.
func TestChunksOnWorkers(t *testing.T) {
	for _, c := range []struct{ workers, n, want int }{{3, 100, 3}, {8, 5, 5}, {1, 10, 1}, {0, 1, 1}} {
		var maxW atomic.Int64
		seen := make([]int32, c.n)
		err := ChunksOn(context.Background(), c.workers, c.n, func(w, k int) error {
			for {
				m := maxW.Load()
				if int64(w) <= m || maxW.CompareAndSwap(m, int64(w)) {
					break
				}
			}
			atomic.AddInt32(&seen[k], 1)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := int(maxW.Load()) + 1; got > c.want {
			t.Errorf("ChunksOn(%d workers, %d chunks): worker index %d, want < %d", c.workers, c.n, got-1, c.want)
		}
		for k, v := range seen {
			if v != 1 {
				t.Fatalf("chunk %d visited %d times", k, v)
			}
		}
	}
}
