package postgres

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onest-seeker/seeker/store"
)

// TestBatchIsAtomic: when one insert of a batch fails, the batch's other
// inserts must not be committed, or the writer's one-by-one retry would
// store them twice.
func TestBatchIsAtomic(t *testing.T) {
	s, err := Open(t.Context(), freshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	good := &store.Message{Direction: store.Outbound, Action: "search", MessageID: "good", Raw: []byte("{}")}
	args, _, err := prepareMessage(good, store.Outbound, stamp())
	if err != nil {
		t.Fatal(err)
	}
	bad := &store.Message{Direction: store.Outbound, Action: "search", MessageID: "bad", Raw: []byte("{}")}
	badArgs, _, err := prepareMessage(bad, store.Outbound, stamp())
	if err != nil {
		t.Fatal(err)
	}
	badArgs = append(badArgs, "http://x", "no-such-state", 0, time.Now(), nil, "", time.Now())
	var seq, id int64
	ops := []*insertOp{
		{ctx: t.Context(), sql: insertOutboundSQL, args: args, scan: func(r pgx.Row) error { return r.Scan(&seq, &id) }},
		{ctx: t.Context(), sql: insertOutboundWithEntrySQL, args: badArgs, scan: func(r pgx.Row) error { return r.Scan(&seq, &id) }},
	}
	if err := s.w.send(ops); err == nil {
		t.Fatal("a batch with an invalid outbox state committed")
	}
	got, err := s.Messages(t.Context(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("a failed batch left %d messages behind", len(got))
	}
}
