package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/api"
	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/store"
)

var searchBody = `{"domain":"` + domain + `","intent":` + intent + `}`

func TestIdempotentSearchIsReplayedNotResent(t *testing.T) {
	h := newHarness(t, nil)
	s1, h1, b1 := h.call("POST", "/v1/search", keyAlice, searchBody, api.IdempotencyHeader, "k-1")
	if s1 != http.StatusAccepted || h1.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first search answered %d (replayed %q) %s", s1, h1.Get("Idempotent-Replayed"), b1)
	}
	s2, h2, b2 := h.call("POST", "/v1/search", keyAlice, searchBody, api.IdempotencyHeader, "k-1")
	if s2 != s1 || !bytes.Equal(b1, b2) || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeat answered %d %s (replayed %q), want the first answer %d %s replayed", s2, b2, h2.Get("Idempotent-Replayed"), s1, b1)
	}
	if n := len(h.sent("/search")); n != 1 {
		t.Fatalf("the provider got %d searches, want 1", n)
	}
	// The same key of another client is another key.
	s3, _, b3 := h.call("POST", "/v1/search", keyBob, searchBody, api.IdempotencyHeader, "k-1")
	if s3 != http.StatusAccepted || bytes.Equal(b3, b1) {
		t.Fatalf("bob's k-1 answered %d %s, want a search of its own", s3, b3)
	}
	if n := len(h.sent("/search")); n != 2 {
		t.Fatalf("the provider got %d searches, want 2", n)
	}
	// Without a key every request is sent.
	h.call("POST", "/v1/search", keyAlice, searchBody)
	if n := len(h.sent("/search")); n != 3 {
		t.Fatalf("the provider got %d searches, want 3", n)
	}
}

func TestIdempotencyKeyWithAnotherBodyConflicts(t *testing.T) {
	h := newHarness(t, nil)
	if s, _, b := h.call("POST", "/v1/search", keyAlice, searchBody, api.IdempotencyHeader, "k-2"); s != http.StatusAccepted {
		t.Fatalf("first search answered %d %s", s, b)
	}
	other := strings.Replace(searchBody, "python", "java", 1)
	status, _, b := h.call("POST", "/v1/search", keyAlice, other, api.IdempotencyHeader, "k-2")
	wantError(t, "same key, other body", status, b, http.StatusConflict, "409", api.IdempotencyHeader)
	if n := len(h.sent("/search")); n != 1 {
		t.Fatalf("the provider got %d searches, want 1", n)
	}
	status, _, b = h.call("POST", "/v1/search", keyAlice, searchBody, api.IdempotencyHeader, strings.Repeat("k", 256))
	wantError(t, "overlong key", status, b, http.StatusBadRequest, "30000", api.IdempotencyHeader)
}

func TestIdempotencyReplaysRefusalsToo(t *testing.T) {
	h := newHarness(t, nil)
	bad := `{"domain":"retail","intent":{}}`
	s1, _, b1 := h.call("POST", "/v1/search", keyAlice, bad, api.IdempotencyHeader, "k-3")
	s2, hdr, b2 := h.call("POST", "/v1/search", keyAlice, bad, api.IdempotencyHeader, "k-3")
	if s1 != http.StatusBadRequest || s2 != s1 || !bytes.Equal(b1, b2) || hdr.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("answers %d %s then %d %s, want the same 400 replayed", s1, b1, s2, b2)
	}
}

func TestConcurrentDuplicatesSendOnce(t *testing.T) {
	h := newHarness(t, nil)
	s, req := h.search(keyAlice)
	h.deliver(h.callback(req, "", catalogA))

	// The provider holds its answer to the first select until every
	// duplicate has been sent, so they all arrive while it is in flight.
	gate := make(chan struct{})
	arrived := make(chan struct{}, 1)
	h.mu.Lock()
	h.answer = func(r received) (int, []byte) {
		if r.path == "/select" {
			select {
			case arrived <- struct{}{}:
			default:
			}
			<-gate
		}
		return http.StatusOK, beckn.AckBody()
	}
	h.mu.Unlock()

	const n = 8
	type result struct {
		status int
		body   []byte
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	path := "/v1/transactions/" + s.TransactionID + "/select"
	for i := range n {
		wg.Go(func() {
			st, _, b := h.call("POST", path, keyAlice, `{"message":`+selectMsg+`}`, api.IdempotencyHeader, "k-4")
			results[i] = result{st, b}
		})
	}
	<-arrived
	close(gate)
	wg.Wait()

	for i, r := range results {
		if r.status != http.StatusAccepted || !bytes.Equal(r.body, results[0].body) {
			t.Fatalf("answer %d: %d %s, want every duplicate to get the first answer %d %s", i, r.status, r.body, results[0].status, results[0].body)
		}
	}
	if got := len(h.sent("/select")); got != 1 {
		t.Fatalf("the provider got %d distinct selects, want 1", got)
	}
}

// A process that died after reserving a key and before storing the answer
// leaves a reservation behind; whether it sent anything is unknown, so the
// key is refused at once (not after a wait) and nothing is sent.
func TestInterruptedKeyIsRefusedNotResent(t *testing.T) {
	h := newHarness(t, nil)
	r := httptest.NewRequest("POST", "/v1/search", nil)
	_, err := h.store().PutIdempotency(t.Context(), &store.Idempotency{
		Key: api.ReservePrefix + "k-5", Client: "alice", RequestHash: api.RequestHash(r, []byte(searchBody)),
		Body: []byte("nonce-of-a-dead-process"), CreatedAt: time.Now().Add(-time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	status, _, b := h.call("POST", "/v1/search", keyAlice, searchBody, api.IdempotencyHeader, "k-5")
	wantError(t, "interrupted key", status, b, http.StatusConflict, "409", api.IdempotencyHeader)
	if !strings.Contains(string(b), "interrupted") {
		t.Fatalf("the refusal %s does not say the first request may have been interrupted", b)
	}
	if n := len(h.requests("/search")); n != 0 {
		t.Fatalf("the provider got %d searches, want none", n)
	}
}
