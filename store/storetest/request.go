package storetest

import (
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// testInsertRequest checks that InsertRequest is UpsertTransaction followed
// by InsertOutbound: the transaction is created or touched and t filled with
// what is stored, the message and its entry are stored together, and a bad
// entry keeps the message out.
func testInsertRequest(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	tx := &store.Transaction{ID: "txn-req", Domain: "onest:learning-experiences", Owner: "partner-app", CreatedAt: t0, UpdatedAt: t0}
	m := outbound("txn-req", "msg-req-1", "search")
	e := pendingEntry(t0)
	if err := s.InsertRequest(ctx, tx, m, e); err != nil {
		t.Fatalf("InsertRequest: %v", err)
	}
	if m.Seq <= 0 || e.ID <= 0 || e.MessageSeq != m.Seq {
		t.Fatalf("after InsertRequest: seq %d, entry %d for seq %d", m.Seq, e.ID, e.MessageSeq)
	}
	checkMessage(t, m, mustMessage(t, s, m.Seq))
	got, err := s.OutboxEntry(ctx, e.ID)
	if err != nil {
		t.Fatalf("OutboxEntry: %v", err)
	}
	if got.MessageSeq != m.Seq || got.State != store.OutboxPending || got.URL != m.URL {
		t.Errorf("entry = %+v, want pending for seq %d at %q", got, m.Seq, m.URL)
	}
	stored, err := s.Transaction(ctx, "txn-req")
	if err != nil {
		t.Fatalf("Transaction: %v", err)
	}
	if stored.Domain != tx.Domain || stored.Owner != "partner-app" || !sameTime(stored.CreatedAt, t0) || !sameTime(stored.UpdatedAt, t0) {
		t.Fatalf("Transaction = %+v, want %+v", stored, tx)
	}

	// The next request of the journey touches the transaction, keeps what
	// it started with and reports that back in t.
	touch := &store.Transaction{ID: "txn-req", Owner: "someone-else", UpdatedAt: t0.Add(time.Hour)}
	m2 := outbound("txn-req", "msg-req-2", "select")
	if err := s.InsertRequest(ctx, touch, m2, pendingEntry(t0)); err != nil {
		t.Fatalf("InsertRequest(touch): %v", err)
	}
	if touch.Owner != "partner-app" || touch.Domain != tx.Domain || !sameTime(touch.CreatedAt, t0) || !sameTime(touch.UpdatedAt, t0.Add(time.Hour)) {
		t.Errorf("t after touch = %+v, want the stored owner, domain and times", touch)
	}
	if m2.Seq <= m.Seq {
		t.Errorf("second request seq %d not after %d", m2.Seq, m.Seq)
	}

	// Without a transaction it is InsertOutbound.
	m3 := outbound("txn-req", "msg-req-3", "status")
	if err := s.InsertRequest(ctx, nil, m3, nil); err != nil {
		t.Fatalf("InsertRequest(nil transaction, nil entry): %v", err)
	}
	checkMessage(t, m3, mustMessage(t, s, m3.Seq))

	// A bad entry stores no message.
	bad := pendingEntry(t0)
	bad.State = "no-such-state"
	m4 := outbound("txn-req-bad", "msg-req-bad", "confirm")
	if err := s.InsertRequest(ctx, &store.Transaction{ID: "txn-req-bad"}, m4, bad); err == nil {
		t.Fatal("InsertRequest accepted an outbox entry with an unknown state")
	}
	if got := mustMessages(t, s, store.MessageFilter{MessageID: "msg-req-bad"}); len(got) != 0 {
		t.Fatalf("message stored without its outbox entry: seqs %v", seqs(got))
	}
}
