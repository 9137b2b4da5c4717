package sandbox

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// TelemetryIngestPath is where the sink accepts batches. It mirrors the path
// of ONEST's testing ingest URL (https://data.onest.network/data/v1/in/
// onest-telemetry-testing), so a sender configured with the sandbox URL
// exercises the same URL shape it will use in production.
const TelemetryIngestPath = "/data/v1/in/onest-telemetry-testing"

// TelemetrySink stands in for ONEST Obsrv: it checks every event of a batch
// against the network telemetry spec, keeps the latest maxSinkEvents it
// accepted and lets tests see what arrived. FailNext makes it refuse requests so that a sender's
// buffering and retry can be tested against a real HTTP failure.
//
// The zero value is not usable; use NewTelemetrySink.
type TelemetrySink struct {
	required []string
	adminKey string

	mu       sync.Mutex
	events   []TelemetryEvent
	batches  int
	requests int
	failN    int
	failCode int
	changed  chan struct{} // closed and replaced whenever events grow
}

// maxSinkEvents bounds what the sink keeps: a demo left running for days
// (every callback is an event) would otherwise grow without end. When full,
// the oldest quarter is dropped.
const maxSinkEvents = 20000

// NewTelemetrySink returns an empty sink. requiredSpanAttrs overrides
// DefaultRequiredSpanAttrs when non-nil; adminKey protects the fault
// endpoint.
func NewTelemetrySink(requiredSpanAttrs []string, adminKey string) *TelemetrySink {
	return &TelemetrySink{required: requiredSpanAttrs, adminKey: adminKey, changed: make(chan struct{})}
}

// Handler serves:
//
//	POST {TelemetryIngestPath} and POST /   ingest a batch
//	GET  /events?traceId=&name=&producer=&eid=&kind=   what arrived (JSON list)
//	POST /admin/fail?n=N&status=503          fail the next N ingest requests (admin key)
func (s *TelemetrySink) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+TelemetryIngestPath, s.ingest)
	mux.HandleFunc("POST /{$}", s.ingest)
	mux.HandleFunc("GET /events", s.list)
	mux.HandleFunc("POST /admin/fail", s.adminFail)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	return mux
}

// obsrvResponse mirrors the envelope of the Obsrv dataset API, whose
// params.status a sender may check.
type obsrvResponse struct {
	ID           string         `json:"id"`
	Ver          string         `json:"ver"`
	TS           string         `json:"ts"`
	Params       obsrvParams    `json:"params"`
	ResponseCode string         `json:"responseCode"`
	Result       map[string]any `json:"result"`
}

type obsrvParams struct {
	Status string `json:"status"`
	ErrMsg string `json:"errmsg,omitempty"`
}

func newObsrvResponse(status, code, errmsg string, result map[string]any) obsrvResponse {
	return obsrvResponse{ID: "api.data.in", Ver: "v2", TS: time.Now().UTC().Format(time.RFC3339Nano),
		Params: obsrvParams{Status: status, ErrMsg: errmsg}, ResponseCode: code, Result: result}
}

func (s *TelemetrySink) ingest(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	if s.failN > 0 {
		s.failN--
		code := s.failCode
		s.mu.Unlock()
		writeJSON(w, code, newObsrvResponse("FAILED", "SERVER_ERROR", "telemetry sink fault injected: failing this request on purpose", nil))
		return
	}
	s.mu.Unlock()
	body, err := readBody(r)
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, newObsrvResponse("FAILED", "CLIENT_ERROR", err.Error(), nil))
		return
	}
	batch, err := ParseTelemetryBatch(body, s.required)
	if err != nil {
		var be *TelemetryBatchError
		result := map[string]any{}
		if errors.As(err, &be) {
			result["errors"] = be.Problems
		}
		writeJSON(w, http.StatusBadRequest, newObsrvResponse("FAILED", "CLIENT_ERROR", err.Error(), result))
		return
	}
	s.mu.Lock()
	s.events = append(s.events, batch.Records...)
	if len(s.events) > maxSinkEvents {
		s.events = slices.Clone(s.events[len(s.events)-maxSinkEvents*3/4:])
	}
	s.batches++
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, newObsrvResponse("SUCCESS", "OK", "", map[string]any{
		"message": "Data ingested successfully", "batch_id": batch.ID, "events": batch.EventCount, "records": len(batch.Records),
	}))
}

// TelemetryFilter selects stored events; empty fields match anything.
type TelemetryFilter struct {
	TraceID, Name, Producer, EID, Kind, Domain string
}

func (f TelemetryFilter) match(e TelemetryEvent) bool {
	return (f.TraceID == "" || f.TraceID == e.TraceID) &&
		(f.Name == "" || f.Name == e.Name) &&
		(f.Producer == "" || f.Producer == e.Producer) &&
		(f.EID == "" || f.EID == e.EID) &&
		(f.Kind == "" || f.Kind == e.Kind) &&
		(f.Domain == "" || f.Domain == e.Domain)
}

// Events returns copies of the stored events that match f, in arrival order.
func (s *TelemetrySink) Events(f TelemetryFilter) []TelemetryEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []TelemetryEvent
	for _, e := range s.events {
		if f.match(e) {
			out = append(out, e)
		}
	}
	return out
}

// WaitFor blocks until at least n stored events match f or ctx ends, and
// returns the matches. Senders batch asynchronously, so tests wait for
// arrival rather than sleeping.
func (s *TelemetrySink) WaitFor(ctx context.Context, f TelemetryFilter, n int) ([]TelemetryEvent, error) {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if got := s.Events(f); len(got) >= n {
			return got, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			got := s.Events(f)
			return got, errors.New("telemetry sink: waited for " + strconv.Itoa(n) + " matching events, have " + strconv.Itoa(len(got)) + ": " + ctx.Err().Error())
		}
	}
}

// Stats reports the number of ingest requests received (failed ones
// included) and batches accepted, so retry tests can count attempts.
func (s *TelemetrySink) Stats() (requests, batches int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.batches
}

// FailNext makes the next n ingest requests fail with status (503 when 0)
// before reading them.
func (s *TelemetrySink) FailNext(n, status int) {
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	s.mu.Lock()
	s.failN, s.failCode = n, status
	s.mu.Unlock()
}

// Reset forgets stored events and counters.
func (s *TelemetrySink) Reset() {
	s.mu.Lock()
	s.events, s.batches, s.requests, s.failN = nil, 0, 0, 0
	s.mu.Unlock()
}

func (s *TelemetrySink) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := TelemetryFilter{TraceID: q.Get("traceId"), Name: q.Get("name"), Producer: q.Get("producer"),
		EID: q.Get("eid"), Kind: q.Get("kind"), Domain: q.Get("domain")}
	ev := s.Events(f)
	if ev == nil {
		ev = []TelemetryEvent{}
	}
	writeJSON(w, http.StatusOK, ev)
}

func (s *TelemetrySink) adminFail(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, s.adminKey) {
		return
	}
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 0 {
		writeError(w, http.StatusBadRequest, "query parameter n must be a non-negative integer (the number of requests to fail)")
		return
	}
	status := http.StatusServiceUnavailable
	if v := r.URL.Query().Get("status"); v != "" {
		if status, err = strconv.Atoi(v); err != nil || status < 400 || status > 599 {
			writeError(w, http.StatusBadRequest, "query parameter status must be an HTTP error status 400..599")
			return
		}
	}
	s.FailNext(n, status)
	writeJSON(w, http.StatusOK, map[string]int{"fail_next": n, "status": status})
}
