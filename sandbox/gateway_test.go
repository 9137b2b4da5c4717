package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox/internal/peerauth"
	"github.com/onest-seeker/seeker/signing"
)

// recorded is one request a stand-in participant received.
type recorded struct {
	path string
	body []byte
	hdr  http.Header
}

// standIn is a plain httptest participant that records what it gets and
// ACKs everything: the gateway's tests need to see exactly what arrives,
// nothing more.
type standIn struct {
	id  Identity
	srv *httptest.Server
	got chan recorded
}

func newStandIn(t *testing.T, id Identity) *standIn {
	t.Helper()
	s := &standIn{id: id, got: make(chan recorded, 64)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.got <- recorded{path: r.URL.Path, body: b, hdr: r.Header.Clone()}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"message":{"ack":{"status":"ACK"}}}`))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// next waits for the stand-in's next request.
func (s *standIn) next(t *testing.T) recorded {
	t.Helper()
	select {
	case r := <-s.got:
		return r
	case <-time.After(30 * time.Second):
		t.Fatalf("%s received nothing within 30s", s.id.SubscriberID)
	}
	return recorded{}
}

// quiet reports whether nothing arrived (checked only after the gateway
// logged every delivery for the message, so there is nothing in flight).
func (s *standIn) quiet() bool { return len(s.got) == 0 }

type gatewayNet struct {
	reg    *Registry
	regURL string
	gw     *Gateway
	gwURL  string
	gwID   Identity
	keys   *registry.Cache
}

func newGatewayNet(t *testing.T) *gatewayNet {
	t.Helper()
	reg, regSrv := newTestRegistry(t, "")
	gwID := DeriveIdentity(10, "gateway.test")
	client := &registry.Client{BaseURL: regSrv.URL}
	gw, err := NewGateway(GatewayOptions{Identity: gwID, Registry: client})
	if err != nil {
		t.Fatal(err)
	}
	gwSrv := httptest.NewServer(gw.Handler())
	t.Cleanup(func() { gwSrv.Close(); gw.Close() })
	var recs []registry.Subscriber
	for _, d := range []string{"onest:learning-experiences", "onest:work-opportunities"} {
		recs = append(recs, gwID.Record(registry.TypeBG, d, gwSrv.URL, time.Now()))
	}
	if _, err := reg.Put(recs...); err != nil {
		t.Fatal(err)
	}
	return &gatewayNet{reg: reg, regURL: regSrv.URL, gw: gw, gwURL: gwSrv.URL, gwID: gwID, keys: registry.NewCache(client)}
}

func (n *gatewayNet) register(t *testing.T, s *standIn, typ, domain, city string) {
	t.Helper()
	rec := s.id.Record(typ, domain, s.srv.URL, time.Now())
	rec.City = city
	if _, err := n.reg.Put(rec); err != nil {
		t.Fatal(err)
	}
}

// searchBody is written by hand, with odd spacing, HTML characters and key
// order, so that any re-marshalling on the way would change its bytes.
func searchBody(bapID, bapURI, domain, extraContext string) []byte {
	return fmt.Appendf(nil, `{ "message" : {"intent":{"item":{"descriptor":{"name":"<b>Go</b> & more"}}}},
  "context": {"domain":%q,"action":"search","version":"1.1.0","bap_id":%q,"bap_uri":%q%s,
  "transaction_id":"t-1","message_id":"m-%d","timestamp":"2026-01-01T00:00:00.000Z","ttl":"PT30S"} }`,
		domain, bapID, bapURI, extraContext, time.Now().UnixNano())
}

func post(t *testing.T, url string, body []byte, hdr http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header = hdr.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func signed(s *signing.Signer, body []byte) http.Header {
	return http.Header{"Authorization": {s.SignNow(body, time.Minute)}}
}

func TestGatewayRejectsUnverifiableBAP(t *testing.T) {
	n := newGatewayNet(t)
	bap := newStandIn(t, DeriveIdentity(11, "bap.test"))
	n.register(t, bap, registry.TypeBAP, "onest:learning-experiences", "")
	bpp := newStandIn(t, DeriveIdentity(11, "bpp.test"))
	n.register(t, bpp, registry.TypeBPP, "onest:learning-experiences", "")
	stranger := DeriveIdentity(11, "stranger.test")
	body := searchBody("bap.test", bap.srv.URL, "onest:learning-experiences", "")

	tests := []struct {
		name string
		hdr  http.Header
		want string
	}{
		{"unsigned", nil, "missing"},
		{"garbage header", http.Header{"Authorization": {"Signature nonsense"}}, "signature header"},
		{"unregistered signer claiming its own id", signed(stranger.Signer(), body), "signed by \\\"stranger.test\\\""},
		{"key not in the registry", signed(&signing.Signer{SubscriberID: "bap.test", KeyID: stranger.UniqueKeyID, Key: stranger.SigningPrivate}, body), "no usable registry key"},
		{"wrong private key under the BAP's key id", signed(&signing.Signer{SubscriberID: "bap.test", KeyID: bap.id.UniqueKeyID, Key: stranger.SigningPrivate}, body), "signature check failed"},
		{"body altered after signing", signed(bap.id.Signer(), append([]byte(" "), body...)), "signature check failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := post(t, n.gwURL+"/search", body, tc.hdr)
			if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Signature realm="gateway.test"`) ||
				!strings.Contains(b, `"NACK"`) || !strings.Contains(b, tc.want) {
				t.Fatalf("HTTP %d, WWW-Authenticate %q, body %s; want 401, a Signature challenge and a NACK containing %q",
					resp.StatusCode, resp.Header.Get("WWW-Authenticate"), b, tc.want)
			}
		})
	}
	// A BPP may not search through the gateway.
	bppBody := searchBody("bpp.test", bpp.srv.URL, "onest:learning-experiences", "")
	if resp, b := post(t, n.gwURL+"/search", bppBody, signed(bpp.id.Signer(), bppBody)); resp.StatusCode != 401 || !strings.Contains(b, "only a BAP") {
		t.Fatalf("search signed by a BPP: HTTP %d %s", resp.StatusCode, b)
	}
	if !bpp.quiet() {
		t.Fatalf("the BPP received a search the gateway refused")
	}
}

func TestGatewayMulticastsUnchangedBody(t *testing.T) {
	n := newGatewayNet(t)
	bap := newStandIn(t, DeriveIdentity(12, "bap.test"))
	n.register(t, bap, registry.TypeBAP, "onest:learning-experiences", "")
	le1 := newStandIn(t, DeriveIdentity(12, "le-1.test"))
	le2 := newStandIn(t, DeriveIdentity(12, "le-2.test"))
	le3 := newStandIn(t, DeriveIdentity(12, "le-3.test"))
	wo := newStandIn(t, DeriveIdentity(12, "wo-1.test"))
	n.register(t, le1, registry.TypeBPP, "onest:learning-experiences", "std:080")
	n.register(t, le2, registry.TypeBPP, "dsep:courses", "") // legacy code, all cities
	n.register(t, le3, registry.TypeBPP, "onest:learning-experiences", "std:011")
	n.register(t, wo, registry.TypeBPP, "onest:work-opportunities", "")

	run := func(t *testing.T, body []byte, want []*standIn, silent []*standIn) {
		t.Helper()
		auth := bap.id.Signer().SignNow(body, time.Minute)
		resp, b := post(t, n.gwURL+"/search", body, http.Header{"Authorization": {auth}})
		if resp.StatusCode != 200 || !strings.Contains(b, `"ACK"`) {
			t.Fatalf("search: HTTP %d %s; want an ACK", resp.StatusCode, b)
		}
		for _, s := range want {
			r := s.next(t)
			if r.path != "/search" || !bytes.Equal(r.body, body) {
				t.Fatalf("%s got %s with body\n%s\nwant /search with the byte-identical body\n%s", s.id.SubscriberID, r.path, r.body, body)
			}
			if r.hdr.Get("Authorization") != auth {
				t.Fatalf("%s: Authorization %q, want the BAP's own %q", s.id.SubscriberID, r.hdr.Get("Authorization"), auth)
			}
			gw, px := r.hdr.Get("X-Gateway-Authorization"), r.hdr.Get("Proxy-Authorization")
			if gw == "" || gw != px {
				t.Fatalf("%s: X-Gateway-Authorization %q and Proxy-Authorization %q must both be set and equal", s.id.SubscriberID, gw, px)
			}
			id, err := peerauth.CheckGateway(context.Background(), n.keys, signing.Verifier{}, r.hdr, r.body)
			if err != nil || id != "gateway.test" {
				t.Fatalf("%s: gateway signature does not verify against the registry: %q, %v", s.id.SubscriberID, id, err)
			}
			if _, err := peerauth.Check(context.Background(), n.keys, signing.Verifier{}, "Authorization", r.hdr.Get("Authorization"), r.body, "bap.test", "BAP"); err != nil {
				t.Fatalf("%s: forwarded BAP signature no longer verifies: %v", s.id.SubscriberID, err)
			}
		}
		waitDeliveries(t, n.gw, len(want))
		for _, s := range silent {
			if !s.quiet() {
				t.Fatalf("%s received a search it must not get: %s", s.id.SubscriberID, (<-s.got).body)
			}
		}
	}
	t.Run("every BPP of the domain", func(t *testing.T) {
		run(t, searchBody("bap.test", bap.srv.URL, "onest:learning-experiences", ""), []*standIn{le1, le2, le3}, []*standIn{wo})
	})
	t.Run("legacy domain in the search", func(t *testing.T) {
		run(t, searchBody("bap.test", bap.srv.URL, "dsep:jobs", ""), []*standIn{wo}, []*standIn{le1, le2, le3})
	})
	t.Run("city from location.city.code", func(t *testing.T) {
		run(t, searchBody("bap.test", bap.srv.URL, "onest:learning-experiences", `,"location":{"city":{"code":"std:080"}}`), []*standIn{le1, le2}, []*standIn{le3, wo})
	})
	t.Run("flat 0.9 city", func(t *testing.T) {
		run(t, searchBody("bap.test", bap.srv.URL, "onest:learning-experiences", `,"city":"std:011"`), []*standIn{le2, le3}, []*standIn{le1, wo})
	})
	t.Run("bpp_id goes to that BPP only", func(t *testing.T) {
		run(t, searchBody("bap.test", bap.srv.URL, "onest:learning-experiences", `,"bpp_id":"le-3.test","bpp_uri":"`+le3.srv.URL+`"`), []*standIn{le3}, []*standIn{le1, le2, wo})
	})
	t.Run("unknown bpp_id is a NACK", func(t *testing.T) {
		body := searchBody("bap.test", bap.srv.URL, "onest:learning-experiences", `,"bpp_id":"nobody.test"`)
		resp, b := post(t, n.gwURL+"/search", body, signed(bap.id.Signer(), body))
		if resp.StatusCode != 200 || !strings.Contains(b, `"NACK"`) || !strings.Contains(b, "30001") {
			t.Fatalf("search for an unknown bpp_id: HTTP %d %s; want a NACK with 30001", resp.StatusCode, b)
		}
	})
	t.Run("double slash path", func(t *testing.T) {
		body := searchBody("bap.test", bap.srv.URL, "onest:work-opportunities", "")
		resp, b := post(t, n.gwURL+"//search", body, signed(bap.id.Signer(), body))
		if resp.StatusCode != 200 || !strings.Contains(b, `"ACK"`) {
			t.Fatalf("//search: HTTP %d %s", resp.StatusCode, b)
		}
		if r := wo.next(t); !bytes.Equal(r.body, body) {
			t.Fatalf("//search forwarded %s", r.body)
		}
		waitDeliveries(t, n.gw, 1)
	})
}

// waitDeliveries waits until the gateway has logged n more deliveries than
// were consumed before, i.e. every forward of the last search finished.
func waitDeliveries(t *testing.T, gw *Gateway, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ds := gw.Deliveries("")
		last := ds[len(ds)-1].MessageID
		if got := len(gw.Deliveries(last)); got >= n {
			for _, d := range gw.Deliveries(last) {
				if d.Error != "" || d.Ack != "ACK" {
					t.Fatalf("delivery %+v failed", d)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gateway made %d deliveries for %s, want %d", len(gw.Deliveries(last)), last, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestGatewayRelaysOnSearch(t *testing.T) {
	n := newGatewayNet(t)
	bap := newStandIn(t, DeriveIdentity(13, "bap.test"))
	n.register(t, bap, registry.TypeBAP, "onest:work-opportunities", "")
	bppID := DeriveIdentity(13, "wo-1.test")
	bpp := newStandIn(t, bppID)
	n.register(t, bpp, registry.TypeBPP, "onest:work-opportunities", "")

	onSearch := []byte(`{"context":{"domain":"onest:work-opportunities","action":"on_search","version":"1.1.0","bap_id":"bap.test","bap_uri":"http://127.0.0.1:1/not-used","bpp_id":"wo-1.test","bpp_uri":"` + bpp.srv.URL + `","transaction_id":"t","message_id":"m-relay","timestamp":"2026-01-01T00:00:00Z","ttl":"PT30S"},"message":{"catalog":{"descriptor":{"name":"Jobs"}}}}`)
	auth := bppID.Signer().SignNow(onSearch, time.Minute)
	resp, b := post(t, n.gwURL+"/on_search", onSearch, http.Header{"Authorization": {auth}})
	if resp.StatusCode != 200 || !strings.Contains(b, `"ACK"`) {
		t.Fatalf("on_search to the gateway: HTTP %d %s", resp.StatusCode, b)
	}
	r := bap.next(t)
	if r.path != "/on_search" || !bytes.Equal(r.body, onSearch) || r.hdr.Get("Authorization") != auth {
		t.Fatalf("BAP got %s %q with body %s; want /on_search at its registered URL (not bap_uri) with the BPP's Authorization and the unchanged body", r.path, r.hdr.Get("Authorization"), r.body)
	}
	if id, err := peerauth.CheckGateway(context.Background(), n.keys, signing.Verifier{}, r.hdr, r.body); err != nil || id != "gateway.test" {
		t.Fatalf("relayed on_search gateway signature: %q, %v", id, err)
	}

	// Not signed by the bpp_id it claims: refused, nothing relayed.
	forged := bytes.Replace(onSearch, []byte(`"m-relay"`), []byte(`"m-forged"`), 1)
	resp, b = post(t, n.gwURL+"/on_search", forged, signed(bap.id.Signer(), forged))
	if resp.StatusCode != 401 || !strings.Contains(b, "claims to come from") {
		t.Fatalf("on_search signed by someone else: HTTP %d %s", resp.StatusCode, b)
	}
	// Addressed to a BAP the registry does not know.
	unknown := bytes.Replace(onSearch, []byte(`"bap.test"`), []byte(`"nobody.test"`), 1)
	resp, b = post(t, n.gwURL+"/on_search", unknown, signed(bppID.Signer(), unknown))
	if !strings.Contains(b, `"NACK"`) || !strings.Contains(b, "nobody.test") {
		t.Fatalf("on_search for an unknown BAP: HTTP %d %s", resp.StatusCode, b)
	}
	if !bap.quiet() {
		t.Fatalf("the BAP received a relay the gateway refused")
	}
	if ds := n.gw.Deliveries("m-relay"); len(ds) != 1 || ds[0].To != "bap.test" || !slices.Contains([]string{"ACK"}, ds[0].Ack) {
		t.Fatalf("deliveries for m-relay: %+v", ds)
	}
}

func TestParseRelayMode(t *testing.T) {
	for in, want := range map[string]RelayMode{"": RelayDirect, "direct": RelayDirect, " Gateway ": RelayGateway} {
		if got, err := ParseRelayMode(in); err != nil || got != want {
			t.Errorf("ParseRelayMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseRelayMode("bg"); err == nil || !strings.Contains(err.Error(), "direct") {
		t.Errorf("ParseRelayMode(bg) err = %v", err)
	}
}

// TestGatewayAcksAtOnceWithBoundedConcurrency: the BAP's ACK does not wait
// for BPPs (they are all stalled when it arrives), at most Concurrency
// forwards run at once, and a stalled BPP costs one ForwardTimeout, after
// which the delivery records the failure.
func TestGatewayAcksAtOnceWithBoundedConcurrency(t *testing.T) {
	reg, regSrv := newTestRegistry(t, "")
	gwID := DeriveIdentity(14, "gateway.test")
	counter := &countingTransport{next: http.DefaultTransport}
	gw, err := NewGateway(GatewayOptions{Identity: gwID, Registry: &registry.Client{BaseURL: regSrv.URL}, Concurrency: 2,
		ForwardTimeout: 300 * time.Millisecond, HTTPClient: &http.Client{Transport: counter, Timeout: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	gwSrv := httptest.NewServer(gw.Handler())
	defer func() { gwSrv.Close(); gw.Close() }()
	release := make(chan struct{})
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer stall.Close()
	defer close(release)
	recs := []registry.Subscriber{gwID.Record(registry.TypeBG, "onest:expert-connect", gwSrv.URL, time.Now())}
	bapID := DeriveIdentity(14, "bap.test")
	recs = append(recs, bapID.Record(registry.TypeBAP, "onest:expert-connect", "http://127.0.0.1:9", time.Now()))
	for i := 0; i < 5; i++ {
		recs = append(recs, DeriveIdentity(14, fmt.Sprintf("ec-%d.test", i)).Record(registry.TypeBPP, "onest:expert-connect", stall.URL, time.Now()))
	}
	if _, err := reg.Put(recs...); err != nil {
		t.Fatal(err)
	}
	body := searchBody("bap.test", "http://127.0.0.1:9", "onest:expert-connect", "")
	resp, b := post(t, gwSrv.URL+"/search", body, signed(bapID.Signer(), body))
	if resp.StatusCode != 200 || !strings.Contains(b, `"ACK"`) {
		t.Fatalf("search: HTTP %d %s", resp.StatusCode, b)
	}
	// Every BPP stalls until release, yet the BAP already has its ACK. Now
	// wait for all five forwards (each attempted twice) to time out.
	deadline := time.Now().Add(40 * time.Second)
	for len(gw.Deliveries("")) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of 5 deliveries finished", len(gw.Deliveries("")))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if max, total := counter.stats(); max != 2 || total != 10 {
		t.Fatalf("forwards: at most %d at once, %d in all; want the Concurrency bound 2 and 10 (5 BPPs, one retry each)", max, total)
	}
	for _, d := range gw.Deliveries("") {
		if d.Error == "" || d.Status != 0 {
			t.Fatalf("delivery to a stalled BPP %+v: want a timeout error", d)
		}
	}
}

// countingTransport records how many requests are in flight through it.
type countingTransport struct {
	next                  http.RoundTripper
	mu                    sync.Mutex
	inFlight, peak, total int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.inFlight++
	c.total++
	c.peak = max(c.peak, c.inFlight)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.inFlight--
		c.mu.Unlock()
	}()
	return c.next.RoundTrip(r)
}

func (c *countingTransport) stats() (peak, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peak, c.total
}
