package postgres

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// TestInstancesClaimEachEntryOnce: three instances (three pools on one
// schema), four workers each, drain one outbox concurrently, as the outbox
// workers of a cluster do. Every due entry is claimed by exactly one of
// them: FOR UPDATE SKIP LOCKED never hands an entry to two claimants, so a
// request is never sent twice at once.
func TestInstancesClaimEachEntryOnce(t *testing.T) {
	dsn := freshSchema(t)
	var stores []*Store
	for range 3 {
		s, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores = append(stores, s)
	}
	const entries = 300
	now := time.Now()
	for i := range entries {
		m := &store.Message{Direction: store.Outbound, Action: "select", MessageID: fmt.Sprintf("m-%03d", i), Raw: []byte(`{}`)}
		e := &store.OutboxEntry{URL: "http://127.0.0.1:9/select", State: store.OutboxPending, NextAttempt: now.Add(-time.Second)}
		if err := stores[i%3].InsertOutbound(t.Context(), m, e); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	claims := map[int64][]string{}
	var wg sync.WaitGroup
	for i, s := range stores {
		for w := range 4 {
			owner := fmt.Sprintf("instance-%d/worker-%d", i, w)
			wg.Go(func() {
				for {
					got, err := s.ClaimOutbox(t.Context(), owner, time.Now(), time.Minute, 7)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					for _, e := range got {
						mu.Lock()
						claims[e.ID] = append(claims[e.ID], owner)
						mu.Unlock()
						e.State, e.Attempts = store.OutboxAcked, e.Attempts+1
						if err := s.UpdateOutbox(t.Context(), e); err != nil {
							t.Error(err)
							return
						}
					}
				}
			})
		}
	}
	wg.Wait()
	if len(claims) != entries {
		t.Fatalf("%d of %d entries were claimed", len(claims), entries)
	}
	owners := map[string]bool{}
	for id, by := range claims {
		if len(by) != 1 {
			t.Errorf("entry %d was claimed %d times: %v", id, len(by), by)
		}
		owners[by[0][:len("instance-0")]] = true
	}
	if len(owners) < 2 {
		t.Logf("only %v claimed entries; the run did not interleave instances", owners)
	}
}
