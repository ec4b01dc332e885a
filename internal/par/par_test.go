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
