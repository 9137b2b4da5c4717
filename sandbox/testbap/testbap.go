// Package testbap is a minimal, strict BAP for tests of the sandbox network
// and of anything that talks to it: its own keys, a real HTTP server on
// 127.0.0.1 that receives on_* callbacks, verifies every signature against
// the registry (the sender's Authorization, and the gateway's headers when
// present) and records each callback with its headers, and helpers to sign
// and send requests and to wait for callbacks.
//
// It joins the network the way a real BAP does: through the registry's
// signed /subscribe and the encrypted /on_subscribe challenge (or, when
// asked, through the admin API), so using it also tests the registry.
//
// Typical use in a test, with a network started by sandbox.Start:
//
//	d := network.Description()
//	bap, err := testbap.Start(ctx, testbap.Network{
//		Registry: d.Registry, Gateway: d.Gateway,
//		RegistrySigningPublicKey: d.RegistrySigningPublicKey,
//		RegistryEncrPublicKey:    d.RegistryEncrPublicKey,
//	}, testbap.Options{})
//	defer bap.Close()
//	c := bap.NewContext(beckn.DomainWork, "search", "")
//	ack, err := bap.Send(ctx, "search", d.Gateway, bap.Body(c, map[string]any{"intent": ...}))
//	cb, err := bap.WaitFor(ctx, testbap.Reply(c.MessageID, "on_search"))
//
// It never imports package sandbox, so tests inside package sandbox can use
// it without an import cycle; everything it needs about the network is in
// the describe document (see Network).
package testbap

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox/internal/peerauth"
	"github.com/onest-seeker/seeker/signing"
)

// Network is what the BAP needs to know about the network it joins. The
// JSON names are those of the sandbox's describe document, so
// ReadNetwork(describeFile) fills it.
type Network struct {
	Registry string `json:"registry"`
	Gateway  string `json:"gateway"`
	// RegistrySigningPublicKey verifies the registry's on_subscribe call;
	// RegistryEncrPublicKey decrypts its challenge. Both are base64 (raw or
	// DER), as the describe document publishes them.
	RegistrySigningPublicKey string `json:"registry_signing_public_key"`
	RegistryEncrPublicKey    string `json:"registry_encr_public_key"`
	// AdminKey is needed only for Options.Register == RegisterAdmin.
	AdminKey string `json:"admin_key"`
}

// ReadNetwork reads a sandbox describe file (seeker sandbox --describe).
func ReadNetwork(path string) (Network, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Network{}, err
	}
	var n Network
	if err := json.Unmarshal(b, &n); err != nil {
		return Network{}, fmt.Errorf("describe file %s: %w", path, err)
	}
	return n, nil
}

// How the BAP gets into the registry.
const (
	// RegisterSubscribe uses the signed /subscribe and answers the
	// on_subscribe challenge (the default).
	RegisterSubscribe = "subscribe"
	// RegisterAdmin posts the record to the registry's admin API.
	RegisterAdmin = "admin"
	// RegisterNone leaves registration to the caller (tests of an
	// unregistered BAP).
	RegisterNone = "none"
)

// Options tune the BAP; the zero value is a BAP with fresh random keys and
// a unique id, registered by /subscribe for all four ONEST domains.
type Options struct {
	// SubscriberID defaults to "testbap-<random>.sandbox.local".
	SubscriberID string
	// Keys defaults to signing.GenerateKeys().
	Keys *signing.KeySet
	// Domains to register for; default all four ONEST domains.
	Domains []string
	// Register is RegisterSubscribe (default), RegisterAdmin or RegisterNone.
	Register string
	// HTTPClient sends requests; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
}

// Callback is one request the BAP received and verified.
type Callback struct {
	// Action is the path's last element: "on_search", "on_status", ...
	Action  string
	Body    []byte
	Header  http.Header
	Context beckn.Context
	// Signer is the subscriber whose Authorization verified (the BPP).
	Signer string
	// Gateway is the gateway whose X-Gateway-Authorization /
	// Proxy-Authorization verified, "" when the callback came directly.
	Gateway  string
	Received time.Time
}

// Rejected is a request the BAP refused, with the reason it answered.
type Rejected struct {
	Action string
	Body   []byte
	Header http.Header
	Status int
	Err    error
}

// BAP is a running test BAP. Its methods are safe for concurrent use.
type BAP struct {
	// ID and KeyID are the registered subscriber id and key id; URL is the
	// subscriber_url, also sent as context.bap_uri.
	ID, KeyID, URL string
	// Keys are the BAP's key pairs.
	Keys signing.KeySet

	net      Network
	signer   *signing.Signer
	keys     *registry.Cache
	verifier signing.Verifier
	http     *http.Client
	srv      *httptest.Server

	mu       sync.Mutex
	got      []Callback
	rejected []Rejected
	changed  chan struct{}
}

// Start runs the BAP's server on 127.0.0.1 and registers it (see
// Options.Register). Close it when done.
func Start(ctx context.Context, n Network, o Options) (*BAP, error) {
	ks := o.Keys
	if ks == nil {
		k, err := signing.GenerateKeys()
		if err != nil {
			return nil, err
		}
		ks = &k
	}
	id := o.SubscriberID
	if id == "" {
		id = "testbap-" + strings.ReplaceAll(signing.NewUniqueKeyID(), "-", "")[:10] + ".sandbox.local"
	}
	b := &BAP{
		ID: id, KeyID: ks.UniqueKeyID, Keys: *ks, net: n,
		signer:  &signing.Signer{SubscriberID: id, KeyID: ks.UniqueKeyID, Key: ks.SigningPrivate},
		keys:    registry.NewCache(&registry.Client{BaseURL: n.Registry}),
		http:    o.HTTPClient,
		changed: make(chan struct{}),
	}
	if b.http == nil {
		b.http = &http.Client{Timeout: 30 * time.Second}
	}
	mux := http.NewServeMux()
	if n.RegistryEncrPublicKey != "" {
		regEnc, err := signing.ParseX25519PublicKey(n.RegistryEncrPublicKey)
		if err != nil {
			return nil, fmt.Errorf("testbap: registry encryption key: %w", err)
		}
		var regSig ed25519.PublicKey
		if n.RegistrySigningPublicKey != "" {
			if regSig, err = signing.ParsePublicKey(n.RegistrySigningPublicKey); err != nil {
				return nil, fmt.Errorf("testbap: registry signing key: %w", err)
			}
		}
		mux.Handle("POST /on_subscribe", &registry.OnSubscribe{Priv: ks.EncryptionPrivate, RegistryPub: regEnc, RegistrySigningKey: regSig, Realm: id})
	}
	mux.HandleFunc("POST /{action}", b.receive)
	b.srv = httptest.NewServer(mux)
	b.URL = b.srv.URL

	domains := o.Domains
	if len(domains) == 0 {
		domains = beckn.Domains()
	}
	var err error
	switch o.Register {
	case "", RegisterSubscribe:
		err = b.subscribe(ctx, domains)
	case RegisterAdmin:
		err = b.adminRegister(ctx, domains)
	case RegisterNone:
	default:
		err = fmt.Errorf("Options.Register %q: want %q, %q or %q", o.Register, RegisterSubscribe, RegisterAdmin, RegisterNone)
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("testbap %s: %w", id, err)
	}
	return b, nil
}

// Record is the BAP's registry record for one domain.
func (b *BAP) Record(domain string) registry.Subscriber {
	return registry.Subscriber{
		SubscriberID: b.ID, URL: b.URL, Type: registry.TypeBAP, Domain: domain, Country: "IND",
		KeyID: b.KeyID, SigningPublicKey: signing.EncodePublicKey(b.Keys.SigningPublic),
		EncrPublicKey: signing.EncodeX25519PublicKey(b.Keys.EncryptionPublic),
		ValidFrom:     time.Now().Add(-time.Hour).UTC(), ValidUntil: time.Now().Add(24 * time.Hour).UTC(),
	}
}

func (b *BAP) subscribe(ctx context.Context, domains []string) error {
	if b.net.RegistryEncrPublicKey == "" {
		return errors.New("Network.RegistryEncrPublicKey is needed to answer the on_subscribe challenge")
	}
	c := &registry.Client{BaseURL: b.net.Registry, HTTP: b.http}
	for _, d := range domains {
		st, err := registry.Subscribe(ctx, c, b.signer, b.Record(d))
		if err != nil {
			return fmt.Errorf("subscribing for %s: %w", d, err)
		}
		if st != registry.StatusSubscribed {
			return fmt.Errorf("subscribing for %s: registry answered status %s, want SUBSCRIBED", d, st)
		}
	}
	return nil
}

func (b *BAP) adminRegister(ctx context.Context, domains []string) error {
	var recs []registry.Subscriber
	for _, d := range domains {
		recs = append(recs, b.Record(d))
	}
	body, err := json.Marshal(recs)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(b.net.Registry, "/")+"/admin/subscribers", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+b.net.AdminKey)
	resp, err := b.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("admin registration: HTTP %d: %s", resp.StatusCode, raw)
	}
	return nil
}

// Close stops the server.
func (b *BAP) Close() {
	if b.srv != nil {
		b.srv.Close()
	}
}

// EncryptionKey is the BAP's X25519 private key (for tests that answer a
// challenge themselves).
func (b *BAP) EncryptionKey() *ecdh.PrivateKey { return b.Keys.EncryptionPrivate }

// receive verifies and records a callback. The sender's Authorization must
// be signed by the context's bpp_id (a callback comes from the BPP, even
// when a gateway relays it); gateway headers, when present, must be signed
// by a BG. Refusals are answered 401 with a NACK and kept in Rejected.
func (b *BAP) receive(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	refuse := func(status int, err error) {
		b.mu.Lock()
		b.rejected = append(b.rejected, Rejected{Action: action, Body: body, Header: r.Header.Clone(), Status: status, Err: err})
		b.notifyLocked()
		b.mu.Unlock()
		if status == http.StatusUnauthorized {
			peerauth.Refuse(w, b.ID, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(beckn.NackBody(beckn.NewError(beckn.CodeInvalidRequest, "", err.Error())))
	}
	if err != nil {
		refuse(http.StatusBadRequest, fmt.Errorf("reading body: %w", err))
		return
	}
	c, err := beckn.PeekContext(body)
	if err != nil {
		refuse(http.StatusBadRequest, fmt.Errorf("no readable context: %w", err))
		return
	}
	expect := c.BPPID()
	if expect == "" {
		refuse(http.StatusBadRequest, errors.New("context.bpp_id is missing: a callback must name the BPP that signs it"))
		return
	}
	s, err := peerauth.Check(r.Context(), b.keys, b.verifier, signing.HeaderAuthorization, r.Header.Get(signing.HeaderAuthorization), body, expect, "")
	if err != nil {
		refuse(http.StatusUnauthorized, err)
		return
	}
	gw, err := peerauth.CheckGateway(r.Context(), b.keys, b.verifier, r.Header, body)
	if err != nil {
		refuse(http.StatusUnauthorized, err)
		return
	}
	if !json.Valid(body) {
		refuse(http.StatusBadRequest, errors.New("body is not valid JSON"))
		return
	}
	b.mu.Lock()
	b.got = append(b.got, Callback{Action: action, Body: body, Header: r.Header.Clone(), Context: c,
		Signer: s.Header.SubscriberID, Gateway: gw, Received: time.Now()})
	b.notifyLocked()
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(beckn.AckBody())
}

func (b *BAP) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// Callbacks returns the verified callbacks received so far, oldest first.
func (b *BAP) Callbacks() []Callback {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Callback(nil), b.got...)
}

// Rejected returns the requests the BAP refused, oldest first.
func (b *BAP) Rejected() []Rejected {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Rejected(nil), b.rejected...)
}

// WaitFor returns the first verified callback pred accepts, waiting until
// one arrives or ctx ends.
func (b *BAP) WaitFor(ctx context.Context, pred func(Callback) bool) (Callback, error) {
	cbs, err := b.WaitForN(ctx, 1, pred)
	if err != nil {
		return Callback{}, err
	}
	return cbs[0], nil
}

// WaitForN waits until n verified callbacks satisfy pred and returns all
// that do (at least n), e.g. the on_search of every BPP of a domain.
func (b *BAP) WaitForN(ctx context.Context, n int, pred func(Callback) bool) ([]Callback, error) {
	for {
		b.mu.Lock()
		var match []Callback
		for _, c := range b.got {
			if pred(c) {
				match = append(match, c)
			}
		}
		ch := b.changed
		total, rej := len(b.got), len(b.rejected)
		b.mu.Unlock()
		if len(match) >= n {
			return match, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return match, fmt.Errorf("testbap %s: %d of %d wanted callbacks arrived (%d verified callbacks and %d rejected in all): %w",
				b.ID, len(match), n, total, rej, ctx.Err())
		}
	}
}

// WaitForRejected waits for a refused request pred accepts (fault tests:
// a BPP with a bad signature).
func (b *BAP) WaitForRejected(ctx context.Context, pred func(Rejected) bool) (Rejected, error) {
	for {
		b.mu.Lock()
		for _, r := range b.rejected {
			if pred(r) {
				b.mu.Unlock()
				return r, nil
			}
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Rejected{}, fmt.Errorf("testbap %s: no matching rejected request: %w", b.ID, ctx.Err())
		}
	}
}

// Reply matches the callbacks answering messageID with action
// ("" = any action).
func Reply(messageID, action string) func(Callback) bool {
	return func(c Callback) bool {
		return c.Context.MessageID == messageID && (action == "" || c.Action == action)
	}
}

// Transaction matches callbacks of transactionID with action ("" = any),
// including unsolicited ones, which carry new message ids.
func Transaction(transactionID, action string) func(Callback) bool {
	return func(c Callback) bool {
		return c.Context.TransactionID == transactionID && (action == "" || c.Action == action)
	}
}

// NewContext returns a fresh 1.1.0 context from this BAP (bap_id, bap_uri),
// for domain and action, in transactionID (a new one when empty). Set
// BppID/BppURI on the result for actions after search.
func (b *BAP) NewContext(domain, action, transactionID string) beckn.Context {
	return beckn.ContextTemplate{Domain: domain, BapID: b.ID, BapURI: b.URL}.New(action, transactionID)
}

// Body marshals {"context": c, "message": message}; message may be any
// value (a beckn typed message, a map, or json.RawMessage).
func (b *BAP) Body(c beckn.Context, message any) []byte {
	raw, err := json.Marshal(message)
	if err != nil {
		panic(fmt.Sprintf("testbap: message does not marshal: %v", err))
	}
	ctxJSON, err := beckn.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("testbap: context does not marshal: %v", err))
	}
	return fmt.Appendf(nil, `{"context":%s,"message":%s}`, ctxJSON, raw)
}

// Send signs body as this BAP and POSTs it to baseURL + "/" + action (a
// BPP's bpp_uri, or the gateway for search), returning the parsed ACK or
// NACK whatever the HTTP status. The error is for a failed exchange or an
// answer that is not a Beckn ACK/NACK; it carries the HTTP status.
func (b *BAP) Send(ctx context.Context, action, baseURL string, body []byte) (beckn.AckResponse, error) {
	ttl := time.Minute
	if c, err := beckn.PeekContext(body); err == nil {
		if d, err := c.TTLDuration(); err == nil && d > ttl {
			ttl = d
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(baseURL, "/")+"/"+action, bytes.NewReader(body))
	if err != nil {
		return beckn.AckResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signing.HeaderAuthorization, b.signer.SignNow(body, ttl))
	resp, err := b.http.Do(req)
	if err != nil {
		return beckn.AckResponse{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return beckn.AckResponse{}, fmt.Errorf("%s: HTTP %d, reading the answer: %w", req.URL, resp.StatusCode, err)
	}
	ack, err := beckn.ParseAckResponse(raw)
	if err != nil || ack.Status == "" {
		return ack, fmt.Errorf("%s: HTTP %d, not an ACK/NACK: %q", req.URL, resp.StatusCode, raw)
	}
	return ack, nil
}

// Signer returns the BAP's signer, for tests that build their own requests.
func (b *BAP) Signer() *signing.Signer { return b.signer }
