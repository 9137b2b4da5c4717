package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/api"
	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/server"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/postgres/pgtest"
)

// TestThreeInstancesBehindARoundRobinProxy is the scale-out acceptance
// test: three Seeker instances of one BAP on one PostgreSQL database, behind
// a round-robin proxy on both sides (providers and the gateway call the
// network side through it; the learners' apps call the client side through
// it), with the sandbox network. Searches and full journeys run
// concurrently while one instance is taken out of rotation, stopped and
// started again in the middle. Then, against the providers' own counters:
// every callback a provider had acknowledged is stored exactly once, every
// synchronous search answered with every callback stored for it, no
// request reached a provider twice, and the client's webhook received
// every callback once, in order.
func TestThreeInstancesBehindARoundRobinProxy(t *testing.T) {
	const searches, journeyCount = 200, 50
	dsn := pgtest.FreshSchema(t)
	hooks := newHookRecorder(t)
	s := startStack(t, sandbox.Options{Seed: 909}, func(c *config.Config) {
		c.Storage = dsn
		c.Webhooks = map[string]string{"test": hooks.srv.URL + "/hook"}
		// A search ends when every provider of the domain answered; the
		// quiet period only guards against a silent provider, and a slow
		// shared machine must not end a search before a provider answers.
		c.SearchQuiet = 20 * time.Second
	})
	c := newCluster(t, s)

	// The load comes in three waves around the restart of instance 2:
	// half of the searches and journeys with all three instances; a
	// quarter of the searches while instance 2 is stopped (taken out of
	// rotation when the first wave is half done, as a load balancer drains
	// a terminating pod, while the first wave is still running); the rest
	// once it is back. Each wave starts all its work at once.
	var done atomic.Int64 // searches and journeys finished
	var wg sync.WaitGroup
	results := make([]searchResult, searches)
	launch := func(searchFrom, searchTo, journeyFrom, journeyTo int) {
		for i := searchFrom; i < searchTo; i++ {
			wg.Go(func() {
				defer done.Add(1)
				t.Run(fmt.Sprintf("search-%03d", i), func(t *testing.T) {
					results[i] = c.search(t, journeys[i%len(journeys)])
				})
			})
		}
		for i := journeyFrom; i < journeyTo; i++ {
			wg.Go(func() {
				defer done.Add(1)
				j := journeys[i%len(journeys)]
				t.Run(fmt.Sprintf("journey-%02d-%s", i, strings.TrimPrefix(j.domain, "onest:")), func(t *testing.T) {
					runJourney(t, c.view(t), j)
				})
			})
		}
	}
	launch(0, searches/2, 0, journeyCount/2)
	first := int64(searches/2 + journeyCount/2)
	waitUntil(t, "half of the first wave to finish", 5*time.Minute, func() bool { return done.Load() >= first/2 })
	holder := c.webhookHolder()
	c.stop(2)
	launch(searches/2, searches*3/4, 0, 0)
	waitUntil(t, "the second wave to finish on two instances", 5*time.Minute, func() bool {
		return done.Load() >= first+int64(searches/4)
	})
	before := c.front.servedCounts()[2]
	c.start(2)
	launch(searches*3/4, searches, journeyCount/2, journeyCount)
	wg.Wait()
	if c.front.servedCounts()[2] == before {
		t.Errorf("the restarted instance took no client request")
	}
	if t.Failed() {
		t.FailNow()
	}

	// Wait until the network is quiet: no provider has a callback in
	// flight, and the store holds as many callbacks as the providers had
	// acknowledged (state changes keep coming for a while after a journey
	// has seen the ones it waited for).
	var acked, failed int64
	var inbound []*store.Message
	waitUntil(t, "the providers' callbacks to be stored", 2*time.Minute, func() bool {
		acked, failed = 0, 0
		busy := false
		for _, id := range c.bpps {
			tr := s.network.BPP(id).Traffic()
			acked, failed = acked+tr.CallbacksAcked, failed+tr.CallbacksFailed
			busy = busy || tr.InFlight()
		}
		inbound = c.messages(t, store.Inbound)
		return !busy && int64(len(inbound)) >= acked
	})
	if failed > 0 {
		t.Errorf("providers gave up on %d callbacks (NACKed, or no instance reachable)", failed)
	}
	// Exactly once: as many stored callbacks as acknowledged ones, and no
	// callback stored twice.
	seen := map[string]int64{}
	for _, m := range inbound {
		k := m.SenderID + " " + m.Action + " " + m.MessageID + " " + m.BodyHash
		if prev, dup := seen[k]; dup {
			t.Errorf("callback %s stored twice (seq %d and %d)", k, prev, m.Seq)
		}
		seen[k] = m.Seq
	}
	if int64(len(inbound)) != acked {
		t.Errorf("%d callbacks stored, the providers had %d acknowledged", len(inbound), acked)
	}

	// No request reached a provider twice, and every request Seeker sent
	// to a provider arrived.
	arrived := map[string]bool{}
	for _, id := range c.bpps {
		for key, n := range s.network.BPP(id).Traffic().Requests {
			if n != 1 {
				t.Errorf("%s received %q %d times", id, key, n)
			}
			arrived[key] = true
		}
	}
	for _, m := range c.messages(t, store.Outbound) {
		if m.AckStatus == "ACK" && !arrived[m.Action+" "+m.MessageID] {
			t.Errorf("request %s %s was acknowledged but no provider received it", m.Action, m.MessageID)
		}
	}

	// Every waiting client got every result: each synchronous search
	// answered with exactly the callbacks stored for its transaction.
	byTxn := map[string][]string{}
	for _, m := range inbound {
		if m.Action == "on_search" {
			byTxn[m.TransactionID] = append(byTxn[m.TransactionID], string(m.Raw))
		}
	}
	for i, r := range results {
		stored := byTxn[r.txn]
		got := slices.Clone(r.responses)
		slices.Sort(stored)
		slices.Sort(got)
		if len(stored) == 0 || !slices.Equal(stored, got) {
			t.Errorf("search %d (%s): the client got %d callbacks, %d are stored", i, r.txn, len(got), len(stored))
		}
	}

	// The webhook got every callback of the client's transactions once, in
	// store order, although three instances (one of them restarted) shared
	// delivery. (The catalog harvester's searches are Seeker's own.)
	var want []int64
	owners := map[string]string{}
	for _, m := range inbound {
		if _, ok := owners[m.TransactionID]; !ok {
			tr, err := c.instances[0].Store.Transaction(context.Background(), m.TransactionID)
			if err != nil {
				t.Fatalf("transaction of callback %d: %v", m.Seq, err)
			}
			owners[m.TransactionID] = tr.Owner
		}
		if m.AckStatus == "ACK" && owners[m.TransactionID] == "test" {
			want = append(want, m.Seq)
		}
	}
	waitUntil(t, "the webhook to receive every callback", 2*time.Minute, func() bool { return len(hooks.seqs()) >= len(want) })
	// The instance stopped held the webhook lease (it started alone): the
	// deliveries after its stop came from another instance.
	waitUntil(t, "an instance to hold the webhook lease", time.Minute, func() bool { return c.webhookHolder() != "" })
	if now := c.webhookHolder(); now == holder {
		t.Errorf("webhook lease holder %q before the restart and after it: delivery was not handed over", holder)
	}
	if got := hooks.seqs(); !slices.Equal(got, want) {
		t.Errorf("the webhook received %d deliveries, want the %d callbacks once each in order (first difference at %d)", len(got), len(want), firstDiff(got, want))
	}
	t.Logf("%d searches and %d journeys; %d callbacks stored once each, %d requests, %d webhook deliveries; client requests per instance %v, network requests %v",
		searches, journeyCount, len(inbound), len(arrived), len(hooks.seqs()), c.front.servedCounts(), c.network.servedCounts())
}

// cluster is three instances behind a round-robin proxy on each side.
type cluster struct {
	t              *testing.T
	s              *stack
	cfg            config.Config
	network, front *rrProxy
	instances      [3]*server.Server
	bpps           []string
}

func newCluster(t *testing.T, s *stack) *cluster {
	c := &cluster{t: t, s: s, network: newRRProxy(t, 3), front: newRRProxy(t, 3)}
	for _, p := range s.network.Description().Participants {
		if p.Type == "BPP" {
			c.bpps = append(c.bpps, p.SubscriberID)
		}
	}
	// The first instance was registered at its own address; the cluster is
	// registered at the proxy, and every instance sends that as bap_uri.
	s.seeker.Close()
	c.cfg = s.cfg
	c.cfg.SubscriberURL = c.network.srv.URL
	// Instance 2, the one the test restarts, starts first and alone, so it
	// takes the webhook lease: the restart must hand delivery over.
	c.start(2)
	waitUntil(t, "instance 2 to take the webhook lease", time.Minute, func() bool { return c.webhookHolder() != "" })
	c.start(0)
	c.start(1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := server.Subscribe(ctx, c.cfg, 30*time.Second); err != nil {
		t.Fatalf("subscribing the cluster's address: %v", err)
	}
	s.seeker = c.instances[0]
	return c
}

// webhookHolder is the owner recorded in the lease of the test client's
// webhook delivery, "" when nobody holds it.
func (c *cluster) webhookHolder() string {
	for _, srv := range c.instances {
		if srv == nil {
			continue
		}
		v, err := srv.Store.GetKV(context.Background(), "lease/api/webhook/test")
		if err != nil {
			return ""
		}
		return string(v)
	}
	return ""
}

func (c *cluster) start(i int) {
	srv := startInstance(c.t, c.cfg, c.cfg.SubscriberURL)
	c.instances[i] = srv
	c.network.set(i, srv.NetworkURL())
	c.front.set(i, srv.ClientURL())
}

// stop takes instance i out of both rotations, lets the requests the
// proxies had sent it finish (a load balancer's connection draining: Seeker
// ends open requests at once when it stops), then stops it gracefully.
func (c *cluster) stop(i int) {
	c.network.set(i, "")
	c.front.set(i, "")
	waitUntil(c.t, fmt.Sprintf("instance %d to finish its requests", i), 2*time.Minute, func() bool {
		return c.network.inFlight(i) == 0 && c.front.inFlight(i) == 0
	})
	if err := c.instances[i].Close(); err != nil {
		c.t.Errorf("stopping instance %d: %v", i, err)
	}
}

// view is the stack as one client of the cluster sees it: requests through
// the proxy, reads from instance 0 (never stopped), failures on t.
func (c *cluster) view(t *testing.T) *stack {
	v := *c.s
	v.t, v.seeker, v.clientURL = t, c.instances[0], c.front.srv.URL
	return &v
}

func (c *cluster) messages(t *testing.T, dir store.Direction) []*store.Message {
	msgs, err := c.instances[0].Store.Messages(context.Background(), store.MessageFilter{Direction: dir})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// searchResult is what a synchronous search answered.
type searchResult struct {
	txn       string
	responses []string
}

// search runs one synchronous search through the proxy for j's item.
func (c *cluster) search(t *testing.T, j journey) searchResult {
	txn := beckn.NewUUID()
	status, ans := c.view(t).call("search", beckn.Context{Domain: j.domain, TransactionID: txn}, map[string]any{
		"intent": map[string]any{"item": map[string]any{"descriptor": map[string]any{"name": j.query}}}})
	if status != http.StatusOK || len(ans.Responses) == 0 {
		t.Errorf("search answered %d with %d responses (%+v)", status, len(ans.Responses), ans.Error)
	}
	r := searchResult{txn: txn}
	for _, b := range ans.Responses {
		r.responses = append(r.responses, string(b))
	}
	return r
}

// rrProxy is the test's load balancer: round robin over the instances in
// rotation, trying the next one when a connection cannot be made (nothing
// was sent, so nothing can be doubled); any other failure is a 502, which
// providers and the gateway retry as they would behind a real one.
type rrProxy struct {
	srv *httptest.Server
	tr  *http.Transport

	mu       sync.Mutex
	backends []string // "" = out of rotation
	busy     []int    // requests in flight per backend
	served   []int    // requests forwarded per backend
	next     int
}

func (p *rrProxy) servedCounts() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.served)
}

func newRRProxy(t *testing.T, n int) *rrProxy {
	p := &rrProxy{backends: make([]string, n), busy: make([]int, n), served: make([]int, n), tr: &http.Transport{MaxIdleConnsPerHost: 64}}
	p.srv = httptest.NewServer(p)
	t.Cleanup(func() { p.srv.Close(); p.tr.CloseIdleConnections() })
	return p
}

func (p *rrProxy) set(i int, url string) {
	p.mu.Lock()
	p.backends[i] = url
	p.mu.Unlock()
}

func (p *rrProxy) inFlight(i int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.busy[i]
}

// pick chooses the next backend in rotation and counts a request in flight
// to it until done is called.
func (p *rrProxy) pick() (base string, done func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for range p.backends {
		i := p.next % len(p.backends)
		p.next++
		if p.backends[i] != "" {
			p.busy[i]++
			p.served[i]++
			return p.backends[i], func() {
				p.mu.Lock()
				p.busy[i]--
				p.mu.Unlock()
			}
		}
	}
	return "", nil
}

func (p *rrProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for range 2 * len(p.backends) {
		if p.forward(w, r, body) {
			return
		}
	}
	http.Error(w, "no instance in rotation answers", http.StatusServiceUnavailable)
}

// forward sends the request to the next backend; false means no connection
// could be made (try another).
func (p *rrProxy) forward(w http.ResponseWriter, r *http.Request, body []byte) bool {
	base, done := p.pick()
	if base == "" {
		return false
	}
	defer done()
	req, err := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return true
	}
	req.Header = r.Header.Clone()
	resp, err := p.tr.RoundTrip(req)
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return true
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
	return true
}

// hookRecorder is the client app's webhook: it records the seq of every
// delivery it accepts, in arrival order.
type hookRecorder struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []int64
}

func newHookRecorder(t *testing.T) *hookRecorder {
	h := &hookRecorder{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev api.WebhookEvent
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &ev); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.got = append(h.got, ev.Seq)
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookRecorder) seqs() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

func firstDiff(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// waitUntil polls cond until it holds or the (generous) limit passes.
func waitUntil(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
