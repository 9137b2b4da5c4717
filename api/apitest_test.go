package api_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/api"
	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/sqlite"
)

// The harness is a real network in miniature, the same every test of the
// package uses: the sandbox registry over HTTP, one provider (BPP) that
// verifies the BAP's signatures, the engine on a SQLite file with its
// network side on a loopback listener, and the client API on another.
// Callbacks are signed with the provider's key and posted to the network
// side exactly as a provider would.

const (
	bapID  = "seeker.test"
	bppID  = "bpp.test"
	domain = beckn.DomainLearning

	keyAlice = "key-alice-0123456789"
	keyBob   = "key-bob-0123456789"
)

// received is one request the provider got.
type received struct {
	path string
	body []byte
}

type harness struct {
	t        testing.TB
	bap, bpp sandbox.Identity
	reg      *httptest.Server
	bppSrv   *httptest.Server
	netSrv   *httptest.Server
	apiSrv   *httptest.Server
	dbPath   string
	apiCfg   func(*api.Config)

	mu  sync.Mutex
	eng *engine.Engine
	st  store.Store
	api *api.Server
	wh  *api.Webhooks
	// answer is the provider's synchronous answer; after, when set, runs
	// once the answer is written (to send callbacks like a provider does).
	answer func(received) (int, []byte)
	after  func(received)
	got    []received
	stop   func()
}

// newHarness starts everything. apiCfg adjusts the client API's
// configuration (webhooks, limits) and is applied again on restart.
func newHarness(t testing.TB, apiCfg func(*api.Config)) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		bap:    sandbox.DeriveIdentity(1, bapID),
		bpp:    sandbox.DeriveIdentity(1, bppID),
		dbPath: filepath.Join(t.TempDir(), "seeker.db"),
		apiCfg: apiCfg,
	}
	h.answer = func(received) (int, []byte) { return http.StatusOK, beckn.AckBody() }
	h.bppSrv = httptest.NewServer(http.HandlerFunc(h.serveBPP))
	t.Cleanup(h.bppSrv.Close)
	h.netSrv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.engine().NetworkHandler().ServeHTTP(w, r)
	}))
	t.Cleanup(h.netSrv.Close)
	h.apiSrv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		a := h.api
		h.mu.Unlock()
		a.ServeHTTP(w, r)
	}))
	t.Cleanup(h.apiSrv.Close)

	rg, err := sandbox.NewRegistry(sandbox.RegistryOptions{Identity: sandbox.DeriveIdentity(1, "registry.test")})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := rg.Put(h.bap.Record("BAP", domain, h.netSrv.URL, now), h.bpp.Record("BPP", domain, h.bppSrv.URL, now)); err != nil {
		t.Fatal(err)
	}
	h.reg = httptest.NewServer(rg.Handler())
	t.Cleanup(h.reg.Close)
	h.start()
	t.Cleanup(func() { h.shutdown() })
	return h
}

// start opens the store, engine, client API and webhooks on h.dbPath.
func (h *harness) start() {
	t := h.t
	st, err := sqlite.Open(context.Background(), h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{
		SubscriberID:  bapID,
		SubscriberURL: h.netSrv.URL,
		Signer:        h.bap.Signer(),
		Registry:      registry.NewCache(&registry.Client{BaseURL: h.reg.URL}),
		GatewayURL:    h.bppSrv.URL, // search goes straight to the test provider
		Store:         st,
		InstanceID:    "api-test",
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.Config{
		Engine:  eng,
		Keys:    map[string]string{keyAlice: "alice", keyBob: "bob"},
		Collect: engine.CollectOptions{Quiet: 2 * time.Second},
	}
	if h.apiCfg != nil {
		h.apiCfg(&cfg)
	}
	var wh *api.Webhooks
	if len(cfg.Webhooks) > 0 {
		if wh, err = api.NewWebhooks(cfg); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	eng.Start(ctx)
	if wh != nil {
		wh.Start(ctx)
	}
	h.mu.Lock()
	h.eng, h.st, h.api, h.wh = eng, st, api.New(cfg), wh
	h.stop = func() {
		if wh != nil {
			wh.Stop()
		}
		cancel()
		eng.Stop()
		st.Close()
	}
	h.mu.Unlock()
}

func (h *harness) shutdown() {
	h.mu.Lock()
	stop := h.stop
	h.stop = nil
	h.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// restart stops everything that holds state and starts it again on the
// same database file, as a process restart would.
func (h *harness) restart() {
	h.shutdown()
	h.start()
}

func (h *harness) engine() *engine.Engine {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.eng
}

func (h *harness) store() store.Store {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.st
}

func (h *harness) serveBPP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := received{path: r.URL.Path, body: body}
	hdr, err := signing.ParseHeader(r.Header.Get(signing.HeaderAuthorization))
	if err == nil {
		err = (signing.Verifier{}).Verify(body, hdr, h.bap.SigningPublic)
	}
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(beckn.NackBody(beckn.NewError("", "", "BPP: bad signature: "+err.Error())))
		return
	}
	h.mu.Lock()
	h.got = append(h.got, rec)
	answer, after := h.answer, h.after
	h.mu.Unlock()
	status, out := answer(rec)
	w.WriteHeader(status)
	_, _ = w.Write(out)
	if after != nil {
		go after(rec)
	}
}

// sent returns the requests the provider received on path, one per message
// id. The engine's outbox may repeat a request (at least once delivery);
// what the client API controls is how many distinct requests it sends.
func (h *harness) sent(path string) []received {
	h.t.Helper()
	seen := map[string]bool{}
	var out []received
	for _, r := range h.requests(path) {
		env, err := beckn.Decode(r.body)
		if err != nil {
			h.t.Fatalf("the provider got an undecodable %s: %v", r.path, err)
		}
		if !seen[env.Context.MessageID] {
			seen[env.Context.MessageID] = true
			out = append(out, r)
		}
	}
	return out
}

// requests returns what the provider received on path ("" for all).
func (h *harness) requests(path string) []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []received
	for _, r := range h.got {
		if path == "" || r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// callback builds the provider's answer to req: same ids, the callback
// action, this provider as bpp. unsolicited gives it a new message id and
// the given action, as providers do for status changes.
func (h *harness) callback(req []byte, unsolicitedAction, message string) []byte {
	h.t.Helper()
	env, err := beckn.Decode(req)
	if err != nil {
		h.t.Fatalf("decoding the request to answer: %v", err)
	}
	c := env.Context.Callback()
	c.BppID, c.BppURI = bppID, h.bppSrv.URL
	c.Timestamp = beckn.Timestamp(time.Now())
	if unsolicitedAction != "" {
		c.Action, c.MessageID = unsolicitedAction, beckn.NewUUID()
	}
	b, err := beckn.Marshal(struct {
		Context beckn.Context  `json:"context"`
		Message jsontext.Value `json:"message"`
	}{c, jsontext.Value(message)})
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// deliver signs body as the provider and posts it to the BAP's network
// side; the BAP must ACK it.
func (h *harness) deliver(body []byte) {
	h.t.Helper()
	if err := h.post(body); err != nil {
		h.t.Fatal(err)
	}
}

// post is deliver for goroutines other than the test's, which must not
// call Fatal.
func (h *harness) post(body []byte) error {
	var env struct {
		Context beckn.Context `json:"context"`
	}
	if err := beckn.Unmarshal(body, &env); err != nil {
		return err
	}
	req, _ := http.NewRequest(http.MethodPost, h.netSrv.URL+"/"+env.Context.Action, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	now := time.Now()
	req.Header.Set(signing.HeaderAuthorization, h.bpp.Signer().Sign(body, now.Add(-time.Second), now.Add(time.Minute)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	ack, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(ack), `"ACK"`) {
		return fmt.Errorf("BAP answered the %s callback %d %s, want an ACK", env.Context.Action, resp.StatusCode, ack)
	}
	return nil
}

// call makes a client API request with an API key (none when key is "")
// and returns the status, headers and body.
func (h *harness) call(method, path, key, body string, header ...string) (int, http.Header, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.apiSrv.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, b
}

// sentAnswer is the v1 answer to a write that sent a request.
type sentAnswer struct {
	TransactionID string           `json:"transaction_id"`
	MessageID     string           `json:"message_id"`
	Seq           int64            `json:"seq"`
	Ack           string           `json:"ack"`
	Error         *beckn.Error     `json:"error"`
	EventsURL     string           `json:"events_url"`
	Callbacks     []jsontext.Value `json:"callbacks"`
}

// apiErr is the v1 error body.
type apiErr struct {
	Error struct {
		Type    string `json:"type"`
		Code    string `json:"code"`
		Path    string `json:"path"`
		Message string `json:"message"`
	} `json:"error"`
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("answer %s is not the expected JSON: %v", b, err)
	}
	return v
}

// wantError checks an error answer's status, code and path.
func wantError(t testing.TB, what string, status int, b []byte, wantStatus int, code, path string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("%s: status %d (%s), want %d", what, status, b, wantStatus)
	}
	e := decode[apiErr](t, b)
	if e.Error.Code != code || e.Error.Path != path || e.Error.Message == "" {
		t.Fatalf("%s: error %+v, want code %q at %q with a message", what, e.Error, code, path)
	}
}

const intent = `{"item":{"descriptor":{"name":"python"}}}`

// search starts a v1 search for key and returns the answer and the request
// the provider received.
func (h *harness) search(key string) (sentAnswer, []byte) {
	h.t.Helper()
	before := len(h.sent("/search"))
	status, _, b := h.call("POST", "/v1/search", key, `{"domain":"`+domain+`","intent":`+intent+`}`)
	if status != http.StatusAccepted {
		h.t.Fatalf("POST /v1/search answered %d %s, want 202", status, b)
	}
	got := h.sent("/search")
	if len(got) != before+1 {
		h.t.Fatalf("the provider got %d searches, want %d", len(got), before+1)
	}
	return decode[sentAnswer](h.t, b), got[len(got)-1].body
}

// sseEvent is one Server-Sent Event (or comment, when Comment is set).
type sseEvent struct {
	ID, Event, Data, Comment string
}

// sseStream reads a Server-Sent Events response into a channel.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent
}

// events opens the SSE stream at path for key.
func (h *harness) events(path, key string, header ...string) *sseStream {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.apiSrv.URL+path, nil)
	req.Header.Set("X-API-Key", key)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		h.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		h.t.Fatalf("GET %s answered %d %q %s, want a 200 event stream", path, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 256)}
	h.t.Cleanup(func() { cancel(); resp.Body.Close() })
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
		var ev sseEvent
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Event != "" || len(data) > 0 {
					ev.Data = strings.Join(data, "\n")
					s.events <- ev
				}
				ev, data = sseEvent{}, nil
			case strings.HasPrefix(line, ":"):
				s.events <- sseEvent{Comment: strings.TrimSpace(line[1:])}
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = append(data, line[6:])
			}
		}
	}()
	return s
}

// next returns the next event that is not a comment; ok is false when the
// stream ended first.
func (s *sseStream) next(t testing.TB) (sseEvent, bool) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return sseEvent{}, false
			}
			if ev.Comment == "" {
				return ev, true
			}
		case <-timeout:
			t.Fatal("no event within 20 s")
		}
	}
}

func (s *sseStream) close() { s.resp.Body.Close() }

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
