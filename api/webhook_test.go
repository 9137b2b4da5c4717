package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/api"
)

// hookHit is one POST the app's webhook received.
type hookHit struct {
	status int
	sig    string
	event  api.WebhookEvent
	body   []byte
	at     time.Time // when the app received it
}

// hookApp is a partner app's webhook endpoint. While failing is set it
// answers 503, as an app that is down or deploying does.
type hookApp struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	failing bool
	refuse  int // answer 422 to this many more posts
	hits    []hookHit
}

func newHookApp(t testing.TB) *hookApp {
	a := &hookApp{t: t}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hit := hookHit{sig: r.Header.Get(api.SignatureHeader), body: body, at: time.Now()}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			hit.status = http.StatusMethodNotAllowed
		} else if err := json.Unmarshal(body, &hit.event); err != nil {
			hit.status = http.StatusUnprocessableEntity
		}
		a.mu.Lock()
		switch {
		case hit.status != 0:
		case a.refuse > 0:
			a.refuse--
			hit.status = http.StatusUnprocessableEntity
		case a.failing:
			hit.status = http.StatusServiceUnavailable
		default:
			hit.status = http.StatusOK
		}
		a.hits = append(a.hits, hit)
		a.mu.Unlock()
		w.WriteHeader(hit.status)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *hookApp) setFailing(v bool) {
	a.mu.Lock()
	a.failing = v
	a.mu.Unlock()
}

func (a *hookApp) all() []hookHit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]hookHit(nil), a.hits...)
}

// accepted are the deliveries the app answered 2xx, in arrival order.
func (a *hookApp) accepted() []hookHit {
	var out []hookHit
	for _, h := range a.all() {
		if h.status == http.StatusOK {
			out = append(out, h)
		}
	}
	return out
}

func (a *hookApp) waitAccepted(n int) []hookHit {
	a.t.Helper()
	waitFor(a.t, fmt.Sprintf("%d accepted webhook deliveries", n), func() bool { return len(a.accepted()) >= n })
	return a.accepted()
}

func webhookHarness(t *testing.T, app *hookApp) *harness {
	return newHarness(t, func(c *api.Config) {
		c.Webhooks = map[string]string{"alice": app.srv.URL + "/hooks/seeker"}
		c.AllowPrivateWebhooks = true // the app listens on loopback
	})
}

// wantDelivered checks that hits carry exactly the callbacks, in order, of
// transaction txn, each signed with alice's key.
func wantDelivered(t *testing.T, hits []hookHit, txn string, callbacks ...[]byte) {
	t.Helper()
	if len(hits) != len(callbacks) {
		t.Fatalf("%d deliveries, want %d", len(hits), len(callbacks))
	}
	for i, h := range hits {
		mac := hmac.New(sha256.New, []byte(keyAlice))
		mac.Write(h.body)
		if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); h.sig != want {
			t.Fatalf("delivery %d signed %q, want %q (HMAC-SHA256 of the body with the client's key)", i, h.sig, want)
		}
		if string(h.event.Callback) != string(callbacks[i]) || h.event.TransactionID != txn {
			t.Fatalf("delivery %d: %s, want callback %s of transaction %s", i, h.body, callbacks[i], txn)
		}
		if !strings.Contains(string(callbacks[i]), `"action":"`+h.event.Event+`"`) {
			t.Fatalf("delivery %d: event %q does not name the callback's action", i, h.event.Event)
		}
		if i > 0 && h.event.Seq <= hits[i-1].event.Seq {
			t.Fatalf("delivery %d has seq %d after %d: out of order", i, h.event.Seq, hits[i-1].event.Seq)
		}
	}
}

func TestWebhookDeliversTheClientsCallbacksInOrder(t *testing.T) {
	app := newHookApp(t)
	h := webhookHarness(t, app)
	alice, reqA := h.search(keyAlice)
	_, reqB := h.search(keyBob)

	cb1 := h.callback(reqA, "", catalogA)
	h.deliver(cb1)
	h.deliver(h.callback(reqB, "", catalogA)) // bob's: never delivered to alice
	cb2 := h.callback(reqA, "", catalogB)
	h.deliver(cb2)
	cb3 := h.callback(reqA, "on_status", statusIn) // unsolicited
	h.deliver(cb3)

	// Delivery is sequential in Seq order, so bob's callback (stored
	// between cb1 and cb2) would have arrived before cb2 if it were sent.
	wantDelivered(t, app.waitAccepted(3), alice.TransactionID, cb1, cb2, cb3)
	if n := len(app.all()); n != 3 {
		t.Fatalf("the app got %d posts, want 3", n)
	}
}

func TestWebhookRetriesAfter503AndKeepsOrder(t *testing.T) {
	app := newHookApp(t)
	app.setFailing(true)
	h := webhookHarness(t, app)
	s, req := h.search(keyAlice)
	cb1, cb2 := h.callback(req, "", catalogA), h.callback(req, "", catalogB)
	h.deliver(cb1)
	h.deliver(cb2)
	waitFor(t, "a refused delivery", func() bool { return len(app.all()) > 0 })
	app.setFailing(false)

	wantDelivered(t, app.waitAccepted(2), s.TransactionID, cb1, cb2)
	hits := app.all()
	if hits[0].status != http.StatusServiceUnavailable || string(hits[0].event.Callback) != string(cb1) {
		t.Fatalf("first post %d %s, want cb1 refused with 503", hits[0].status, hits[0].body)
	}
	for _, h := range hits {
		if h.status != http.StatusOK && string(h.event.Callback) != string(cb1) {
			t.Fatalf("cb2 was posted before cb1 was accepted: %s", h.body)
		}
	}
}

func TestWebhookResumesAfterRestartWithoutRepeats(t *testing.T) {
	app := newHookApp(t)
	h := webhookHarness(t, app)
	s, req := h.search(keyAlice)
	cb1 := h.callback(req, "", catalogA)
	h.deliver(cb1)
	app.waitAccepted(1)

	// cb2 is stored while the app is down, and Seeker restarts before the
	// app is back: the new process must deliver it.
	app.setFailing(true)
	cb2 := h.callback(req, "", catalogB)
	h.deliver(cb2)
	waitFor(t, "a refused delivery of cb2", func() bool { return len(app.all()) > 1 })
	h.restart()
	app.setFailing(false)
	cb3 := h.callback(req, "on_status", statusIn)
	h.deliver(cb3)

	wantDelivered(t, app.waitAccepted(3), s.TransactionID, cb1, cb2, cb3)
}

// An app that answers 422 says it will never accept that payload; the
// callback is skipped once so that it does not block every later one.
func TestWebhookSkipsACallbackTheAppRefuses(t *testing.T) {
	app := newHookApp(t)
	app.refuse = 1
	h := webhookHarness(t, app)
	s, req := h.search(keyAlice)
	cb1, cb2 := h.callback(req, "", catalogA), h.callback(req, "", catalogB)
	h.deliver(cb1)
	h.deliver(cb2)
	wantDelivered(t, app.waitAccepted(1), s.TransactionID, cb2)
	hits := app.all()
	if len(hits) != 2 || hits[0].status != http.StatusUnprocessableEntity || string(hits[0].event.Callback) != string(cb1) {
		t.Fatalf("the app got %d posts (first %d %s), want cb1 refused once, then cb2", len(hits), hits[0].status, hits[0].body)
	}
}

func TestNewWebhooksRefusesBadTargets(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		name     string
		webhooks map[string]string
		private  bool
		want     string
	}{
		{"loopback", map[string]string{"alice": "http://127.0.0.1:9/hook"}, false, "internal address"},
		{"private", map[string]string{"alice": "https://10.1.2.3/hook"}, false, "internal address"},
		{"localhost", map[string]string{"alice": "http://localhost:9/hook"}, false, "loopback"},
		{"not http", map[string]string{"alice": "ftp://example.com/hook"}, true, "http:// or https://"},
		{"no host", map[string]string{"alice": "http:///hook"}, true, "no host"},
		{"client without a key", map[string]string{"carol": "https://example.com/hook"}, false, "no API key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.NewWebhooks(api.Config{Engine: h.engine(), Keys: map[string]string{keyAlice: "alice"}, Webhooks: tt.webhooks, AllowPrivateWebhooks: tt.private})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
	if _, err := api.NewWebhooks(api.Config{Engine: h.engine(), Keys: map[string]string{keyAlice: "alice"}, Webhooks: map[string]string{"alice": "http://127.0.0.1:9/hook"}, AllowPrivateWebhooks: true}); err != nil {
		t.Fatalf("loopback with AllowPrivateWebhooks refused: %v", err)
	}
}

// The webhook is the compat API's webhook variant too: a transaction
// started with POST /{action} belongs to the key's client like a v1 one.
func TestWebhookCoversTransactionsOfTheCompatAPI(t *testing.T) {
	app := newHookApp(t)
	h := webhookHarness(t, app)
	// The provider answers while the compat call waits, as in production.
	// Once: a transport retry of the search gets no second answer.
	callbacks := make(chan []byte, 1)
	var once sync.Once
	h.mu.Lock()
	h.after = func(r received) {
		once.Do(func() {
			cb := h.callback(r.body, "", catalogA)
			if err := h.post(cb); err != nil {
				t.Error(err)
			}
			callbacks <- cb
		})
	}
	h.mu.Unlock()
	status, _, b := h.call("POST", "/search", keyAlice, `{"context":{"domain":"`+domain+`"},"message":{"intent":`+intent+`}}`)
	if status != http.StatusOK {
		t.Fatalf("compat search answered %d %s", status, b)
	}
	out := decode[struct {
		Context struct {
			TransactionID string `json:"transaction_id"`
		} `json:"context"`
	}](t, b)
	wantDelivered(t, app.waitAccepted(1), out.Context.TransactionID, <-callbacks)
}
