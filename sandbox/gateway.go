package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox/internal/peerauth"
	"github.com/onest-seeker/seeker/signing"
)

// RelayMode says where BPPs send on_search.
type RelayMode string

const (
	// RelayDirect: BPPs post on_search straight to context.bap_uri, as
	// ONEST documents ("BPP will make on_search API directly to BAP") and
	// beckn-onix does.
	RelayDirect RelayMode = "direct"
	// RelayGateway: BPPs post on_search to the gateway, which verifies the
	// BPP, looks the BAP up and forwards the unchanged body to the BAP's
	// registered subscriber_url, adding its own signature — what
	// protocol-server and the Succinct BG do.
	RelayGateway RelayMode = "gateway"
)

// ParseRelayMode reads "direct" or "gateway" (empty means direct).
func ParseRelayMode(s string) (RelayMode, error) {
	switch RelayMode(strings.ToLower(strings.TrimSpace(s))) {
	case "", RelayDirect:
		return RelayDirect, nil
	case RelayGateway:
		return RelayGateway, nil
	}
	return "", fmt.Errorf("relay mode %q: want %q or %q", s, RelayDirect, RelayGateway)
}

// GatewayOptions configures a gateway.
type GatewayOptions struct {
	// Identity is the gateway's subscriber id and keys; it signs
	// X-Gateway-Authorization and Proxy-Authorization with them.
	Identity Identity
	// Registry finds BPPs and BAPs: a *registry.Client pointed at the
	// sandbox registry (real HTTP), or anything that answers the same way.
	Registry registry.Looker
	// Keys verifies signatures; nil means a registry.Cache over Registry.
	Keys peerauth.Keys
	// HTTPClient forwards; nil means a loopback-only client.
	HTTPClient *http.Client
	// Concurrency bounds simultaneous forwards (default 16): a search to a
	// large network must not open a connection per BPP at once.
	Concurrency int
	// ForwardTimeout bounds one forward attempt (default 10 s, what
	// protocol-server uses).
	ForwardTimeout time.Duration
	// Skew is the signature clock tolerance (0 = signing.DefaultSkew).
	Skew   time.Duration
	Logger *slog.Logger
}

// Gateway is the Beckn gateway (BG) of the sandbox. It accepts /search only
// from a BAP it can verify, multicasts the unchanged raw body to every BPP
// of the domain (and city) the registry lists, ACKs at once, and never looks
// inside the answers; /on_search relays a BPP's answer to the BAP.
type Gateway struct {
	opts     GatewayOptions
	id       string
	signer   *signing.Signer
	verifier signing.Verifier
	keys     peerauth.Keys
	http     *http.Client
	log      *slog.Logger
	sem      chan struct{}

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	deliveries []Delivery
}

// Delivery is one forward the gateway made, kept so that tests and
// operators can see where a search went and how each peer answered.
type Delivery struct {
	Action    string    `json:"action"`
	MessageID string    `json:"message_id"`
	To        string    `json:"to"`
	URL       string    `json:"url"`
	Status    int       `json:"status,omitempty"`
	Ack       string    `json:"ack,omitempty"`
	Error     string    `json:"error,omitempty"`
	At        time.Time `json:"at"`
}

// maxDeliveries bounds the delivery log.
const maxDeliveries = 1000

// NewGateway returns a gateway; Close stops its pending forwards.
func NewGateway(opts GatewayOptions) (*Gateway, error) {
	if opts.Identity.SigningPrivate == nil || opts.Identity.SubscriberID == "" {
		return nil, errors.New("sandbox gateway: Identity needs a subscriber id and a signing key")
	}
	if opts.Registry == nil {
		return nil, errors.New("sandbox gateway: Registry is required (a registry.Client for the sandbox registry)")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 16
	}
	if opts.ForwardTimeout <= 0 {
		opts.ForwardTimeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	g := &Gateway{
		opts:     opts,
		id:       opts.Identity.SubscriberID,
		signer:   opts.Identity.Signer(),
		verifier: signing.Verifier{Skew: opts.Skew},
		keys:     opts.Keys,
		http:     opts.HTTPClient,
		log:      opts.Logger.With("participant", opts.Identity.SubscriberID),
		sem:      make(chan struct{}, opts.Concurrency),
	}
	if g.keys == nil {
		g.keys = registry.NewCache(opts.Registry)
	}
	if g.http == nil {
		g.http = loopbackHTTPClient(opts.ForwardTimeout, false)
	}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	return g, nil
}

// Handler serves POST /search and POST /on_search. Paths are cleaned first,
// so a peer that joins URLs as url + "/" + action ("//search") is served
// rather than redirected (a redirected POST arrives as a GET).
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /search", g.handleSearch)
	mux.HandleFunc("POST /on_search", g.handleOnSearch)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	return cleanPath(mux)
}

// cleanPath collapses duplicate and trailing slashes before routing.
func cleanPath(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := path.Clean("/" + r.URL.Path); p != r.URL.Path {
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawPath = p, ""
			r = r2
		}
		h.ServeHTTP(w, r)
	})
}

// Close cancels pending forwards and waits for them to stop.
func (g *Gateway) Close() error {
	g.cancel()
	g.wg.Wait()
	return nil
}

// Deliveries returns the recent forwards (oldest first) for messageID, or
// all of them when messageID is empty.
func (g *Gateway) Deliveries(messageID string) []Delivery {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []Delivery
	for _, d := range g.deliveries {
		if messageID == "" || d.MessageID == messageID {
			out = append(out, d)
		}
	}
	return out
}

func writeBeckn(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func nack(w http.ResponseWriter, status int, code, paths, format string, args ...any) {
	writeBeckn(w, status, beckn.NackBody(beckn.NewError(code, paths, fmt.Sprintf(format, args...))))
}

// readContext reads the bounded body and its context, answering the NACK
// itself when either is unusable.
func readContext(w http.ResponseWriter, r *http.Request, action string) ([]byte, beckn.Context, bool) {
	body, err := readBody(r)
	if err != nil {
		nack(w, http.StatusRequestEntityTooLarge, beckn.CodeInvalidRequest, "", "%v", err)
		return nil, beckn.Context{}, false
	}
	c, err := beckn.PeekContext(body)
	if err != nil {
		nack(w, http.StatusBadRequest, beckn.CodeInvalidRequest, "context", "cannot read the context: %v", err)
		return nil, beckn.Context{}, false
	}
	if c.Action != "" && c.Action != action {
		nack(w, http.StatusBadRequest, beckn.CodeInvalidRequest, "context.action", "context.action is %q but this is the gateway's /%s", c.Action, action)
		return nil, beckn.Context{}, false
	}
	return body, c, true
}

// handleSearch: verify the BAP, find the BPPs, ACK, multicast.
func (g *Gateway) handleSearch(w http.ResponseWriter, r *http.Request) {
	body, c, ok := readContext(w, r, "search")
	if !ok {
		return
	}
	bapID := c.BAPID()
	if bapID == "" {
		nack(w, http.StatusBadRequest, beckn.CodeInvalidRequest, "context.bap_id", "context.bap_id is required: the gateway verifies the signature against it")
		return
	}
	auth := r.Header.Get(signing.HeaderAuthorization)
	if _, err := peerauth.Check(r.Context(), g.keys, g.verifier, signing.HeaderAuthorization, auth, body, bapID, registry.TypeBAP); err != nil {
		g.log.Warn("search refused", "bap_id", bapID, "err", err)
		peerauth.Refuse(w, g.id, err)
		return
	}
	domain, _ := c.NormalizedDomain()
	if domain == "" {
		nack(w, http.StatusBadRequest, beckn.CodeInvalidRequest, "context.domain", "context.domain is required: the gateway finds BPPs by domain")
		return
	}
	q := registry.Query{Type: registry.TypeBPP, Domain: domain, City: c.City(), SubscriberID: c.BPPID()}
	bpps, err := g.opts.Registry.Lookup(r.Context(), q)
	if err != nil {
		nack(w, http.StatusServiceUnavailable, beckn.CodeInvalidRequest, "", "the gateway could not ask the registry for BPPs: %v", err)
		return
	}
	bpps = onePerSubscriber(bpps)
	if uri := strings.TrimRight(c.BPPURI(), "/"); uri != "" {
		kept := bpps[:0]
		for _, b := range bpps {
			if strings.TrimRight(b.URL, "/") == uri {
				kept = append(kept, b)
			}
		}
		bpps = kept
	}
	if len(bpps) == 0 && (c.BPPID() != "" || c.BPPURI() != "") {
		nack(w, http.StatusOK, beckn.CodeProviderNotFound, "context.bpp_id",
			"no SUBSCRIBED BPP %q (bpp_uri %q) for domain %s in the registry", c.BPPID(), c.BPPURI(), domain)
		return
	}
	writeBeckn(w, http.StatusOK, beckn.AckBody())
	g.log.Info("search", "bap_id", bapID, "domain", domain, "city", q.City, "message_id", c.MessageID, "bpps", len(bpps))
	ttl := contextTTL(c)
	for _, b := range bpps {
		g.dispatch("search", c.MessageID, b, joinURL(b.URL, "search"), body, auth, ttl)
	}
}

// handleOnSearch: verify the BPP, find the BAP, ACK, forward.
func (g *Gateway) handleOnSearch(w http.ResponseWriter, r *http.Request) {
	body, c, ok := readContext(w, r, "on_search")
	if !ok {
		return
	}
	bppID, bapID := c.BPPID(), c.BAPID()
	if bppID == "" || bapID == "" {
		nack(w, http.StatusBadRequest, beckn.CodeInvalidRequest, "context.bpp_id", "on_search needs context.bpp_id (the signer) and context.bap_id (the recipient)")
		return
	}
	auth := r.Header.Get(signing.HeaderAuthorization)
	if _, err := peerauth.Check(r.Context(), g.keys, g.verifier, signing.HeaderAuthorization, auth, body, bppID, registry.TypeBPP); err != nil {
		g.log.Warn("on_search refused", "bpp_id", bppID, "err", err)
		peerauth.Refuse(w, g.id, err)
		return
	}
	domain, _ := c.NormalizedDomain()
	baps, err := g.opts.Registry.Lookup(r.Context(), registry.Query{Type: registry.TypeBAP, SubscriberID: bapID, Domain: domain})
	if err == nil && len(baps) == 0 && domain != "" {
		// A BAP registered for another domain is still the addressee.
		baps, err = g.opts.Registry.Lookup(r.Context(), registry.Query{Type: registry.TypeBAP, SubscriberID: bapID})
	}
	if err != nil {
		nack(w, http.StatusServiceUnavailable, beckn.CodeInvalidRequest, "", "the gateway could not ask the registry for BAP %q: %v", bapID, err)
		return
	}
	if len(baps) == 0 {
		nack(w, http.StatusOK, beckn.CodeInvalidRequest, "context.bap_id", "BAP %q is not SUBSCRIBED in the registry; the gateway relays on_search only to registered BAPs", bapID)
		return
	}
	writeBeckn(w, http.StatusOK, beckn.AckBody())
	g.dispatch("on_search", c.MessageID, baps[0], joinURL(baps[0].URL, "on_search"), body, auth, contextTTL(c))
}

// onePerSubscriber keeps the first (the registry's latest) record of each
// subscriber, so a BPP with a rotated key is not sent the search twice.
func onePerSubscriber(subs []registry.Subscriber) []registry.Subscriber {
	seen := map[string]bool{}
	out := subs[:0]
	for _, s := range subs {
		if !seen[s.SubscriberID] {
			seen[s.SubscriberID] = true
			out = append(out, s)
		}
	}
	return out
}

// contextTTL is the message ttl, or 30 s when absent or unreadable; it sets
// the gateway signature's window.
func contextTTL(c beckn.Context) time.Duration {
	if d, err := c.TTLDuration(); err == nil && d > 0 {
		return d
	}
	return beckn.DefaultTTL
}

// joinURL appends /action to a registered base URL without doubling slashes.
func joinURL(base, action string) string {
	return strings.TrimRight(base, "/") + "/" + action
}

// dispatch forwards in the background, at most Concurrency at a time.
func (g *Gateway) dispatch(action, messageID string, to registry.Subscriber, url string, body []byte, auth string, ttl time.Duration) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		select {
		case g.sem <- struct{}{}:
		case <-g.ctx.Done():
			return
		}
		defer func() { <-g.sem }()
		d := g.forward(action, url, body, auth, ttl)
		d.MessageID, d.To, d.At = messageID, to.SubscriberID, time.Now()
		g.mu.Lock()
		if len(g.deliveries) >= maxDeliveries {
			g.deliveries = append(g.deliveries[:0], g.deliveries[len(g.deliveries)-maxDeliveries/2:]...)
		}
		g.deliveries = append(g.deliveries, d)
		g.mu.Unlock()
		if d.Error != "" {
			g.log.Warn("forward failed", "action", action, "to", to.SubscriberID, "url", url, "status", d.Status, "err", d.Error)
		}
	}()
}

// forward POSTs the unchanged body with the sender's Authorization and the
// gateway's own signature in both gateway headers (core 1.1.0 names it
// X-Gateway-Authorization; protocol-server reads Proxy-Authorization; the
// spec asks BGs to send both). A connection failure or 5xx is retried once:
// the BAP was already ACKed and has no other way to get this BPP's answer.
func (g *Gateway) forward(action, url string, body []byte, auth string, ttl time.Duration) Delivery {
	d := Delivery{Action: action, URL: url}
	gwSig := g.signer.SignNow(body, ttl)
	for attempt := 0; attempt < 2; attempt++ {
		if attempt > 0 {
			select {
			case <-time.After(500 * time.Millisecond):
			case <-g.ctx.Done():
				d.Error = "gateway closing"
				return d
			}
		}
		ctx, cancel := context.WithTimeout(g.ctx, g.opts.ForwardTimeout)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			cancel()
			d.Error = err.Error()
			return d
		}
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set(signing.HeaderAuthorization, auth)
		}
		req.Header.Set(signing.HeaderGateway, gwSig)
		req.Header.Set(signing.HeaderProxy, gwSig)
		resp, err := g.http.Do(req)
		if err != nil {
			cancel()
			d.Error = err.Error()
			continue
		}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		cancel()
		d.Status, d.Error = resp.StatusCode, ""
		if ack, err := beckn.ParseAckResponse(raw); err == nil {
			d.Ack = ack.Status
			if ack.Error != nil {
				d.Error = ack.Error.Error()
			}
		}
		if resp.StatusCode >= 500 {
			d.Error = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, clipText(string(raw), 200))
			continue
		}
		return d
	}
	return d
}
