package sandbox

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox/bpp"
)

// Fixed-port layout when Options.BasePort is set: the registry, gateway and
// telemetry sink sit at BasePort, +1 and +2; BPP i (in Options order, extra
// BPPs after the others) at BasePort+10+i.
const (
	portOffsetRegistry  = 0
	portOffsetGateway   = 1
	portOffsetTelemetry = 2
	portOffsetBPPs      = 10
)

// IDSuffix ends every subscriber id the sandbox makes up, so they can never
// be confused with a real ONEST participant.
const IDSuffix = ".sandbox.local"

// Subscriber ids of the network's own participants.
const (
	RegistryID = "registry" + IDSuffix
	GatewayID  = "gateway" + IDSuffix
)

// BPPSpec describes one reference provider to run.
type BPPSpec struct {
	// SubscriberID defaults to "<le|wo|fs|ec>-bpp-<n>.sandbox.local".
	SubscriberID string
	// Domain is an ONEST domain code (legacy codes are normalised).
	Domain string
	// Name is the display name; empty lets package bpp choose.
	Name string
	// City is the registry city code ("" or "*" = every city).
	City string
	// Faults are the BPP's misbehaviours from the start.
	Faults bpp.Faults
	// Identity overrides the keys derived from Options.Seed.
	Identity *Identity
}

// DefaultBPPs is the network ONEST's fan-out needs: two learning providers,
// two work providers, one financial, one expert. The first of each domain
// is that domain's reference provider.
func DefaultBPPs() []BPPSpec {
	return []BPPSpec{
		{Domain: beckn.DomainLearning}, {Domain: beckn.DomainLearning},
		{Domain: beckn.DomainWork}, {Domain: beckn.DomainWork},
		{Domain: beckn.DomainFinancial},
		{Domain: beckn.DomainExpert},
	}
}

// domainPrefix names a domain in generated subscriber ids, after the ONEST
// sandbox hosts (le-ps-bpp-network.onest.network and friends).
var domainPrefix = map[string]string{
	beckn.DomainLearning: "le", beckn.DomainWork: "wo", beckn.DomainFinancial: "fs", beckn.DomainExpert: "ec",
}

// Options configure Start. The zero value is a complete network on
// ephemeral loopback ports, in memory, with direct on_search.
type Options struct {
	// Addr is the listen address (default 127.0.0.1). An unspecified
	// address (0.0.0.0, ::) listens everywhere but URLs name 127.0.0.1.
	Addr string
	// BasePort 0 gives every participant an ephemeral port; otherwise
	// see the fixed-port layout above.
	BasePort int
	// StateDir keeps the registry's state across restarts ("" = memory).
	StateDir string
	// Relay is where BPPs send on_search (default RelayDirect).
	Relay RelayMode
	// AdminKey protects the admin endpoints; empty means a random key
	// (see Description().AdminKey).
	AdminKey string
	// Seed derives every participant's keys and the catalogs.
	Seed int64
	// TimeScale > 1 speeds up the BPPs' post-confirm timelines.
	TimeScale float64
	// BPPs to run; nil means DefaultBPPs().
	BPPs []BPPSpec
	// ExtraBPPs run after BPPs, typically faulty ones for a test.
	ExtraBPPs []BPPSpec
	// Subscribers are extra registry records stored at start (a seed
	// file): integrators' own BAPs and BPPs.
	Subscribers []registry.Subscriber
	// TelemetryRequired overrides the span attributes the sink requires.
	TelemetryRequired []string
	Logger            *slog.Logger
}

// Network is a running sandbox network.
type Network struct {
	opts     Options
	adminKey string
	log      *slog.Logger

	registry  *Registry
	gateway   *Gateway
	telemetry *TelemetrySink
	regID     Identity
	gwID      Identity
	regURL    string
	gwURL     string
	telURL    string
	bpps      []*runningBPP
	servers   []*http.Server
	closeOnce sync.Once
	closeErr  error
}

type runningBPP struct {
	spec      BPPSpec
	id        Identity
	url       string
	reference bool
	bpp       *bpp.BPP
}

// listener is a bound socket and the base URL that reaches it.
type listener struct {
	ln  net.Listener
	url string
}

func listen(addr string, port int) (listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
	if err != nil {
		return listener{}, fmt.Errorf("listening on %s port %d: %w", addr, port, err)
	}
	host := addr
	if ip := net.ParseIP(addr); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	return listener{ln: ln, url: "http://" + net.JoinHostPort(host, p)}, nil
}

// Start brings the whole network up: every participant on its own
// loopback http.Server with its own keys, all registered in the registry
// (BPPs for their domain, the gateway as BG for the four domains), and
// returns once each of them answers HTTP. Close it when done.
func Start(ctx context.Context, opts Options) (*Network, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1"
	}
	if ip := net.ParseIP(opts.Addr); opts.Addr != "localhost" && (ip == nil || !(ip.IsLoopback() || ip.IsUnspecified())) {
		return nil, fmt.Errorf("sandbox: listen address %q: use a loopback address (127.0.0.1, ::1) or an unspecified one (0.0.0.0); the sandbox only ever talks to loopback", opts.Addr)
	}
	if opts.Relay == "" {
		opts.Relay = RelayDirect
	}
	if _, err := ParseRelayMode(string(opts.Relay)); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.BPPs == nil {
		opts.BPPs = DefaultBPPs()
	}
	specs, err := resolveBPPs(append(append([]BPPSpec(nil), opts.BPPs...), opts.ExtraBPPs...))
	if err != nil {
		return nil, err
	}
	n := &Network{opts: opts, adminKey: opts.AdminKey, log: opts.Logger,
		regID: DeriveIdentity(opts.Seed, RegistryID), gwID: DeriveIdentity(opts.Seed, GatewayID)}
	if n.adminKey == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		n.adminKey = "sandbox-" + hex.EncodeToString(b[:])
	}
	ok := false
	defer func() {
		if !ok {
			n.Close()
		}
	}()

	port := func(off int) int {
		if opts.BasePort == 0 {
			return 0
		}
		return opts.BasePort + off
	}
	var lns []listener
	for _, off := range []int{portOffsetRegistry, portOffsetGateway, portOffsetTelemetry} {
		l, err := listen(opts.Addr, port(off))
		if err != nil {
			closeListeners(lns)
			return nil, err
		}
		lns = append(lns, l)
	}
	for i := range specs {
		l, err := listen(opts.Addr, port(portOffsetBPPs+i))
		if err != nil {
			closeListeners(lns)
			return nil, fmt.Errorf("BPP %s: %w", specs[i].SubscriberID, err)
		}
		lns = append(lns, l)
	}
	n.regURL, n.gwURL, n.telURL = lns[0].url, lns[1].url, lns[2].url

	stateFile := ""
	if opts.StateDir != "" {
		stateFile = filepath.Join(opts.StateDir, "registry.json")
	}
	n.registry, err = NewRegistry(RegistryOptions{Identity: n.regID, AdminKey: n.adminKey, StateFile: stateFile,
		Seed: opts.Subscribers, Logger: opts.Logger})
	if err != nil {
		closeListeners(lns)
		return nil, err
	}
	n.serve(lns[0], n.adminHandler(n.registry.Handler()))

	n.gateway, err = NewGateway(GatewayOptions{Identity: n.gwID, Registry: n.registryClient(), Logger: opts.Logger})
	if err != nil {
		closeListeners(lns[1:])
		return nil, err
	}
	n.serve(lns[1], n.gateway.Handler())

	n.telemetry = NewTelemetrySink(opts.TelemetryRequired, n.adminKey)
	n.serve(lns[2], n.telemetry.Handler())

	now := time.Now()
	var recs []registry.Subscriber
	for _, d := range beckn.Domains() {
		recs = append(recs, n.gwID.Record(registry.TypeBG, d, n.gwURL, now))
	}
	seen := map[string]bool{}
	for i, spec := range specs {
		l := lns[3+i]
		id := DeriveIdentity(opts.Seed, spec.SubscriberID)
		if spec.Identity != nil {
			id = *spec.Identity
		}
		rb := &runningBPP{spec: spec, id: id, url: l.url, reference: !seen[spec.Domain]}
		seen[spec.Domain] = true
		gatewayURL := ""
		if opts.Relay == RelayGateway {
			gatewayURL = n.gwURL
		}
		cache := registry.NewCache(n.registryClient())
		rb.bpp, err = bpp.New(bpp.Config{
			SubscriberID: id.SubscriberID, KeyID: id.UniqueKeyID, SigningKey: id.SigningPrivate,
			Domain: spec.Domain, Index: indexInDomain(specs, i), Name: spec.Name, BaseURL: l.url,
			GatewayURL: gatewayURL, Keys: keyResolver(cache), HTTPClient: loopbackHTTPClient(30*time.Second, false),
			Faults: spec.Faults, TimeScale: opts.TimeScale, Seed: opts.Seed,
			Logger: opts.Logger.With("participant", id.SubscriberID),
		})
		if err != nil {
			closeListeners(lns[3+i:])
			return nil, err
		}
		n.bpps = append(n.bpps, rb)
		n.serve(l, rb.bpp)
		rec := id.Record(registry.TypeBPP, spec.Domain, l.url, now)
		rec.City = spec.City
		recs = append(recs, rec)
	}
	if _, err := n.registry.Put(recs...); err != nil {
		return nil, fmt.Errorf("registering the network's participants: %w", err)
	}
	if err := n.forgetStaleParticipants(recs); err != nil {
		return nil, err
	}
	if err := n.waitReady(ctx); err != nil {
		return nil, err
	}
	ok = true
	n.log.Info("sandbox network ready", "registry", n.regURL, "gateway", n.gwURL, "telemetry", n.telURL, "bpps", len(n.bpps), "relay", opts.Relay)
	return n, nil
}

// forgetStaleParticipants removes, from a persistent registry, the records
// an earlier run of the network registered for participants this run does
// not have (a BPP dropped from the configuration), and records the current
// set for the next run. Without it the gateway would keep fanning searches
// out to ports nobody listens on. Records the network did not create
// (integrators' BAPs and BPPs) are never touched.
func (n *Network) forgetStaleParticipants(recs []registry.Subscriber) error {
	if n.opts.StateDir == "" {
		return nil
	}
	path := filepath.Join(n.opts.StateDir, "participants.json")
	current := map[string]bool{}
	var ids []string
	for _, r := range recs {
		if !current[r.SubscriberID] {
			current[r.SubscriberID] = true
			ids = append(ids, r.SubscriberID)
		}
	}
	if b, err := os.ReadFile(path); err == nil {
		var before []string
		if err := json.Unmarshal(b, &before); err != nil {
			return fmt.Errorf("%s is damaged (delete it): %w", path, err)
		}
		for _, id := range before {
			if !current[id] {
				if _, err := n.registry.Delete(id, ""); err != nil {
					return err
				}
				n.log.Info("removed a participant of an earlier run from the registry", "subscriber_id", id)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b)
}

// resolveBPPs normalises domains and fills default subscriber ids.
func resolveBPPs(specs []BPPSpec) ([]BPPSpec, error) {
	count := map[string]int{}
	ids := map[string]bool{}
	for i := range specs {
		d, known := beckn.NormalizeDomain(specs[i].Domain)
		if !known {
			return nil, fmt.Errorf("BPP %d: domain %q is not an ONEST domain (want one of %s)", i, specs[i].Domain, strings.Join(beckn.Domains(), ", "))
		}
		specs[i].Domain = d
		count[d]++
		if specs[i].SubscriberID == "" {
			specs[i].SubscriberID = fmt.Sprintf("%s-bpp-%d%s", domainPrefix[d], count[d], IDSuffix)
			for ids[specs[i].SubscriberID] {
				count[d]++
				specs[i].SubscriberID = fmt.Sprintf("%s-bpp-%d%s", domainPrefix[d], count[d], IDSuffix)
			}
		}
		if ids[specs[i].SubscriberID] {
			return nil, fmt.Errorf("BPP %d: subscriber id %q is used twice", i, specs[i].SubscriberID)
		}
		ids[specs[i].SubscriberID] = true
	}
	return specs, nil
}

// indexInDomain is the position of specs[i] among the BPPs of its domain:
// 0 is the reference provider, which holds what the Postman collection
// refers to.
func indexInDomain(specs []BPPSpec, i int) int {
	n := 0
	for _, s := range specs[:i] {
		if s.Domain == specs[i].Domain {
			n++
		}
	}
	return n
}

// keyResolver adapts a registry cache to the BPPs' KeyResolver.
func keyResolver(c *registry.Cache) bpp.KeyResolver {
	return func(ctx context.Context, subscriberID, keyID string) (ed25519.PublicKey, error) {
		pub, _, err := c.SigningKey(ctx, subscriberID, keyID)
		return pub, err
	}
}

// registryClient is a client of this network's registry over real HTTP;
// every participant gets its own (and its own cache), as separate
// participants would.
func (n *Network) registryClient() *registry.Client {
	return &registry.Client{BaseURL: n.regURL, HTTP: loopbackHTTPClient(15*time.Second, false)}
}

func (n *Network) serve(l listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(n.log.Handler(), slog.LevelWarn)}
	n.servers = append(n.servers, srv)
	go func() {
		if err := srv.Serve(l.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("server stopped", "url", l.url, "err", err)
		}
	}()
}

func closeListeners(ls []listener) {
	for _, l := range ls {
		l.ln.Close()
	}
}

// waitReady makes one HTTP request to every participant; any answer means
// it is serving.
func (n *Network) waitReady(ctx context.Context) error {
	urls := []string{n.regURL + "/health", n.gwURL + "/health", n.telURL + "/health"}
	for _, b := range n.bpps {
		urls = append(urls, b.url+"/")
	}
	c := loopbackHTTPClient(10*time.Second, false)
	for _, u := range urls {
		for attempt := 0; ; attempt++ {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
				break
			}
			if ctx.Err() != nil || attempt >= 50 {
				return fmt.Errorf("sandbox participant at %s is not answering: %w", u, err)
			}
			select {
			case <-time.After(20 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// Close stops every participant: servers first (no new requests), then
// the BPPs' timers and the gateway's pending forwards.
func (n *Network) Close() error {
	n.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var errs []error
		for _, s := range n.servers {
			if err := s.Shutdown(ctx); err != nil {
				errs = append(errs, err)
				s.Close()
			}
		}
		for _, b := range n.bpps {
			errs = append(errs, b.bpp.Close())
		}
		if n.gateway != nil {
			errs = append(errs, n.gateway.Close())
		}
		n.closeErr = errors.Join(errs...)
	})
	return n.closeErr
}

// Register stores a record in the registry as the admin API would (status
// SUBSCRIBED unless given), for tests that add their own BAP or BPP.
func (n *Network) Register(_ context.Context, s registry.Subscriber) error {
	_, err := n.registry.Put(s)
	return err
}

// Registry is the network's registry, for in-process inspection.
func (n *Network) Registry() *Registry { return n.registry }

// Gateway is the network's gateway (see Gateway.Deliveries).
func (n *Network) Gateway() *Gateway { return n.gateway }

// Telemetry is the sink, so tests can read what a BAP reported.
func (n *Network) Telemetry() *TelemetrySink { return n.telemetry }

// RegistryURL is the registry's base URL (…/lookup, …/subscribe).
func (n *Network) RegistryURL() string { return n.regURL }

// GatewayURL is the gateway's base URL (…/search).
func (n *Network) GatewayURL() string { return n.gwURL }

// TelemetryURL is the sink's ingest URL, what a BAP posts batches to.
func (n *Network) TelemetryURL() string { return n.telURL + TelemetryIngestPath }

// AdminKey is the Bearer key of every admin endpoint.
func (n *Network) AdminKey() string { return n.adminKey }

// RegistryIdentity is the registry's keys: a BAP needs the public halves to
// verify and answer the on_subscribe challenge.
func (n *Network) RegistryIdentity() Identity { return n.regID }

// BPP returns the running provider with subscriberID, to read its catalog
// or change its faults at run time; nil when there is none.
func (n *Network) BPP(subscriberID string) *bpp.BPP {
	if b := n.findBPP(subscriberID); b != nil {
		return b.bpp
	}
	return nil
}

// ReferenceBPP returns the id and base URL of domain's reference provider.
func (n *Network) ReferenceBPP(domain string) (id, url string) {
	d, _ := beckn.NormalizeDomain(domain)
	for _, b := range n.bpps {
		if b.reference && b.spec.Domain == d {
			return b.id.SubscriberID, b.url
		}
	}
	return "", ""
}

func (n *Network) findBPP(id string) *runningBPP {
	for _, b := range n.bpps {
		if b.id.SubscriberID == id {
			return b
		}
	}
	return nil
}
