package storetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

func testTransactions(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	tx := &store.Transaction{ID: "txn-1", Domain: "onest:financial-support", Owner: "partner-app", CreatedAt: t0, UpdatedAt: t0}
	if err := s.UpsertTransaction(ctx, tx); err != nil {
		t.Fatalf("UpsertTransaction: %v", err)
	}
	got, err := s.Transaction(ctx, "txn-1")
	if err != nil {
		t.Fatalf("Transaction: %v", err)
	}
	if got.ID != "txn-1" || got.Domain != tx.Domain || got.Owner != "partner-app" || !sameTime(got.CreatedAt, t0) || !sameTime(got.UpdatedAt, t0) {
		t.Fatalf("Transaction = %+v, want %+v", got, tx)
	}

	// A second upsert touches UpdatedAt and keeps what the journey started
	// with.
	touch := &store.Transaction{ID: "txn-1", UpdatedAt: t0.Add(time.Hour)}
	if err := s.UpsertTransaction(ctx, touch); err != nil {
		t.Fatalf("UpsertTransaction(touch): %v", err)
	}
	got, err = s.Transaction(ctx, "txn-1")
	if err != nil {
		t.Fatalf("Transaction: %v", err)
	}
	if !sameTime(got.CreatedAt, t0) || !sameTime(got.UpdatedAt, t0.Add(time.Hour)) {
		t.Errorf("after touch: created %v updated %v, want %v and %v", got.CreatedAt, got.UpdatedAt, t0, t0.Add(time.Hour))
	}
	if got.Owner != "partner-app" || got.Domain != tx.Domain {
		t.Errorf("touch lost owner/domain: %+v", got)
	}

	// Without times the store stamps both.
	fresh := &store.Transaction{ID: "txn-2", Owner: "web"}
	if err := s.UpsertTransaction(ctx, fresh); err != nil {
		t.Fatalf("UpsertTransaction: %v", err)
	}
	got, err = s.Transaction(ctx, "txn-2")
	if err != nil {
		t.Fatalf("Transaction: %v", err)
	}
	if got.CreatedAt.IsZero() || got.UpdatedAt.IsZero() {
		t.Errorf("store left times zero: %+v", got)
	}
	if _, err := s.Transaction(ctx, "txn-unknown"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown transaction: err = %v, want ErrNotFound", err)
	}
}

func testOrders(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	o := &store.Order{
		ID: "order-1", TransactionID: "txn-1", BppID: "bpp.example", BppURI: "http://bpp.example",
		Domain: "onest:work-opportunities", ProviderID: "prov-1", State: "APPLICATION-SUBMITTED",
		Raw: []byte(`{"id":"order-1","state":"CREATED"}`), UpdatedAt: t0,
	}
	if err := s.UpsertOrder(ctx, o); err != nil {
		t.Fatalf("UpsertOrder: %v", err)
	}
	check := func(want *store.Order) {
		t.Helper()
		got, err := s.Order(ctx, want.ID)
		if err != nil {
			t.Fatalf("Order(%s): %v", want.ID, err)
		}
		if got.TransactionID != want.TransactionID || got.BppID != want.BppID || got.BppURI != want.BppURI ||
			got.Domain != want.Domain || got.ProviderID != want.ProviderID || got.State != want.State ||
			!bytes.Equal(got.Raw, want.Raw) || !sameTime(got.UpdatedAt, want.UpdatedAt) {
			t.Fatalf("Order(%s) = %+v, want %+v", want.ID, got, want)
		}
	}
	check(o)

	o.State = "APPLICATION-ACCEPTED"
	o.Raw = []byte(`{"id":"order-1","state":"ACCEPTED"}`)
	o.UpdatedAt = t0.Add(time.Minute)
	if err := s.UpsertOrder(ctx, o); err != nil {
		t.Fatalf("UpsertOrder(update): %v", err)
	}
	check(o)

	o2 := &store.Order{ID: "order-2", TransactionID: "txn-1", BppID: "bpp2", State: "CREATED", Raw: []byte(`{}`), UpdatedAt: t0.Add(2 * time.Minute)}
	o3 := &store.Order{ID: "order-3", TransactionID: "txn-2", BppID: "bpp2", State: "CREATED", UpdatedAt: t0}
	for _, x := range []*store.Order{o2, o3} {
		if err := s.UpsertOrder(ctx, x); err != nil {
			t.Fatalf("UpsertOrder: %v", err)
		}
	}
	list, err := s.OrdersByTransaction(ctx, "txn-1")
	if err != nil {
		t.Fatalf("OrdersByTransaction: %v", err)
	}
	var ids []string
	for _, x := range list {
		ids = append(ids, x.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"order-1", "order-2"}) {
		t.Fatalf("OrdersByTransaction(txn-1) = %v, want [order-1 order-2]", ids)
	}
	list, err = s.OrdersByTransaction(ctx, "txn-none")
	if err != nil || len(list) != 0 {
		t.Fatalf("OrdersByTransaction(unknown) = %d orders, err %v; want none and no error", len(list), err)
	}
	// Without a time the store stamps UpdatedAt.
	o4 := &store.Order{ID: "order-4", TransactionID: "txn-2"}
	if err := s.UpsertOrder(ctx, o4); err != nil {
		t.Fatalf("UpsertOrder: %v", err)
	}
	if got, err := s.Order(ctx, "order-4"); err != nil || got.UpdatedAt.IsZero() {
		t.Fatalf("Order(order-4) = %+v, %v; want UpdatedAt stamped", got, err)
	}
}

func testIdempotency(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	rec := &store.Idempotency{Key: "key-1", Client: "app-a", RequestHash: "h1", Status: 202, Body: []byte("{\"ok\":true}\n\xff")}
	got, err := s.PutIdempotency(ctx, rec)
	if err != nil {
		t.Fatalf("PutIdempotency: %v", err)
	}
	if got.Status != 202 || !bytes.Equal(got.Body, rec.Body) || got.CreatedAt.IsZero() {
		t.Fatalf("PutIdempotency returned %+v", got)
	}

	// Same key, same request: the stored answer, not the new one.
	replay := &store.Idempotency{Key: "key-1", Client: "app-a", RequestHash: "h1", Status: 500, Body: []byte("other")}
	got, err = s.PutIdempotency(ctx, replay)
	if err != nil {
		t.Fatalf("PutIdempotency(replay): %v", err)
	}
	if got.Status != 202 || !bytes.Equal(got.Body, rec.Body) {
		t.Fatalf("replay returned %d %q, want the stored 202 %q", got.Status, got.Body, rec.Body)
	}

	// Same key, another request: ErrConflict with the stored record.
	other := &store.Idempotency{Key: "key-1", Client: "app-a", RequestHash: "h2", Status: 200, Body: []byte("x")}
	got, err = s.PutIdempotency(ctx, other)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("reused key with another request: err = %v, want ErrConflict", err)
	}
	if got == nil || got.RequestHash != "h1" || got.Status != 202 {
		t.Fatalf("conflict returned %+v, want the stored record", got)
	}

	// Keys belong to their client.
	b := &store.Idempotency{Key: "key-1", Client: "app-b", RequestHash: "h2", Status: 201, Body: []byte("b")}
	got, err = s.PutIdempotency(ctx, b)
	if err != nil || got.Status != 201 || !bytes.Equal(got.Body, []byte("b")) {
		t.Fatalf("same key for another client: %+v, %v; want its own record", got, err)
	}

	stored, err := s.GetIdempotency(ctx, "app-a", "key-1")
	if err != nil {
		t.Fatalf("GetIdempotency: %v", err)
	}
	if stored.RequestHash != "h1" || stored.Status != 202 || !bytes.Equal(stored.Body, rec.Body) || stored.Key != "key-1" || stored.Client != "app-a" {
		t.Fatalf("GetIdempotency = %+v", stored)
	}
	if stored, err := s.GetIdempotency(ctx, "app-b", "key-1"); err != nil || stored.RequestHash != "h2" {
		t.Fatalf("GetIdempotency(app-b) = %+v, %v", stored, err)
	}
	if _, err := s.GetIdempotency(ctx, "app-c", "key-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetIdempotency(unknown client): err = %v, want ErrNotFound", err)
	}
}

func testKV(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	val := []byte("\x00registry record\xff")
	if err := s.PutKV(ctx, "registry/bpp.example", val, time.Time{}); err != nil {
		t.Fatalf("PutKV: %v", err)
	}
	got, err := s.GetKV(ctx, "registry/bpp.example")
	if err != nil || !bytes.Equal(got, val) {
		t.Fatalf("GetKV = %q, %v; want %q", got, err, val)
	}
	if err := s.PutKV(ctx, "registry/bpp.example", []byte("v2"), time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("PutKV(overwrite): %v", err)
	}
	if got, err := s.GetKV(ctx, "registry/bpp.example"); err != nil || string(got) != "v2" {
		t.Fatalf("GetKV after overwrite = %q, %v", got, err)
	}
	if err := s.PutKV(ctx, "stale", []byte("old"), time.Now().Add(-time.Second)); err != nil {
		t.Fatalf("PutKV(expired): %v", err)
	}
	if _, err := s.GetKV(ctx, "stale"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired value: err = %v, want ErrNotFound", err)
	}
	// Writing again revives an expired key.
	if err := s.PutKV(ctx, "stale", []byte("new"), time.Time{}); err != nil {
		t.Fatalf("PutKV(revive): %v", err)
	}
	if got, err := s.GetKV(ctx, "stale"); err != nil || string(got) != "new" {
		t.Fatalf("revived value = %q, %v", got, err)
	}
	if _, err := s.GetKV(ctx, "never"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown key: err = %v, want ErrNotFound", err)
	}
}

// testNotFound checks every lookup's miss, through errors.Is so that
// backends may wrap the sentinel with detail.
func testNotFound(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	checks := map[string]error{}
	_, checks["Message"] = s.Message(ctx, 424242)
	_, checks["OutboundByMessageID"] = s.OutboundByMessageID(ctx, "nope")
	_, checks["Transaction"] = s.Transaction(ctx, "nope")
	_, checks["Order"] = s.Order(ctx, "nope")
	_, checks["OutboxEntry"] = s.OutboxEntry(ctx, 424242)
	checks["UpdateOutbox"] = s.UpdateOutbox(ctx, &store.OutboxEntry{ID: 424242, State: store.OutboxAcked})
	_, checks["GetIdempotency"] = s.GetIdempotency(ctx, "c", "k")
	_, checks["GetKV"] = s.GetKV(ctx, "nope")
	for name, err := range checks {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s on a miss: err = %v, want ErrNotFound", name, err)
		}
	}
}

func testLease(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	now := time.Now()
	take := func(owner string, at time.Time, want bool) {
		t.Helper()
		got, err := s.TryLease(ctx, "harvest", owner, at, at.Add(time.Minute))
		if err != nil || got != want {
			t.Fatalf("TryLease(%s at %s) = %v, %v; want %v", owner, at.Sub(now), got, err, want)
		}
	}
	take("a", now, true)
	take("b", now.Add(time.Second), false)   // a holds it
	take("a", now.Add(30*time.Second), true) // renewal moves the end to +90s
	take("b", now.Add(80*time.Second), false)
	take("b", now.Add(91*time.Second), true)                    // a's lease ran out
	if err := s.ReleaseLease(ctx, "harvest", "a"); err != nil { // not a's any more: no effect
		t.Fatalf("ReleaseLease(a): %v", err)
	}
	take("a", now.Add(92*time.Second), false)
	if err := s.ReleaseLease(ctx, "harvest", "b"); err != nil {
		t.Fatalf("ReleaseLease(b): %v", err)
	}
	take("a", now.Add(93*time.Second), true)
	// Leases are independent of each other.
	if got, err := s.TryLease(ctx, "telemetry", "b", now, now.Add(time.Minute)); err != nil || !got {
		t.Fatalf("TryLease(other name) = %v, %v", got, err)
	}
}

func testPurge(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	now := time.Now()
	for _, kv := range []struct {
		key     string
		expires time.Time
	}{{"session/old", now.Add(-time.Minute)}, {"session/live", now.Add(time.Hour)}, {"cursor", time.Time{}}} {
		if err := s.PutKV(ctx, kv.key, []byte("v"), kv.expires); err != nil {
			t.Fatal(err)
		}
	}
	old := &store.Idempotency{Key: "old", Client: "app", RequestHash: "h", Status: 200, Body: []byte("{}"), CreatedAt: now.Add(-48 * time.Hour)}
	recent := &store.Idempotency{Key: "recent", Client: "app", RequestHash: "h", Status: 200, Body: []byte("{}")}
	for _, rec := range []*store.Idempotency{old, recent} {
		if _, err := s.PutIdempotency(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	kv, idem, err := s.Purge(ctx, now, now.Add(-24*time.Hour))
	if err != nil || kv != 1 || idem != 1 {
		t.Fatalf("Purge = %d kv, %d idempotency, %v; want 1 and 1", kv, idem, err)
	}
	if _, err := s.GetKV(ctx, "session/live"); err != nil {
		t.Errorf("a live row was purged: %v", err)
	}
	if _, err := s.GetKV(ctx, "cursor"); err != nil {
		t.Errorf("a row without expiry was purged: %v", err)
	}
	if _, err := s.GetIdempotency(ctx, "app", "old"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old idempotency record survived: %v", err)
	}
	if _, err := s.GetIdempotency(ctx, "app", "recent"); err != nil {
		t.Errorf("a recent idempotency record was purged: %v", err)
	}
}
