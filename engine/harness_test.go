package engine_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/sqlite"
)

const (
	bapID  = "seeker.test"
	bppID  = "bpp.test"
	domain = beckn.DomainLearning
)

// received is one request the test BPP got.
type received struct {
	path   string
	body   []byte
	header http.Header
}

// harness is a real network in miniature: the sandbox registry over HTTP,
// a provider (BPP) that verifies what it receives, and the engine under test
// with a SQLite store and its network side on a real listener.
type harness struct {
	t        testing.TB
	bap, bpp sandbox.Identity
	reg      *httptest.Server
	bppSrv   *httptest.Server
	netSrv   *httptest.Server
	eng      *engine.Engine
	st       store.Store
	dbPath   string
	cache    *registry.Cache

	mu sync.Mutex
	// answer decides the BPP's synchronous answer to each request.
	answer func(r received) (int, []byte)
	got    []received
}

func newHarness(t testing.TB, mutate ...func(*engine.Config)) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		bap:    sandbox.DeriveIdentity(1, bapID),
		bpp:    sandbox.DeriveIdentity(1, bppID),
		dbPath: filepath.Join(t.TempDir(), "seeker.db"),
	}
	h.answer = func(received) (int, []byte) { return 200, beckn.AckBody() }
	h.bppSrv = httptest.NewServer(http.HandlerFunc(h.serveBPP))
	t.Cleanup(h.bppSrv.Close)
	h.netSrv = httptest.NewUnstartedServer(nil)
	t.Cleanup(h.netSrv.Close)

	rg, err := sandbox.NewRegistry(sandbox.RegistryOptions{Identity: sandbox.DeriveIdentity(1, "registry.test")})
	if err != nil {
		t.Fatal(err)
	}
	bapURL := "http://" + h.netSrv.Listener.Addr().String()
	_, err = rg.Put(
		record(h.bap, "BAP", bapURL),
		record(h.bpp, "BPP", h.bppSrv.URL),
	)
	if err != nil {
		t.Fatal(err)
	}
	h.reg = httptest.NewServer(rg.Handler())
	t.Cleanup(h.reg.Close)
	h.start(mutate...)
	return h
}

func record(id sandbox.Identity, typ, url string) registry.Subscriber {
	return registry.Subscriber{
		SubscriberID:     id.SubscriberID,
		URL:              url,
		Type:             typ,
		Domain:           domain,
		KeyID:            id.UniqueKeyID,
		SigningPublicKey: signing.EncodePublicKey(id.SigningPublic),
		EncrPublicKey:    signing.EncodeX25519PublicKey(id.EncryptionPublic),
	}
}

// start opens the store and the engine (again, after stop: a restart).
func (h *harness) start(mutate ...func(*engine.Config)) {
	t := h.t
	st, err := sqlite.Open(context.Background(), h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	h.st = st
	h.cache = registry.NewCache(&registry.Client{BaseURL: h.reg.URL})
	cfg := engine.Config{
		SubscriberID:  bapID,
		SubscriberURL: "http://" + h.netSrv.Listener.Addr().String(),
		Signer:        &signing.Signer{SubscriberID: bapID, KeyID: h.bap.UniqueKeyID, Key: h.bap.SigningPrivate},
		Registry:      h.cache,
		GatewayURL:    h.bppSrv.URL, // search goes straight to the test BPP
		Store:         st,
		InstanceID:    "test",
	}
	for _, m := range mutate {
		m(&cfg)
	}
	eng, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	h.eng = eng
	h.mu.Unlock()
	if h.netSrv.Config.Handler == nil {
		h.netSrv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.mu.Lock()
			e := h.eng
			h.mu.Unlock()
			e.NetworkHandler().ServeHTTP(w, r)
		})
		h.netSrv.Start()
	}
	ctx, cancel := context.WithCancel(context.Background())
	eng.Start(ctx)
	t.Cleanup(func() { cancel(); eng.Stop(); st.Close() })
}

// restart stops the engine and store and starts new ones on the same file.
func (h *harness) restart(mutate ...func(*engine.Config)) {
	h.eng.Stop()
	h.st.Close()
	h.start(mutate...)
}

func (h *harness) serveBPP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := received{path: r.URL.Path, body: body, header: r.Header.Clone()}
	h.mu.Lock()
	h.got = append(h.got, rec)
	answer := h.answer
	h.mu.Unlock()
	// A real provider verifies the BAP's signature before anything else.
	hdr, err := signing.ParseHeader(r.Header.Get(signing.HeaderAuthorization))
	if err == nil {
		err = (signing.Verifier{}).Verify(body, hdr, h.bap.SigningPublic)
	}
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(beckn.NackBody(beckn.NewError("", "", err.Error())))
		return
	}
	status, out := answer(rec)
	w.WriteHeader(status)
	w.Write(out)
}

func (h *harness) requests() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.got...)
}

// callback builds a callback body answering req with message.
func callback(t testing.TB, req []byte, message string) []byte {
	t.Helper()
	env, err := beckn.Decode(req)
	if err != nil {
		t.Fatal(err)
	}
	c := env.Context.Callback()
	c.BppID, c.BppURI = bppID, "http://bpp.invalid"
	c.Timestamp = beckn.Timestamp(time.Now())
	b, err := beckn.Marshal(struct {
		Context beckn.Context  `json:"context"`
		Message jsontext.Value `json:"message"`
	}{c, jsontext.Value(message)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post signs body as signer and posts it to the BAP's network side.
func (h *harness) post(path string, body []byte, signer *signing.Signer, extra ...string) *http.Response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.netSrv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signer != nil {
		now := time.Now()
		req.Header.Set(signing.HeaderAuthorization, signer.Sign(body, now.Add(-time.Second), now.Add(time.Minute)))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

func (h *harness) bppSigner() *signing.Signer {
	return &signing.Signer{SubscriberID: bppID, KeyID: h.bpp.UniqueKeyID, Key: h.bpp.SigningPrivate}
}

func ackOf(t *testing.T, resp *http.Response) (int, beckn.AckResponse) {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a, err := beckn.ParseAckResponse(b)
	if err != nil {
		t.Fatalf("answer %d %q is not an ACK/NACK: %v", resp.StatusCode, b, err)
	}
	return resp.StatusCode, a
}

// waitFor polls cond until it holds or the (generous) deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
