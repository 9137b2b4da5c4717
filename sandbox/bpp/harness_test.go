package bpp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

// The harness runs one BPP on a real loopback HTTP server and plays the BAP:
// it signs requests with its own key (registered in the BPP's resolver) and
// runs a callback server that verifies every callback with the BPP's key.

const testBAPID = "bap.test.local"

type captured struct {
	Action    string
	Ctx       beckn.Context
	Body      []byte
	Auth      string
	VerifyErr error
	Env       *beckn.Envelope
	DecodeErr error
}

type harness struct {
	t      *testing.T
	bpp    *BPP
	srv    *httptest.Server
	bap    *httptest.Server
	bapKey ed25519.PrivateKey
	bppPub ed25519.PublicKey
	bppID  string

	mu     sync.Mutex
	got    []captured
	notify chan struct{}
}

type harnessOpt func(*Config)

func newHarness(t *testing.T, domain string, index int, opts ...harnessOpt) *harness {
	t.Helper()
	bapPub, bapKey, _ := ed25519.GenerateKey(rand.Reader)
	bppPub, bppKey, _ := ed25519.GenerateKey(rand.Reader)
	h := &harness{t: t, bapKey: bapKey, bppPub: bppPub, notify: make(chan struct{}, 1)}
	h.bap = httptest.NewServer(http.HandlerFunc(h.receive))
	t.Cleanup(h.bap.Close)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.bpp.ServeHTTP(w, r) }))
	t.Cleanup(h.srv.Close)
	h.bppID = fmt.Sprintf("bpp%d.%s.test.local", index, strings.TrimPrefix(domain, "onest:"))
	cfg := Config{
		SubscriberID: h.bppID, KeyID: "k1", SigningKey: bppKey, Domain: domain, Index: index,
		BaseURL: h.srv.URL, TimeScale: 1000, Seed: 11,
		Keys: func(_ context.Context, sub, _ string) (ed25519.PublicKey, error) {
			if sub == testBAPID {
				return bapPub, nil
			}
			return nil, errors.New("unknown subscriber " + sub)
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.bpp = b
	t.Cleanup(func() { _ = b.Close() })
	return h
}

// receive is the BAP's callback endpoint: verify, record, ACK.
func (h *harness) receive(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := captured{Action: strings.Trim(r.URL.Path, "/"), Body: body, Auth: r.Header.Get("Authorization")}
	if hd, err := signing.ParseHeader(c.Auth); err != nil {
		c.VerifyErr = err
	} else if hd.UniqueKeyID != "k1" || hd.SubscriberID != h.bppID {
		c.VerifyErr = fmt.Errorf("keyId %q names another key", hd.KeyID)
	} else {
		c.VerifyErr = signing.Verifier{}.Verify(body, hd, h.bppPub)
	}
	c.Env, c.DecodeErr = beckn.Decode(body)
	if c.DecodeErr == nil {
		c.Ctx = c.Env.Context
	}
	h.mu.Lock()
	h.got = append(h.got, c)
	h.mu.Unlock()
	select {
	case h.notify <- struct{}{}:
	default:
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(beckn.AckBody())
}

// ctx builds a request context.
func (h *harness) ctx(action, txn string) map[string]any {
	return map[string]any{
		"domain": h.bpp.cfg.Domain, "action": action, "version": "1.1.0",
		"bap_id": testBAPID, "bap_uri": h.bap.URL, "bpp_id": h.bppID, "bpp_uri": h.srv.URL,
		"transaction_id": txn, "message_id": beckn.NewUUID(), "timestamp": beckn.Timestamp(time.Now()), "ttl": "PT30S",
	}
}

type reply struct {
	Status int
	Body   []byte
	Header http.Header
	MsgID  string
}

// post signs body and posts it to the BPP's /action.
func (h *harness) post(action string, body []byte, hdr map[string]string) reply {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/"+action, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	s := signing.Signer{SubscriberID: testBAPID, KeyID: "bapkey", Key: h.bapKey}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", s.SignNow(body, time.Minute))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("POST /%s: %v", action, err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	return reply{Status: resp.StatusCode, Body: rb, Header: resp.Header}
}

// call sends {context, message} and checks the synchronous ACK.
func (h *harness) call(action, txn, message string, hdr map[string]string) string {
	h.t.Helper()
	c := h.ctx(action, txn)
	body := h.body(c, message)
	r := h.post(action, body, hdr)
	ack, err := beckn.ParseAckResponse(r.Body)
	if r.Status != 200 || err != nil || !ack.Acked() {
		h.t.Fatalf("%s: want ACK, got HTTP %d %s", action, r.Status, r.Body)
	}
	return c["message_id"].(string)
}

func (h *harness) body(ctx map[string]any, message string) []byte {
	h.t.Helper()
	cb, err := beckn.Marshal(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	if message == "" {
		message = "{}"
	}
	if !jsontext.Value(message).IsValid() {
		h.t.Fatalf("test message is not JSON: %s", message)
	}
	return []byte(`{"context":` + string(cb) + `,"message":` + message + `}`)
}

// wait returns the first callback (in arrival order, from index from) that
// satisfies pred, failing after a generous deadline.
func (h *harness) wait(what string, pred func(c captured) bool) captured {
	h.t.Helper()
	return h.waitAfter(0, what, pred)
}

// waitAfter is wait over the callbacks received after the first from.
func (h *harness) waitAfter(from int, what string, pred func(c captured) bool) captured {
	h.t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		h.mu.Lock()
		for _, c := range h.got[min(from, len(h.got)):] {
			if pred(c) {
				h.mu.Unlock()
				return c
			}
		}
		h.mu.Unlock()
		select {
		case <-h.notify:
		case <-deadline.C:
			h.t.Fatalf("no callback %s within 20s; got %d callbacks: %s", what, len(h.got), h.summary())
		}
	}
}

// waitFor waits for the callback action answering message id msgID.
func (h *harness) waitFor(action, msgID string) captured {
	h.t.Helper()
	c := h.wait(action+" for "+msgID, func(c captured) bool { return c.Action == action && c.Ctx.MessageID == msgID })
	if c.VerifyErr != nil {
		h.t.Fatalf("%s: callback signature does not verify: %v", action, c.VerifyErr)
	}
	return c
}

func (h *harness) all(pred func(c captured) bool) []captured {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []captured
	for _, c := range h.got {
		if pred(c) {
			out = append(out, c)
		}
	}
	return out
}

func (h *harness) summary() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, c := range h.got {
		fmt.Fprintf(&b, "\n  %s msg=%s err=%v", c.Action, c.Ctx.MessageID, c.Env != nil && c.Env.Error != nil)
	}
	return b.String()
}

// decode decodes a callback's message into v.
func decode[T any](t *testing.T, c captured) T {
	t.Helper()
	var v T
	if c.DecodeErr != nil {
		t.Fatalf("%s: callback does not decode: %v", c.Action, c.DecodeErr)
	}
	if c.Env.Error != nil {
		t.Fatalf("%s: callback carries error %v", c.Action, c.Env.Error)
	}
	if err := c.Env.DecodeMessage(&v); err != nil {
		t.Fatalf("%s: message does not decode: %v", c.Action, err)
	}
	return v
}

// errCode returns the error code of a callback ("" when none).
func errCode(c captured) string {
	if c.Env == nil || c.Env.Error == nil {
		return ""
	}
	return string(c.Env.Error.Code)
}
