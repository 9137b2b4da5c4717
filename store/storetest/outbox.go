package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

func claim(t *testing.T, s store.Store, owner string, now time.Time, lease time.Duration, limit int) []*store.OutboxEntry {
	t.Helper()
	got, err := s.ClaimOutbox(ctxFor(t), owner, now, lease, limit)
	if err != nil {
		t.Fatalf("ClaimOutbox(%s): %v", owner, err)
	}
	return got
}

func newEntry(t *testing.T, s store.Store, name string, e *store.OutboxEntry) *store.OutboxEntry {
	t.Helper()
	mustInsertOutbound(t, s, outbound("txn-ob", name, "select"), e)
	return e
}

func testOutboxLeases(t *testing.T, open Opener) {
	s := open(t)
	lease := 30 * time.Second
	a := newEntry(t, s, "a", pendingEntry(t0.Add(-time.Minute)))
	b := newEntry(t, s, "b", pendingEntry(t0))
	future := newEntry(t, s, "future", pendingEntry(t0.Add(time.Minute)))
	acked := pendingEntry(t0.Add(-time.Hour))
	acked.State = store.OutboxAcked
	newEntry(t, s, "acked", acked)
	nacked := pendingEntry(t0.Add(-time.Hour))
	nacked.State = store.OutboxNacked
	newEntry(t, s, "nacked", nacked)

	got := claim(t, s, "instance-1", t0, lease, 10)
	if ids := entryIDs(got); len(got) != 2 || !ids[a.ID] || !ids[b.ID] {
		t.Fatalf("first claim = %v, want entries %d and %d (due, pending)", entryIDs(got), a.ID, b.ID)
	}
	for _, e := range got {
		if e.ClaimedBy != "instance-1" || !sameTime(e.ClaimedUntil, t0.Add(lease)) {
			t.Errorf("claimed entry %d: by %q until %v, want instance-1 until %v", e.ID, e.ClaimedBy, e.ClaimedUntil, t0.Add(lease))
		}
		if e.State != store.OutboxPending || e.URL == "" || e.MessageSeq == 0 {
			t.Errorf("claimed entry %d is incomplete: %+v", e.ID, e)
		}
	}
	// The lease is stored, not just returned.
	if e, err := s.OutboxEntry(ctxFor(t), a.ID); err != nil || e.ClaimedBy != "instance-1" || !sameTime(e.ClaimedUntil, t0.Add(lease)) {
		t.Fatalf("OutboxEntry after claim = %+v, %v", e, err)
	}

	// While leased, nobody (not even the holder) gets them again.
	if got := claim(t, s, "instance-2", t0.Add(time.Second), lease, 10); len(got) != 0 {
		t.Fatalf("instance-2 claimed leased entries %v", entryIDs(got))
	}
	if got := claim(t, s, "instance-1", t0.Add(time.Second), lease, 10); len(got) != 0 {
		t.Fatalf("instance-1 claimed its own leased entries again %v", entryIDs(got))
	}

	// After the lease ran out (the holder crashed), another owner takes
	// over; the future entry is now due too.
	later := t0.Add(lease + time.Minute)
	got = claim(t, s, "instance-2", later, lease, 10)
	if ids := entryIDs(got); len(got) != 3 || !ids[a.ID] || !ids[b.ID] || !ids[future.ID] {
		t.Fatalf("claim after expiry = %v, want %d, %d and %d", entryIDs(got), a.ID, b.ID, future.ID)
	}

	// Limit is respected, oldest due first.
	c := newEntry(t, s, "c", pendingEntry(t0.Add(-2*time.Hour)))
	d := newEntry(t, s, "d", pendingEntry(t0.Add(-3*time.Hour)))
	newEntry(t, s, "e", pendingEntry(t0.Add(-1*time.Hour)))
	got = claim(t, s, "instance-3", t0, lease, 2)
	if ids := entryIDs(got); len(got) != 2 || !ids[c.ID] || !ids[d.ID] {
		t.Fatalf("limited claim = %v, want the two oldest %d and %d", entryIDs(got), d.ID, c.ID)
	}
}

func testOutboxUpdateReleases(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	lease := time.Minute
	a := newEntry(t, s, "a", pendingEntry(t0))
	b := newEntry(t, s, "b", pendingEntry(t0))
	got := claim(t, s, "w", t0, lease, 10)
	if len(got) != 2 {
		t.Fatalf("claimed %d, want 2", len(got))
	}
	byID := map[int64]*store.OutboxEntry{}
	for _, e := range got {
		byID[e.ID] = e
	}

	// a: the peer ACKed. Final, released.
	ea := byID[a.ID]
	ea.State = store.OutboxAcked
	ea.Attempts = 1
	if err := s.UpdateOutbox(ctx, ea); err != nil {
		t.Fatalf("UpdateOutbox(acked): %v", err)
	}
	// b: timed out; retry in 10 s.
	eb := byID[b.ID]
	eb.Attempts = 1
	eb.LastError = "context deadline exceeded"
	eb.NextAttempt = t0.Add(10 * time.Second)
	if err := s.UpdateOutbox(ctx, eb); err != nil {
		t.Fatalf("UpdateOutbox(retry): %v", err)
	}

	stored, err := s.OutboxEntry(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.State != store.OutboxAcked || stored.Attempts != 1 || stored.ClaimedBy != "" || !stored.ClaimedUntil.IsZero() || stored.UpdatedAt.IsZero() {
		t.Fatalf("acked entry = %+v, want acked, 1 attempt, released", stored)
	}
	stored, err = s.OutboxEntry(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.State != store.OutboxPending || stored.Attempts != 1 || stored.LastError != "context deadline exceeded" ||
		!sameTime(stored.NextAttempt, t0.Add(10*time.Second)) || stored.ClaimedBy != "" || !stored.ClaimedUntil.IsZero() {
		t.Fatalf("retried entry = %+v", stored)
	}

	// Released but not yet due: nothing. Due (still within the old lease
	// window): only b, because the release ended its lease.
	if got := claim(t, s, "w", t0.Add(5*time.Second), lease, 10); len(got) != 0 {
		t.Fatalf("claim before the retry is due = %v", entryIDs(got))
	}
	got = claim(t, s, "other", t0.Add(10*time.Second), lease, 10)
	if len(got) != 1 || got[0].ID != b.ID || got[0].Attempts != 1 {
		t.Fatalf("claim at retry time = %v, want only %d with 1 attempt", entryIDs(got), b.ID)
	}
	// Expired and nacked entries are never claimed again.
	got[0].State = store.OutboxExpired
	if err := s.UpdateOutbox(ctx, got[0]); err != nil {
		t.Fatal(err)
	}
	if got := claim(t, s, "w", t0.Add(24*time.Hour), lease, 10); len(got) != 0 {
		t.Fatalf("final entries claimed: %v", entryIDs(got))
	}
	if err := s.UpdateOutbox(ctx, &store.OutboxEntry{ID: 987654, State: store.OutboxAcked}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateOutbox(unknown): err = %v, want ErrNotFound", err)
	}
}

// testConcurrentClaims has several workers, each its own owner, claim
// small batches at the same time until nothing is due. Every entry must be
// claimed exactly once.
func testConcurrentClaims(t *testing.T, open Opener) {
	s := open(t)
	const entries, workers, batch = 240, 8, 7
	for i := range entries {
		newEntry(t, s, fmt.Sprintf("c%03d", i), pendingEntry(t0.Add(-time.Duration(i)*time.Millisecond)))
	}
	var mu sync.Mutex
	claimedBy := map[int64][]string{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		owner := fmt.Sprintf("worker-%d", w)
		wg.Go(func() {
			// Bounded: a store that hands out entries again would
			// otherwise keep the loop going for ever.
			empty := 0
			for round := 0; empty < 3 && round < 4*entries/batch; round++ {
				got, err := s.ClaimOutbox(ctxFor(t), owner, t0, time.Hour, batch)
				if err != nil {
					errs <- err
					return
				}
				if len(got) > batch {
					errs <- fmt.Errorf("%s got %d entries with limit %d", owner, len(got), batch)
					return
				}
				if len(got) == 0 {
					empty++
					continue
				}
				mu.Lock()
				for _, e := range got {
					claimedBy[e.ID] = append(claimedBy[e.ID], owner)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(claimedBy) != entries {
		t.Fatalf("%d distinct entries claimed, want %d", len(claimedBy), entries)
	}
	for id, owners := range claimedBy {
		if len(owners) != 1 {
			t.Errorf("entry %d claimed %d times by %v", id, len(owners), owners)
		}
	}
	owners := map[string]bool{}
	for _, o := range claimedBy {
		owners[o[0]] = true
	}
	t.Logf("%d entries spread over %d workers", entries, len(owners))
}

// testLeaseGivenAtInsert: an entry inserted already leased (the sending path
// leases a fresh request to itself for its first attempt) is not claimable
// by anyone until the lease runs out, and is afterwards.
func testLeaseGivenAtInsert(t *testing.T, open Opener) {
	s := open(t)
	e := pendingEntry(t0)
	e.ClaimedBy, e.ClaimedUntil = "sender", t0.Add(10*time.Second)
	newEntry(t, s, "leased", e)
	if got := claim(t, s, "worker", t0, time.Minute, 10); len(got) != 0 {
		t.Fatalf("an entry leased at insert was claimed by another owner: %+v", got)
	}
	stored, err := s.OutboxEntry(ctxFor(t), e.ID)
	if err != nil || stored.ClaimedBy != "sender" || !sameTime(stored.ClaimedUntil, e.ClaimedUntil) {
		t.Fatalf("lease not stored: %+v %v", stored, err)
	}
	if got := claim(t, s, "worker", t0.Add(11*time.Second), time.Minute, 10); len(got) != 1 || got[0].ID != e.ID {
		t.Fatalf("after the lease ran out, claimed %+v", got)
	}
}
