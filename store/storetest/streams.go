package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/onest-seeker/seeker/store"
)

// testStreamNeverSkips is the property streams rely on: a reader that
// resumes after the last Seq it saw never misses a message, even while
// several instances on the same database insert concurrently. It fails if
// a message with a lower Seq can become visible after one with a higher
// Seq (commit order differing from Seq order).
func testStreamNeverSkips(t *testing.T, open Opener) {
	a := open(t)
	b := open(t) // a second instance on the same database
	const writersPerInstance, each = 3, 60
	var wg sync.WaitGroup
	var done atomic.Bool
	errs := make(chan error, 2*writersPerInstance+1)
	var mu sync.Mutex
	inserted := map[int64]string{}
	for i, s := range []store.Store{a, b} {
		for w := range writersPerInstance {
			wg.Go(func() {
				for n := range each {
					id := fmt.Sprintf("i%d-w%d-%03d", i, w, n)
					m := inbound("bpp", "txn-stream", id, "on_search", []byte(id))
					if _, err := s.InsertInbound(ctxFor(t), m); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					inserted[m.Seq] = id
					mu.Unlock()
				}
			})
		}
	}
	seen := map[int64]string{}
	var order []int64
	read := func(cursor int64) (int64, error) {
		page, err := a.Messages(ctxFor(t), store.MessageFilter{TransactionID: "txn-stream", AfterSeq: cursor, Limit: 25})
		if err != nil {
			return cursor, err
		}
		for _, m := range page {
			if _, dup := seen[m.Seq]; dup {
				return cursor, fmt.Errorf("Seq %d read twice", m.Seq)
			}
			seen[m.Seq] = m.MessageID
			order = append(order, m.Seq)
			cursor = m.Seq
		}
		return cursor, nil
	}
	var readerWG sync.WaitGroup
	readerWG.Go(func() {
		cursor := int64(0)
		var err error
		for !done.Load() {
			if cursor, err = read(cursor); err != nil {
				errs <- err
				return
			}
		}
		// Drain what the writers committed after the last poll.
		for {
			before := len(seen)
			if cursor, err = read(cursor); err != nil {
				errs <- err
				return
			}
			if len(seen) == before {
				return
			}
		}
	})
	wg.Wait()
	done.Store(true)
	readerWG.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(inserted) != 2*writersPerInstance*each {
		t.Fatalf("%d inserts, want %d", len(inserted), 2*writersPerInstance*each)
	}
	for seq, id := range inserted {
		if seen[seq] != id {
			t.Errorf("the stream skipped Seq %d (%s): a lower Seq became visible after a higher one was read", seq, id)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i] <= order[i-1] {
			t.Fatalf("stream went from Seq %d to %d", order[i-1], order[i])
		}
	}
}
