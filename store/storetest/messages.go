package storetest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

func testOutboundWithOutboxEntry(t *testing.T, open Opener) {
	s := open(t)
	m := outbound("txn-1", "msg-1", "search")
	e := pendingEntry(t0)
	mustInsertOutbound(t, s, m, e)
	if e.ID <= 0 {
		t.Fatalf("entry.ID = %d after InsertOutbound", e.ID)
	}
	if e.MessageSeq != m.Seq {
		t.Errorf("entry.MessageSeq = %d, want the message's Seq %d", e.MessageSeq, m.Seq)
	}
	checkMessage(t, m, mustMessage(t, s, m.Seq))

	got, err := s.OutboxEntry(ctxFor(t), e.ID)
	if err != nil {
		t.Fatalf("OutboxEntry: %v", err)
	}
	if got.MessageSeq != m.Seq || got.State != store.OutboxPending || got.Attempts != 0 {
		t.Errorf("entry = %+v, want pending, 0 attempts, for seq %d", got, m.Seq)
	}
	if got.URL != m.URL {
		t.Errorf("entry URL = %q, want the message's URL %q when none is given", got.URL, m.URL)
	}
	if !sameTime(got.NextAttempt, t0) || !sameTime(got.Deadline, t0.Add(time.Minute)) {
		t.Errorf("entry times = %v / %v, want %v / %v", got.NextAttempt, got.Deadline, t0, t0.Add(time.Minute))
	}
	if got.ClaimedBy != "" || !got.ClaimedUntil.IsZero() {
		t.Errorf("new entry is leased: %q until %v", got.ClaimedBy, got.ClaimedUntil)
	}

	// A message without an entry (a response already answered elsewhere)
	// leaves nothing to send.
	m2 := outbound("txn-1", "msg-2", "select")
	mustInsertOutbound(t, s, m2, nil)
	claimed, err := s.ClaimOutbox(ctxFor(t), "a", t0.Add(time.Hour), time.Minute, 10)
	if err != nil {
		t.Fatalf("ClaimOutbox: %v", err)
	}
	if len(claimed) != 1 || claimed[0].ID != e.ID {
		t.Fatalf("claimed %d entries, want only entry %d", len(claimed), e.ID)
	}
}

// testOutboundIsAtomic makes the outbox half of an InsertOutbound fail and
// checks that the message half was not kept either.
func testOutboundIsAtomic(t *testing.T, open Opener) {
	s := open(t)
	m := outbound("txn-atomic", "msg-atomic", "confirm")
	bad := pendingEntry(t0)
	bad.State = "no-such-state"
	if err := s.InsertOutbound(ctxFor(t), m, bad); err == nil {
		t.Fatal("InsertOutbound accepted an outbox entry with an unknown state")
	}
	if got := mustMessages(t, s, store.MessageFilter{MessageID: "msg-atomic"}); len(got) != 0 {
		t.Fatalf("message stored without its outbox entry: seqs %v", seqs(got))
	}
	// The store is still usable afterwards.
	m = outbound("txn-atomic", "msg-atomic", "confirm")
	mustInsertOutbound(t, s, m, pendingEntry(t0))
}

func testAllFieldsRoundTrip(t *testing.T, open Opener) {
	s := open(t)
	req := outbound("txn-rt", "msg-rt", "init")
	req.OrderID = "order-9"
	req.BppID = "bpp.example"
	req.BppURI = "http://bpp.example/beckn"
	req.HTTPStatus = 200
	req.AckStatus = "ACK"
	req.CreatedAt = t0.Add(time.Second)
	mustInsertOutbound(t, s, req, pendingEntry(t0))
	checkMessage(t, req, mustMessage(t, s, req.Seq))

	cb := inbound("bpp.example", "txn-rt", "msg-rt", "on_init", []byte(`{"context":{},"message":{"order":{}}}`))
	cb.OrderID = "order-9"
	cb.Deadline = t0.Add(30 * time.Second)
	cb.Findings = []byte(`[{"path":"message.order","code":"30004"}]`)
	cb.Correlation = store.Solicited
	cb.RequestSeq = req.Seq
	cb.Late = true
	cb.AckStatus = "NACK"
	cb.HTTPStatus = 400
	cb.Error = "order is missing its items"
	cb.Signature = "expired: created 300s in the past"
	cb.Headers = map[string]string{
		"Authorization":           `Signature keyId="bpp.example|k1|ed25519",algorithm="ed25519",created="1",expires="2",headers="(created) (expires) digest",signature="abc=="`,
		"X-Gateway-Authorization": "Signature keyId=\"gw|k|ed25519\"",
		"Content-Type":            "application/json; charset=utf-8",
	}
	mustInsertInbound(t, s, cb)
	checkMessage(t, cb, mustMessage(t, s, cb.Seq))

	// Zero times, nil findings and empty headers stay empty.
	bare := &store.Message{Direction: store.Inbound, Action: "on_status", MessageID: "bare", Raw: []byte("{}"), BodyHash: hashOf([]byte("{}"))}
	mustInsertInbound(t, s, bare)
	got := mustMessage(t, s, bare.Seq)
	checkMessage(t, bare, got)
	if len(got.Headers) != 0 {
		t.Errorf("headers of a message stored without any = %v", got.Headers)
	}
}

func testRawBytesAndHeadersExact(t *testing.T, open Opener) {
	s := open(t)
	// Not UTF-8, a NUL, a lone surrogate encoded as bytes, CR LF and a
	// byte-order mark: none may be normalised away.
	raw := []byte("\xef\xbb\xbf{\"k\":\"\xff\xfe\x00\xed\xa0\x80\r\n\"}\x80")
	m := inbound("bpp.example", "txn-bytes", "msg-bytes", "on_search", raw)
	m.Headers = map[string]string{
		"Authorization": "Signature keyId=\"a|b|ed25519\"",
		"X-Odd-Value":   "caf\xe9 \xff\x00end",
		"X-Empty":       "",
		"X-Unicode":     "स्वागत ✓",
		"x-lower-case":  "kept as given",
		"X-Json-Like":   `{"a":[1,2]}\"`,
	}
	m.Findings = []byte("[\"\xff\"]")
	mustInsertInbound(t, s, m)
	got := mustMessage(t, s, m.Seq)
	if !bytes.Equal(got.Raw, raw) {
		t.Fatalf("raw bytes changed:\nwant %q\ngot  %q", raw, got.Raw)
	}
	checkMessage(t, m, got)

	// The same through Messages, which takes another code path in some
	// backends.
	list := mustMessages(t, s, store.MessageFilter{MessageID: "msg-bytes"})
	if len(list) != 1 {
		t.Fatalf("Messages returned %d, want 1", len(list))
	}
	checkMessage(t, m, list[0])
}

func testLargeBody(t *testing.T, open Opener) {
	s := open(t)
	raw := make([]byte, 5<<20)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	m := inbound("bpp.example", "txn-big", "msg-big", "on_search", raw)
	mustInsertInbound(t, s, m)
	got := mustMessage(t, s, m.Seq)
	if !bytes.Equal(got.Raw, raw) {
		t.Fatalf("5 MB body changed (got %d bytes)", len(got.Raw))
	}
	if got.BodyHash != hashOf(raw) {
		t.Fatalf("body hash = %s, want %s", got.BodyHash, hashOf(raw))
	}
	// A retry of the same 5 MB callback is a duplicate.
	dup, err := s.InsertInbound(ctxFor(t), inbound("bpp.example", "txn-big", "msg-big", "on_search", raw))
	if err != nil || !dup {
		t.Fatalf("second 5 MB insert: duplicate=%v err=%v, want a duplicate", dup, err)
	}
}

func testInboundDeduplication(t *testing.T, open Opener) {
	s := open(t)
	body := []byte(`{"message":{"catalog":{"descriptor":{"name":"A"}}}}`)
	first := inbound("bpp-a", "txn-d", "msg-d", "on_search", body)
	mustInsertInbound(t, s, first)

	again := inbound("bpp-a", "txn-d", "msg-d", "on_search", body)
	again.Signature = "different verdict, same bytes"
	dup, err := s.InsertInbound(ctxFor(t), again)
	if err != nil {
		t.Fatalf("InsertInbound(duplicate): %v", err)
	}
	if !dup {
		t.Fatal("same sender, message id, action and body: duplicate = false")
	}
	if again.Seq != first.Seq {
		t.Errorf("duplicate reported Seq %d, want the stored %d", again.Seq, first.Seq)
	}
	if got := mustMessages(t, s, store.MessageFilter{MessageID: "msg-d"}); len(got) != 1 {
		t.Fatalf("after a duplicate, %d messages stored, want 1", len(got))
	}
	if got := mustMessage(t, s, first.Seq); got.Signature != "valid" {
		t.Errorf("duplicate overwrote the stored message: signature %q", got.Signature)
	}

	// Each differing part makes a distinct message that is stored.
	variants := []*store.Message{
		inbound("bpp-a", "txn-d", "msg-d", "on_search", []byte(`{"message":{"catalog":{"descriptor":{"name":"B"}}}}`)), // body
		inbound("bpp-b", "txn-d", "msg-d", "on_search", body),                                                          // sender
		inbound("bpp-a", "txn-d", "msg-d", "on_status", body),                                                          // action
		inbound("bpp-a", "txn-d", "msg-e", "on_search", body),                                                          // message id
	}
	seen := map[int64]bool{first.Seq: true}
	for i, v := range variants {
		dup, err := s.InsertInbound(ctxFor(t), v)
		if err != nil || dup {
			t.Fatalf("variant %d: duplicate=%v err=%v, want stored", i, dup, err)
		}
		if seen[v.Seq] {
			t.Fatalf("variant %d got an existing Seq %d", i, v.Seq)
		}
		seen[v.Seq] = true
	}
	// An outbound message with the same ids and bytes never makes an
	// inbound one a duplicate.
	out := outbound("txn-d", "msg-o", "on_search")
	out.Raw, out.BodyHash, out.SenderID = body, hashOf(body), "bpp-c"
	mustInsertOutbound(t, s, out, nil)
	mustInsertInbound(t, s, inbound("bpp-c", "txn-d", "msg-o", "on_search", body))
	if got := mustMessages(t, s, store.MessageFilter{TransactionID: "txn-d"}); len(got) != 7 {
		t.Fatalf("stored %d messages, want 7", len(got))
	}
}

// testBodyHashFilledWhenEmpty: a caller that leaves BodyHash empty gets the
// hex SHA-256 of Raw, so de-duplication never depends on the caller
// remembering to hash.
func testBodyHashFilledWhenEmpty(t *testing.T, open Opener) {
	s := open(t)
	body := []byte(`{"x":1}`)
	m := inbound("bpp-a", "txn-h", "msg-h", "on_select", body)
	m.BodyHash = ""
	mustInsertInbound(t, s, m)
	if m.BodyHash != hashOf(body) {
		t.Errorf("BodyHash = %q, want %q", m.BodyHash, hashOf(body))
	}
	if got := mustMessage(t, s, m.Seq); got.BodyHash != hashOf(body) {
		t.Errorf("stored BodyHash = %q, want %q", got.BodyHash, hashOf(body))
	}
	again := inbound("bpp-a", "txn-h", "msg-h", "on_select", body)
	again.BodyHash = ""
	if dup, err := s.InsertInbound(ctxFor(t), again); err != nil || !dup {
		t.Fatalf("same body without a hash: duplicate=%v err=%v, want a duplicate", dup, err)
	}
}

func testSeqAndAfterSeq(t *testing.T, open Opener) {
	s := open(t)
	var all []*store.Message
	for i := range 30 {
		var m *store.Message
		if i%3 == 0 {
			m = outbound("txn-s", fmt.Sprintf("m%02d", i), "search")
			mustInsertOutbound(t, s, m, pendingEntry(t0))
		} else {
			m = inbound("bpp", "txn-s", fmt.Sprintf("m%02d", i), "on_search", fmt.Appendf(nil, `{"i":%d}`, i))
			mustInsertInbound(t, s, m)
		}
		if len(all) > 0 && m.Seq <= all[len(all)-1].Seq {
			t.Fatalf("Seq went from %d to %d", all[len(all)-1].Seq, m.Seq)
		}
		all = append(all, m)
	}
	got := mustMessages(t, s, store.MessageFilter{})
	if !slices.Equal(seqs(got), seqs(all)) {
		t.Fatalf("Messages() = %v, want %v", seqs(got), seqs(all))
	}
	after := all[9].Seq
	got = mustMessages(t, s, store.MessageFilter{AfterSeq: after})
	if !slices.Equal(seqs(got), seqs(all[10:])) {
		t.Fatalf("AfterSeq %d = %v, want %v", after, seqs(got), seqs(all[10:]))
	}
	// A stream that reads pages of 7 and resumes from the last Seq sees
	// every message exactly once, in order.
	var streamed []int64
	cursor := int64(0)
	for {
		page := mustMessages(t, s, store.MessageFilter{TransactionID: "txn-s", AfterSeq: cursor, Limit: 7})
		if len(page) == 0 {
			break
		}
		if len(page) > 7 {
			t.Fatalf("page of %d with Limit 7", len(page))
		}
		streamed = append(streamed, seqs(page)...)
		cursor = page[len(page)-1].Seq
	}
	if !slices.Equal(streamed, seqs(all)) {
		t.Fatalf("paged stream = %v, want %v", streamed, seqs(all))
	}
	// New messages continue after the cursor.
	late := inbound("bpp", "txn-s", "late", "on_search", []byte(`{"late":true}`))
	mustInsertInbound(t, s, late)
	got = mustMessages(t, s, store.MessageFilter{TransactionID: "txn-s", AfterSeq: cursor})
	if len(got) != 1 || got[0].Seq != late.Seq {
		t.Fatalf("after the cursor: %v, want [%d]", seqs(got), late.Seq)
	}
}

func testMessageFilters(t *testing.T, open Opener) {
	s := open(t)
	mk := func(dir store.Direction, txn, msgID, action, domain string, created time.Time) *store.Message {
		var m *store.Message
		if dir == store.Outbound {
			m = outbound(txn, msgID, action)
		} else {
			m = inbound("bpp", txn, msgID, action, []byte(txn+msgID+action+created.String()))
		}
		m.Domain = domain
		m.CreatedAt = created
		if dir == store.Outbound {
			mustInsertOutbound(t, s, m, nil)
		} else {
			mustInsertInbound(t, s, m)
		}
		return m
	}
	const work, learn = "onest:work-opportunities", "onest:learning-experiences"
	a := mk(store.Outbound, "t1", "m1", "search", learn, t0)
	b := mk(store.Inbound, "t1", "m1", "on_search", learn, t0.Add(1*time.Minute))
	c := mk(store.Inbound, "t1", "m1", "on_search", learn, t0.Add(2*time.Minute))
	d := mk(store.Outbound, "t2", "m2", "select", work, t0.Add(3*time.Minute))
	e := mk(store.Inbound, "t2", "m2", "on_select", work, t0.Add(4*time.Minute))
	f := mk(store.Inbound, "t2", "m3", "on_status", work, t0.Add(5*time.Minute))

	cases := []struct {
		name string
		f    store.MessageFilter
		want []*store.Message
	}{
		{"none", store.MessageFilter{}, []*store.Message{a, b, c, d, e, f}},
		{"transaction", store.MessageFilter{TransactionID: "t2"}, []*store.Message{d, e, f}},
		{"message id", store.MessageFilter{MessageID: "m1"}, []*store.Message{a, b, c}},
		{"action", store.MessageFilter{Action: "on_search"}, []*store.Message{b, c}},
		{"direction out", store.MessageFilter{Direction: store.Outbound}, []*store.Message{a, d}},
		{"direction in", store.MessageFilter{Direction: store.Inbound}, []*store.Message{b, c, e, f}},
		{"domain", store.MessageFilter{Domain: work}, []*store.Message{d, e, f}},
		{"since", store.MessageFilter{Since: t0.Add(4 * time.Minute)}, []*store.Message{e, f}},
		{"limit", store.MessageFilter{Limit: 2}, []*store.Message{a, b}},
		{"after seq", store.MessageFilter{AfterSeq: c.Seq}, []*store.Message{d, e, f}},
		{"combined", store.MessageFilter{TransactionID: "t2", Direction: store.Inbound, AfterSeq: d.Seq, Limit: 1}, []*store.Message{e}},
		{"transaction and action", store.MessageFilter{TransactionID: "t1", Action: "search"}, []*store.Message{a}},
		{"no match", store.MessageFilter{TransactionID: "t3"}, nil},
	}
	for _, tc := range cases {
		got := mustMessages(t, s, tc.f)
		if !slices.Equal(seqs(got), seqs(tc.want)) {
			t.Errorf("%s: got %v, want %v", tc.name, seqs(got), seqs(tc.want))
		}
	}
	// Listed messages are complete, not summaries.
	got := mustMessages(t, s, store.MessageFilter{MessageID: "m3"})
	if len(got) == 1 {
		checkMessage(t, f, got[0])
	}
}

func testOutboundByMessageID(t *testing.T, open Opener) {
	s := open(t)
	first := outbound("txn-o", "msg-o", "status")
	mustInsertOutbound(t, s, first, pendingEntry(t0))
	second := outbound("txn-o", "msg-o", "status")
	second.URL = "http://bpp.example/status"
	mustInsertOutbound(t, s, second, pendingEntry(t0))
	// Inbound callbacks with the same message id come later and must not
	// be mistaken for the request.
	mustInsertInbound(t, s, inbound("bpp", "txn-o", "msg-o", "on_status", []byte(`{}`)))
	mustInsertOutbound(t, s, outbound("txn-o", "msg-other", "status"), nil)

	got, err := s.OutboundByMessageID(ctxFor(t), "msg-o")
	if err != nil {
		t.Fatalf("OutboundByMessageID: %v", err)
	}
	if got.Seq != second.Seq {
		t.Fatalf("OutboundByMessageID = seq %d, want the most recent %d", got.Seq, second.Seq)
	}
	checkMessage(t, second, got)

	_, err = s.OutboundByMessageID(ctxFor(t), "never-sent")
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown message id: err = %v, want ErrNotFound", err)
	}
}
