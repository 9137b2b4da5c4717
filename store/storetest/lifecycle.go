package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// testConcurrentInserts writes from many goroutines at once, as callbacks
// of a search fan-out arrive; nothing may be lost and Seqs stay unique.
func testConcurrentInserts(t *testing.T, open Opener) {
	s := open(t)
	const goroutines, each = 16, 40
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	results := make([][]*store.Message, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("g%02d-%03d", g, i)
				var m *store.Message
				var err error
				if i%4 == 0 {
					m = outbound("txn-conc", id, "select")
					err = s.InsertOutbound(ctxFor(t), m, pendingEntry(t0))
				} else {
					m = inbound(fmt.Sprintf("bpp-%d", g), "txn-conc", id, "on_search", fmt.Appendf(nil, `{"id":%q}`, id))
					var dup bool
					dup, err = s.InsertInbound(ctxFor(t), m)
					if err == nil && dup {
						err = fmt.Errorf("%s reported as duplicate", id)
					}
				}
				if err != nil {
					errs <- err
					return
				}
				results[g] = append(results[g], m)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	bySeq := map[int64]string{}
	for _, ms := range results {
		for _, m := range ms {
			if prev, ok := bySeq[m.Seq]; ok {
				t.Fatalf("Seq %d given to %s and %s", m.Seq, prev, m.MessageID)
			}
			bySeq[m.Seq] = m.MessageID
		}
	}
	stored := mustMessages(t, s, store.MessageFilter{TransactionID: "txn-conc"})
	if len(stored) != goroutines*each {
		t.Fatalf("stored %d messages, want %d", len(stored), goroutines*each)
	}
	for i, m := range stored {
		if i > 0 && m.Seq <= stored[i-1].Seq {
			t.Fatalf("Messages not in Seq order at %d: %d after %d", i, m.Seq, stored[i-1].Seq)
		}
		if bySeq[m.Seq] != m.MessageID {
			t.Fatalf("Seq %d holds %s, but the insert of %s was told that Seq", m.Seq, m.MessageID, bySeq[m.Seq])
		}
	}
	due, err := s.ClaimOutbox(ctxFor(t), "check", t0, time.Minute, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != goroutines*each/4 {
		t.Fatalf("%d outbox entries, want %d", len(due), goroutines*each/4)
	}
}

// testConcurrentDuplicates delivers one callback from many goroutines at
// once, as a provider retrying aggressively would: exactly one is stored.
func testConcurrentDuplicates(t *testing.T, open Opener) {
	s := open(t)
	const n = 12
	body := []byte(`{"message":{"order":{"id":"o-1"}}}`)
	var wg sync.WaitGroup
	dups := make([]bool, n)
	gotSeq := make([]int64, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			m := inbound("bpp-x", "txn-dd", "msg-dd", "on_confirm", body)
			dups[i], errs[i] = s.InsertInbound(ctxFor(t), m)
			gotSeq[i] = m.Seq
		})
	}
	wg.Wait()
	stored := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("insert %d: %v", i, errs[i])
		}
		if !dups[i] {
			stored++
		}
		if gotSeq[i] != gotSeq[0] {
			t.Errorf("insert %d reported Seq %d, insert 0 reported %d", i, gotSeq[i], gotSeq[0])
		}
	}
	if stored != 1 {
		t.Fatalf("%d inserts stored the message, want exactly 1", stored)
	}
	if got := mustMessages(t, s, store.MessageFilter{MessageID: "msg-dd"}); len(got) != 1 {
		t.Fatalf("%d copies stored", len(got))
	}
}

func testRestart(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	req := outbound("txn-r", "msg-r", "confirm")
	entry := pendingEntry(t0)
	mustInsertOutbound(t, s, req, entry)
	cb := inbound("bpp", "txn-r", "msg-r", "on_confirm", []byte("{\"order\":\"\xff\"}"))
	mustInsertInbound(t, s, cb)
	if err := s.UpsertTransaction(ctx, &store.Transaction{ID: "txn-r", Owner: "app", CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertOrder(ctx, &store.Order{ID: "o-r", TransactionID: "txn-r", State: "CREATED", Raw: []byte("{}"), UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutIdempotency(ctx, &store.Idempotency{Key: "k", Client: "app", RequestHash: "h", Status: 200, Body: []byte("b")}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutKV(ctx, "cursor", []byte("42"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	claimed := claim(t, s, "before-crash", t0, time.Minute, 10)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d, want 1", len(claimed))
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = open(t)
	checkMessage(t, req, mustMessage(t, s, req.Seq))
	checkMessage(t, cb, mustMessage(t, s, cb.Seq))
	if dup, err := s.InsertInbound(ctx, inbound("bpp", "txn-r", "msg-r", "on_confirm", []byte("{\"order\":\"\xff\"}"))); err != nil || !dup {
		t.Errorf("re-delivered callback after restart: duplicate=%v err=%v, want a duplicate", dup, err)
	}
	if tx, err := s.Transaction(ctx, "txn-r"); err != nil || tx.Owner != "app" {
		t.Errorf("transaction after restart: %+v, %v", tx, err)
	}
	if o, err := s.Order(ctx, "o-r"); err != nil || o.State != "CREATED" {
		t.Errorf("order after restart: %+v, %v", o, err)
	}
	if rec, err := s.GetIdempotency(ctx, "app", "k"); err != nil || !bytes.Equal(rec.Body, []byte("b")) {
		t.Errorf("idempotency after restart: %+v, %v", rec, err)
	}
	if v, err := s.GetKV(ctx, "cursor"); err != nil || string(v) != "42" {
		t.Errorf("kv after restart: %q, %v", v, err)
	}
	// The pending entry is still leased by the crashed owner until its
	// lease ends, then resumes.
	if got := claim(t, s, "after-restart", t0.Add(time.Second), time.Minute, 10); len(got) != 0 {
		t.Errorf("claimed a leased entry right after restart: %v", entryIDs(got))
	}
	if got := claim(t, s, "after-restart", t0.Add(2*time.Minute), time.Minute, 10); len(got) != 1 || got[0].ID != entry.ID {
		t.Errorf("pending entry after restart and lease expiry: %v, want %d", entryIDs(got), entry.ID)
	}
	// Seq keeps increasing across the restart.
	next := inbound("bpp", "txn-r", "msg-r2", "on_status", []byte("{}"))
	mustInsertInbound(t, s, next)
	if next.Seq <= cb.Seq {
		t.Errorf("Seq after restart = %d, not above %d", next.Seq, cb.Seq)
	}
}

func testPingAndClose(t *testing.T, open Opener) {
	s := open(t)
	if err := s.Ping(ctxFor(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	// A closed store refuses work with an error instead of hanging or
	// panicking.
	if _, err := s.InsertInbound(ctxFor(t), inbound("bpp", "t", "m", "on_search", []byte("{}"))); err == nil {
		t.Error("InsertInbound on a closed store succeeded")
	}
	if err := s.Ping(ctxFor(t)); err == nil {
		t.Error("Ping on a closed store succeeded")
	}
}
