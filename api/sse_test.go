package api_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/api"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store/sqlite"
)

const (
	catalogA = `{"catalog":{"descriptor":{"name":"page A"},"providers":[{"id":"p1"}]}}`
	catalogB = `{"catalog":{"descriptor":{"name":"page B"},"providers":[{"id":"p2"}]}}`
	statusIn = `{"order":{"id":"ord-1","status":"IN-PROGRESS"}}`
)

// wantEvent checks that ev carries the stored callback body as data, its
// action as event name and a Seq id after `after`; it returns the id.
func wantEvent(t *testing.T, ev sseEvent, ok bool, action string, body []byte, after int64) int64 {
	t.Helper()
	if !ok {
		t.Fatalf("stream ended, want a %s event", action)
	}
	if ev.Event != action || ev.Data != string(body) {
		t.Fatalf("event %q data %s, want %s with data %s", ev.Event, ev.Data, action, body)
	}
	id, err := strconv.ParseInt(ev.ID, 10, 64)
	if err != nil || id <= after {
		t.Fatalf("event id %q is not a Seq after %d", ev.ID, after)
	}
	return id
}

func TestEventsStreamCallbacksStoredBeforeAndAfterConnecting(t *testing.T) {
	h := newHarness(t, nil)
	s, req := h.search(keyAlice)
	if s.EventsURL != "/v1/transactions/"+s.TransactionID+"/events" {
		t.Fatalf("events_url %q", s.EventsURL)
	}
	before := h.callback(req, "", catalogA)
	h.deliver(before)

	stream := h.events(s.EventsURL, keyAlice)
	ev, ok := stream.next(t)
	id1 := wantEvent(t, ev, ok, "on_search", before, s.Seq)

	after := h.callback(req, "", catalogB)
	h.deliver(after)
	ev, ok = stream.next(t)
	id2 := wantEvent(t, ev, ok, "on_search", after, id1)

	// A status change the provider sends on its own (new message id).
	unsolicited := h.callback(req, "on_status", statusIn)
	h.deliver(unsolicited)
	ev, ok = stream.next(t)
	wantEvent(t, ev, ok, "on_status", unsolicited, id2)
}

func TestEventsResumeAfterLastEventIDLosesNothing(t *testing.T) {
	h := newHarness(t, nil)
	s, req := h.search(keyAlice)
	cb1, cb2 := h.callback(req, "", catalogA), h.callback(req, "", catalogB)
	h.deliver(cb1)
	h.deliver(cb2)

	stream := h.events(s.EventsURL, keyAlice)
	ev, ok := stream.next(t)
	id1 := wantEvent(t, ev, ok, "on_search", cb1, s.Seq)
	ev, ok = stream.next(t)
	id2 := wantEvent(t, ev, ok, "on_search", cb2, id1)
	stream.close()

	// Stored while nobody listens, and across a restart of Seeker.
	cb3 := h.callback(req, "on_status", statusIn)
	h.deliver(cb3)
	h.restart()

	resumed := h.events(s.EventsURL, keyAlice, "Last-Event-ID", strconv.FormatInt(id1, 10))
	ev, ok = resumed.next(t)
	if got := wantEvent(t, ev, ok, "on_search", cb2, id1); got != id2 {
		t.Fatalf("resumed stream starts at id %d, want %d", got, id2)
	}
	ev, ok = resumed.next(t)
	wantEvent(t, ev, ok, "on_status", cb3, id2)

	// ?after= does the same for clients that cannot set headers.
	byQuery := h.events(s.EventsURL+"?after="+strconv.FormatInt(id2, 10), keyAlice)
	ev, ok = byQuery.next(t)
	wantEvent(t, ev, ok, "on_status", cb3, id2)
}

func TestEventsUntilDoneEndsWhenEveryProviderAnswered(t *testing.T) {
	h := newHarness(t, nil)
	s, req := h.search(keyAlice)
	stream := h.events(s.EventsURL+"?until=done", keyAlice)
	cb := h.callback(req, "", catalogA)
	h.deliver(cb)
	ev, ok := stream.next(t)
	wantEvent(t, ev, ok, "on_search", cb, s.Seq)
	ev, ok = stream.next(t)
	if !ok || ev.Event != "done" {
		t.Fatalf("got %+v (stream open %v), want the done event once the only provider answered", ev, ok)
	}
	out := decode[struct {
		TransactionID string `json:"transaction_id"`
		RequestSeq    int64  `json:"request_seq"`
		Answered      int    `json:"answered"`
	}](t, []byte(ev.Data))
	if out.TransactionID != s.TransactionID || out.RequestSeq != s.Seq || out.Answered != 1 {
		t.Fatalf("done data %+v, want transaction %s request %d answered 1", out, s.TransactionID, s.Seq)
	}
	if ev, ok := stream.next(t); ok {
		t.Fatalf("stream goes on after done with %+v", ev)
	}
}

func TestEventsSendHeartbeats(t *testing.T) {
	h := newHarness(t, func(c *api.Config) { c.Heartbeat = 20 * time.Millisecond })
	s, _ := h.search(keyAlice)
	stream := h.events(s.EventsURL, keyAlice)
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-stream.events:
			if !ok {
				t.Fatal("stream ended without a heartbeat")
			}
			if ev.Comment == "heartbeat" {
				return
			}
		case <-timeout:
			t.Fatal("no heartbeat comment within 20 s")
		}
	}
}

func TestEventsRefusals(t *testing.T) {
	h := newHarness(t, nil)
	s, _ := h.search(keyAlice)
	tests := []struct {
		name, path, key string
		header          []string
		status          int
		code, at        string
	}{
		{"another client's transaction", s.EventsURL, keyBob, nil, http.StatusNotFound, "404", "transaction_id"},
		{"unknown transaction", "/v1/transactions/nope/events", keyAlice, nil, http.StatusNotFound, "404", "transaction_id"},
		{"no API key", s.EventsURL, "", nil, http.StatusUnauthorized, "401", ""},
		{"bad Last-Event-ID", s.EventsURL, keyAlice, []string{"Last-Event-ID", "x"}, http.StatusBadRequest, "30000", "Last-Event-ID"},
		{"bad after", s.EventsURL + "?after=-1", keyAlice, nil, http.StatusBadRequest, "30000", "after"},
		{"bad until", s.EventsURL + "?until=forever", keyAlice, nil, http.StatusBadRequest, "30000", "until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, b := h.call("GET", tt.path, tt.key, "", tt.header...)
			wantError(t, tt.name, status, b, tt.status, tt.code, tt.at)
		})
	}
}

// A callback stored by another instance on the same database publishes its
// event on that instance's bus only; the stream must still deliver it,
// because it reads the store and polls.
func TestEventsSeeCallbacksStoredByAnotherInstance(t *testing.T) {
	h := newHarness(t, nil)
	s, req := h.search(keyAlice)
	stream := h.events(s.EventsURL, keyAlice)

	st2, err := sqlite.Open(t.Context(), h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	other, err := engine.New(engine.Config{
		SubscriberID:  bapID,
		SubscriberURL: h.netSrv.URL,
		Signer:        h.bap.Signer(),
		Registry:      registry.NewCache(&registry.Client{BaseURL: h.reg.URL}),
		Store:         st2,
		InstanceID:    "other-instance",
	})
	if err != nil {
		t.Fatal(err)
	}
	cb := h.callback(req, "", catalogA)
	now := time.Now()
	hdr := http.Header{}
	hdr.Set(signing.HeaderAuthorization, h.bpp.Signer().Sign(cb, now.Add(-time.Second), now.Add(time.Minute)))
	if rc := other.Receive(t.Context(), "on_search", cb, hdr); rc.Ack != "ACK" {
		t.Fatalf("the other instance answered %s %+v", rc.Ack, rc.Error)
	}
	ev, ok := stream.next(t)
	wantEvent(t, ev, ok, "on_search", cb, s.Seq)
}

// With no answer at all the stream still ends, at the request's deadline.
func TestEventsUntilDoneEndsAtTheDeadlineWithoutAnswers(t *testing.T) {
	h := newHarness(t, nil)
	status, _, b := h.call("POST", "/v1/search", keyAlice, `{"domain":"`+domain+`","intent":`+intent+`,"ttl":"PT1S"}`)
	if status != http.StatusAccepted {
		t.Fatalf("search answered %d %s", status, b)
	}
	s := decode[sentAnswer](t, b)
	stream := h.events(s.EventsURL+"?until=done", keyAlice)
	ev, ok := stream.next(t)
	if !ok || ev.Event != "done" || ev.ID != "" {
		t.Fatalf("got %+v (open %v), want the done event at the deadline", ev, ok)
	}
	out := decode[struct {
		Answered int `json:"answered"`
	}](t, []byte(ev.Data))
	if out.Answered != 0 {
		t.Fatalf("done says %d answered, want 0", out.Answered)
	}
}
