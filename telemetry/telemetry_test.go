package telemetry_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/sqlite"
	"github.com/onest-seeker/seeker/telemetry"
)

const bapID = "seeker-telemetry.test"

var identity = telemetry.Identity{SubscriberID: bapID, SubscriberURL: "http://127.0.0.1:9/bap", Version: "test"}

// sink is the sandbox's real telemetry sink on a loopback port.
func newSink(t *testing.T) (*sandbox.TelemetrySink, string) {
	t.Helper()
	sink := sandbox.NewTelemetrySink(nil, "admin")
	srv := httptest.NewServer(sink.Handler())
	t.Cleanup(srv.Close)
	return sink, srv.URL + sandbox.TelemetryIngestPath
}

// networkSink is the sink of a running sandbox network, reached through
// the ingest URL its describe document publishes (Description().Telemetry),
// as a Seeker configured with the sandbox would reach it.
func networkSink(t *testing.T) (*sandbox.TelemetrySink, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	nw, err := sandbox.Start(ctx, sandbox.Options{Seed: 1, BPPs: []sandbox.BPPSpec{{Domain: beckn.DomainExpert}}})
	if err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { nw.Close() })
	return nw.Telemetry(), nw.Description().Telemetry
}

func openStore(t *testing.T, path string) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newSender(t *testing.T, cfg telemetry.Config) *telemetry.Sender {
	t.Helper()
	if cfg.Identity.SubscriberID == "" {
		cfg.Identity = identity
	}
	if cfg.RetryMin == 0 {
		cfg.RetryMin, cfg.RetryMax = 5*time.Millisecond, 50*time.Millisecond
	}
	s, err := telemetry.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// call is an API call as the engine reports it; i makes ids distinct.
func call(i int, dir store.Direction, action string) engine.APICall {
	now := time.Now()
	c := engine.APICall{
		Direction: dir, Action: action, Domain: beckn.DomainLearning,
		TransactionID: "txn-" + string(rune('a'+i%26)), MessageID: "msg-" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + itoa(i),
		Status: 200, Ack: "ACK", Start: now, End: now.Add(time.Millisecond),
	}
	if dir == store.Outbound {
		c.SenderID, c.RecipientID, c.URL = bapID, "bpp.test", "http://127.0.0.1:9/bpp/"+action
	} else {
		c.SenderID, c.RecipientID, c.URL = "bpp.test", bapID, "http://127.0.0.1:9/bap/"+action
	}
	return c
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitStats polls until pred holds or a generous deadline passes.
func waitStats(t *testing.T, s *telemetry.Sender, what string, pred func(telemetry.Stats) bool) telemetry.Stats {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st := s.Stats()
		if pred(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; stats %+v", what, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEventPassesTheSinkChecks renders an ACKed request, a NACKed callback
// and a request that got no answer, and has the sandbox's ingest parser
// check every attribute the spec requires.
func TestEventPassesTheSinkChecks(t *testing.T) {
	ack := call(1, store.Outbound, "search")
	ack.URL = "http://gw.test:8080/search?token=secret"
	nack := call(2, store.Inbound, "on_select")
	nack.Status, nack.Ack = 400, "NACK"
	nack.Error = beckn.NewError(beckn.CodeInvalidRequest, "message.order", "order is missing")
	lost := call(3, store.Outbound, "init")
	lost.Status, lost.Ack = 0, ""
	lost.Error = &beckn.Error{Message: "dial tcp: connection refused"}
	refused := engine.APICall{Direction: store.Inbound, Action: "on_status", RecipientID: bapID, Status: 400, Ack: "NACK",
		URL: "http://127.0.0.1:9/bap/on_status", Start: time.Now(), End: time.Now()}

	var events [][]byte
	for i, c := range []engine.APICall{ack, nack, lost, refused} {
		ev, err := telemetry.Event(identity, c, "uuid-"+itoa(i), time.Now())
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		events = append(events, ev)
	}
	body := telemetry.EncodeBatch("batch-1", events)
	batch, err := sandbox.ParseTelemetryBatch(body, nil)
	if err != nil {
		t.Fatalf("the sink refuses the batch: %v\n%s", err, body)
	}
	if batch.ID != "batch-1" || len(batch.Records) != 4 {
		t.Fatalf("batch %q with %d records, want batch-1 with 4", batch.ID, len(batch.Records))
	}
	r := batch.Records[0]
	want := map[string]string{
		"sender.id": bapID, "recipient.id": "bpp.test", "sender.type": "seeker", "recipient.type": "provider",
		"sender.uri": identity.SubscriberURL, "recipient.uri": "http://gw.test:8080",
		"http.method": "POST", "http.route": "/search", "http.host": "gw.test:8080", "http.scheme": "http",
		"http.status.code": "200", "span_uuid": "uuid-0",
	}
	for k, v := range want {
		if r.Attributes[k] != v {
			t.Errorf("search span attribute %s = %q, want %q (all: %v)", k, r.Attributes[k], v, r.Attributes)
		}
	}
	if r.EID != "API" || r.Producer != bapID || r.Domain != beckn.DomainLearning || r.Name != "search" ||
		r.TraceID != ack.TransactionID || r.SpanID != ack.MessageID {
		t.Errorf("search span envelope: %+v", r)
	}
	if strings.Contains(string(body), "secret") {
		t.Errorf("the query string of a URL reached the event: %s", body)
	}
	in := batch.Records[1]
	if in.Attributes["sender.id"] != "bpp.test" || in.Attributes["recipient.id"] != bapID || in.Attributes["sender.type"] != "provider" ||
		in.Attributes["recipient.type"] != "seeker" || in.Attributes["http.status.code"] != "400" {
		t.Errorf("on_select span attributes: %v", in.Attributes)
	}
	for _, wantText := range []string{`"code":"Error"`, `"stringValue":"30000"`, `"stringValue":"order is missing"`, `"stringValue":"TRANSPORT-ERROR"`, `"stringValue":"dial tcp: connection refused"`} {
		if !strings.Contains(string(body), wantText) {
			t.Errorf("batch lacks %s (the error events of the NACK and the lost call):\n%s", wantText, body)
		}
	}
	if got := batch.Records[3]; got.TraceID != "unknown" || got.SpanID != "unknown" || got.Domain != "unknown" {
		t.Errorf("a refused callback without ids should name them unknown, got %+v", got)
	}
}

// FuzzEvent: whatever ids, URLs and error texts a peer makes the engine
// report, the event is valid JSON the sink accepts.
func FuzzEvent(f *testing.F) {
	f.Add("search", "txn", "msg", "http://h/search?x=1", "bpp", 200, "ACK", "", "")
	f.Add("on_init", "", "", "::", "", 0, "", "30000", "\xff\x00<script>")
	f.Fuzz(func(t *testing.T, action, txn, msg, u, peer string, status int, ack, code, text string) {
		if action == "" {
			action = "search"
		}
		c := engine.APICall{Direction: store.Outbound, Action: action, TransactionID: txn, MessageID: msg, URL: u,
			SenderID: bapID, RecipientID: peer, Status: status, Ack: ack}
		if code != "" || text != "" {
			c.Error = &beckn.Error{Code: beckn.LenientString(code), Message: text}
		}
		ev, err := telemetry.Event(identity, c, "u", time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sandbox.ParseTelemetryBatch(telemetry.EncodeBatch("b", [][]byte{ev}), nil); err != nil {
			t.Fatalf("sink refuses the event of %+v: %v\n%s", c, err, ev)
		}
	})
}

// TestBatchesBySizeThenInterval: a full batch goes at once; the remainder
// goes when the interval passes.
func TestBatchesBySizeThenInterval(t *testing.T) {
	sink, url := newSink(t)
	st := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
	s := newSender(t, telemetry.Config{URL: url, Store: st, BatchSize: 4, Interval: time.Hour})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	for i := 0; i < 6; i++ {
		s.Observe(call(i, store.Outbound, "search"))
	}
	got, err := sink.WaitFor(waitCtx(t), sandbox.TelemetryFilter{Producer: bapID}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("sink has %d events, want the one full batch of 4", len(got))
	}
	if st := waitStats(t, s, "4 sent", func(s telemetry.Stats) bool { return s.Sent == 4 }); st.Pending != 2 {
		t.Errorf("pending %d after one batch of 4 out of 6, want 2 (%+v)", st.Pending, st)
	}

	// A second sender with a short interval sends a partial batch.
	st2 := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
	s2 := newSender(t, telemetry.Config{URL: url, Store: st2, BatchSize: 100, Interval: 20 * time.Millisecond,
		Identity: telemetry.Identity{SubscriberID: "other.bap"}})
	if err := s2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s2.Stop(context.Background())
	s2.Observe(call(7, store.Inbound, "on_search"))
	if _, err := sink.WaitFor(waitCtx(t), sandbox.TelemetryFilter{Producer: "other.bap", Name: "on_search"}, 1); err != nil {
		t.Fatalf("the interval did not flush a partial batch: %v", err)
	}
}

// TestFailedBatchesAreRetriedInOrder: while the sink fails, batches wait
// in the store and count as failed; afterwards they arrive in the order
// they were cut.
func TestFailedBatchesAreRetriedInOrder(t *testing.T) {
	sink, url := networkSink(t)
	sink.FailNext(3, http.StatusServiceUnavailable)
	st := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
	s := newSender(t, telemetry.Config{URL: url, Store: st, BatchSize: 2, Interval: time.Hour})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	for i := 0; i < 6; i++ {
		s.Observe(call(i, store.Outbound, "select"))
	}
	got, err := sink.WaitFor(waitCtx(t), sandbox.TelemetryFilter{Producer: bapID}, 6)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range got {
		if want := call(i, store.Outbound, "select").MessageID; e.SpanID != want {
			t.Fatalf("event %d arrived as %s, want %s: batches out of order", i, e.SpanID, want)
		}
	}
	stats := waitStats(t, s, "all sent", func(s telemetry.Stats) bool { return s.Sent == 6 })
	if stats.FailedAttempts != 3 || stats.Failed < 6 || stats.Pending != 0 || stats.PendingBatches != 0 {
		t.Errorf("stats after 3 refused attempts: %+v", stats)
	}
	if requests, batches := sink.Stats(); requests != 6 || batches != 3 {
		t.Errorf("sink saw %d requests and %d batches, want 6 and 3", requests, batches)
	}
}

// TestPendingBatchesSurviveARestart: batches the sink refused are in the
// store when the sender stops; a new sender on the same database sends them
// with their original batch ids.
func TestPendingBatchesSurviveARestart(t *testing.T) {
	sink, url := networkSink(t)
	sink.FailNext(1_000_000, http.StatusBadGateway)
	path := filepath.Join(t.TempDir(), "seeker.db")
	st := openStore(t, path)
	s := newSender(t, telemetry.Config{URL: url, Store: st, BatchSize: 3, Interval: time.Hour})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		s.Observe(call(i, store.Inbound, "on_confirm"))
	}
	waitStats(t, s, "a failed attempt", func(s telemetry.Stats) bool { return s.FailedAttempts > 0 })
	if err := s.Stop(context.Background()); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if stats := s.Stats(); stats.Sent != 0 || stats.Pending != 7 || stats.PendingBatches != 3 || stats.LastError == "" {
		t.Fatalf("stats at stop: %+v", stats)
	}
	st.Close()

	sink.FailNext(0, 0)
	st2 := openStore(t, path)
	s2 := newSender(t, telemetry.Config{URL: url, Store: st2, BatchSize: 3, Interval: time.Hour})
	if stats := s2.Stats(); stats.Pending != 0 {
		t.Fatalf("a sender that has not started should not report stored work yet: %+v", stats)
	}
	if err := s2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s2.Stop(context.Background())
	got, err := sink.WaitFor(waitCtx(t), sandbox.TelemetryFilter{Producer: bapID}, 7)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for i, e := range got {
		ids[e.BatchID]++
		if want := call(i, store.Inbound, "on_confirm").MessageID; e.SpanID != want {
			t.Errorf("event %d is %s, want %s", i, e.SpanID, want)
		}
	}
	if len(got) != 7 || len(ids) != 3 {
		t.Errorf("after restart the sink has %d events in %d batches, want 7 in 3: %v", len(got), len(ids), ids)
	}
	if stats := waitStats(t, s2, "all sent", func(s telemetry.Stats) bool { return s.Sent == 7 }); stats.Pending != 0 {
		t.Errorf("stats after the restart delivered everything: %+v", stats)
	}

	// Nothing is sent twice by a third start.
	s2.Stop(context.Background())
	s3 := newSender(t, telemetry.Config{URL: url, Store: st2, BatchSize: 3, Interval: time.Hour})
	if err := s3.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s3.Stop(context.Background())
	if stats := s3.Stats(); stats.Pending != 0 || stats.Sent != 0 {
		t.Errorf("a third start found work left over: %+v", stats)
	}
}

// TestMalformedBatchIsRejectedNotRetried: a batch the service refuses as
// malformed cannot succeed by resending; it is counted and the queue moves
// on, so later batches are not held up for ever.
func TestMalformedBatchIsRejectedNotRetried(t *testing.T) {
	sink, url := newSink(t)
	sink.FailNext(1, http.StatusBadRequest)
	st := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
	s := newSender(t, telemetry.Config{URL: url, Store: st, BatchSize: 1, Interval: time.Hour})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	s.Observe(call(0, store.Outbound, "status"))
	s.Observe(call(1, store.Outbound, "status"))
	if _, err := sink.WaitFor(waitCtx(t), sandbox.TelemetryFilter{Producer: bapID}, 1); err != nil {
		t.Fatal(err)
	}
	stats := waitStats(t, s, "one rejected, one sent", func(s telemetry.Stats) bool { return s.Rejected == 1 && s.Sent == 1 })
	if stats.Pending != 0 || stats.FailedAttempts != 0 {
		t.Errorf("stats: %+v", stats)
	}
}

func TestNewChecksItsConfiguration(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
	for name, cfg := range map[string]telemetry.Config{
		"no url":      {Store: st, Identity: identity},
		"ftp url":     {URL: "ftp://x/y", Store: st, Identity: identity},
		"no store":    {URL: "http://127.0.0.1:9/", Identity: identity},
		"no producer": {URL: "http://127.0.0.1:9/", Store: st},
	} {
		if _, err := telemetry.New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

// TestObserveNeverBlocks: with nobody draining (not started), Observe
// returns at once; beyond the buffer, events are counted as dropped, not
// hidden, and Stop without Start says how many were never stored.
func TestObserveNeverBlocks(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
	s := newSender(t, telemetry.Config{URL: "http://127.0.0.1:9/", Store: st, BatchSize: 100, Buffer: 4})
	for i := 0; i < 10; i++ {
		s.Observe(call(i, store.Outbound, "track"))
	}
	if stats := s.Stats(); stats.Pending != 4 || stats.Dropped != 6 {
		t.Errorf("after 10 events into a buffer of 4: %+v", stats)
	}
	if err := s.Stop(context.Background()); err == nil || !strings.Contains(err.Error(), "4 buffered events") {
		t.Errorf("Stop without Start: %v", err)
	}
}

// TestEarlyCutWhenTheBufferFills: a buffer smaller than a batch cuts
// batches early instead of dropping.
func TestEarlyCutWhenTheBufferFills(t *testing.T) {
	sink, url := newSink(t)
	st := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
	s := newSender(t, telemetry.Config{URL: url, Store: st, BatchSize: 100, Buffer: 8, Interval: time.Hour})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	for i := 0; i < 4; i++ {
		s.Observe(call(i, store.Outbound, "track"))
	}
	if _, err := sink.WaitFor(waitCtx(t), sandbox.TelemetryFilter{Producer: bapID}, 4); err != nil {
		t.Fatalf("half a buffer of events did not go out early: %v", err)
	}
}
