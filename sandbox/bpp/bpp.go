package bpp

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

// KeyResolver returns the public signing key of a participant, as the
// registry holds it, for verifying inbound Authorization and gateway
// signatures. keyID is the registry's unique key id from the header's
// keyId ("" when the sender used a two-part keyId).
type KeyResolver func(ctx context.Context, subscriberID, keyID string) (ed25519.PublicKey, error)

// Config configures one reference provider.
type Config struct {
	SubscriberID, KeyID string
	SigningKey          ed25519.PrivateKey
	// Domain is the ONEST domain code this BPP serves (legacy codes are
	// normalised).
	Domain string
	// Index selects the catalog; 0 is the domain's reference provider,
	// which holds everything the ONEST Postman collection refers to and the
	// orders it names.
	Index int
	// Name is the display name (catalog.descriptor.name when set).
	Name string
	// BaseURL is this BPP's subscriber_url: bpp_uri of its callbacks and
	// the base of form, payment and tracking URLs.
	BaseURL string
	// GatewayURL, when set, is where on_search goes (gateway relay mode);
	// "" sends on_search straight to context.bap_uri (ONEST practice).
	GatewayURL string
	// Keys resolves the public keys of senders. Required: a reference
	// provider verifies everything it receives.
	Keys       KeyResolver
	HTTPClient *http.Client
	Faults     Faults
	// TimeScale > 1 speeds up the timeline after confirm (tests use 100);
	// 0 means 1.
	TimeScale float64
	Seed      int64
	Logger    *slog.Logger

	// AllowRemoteCallbacks permits callbacks to hosts other than loopback.
	// Off by default: the sandbox is a local network, and a request whose
	// bap_uri points at the internet (the Postman collection's does) must
	// not make it send traffic there.
	AllowRemoteCallbacks bool
	// PageSize is the number of items per on_search callback; 0 means 25.
	PageSize int
	// Now is the clock (nil = time.Now); its day anchors catalog dates.
	Now func() time.Time
}

// BPP is one reference provider: an http.Handler serving the Beckn BPP
// endpoints, the XInput forms, a payment page and a tracking page.
type BPP struct {
	cfg      Config
	catalog  *Catalog
	groups   map[string]bool
	signer   signing.Signer
	verifier signing.Verifier
	client   *http.Client
	log      *slog.Logger
	jwtKey   []byte
	basePath string

	mu     sync.Mutex
	faults Faults
	apps   map[string]*application // by transaction id
	orders map[string]*application // by order id
	seq    int

	large    sync.Once
	largeCat *beckn.Catalog
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	spawnMu  sync.Mutex // orders wg.Add against Close's wg.Wait
	closing  bool

	traffic traffic // see Traffic
}

// New validates cfg, generates the catalog and seeds the reference orders.
func New(cfg Config) (*BPP, error) {
	var errs []error
	if cfg.SubscriberID == "" {
		errs = append(errs, errors.New("SubscriberID is empty"))
	}
	if cfg.KeyID == "" {
		errs = append(errs, errors.New("KeyID is empty"))
	}
	if len(cfg.SigningKey) != ed25519.PrivateKeySize {
		errs = append(errs, fmt.Errorf("SigningKey has %d bytes, want an Ed25519 private key of %d", len(cfg.SigningKey), ed25519.PrivateKeySize))
	}
	if cfg.Keys == nil {
		errs = append(errs, errors.New("Keys is nil: a reference provider verifies every inbound signature"))
	}
	domain, known := beckn.NormalizeDomain(cfg.Domain)
	if !known {
		errs = append(errs, fmt.Errorf("Domain %q is not an ONEST domain (want %s)", cfg.Domain, strings.Join(beckn.Domains(), ", ")))
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("BaseURL %q is not an absolute http(s) URL", cfg.BaseURL))
	}
	if cfg.Index < 0 {
		errs = append(errs, fmt.Errorf("Index %d is negative", cfg.Index))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("bpp: invalid config for %q: %w", cfg.SubscriberID, errors.Join(errs...))
	}
	cfg.Domain = domain
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.TimeScale <= 0 {
		cfg.TimeScale = 1
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 25
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	cat, err := GenerateCatalog(domain, cfg.Index, cfg.Seed, cfg.Now())
	if err != nil {
		return nil, err
	}
	if cfg.Name != "" {
		cat.Name = cfg.Name
	}
	jk := sha256.Sum256(append([]byte("onest-sandbox-form-jwt|"), cfg.SigningKey.Seed()...))
	b := &BPP{
		cfg:      cfg,
		catalog:  cat,
		groups:   catalogTagGroups(cat),
		signer:   signing.Signer{SubscriberID: cfg.SubscriberID, KeyID: cfg.KeyID, Key: cfg.SigningKey},
		client:   client,
		log:      cfg.Logger.With("bpp", cfg.SubscriberID),
		jwtKey:   jk[:],
		basePath: strings.TrimRight(u.Path, "/"),
		faults:   cfg.Faults,
		apps:     map[string]*application{},
		orders:   map[string]*application{},
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	if cfg.Index == 0 {
		b.seedOrders()
	}
	return b, nil
}

// Catalog returns the provider's catalog (read-only: callers must not
// modify it). Tests and the sandbox description use it.
func (b *BPP) Catalog() *Catalog { return b.catalog }

// SetFaults replaces the provider's faults at run time (per-request faults
// still take precedence).
func (b *BPP) SetFaults(f Faults) {
	b.mu.Lock()
	b.faults = f
	b.mu.Unlock()
}

// Faults returns the provider's current faults.
func (b *BPP) Faults() Faults {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.faults
}

// Close stops timers and pending sends and waits for in-flight ones.
// Requests after Close are answered 503.
func (b *BPP) Close() error {
	b.spawnMu.Lock()
	b.closing = true
	b.cancel()
	b.spawnMu.Unlock()
	b.wg.Wait()
	return nil
}

// spawn runs fn in a goroutine that Close waits for; after Close it does
// nothing.
func (b *BPP) spawn(fn func()) {
	b.spawnMu.Lock()
	defer b.spawnMu.Unlock()
	if b.closing {
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		fn()
	}()
}

// closed reports whether Close was called.
func (b *BPP) closed() bool { return b.ctx.Err() != nil }

// now is the provider's clock.
func (b *BPP) now() time.Time { return b.cfg.Now().UTC() }

// scaled shrinks a timeline delay by TimeScale.
func (b *BPP) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) / b.cfg.TimeScale)
}

// after runs fn after d unless Close comes first. Every asynchronous piece
// of work goes through here (or go) so that Close can wait for it.
func (b *BPP) after(d time.Duration, fn func()) {
	b.spawn(func() {
		if d > 0 {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
			case <-b.ctx.Done():
				return
			}
		}
		if b.ctx.Err() != nil {
			return
		}
		fn()
	})
}

// seedOrders creates the orders the Postman collection names, as confirmed
// applications of the domain's reference item.
func (b *BPP) seedOrders() {
	pid, iid := referenceItem(b.cfg.Domain)
	p, it := b.catalog.Lookup(pid, iid)
	if p == nil {
		panic("bpp: reference item missing from the reference catalog: " + iid)
	}
	created := b.now().Add(-72 * time.Hour)
	for _, id := range referenceOrders[b.cfg.Domain] {
		a := &application{
			TxnID: "seed-" + id, Provider: p, Item: it, FulfillmentID: firstOr(it.FulfillmentIDs, ""),
			Customer: customer{Name: "Asha Verma", Gender: "Female", Age: "21", Email: "asha.verma@example.org", Phone: "+91-9876543210"},
			Stage:    stageConfirmed, Form: it.Form, OrderID: id, Status: "ACTIVE",
			CreatedAt: created, UpdatedAt: created,
		}
		a.Step = len(a.formSteps())
		a.setState(confirmedState(b.cfg.Domain), created)
		b.apps[a.TxnID] = a
		b.orders[id] = a
	}
}

func firstOr(xs []string, def string) string {
	if len(xs) > 0 {
		return xs[0]
	}
	return def
}

// nextID returns a new order id with the domain's prefix.
func (b *BPP) nextID() string {
	b.seq++
	prefix := map[string]string{domainLearning: "ENR", domainWork: "APP", domainFinancial: "SCH", domainExpert: "BKG"}[b.cfg.Domain]
	return fmt.Sprintf("%s-%d-%s", prefix, b.seq, beckn.NewUUID()[:8])
}
