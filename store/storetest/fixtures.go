package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// t0 is the suite's reference instant, at microsecond precision.
var t0 = time.Date(2026, 11, 28, 10, 0, 0, 123456000, time.UTC)

func ctxFor(t *testing.T) context.Context { return t.Context() }

func hashOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// outbound builds an outbound request as the engine would store it.
func outbound(txn, msgID, action string) *store.Message {
	raw := fmt.Appendf(nil, `{"context":{"action":%q,"transaction_id":%q,"message_id":%q},"message":{}}`, action, txn, msgID)
	return &store.Message{
		Direction:     store.Outbound,
		Action:        action,
		Domain:        "onest:learning-experiences",
		TransactionID: txn,
		MessageID:     msgID,
		BapID:         "seeker.example",
		SenderID:      "seeker.example",
		RecipientID:   "gateway.example",
		URL:           "http://gateway.example/" + action,
		Raw:           raw,
		BodyHash:      hashOf(raw),
		Headers:       map[string]string{"Content-Type": "application/json"},
		Timestamp:     t0,
		Deadline:      t0.Add(30 * time.Second),
		Correlation:   store.NotApplicable,
	}
}

// inbound builds a received callback from sender with the given body.
func inbound(sender, txn, msgID, action string, raw []byte) *store.Message {
	return &store.Message{
		Direction:     store.Inbound,
		Action:        action,
		Domain:        "onest:learning-experiences",
		TransactionID: txn,
		MessageID:     msgID,
		BapID:         "seeker.example",
		BppID:         sender,
		BppURI:        "http://" + sender + "/",
		SenderID:      sender,
		RecipientID:   "seeker.example",
		URL:           "/" + action,
		Raw:           raw,
		BodyHash:      hashOf(raw),
		Headers:       map[string]string{"Authorization": `Signature keyId="` + sender + `|k1|ed25519"`},
		Timestamp:     t0,
		Signature:     "valid",
		Correlation:   store.Solicited,
		AckStatus:     "ACK",
		HTTPStatus:    200,
	}
}

func mustInsertOutbound(t *testing.T, s store.Store, m *store.Message, e *store.OutboxEntry) {
	t.Helper()
	if err := s.InsertOutbound(ctxFor(t), m, e); err != nil {
		t.Fatalf("InsertOutbound(%s): %v", m.MessageID, err)
	}
	if m.Seq <= 0 {
		t.Fatalf("InsertOutbound(%s) left Seq = %d", m.MessageID, m.Seq)
	}
}

func mustInsertInbound(t *testing.T, s store.Store, m *store.Message) {
	t.Helper()
	dup, err := s.InsertInbound(ctxFor(t), m)
	if err != nil {
		t.Fatalf("InsertInbound(%s): %v", m.MessageID, err)
	}
	if dup {
		t.Fatalf("InsertInbound(%s) reported a duplicate of a new message", m.MessageID)
	}
	if m.Seq <= 0 {
		t.Fatalf("InsertInbound(%s) left Seq = %d", m.MessageID, m.Seq)
	}
}

func mustMessage(t *testing.T, s store.Store, seq int64) *store.Message {
	t.Helper()
	got, err := s.Message(ctxFor(t), seq)
	if err != nil {
		t.Fatalf("Message(%d): %v", seq, err)
	}
	return got
}

func mustMessages(t *testing.T, s store.Store, f store.MessageFilter) []*store.Message {
	t.Helper()
	got, err := s.Messages(ctxFor(t), f)
	if err != nil {
		t.Fatalf("Messages(%+v): %v", f, err)
	}
	return got
}

// seqs lists the Seq of each message, for readable failures.
func seqs(ms []*store.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func sameTime(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() && b.IsZero()
	}
	return a.Equal(b)
}

// diffMessage reports every field in which got differs from want. CreatedAt
// is compared only when want carries one.
func diffMessage(want, got *store.Message) []string {
	var d []string
	add := func(field string, w, g any) { d = append(d, fmt.Sprintf("%s: want %v, got %v", field, w, g)) }
	if want.Seq != got.Seq {
		add("Seq", want.Seq, got.Seq)
	}
	strs := []struct {
		name string
		w, g string
	}{
		{"Direction", string(want.Direction), string(got.Direction)},
		{"Action", want.Action, got.Action},
		{"Domain", want.Domain, got.Domain},
		{"TransactionID", want.TransactionID, got.TransactionID},
		{"MessageID", want.MessageID, got.MessageID},
		{"BapID", want.BapID, got.BapID},
		{"BppID", want.BppID, got.BppID},
		{"BppURI", want.BppURI, got.BppURI},
		{"SenderID", want.SenderID, got.SenderID},
		{"RecipientID", want.RecipientID, got.RecipientID},
		{"URL", want.URL, got.URL},
		{"OrderID", want.OrderID, got.OrderID},
		{"BodyHash", want.BodyHash, got.BodyHash},
		{"Signature", want.Signature, got.Signature},
		{"Correlation", string(want.Correlation), string(got.Correlation)},
		{"AckStatus", want.AckStatus, got.AckStatus},
		{"Error", want.Error, got.Error},
	}
	for _, s := range strs {
		if s.w != s.g {
			add(s.name, fmt.Sprintf("%q", s.w), fmt.Sprintf("%q", s.g))
		}
	}
	if !bytes.Equal(want.Raw, got.Raw) {
		add("Raw", fmt.Sprintf("%d bytes", len(want.Raw)), fmt.Sprintf("%d bytes (different)", len(got.Raw)))
	}
	if !bytes.Equal(want.Findings, got.Findings) || (want.Findings == nil) != (got.Findings == nil) {
		add("Findings", fmt.Sprintf("%q", want.Findings), fmt.Sprintf("%q", got.Findings))
	}
	if !maps.Equal(want.Headers, got.Headers) {
		add("Headers", fmt.Sprintf("%q", want.Headers), fmt.Sprintf("%q", got.Headers))
	}
	if !sameTime(want.Timestamp, got.Timestamp) {
		add("Timestamp", want.Timestamp, got.Timestamp)
	}
	if !sameTime(want.Deadline, got.Deadline) {
		add("Deadline", want.Deadline, got.Deadline)
	}
	if !want.CreatedAt.IsZero() && !sameTime(want.CreatedAt, got.CreatedAt) {
		add("CreatedAt", want.CreatedAt, got.CreatedAt)
	}
	if got.CreatedAt.IsZero() {
		add("CreatedAt", "set by the store", "zero")
	}
	if want.RequestSeq != got.RequestSeq {
		add("RequestSeq", want.RequestSeq, got.RequestSeq)
	}
	if want.Late != got.Late {
		add("Late", want.Late, got.Late)
	}
	if want.HTTPStatus != got.HTTPStatus {
		add("HTTPStatus", want.HTTPStatus, got.HTTPStatus)
	}
	return d
}

func checkMessage(t *testing.T, want, got *store.Message) {
	t.Helper()
	for _, d := range diffMessage(want, got) {
		t.Error(d)
	}
}

// pendingEntry builds a pending outbox entry due at next.
func pendingEntry(next time.Time) *store.OutboxEntry {
	return &store.OutboxEntry{
		State:       store.OutboxPending,
		NextAttempt: next,
		Deadline:    next.Add(time.Minute),
	}
}

func entryIDs(es []*store.OutboxEntry) map[int64]bool {
	out := make(map[int64]bool, len(es))
	for _, e := range es {
		out[e.ID] = true
	}
	return out
}
