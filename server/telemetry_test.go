package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/sandbox"
)

// TestTelemetryOfAServedBAPReachesTheSink checks the wiring: with
// telemetry.url set, the calls of a search (the search sent and the
// on_search callbacks received) arrive at the network's sink as events of
// that transaction, produced by this BAP.
func TestTelemetryOfAServedBAPReachesTheSink(t *testing.T) {
	s := startStack(t, sandbox.Options{Seed: 9})
	s.cfg.Telemetry.URL = s.network.Description().Telemetry
	s.cfg.Telemetry.BatchSize = 2
	s.cfg.Telemetry.Interval = time.Second
	s.restart()

	txn := beckn.NewUUID()
	if status, ans := s.call("search", beckn.Context{Domain: beckn.DomainWork, TransactionID: txn}, map[string]any{"intent": map[string]any{}}); status != 200 || len(ans.Responses) < 2 {
		t.Fatalf("search: %d with %d responses", status, len(ans.Responses))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f := sandbox.TelemetryFilter{TraceID: txn, Producer: s.cfg.SubscriberID}
	if _, err := s.network.Telemetry().WaitFor(ctx, sandbox.TelemetryFilter{TraceID: txn, Name: "search"}, 1); err != nil {
		t.Fatalf("no search event for the transaction: %v", err)
	}
	if _, err := s.network.Telemetry().WaitFor(ctx, sandbox.TelemetryFilter{TraceID: txn, Name: "on_search"}, 2); err != nil {
		t.Fatalf("fewer than two on_search events: %v", err)
	}
	for _, e := range s.network.Telemetry().Events(f) {
		if e.Domain != beckn.DomainWork || e.EID != "API" {
			t.Errorf("event %+v", e)
		}
	}
}
