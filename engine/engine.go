// Package engine is the heart of the Seeker BAP: it builds and signs
// outbound Beckn requests, keeps them in a durable outbox until their peer
// answers, receives and verifies callbacks, persists them before the ACK,
// correlates them with what Seeker sent, and tells waiters that something
// arrived.
//
// The rules it enforces are those of docs/architecture.md: raw bytes are the
// truth (sign what is sent, verify what is received, store both byte for
// byte), nothing acknowledged is lost, and every failure says what and where.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
)

// Registry is what the engine needs of the network registry: verifying a
// signature with the sender's registered key and subscriber records to route
// requests. *registry.Cache provides both from an in-process cache.
type Registry interface {
	VerifyHeader(ctx context.Context, v signing.Verifier, body []byte, h signing.Header, expected string) (registry.Subscriber, error)
	Lookup(ctx context.Context, q registry.Query) ([]registry.Subscriber, error)
}

// Verdict is the outcome of validating one payload.
type Verdict struct {
	// Findings is the JSON array of findings stored with the message.
	Findings []byte
	// Error is the first error finding as a Beckn error, nil when the
	// payload has no error.
	Error *beckn.Error
	// Malformed says the body is not JSON at all. The validator reads the
	// whole body anyway, so the engine takes this as its well-formedness
	// check of inbound messages and refuses such a body in every mode.
	Malformed bool
}

// Validator checks a payload for an action. The engine stores findings and,
// in strict mode, refuses with the first error. It must parse the whole body
// and set Verdict.Malformed when that is not JSON: inbound, the engine relies
// on it instead of scanning the body a second time.
type Validator func(action string, body []byte) Verdict

// Mode is a validation mode: off, warn (record findings) or strict (refuse).
type Mode string

// Validation modes.
const (
	ModeOff    Mode = "off"
	ModeWarn   Mode = "warn"
	ModeStrict Mode = "strict"
)

// Config assembles an Engine. Zero values get the defaults documented per field.
type Config struct {
	// SubscriberID and SubscriberURL identify this BAP (bap_id, bap_uri).
	SubscriberID  string
	SubscriberURL string
	// Signer signs every outbound request with this BAP's key.
	Signer *signing.Signer

	Registry Registry
	// GatewayURL receives search; empty means find a BG in the registry.
	GatewayURL string

	// City and Country fill context.location when set.
	City, Country string

	// TTL per action; DefaultTTL (30 s) for the rest.
	TTL        map[string]time.Duration
	DefaultTTL time.Duration

	Store store.Store
	// Bus wakes waiters; default an in-process bus.
	Bus Bus

	// Validator and the modes per direction. A nil Validator validates
	// nothing.
	Validator                 Validator
	InboundMode, OutboundMode Mode

	// HTTP sends outbound requests; default a client with a 10 s timeout.
	HTTP *http.Client
	// BodyLimit bounds inbound bodies (default 20 MB).
	BodyLimit int64
	// Skew is the allowed clock skew of signatures (default 30 s).
	Skew time.Duration
	// NackLate refuses callbacks that arrive after their request's ttl;
	// by default they are accepted and marked late.
	NackLate bool

	// InstanceID names this process in outbox leases (default
	// store.NewLeaseOwner: host, pid and a random tag).
	InstanceID string

	// Observer, when set, is told of every API call sent or received
	// (network telemetry); it must not block.
	Observer Observer

	Logger *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// APICall is one Beckn API call Seeker made or answered, as network
// telemetry reports it. It carries identifiers, codes and times only — never
// message content, so nothing personal can leave through it.
type APICall struct {
	Direction     store.Direction
	Action        string
	Domain        string
	TransactionID string
	MessageID     string
	SenderID      string
	RecipientID   string
	// URL is the target URL (outbound) or the URL the peer called (inbound).
	URL    string
	Status int    // HTTP status of the synchronous answer (0: no answer)
	Ack    string // ACK, NACK, or "" when the call failed in transport
	// Error is the NACK's error or the transport failure.
	Error      *beckn.Error
	Start, End time.Time
}

// Observer receives APICalls. It is called on the request path, so it must
// hand the call off (to a buffer) and return.
type Observer func(APICall)

// Engine sends, receives and correlates Beckn messages for one BAP.
type Engine struct {
	cfg      Config
	log      *slog.Logger
	verifier signing.Verifier

	kick chan struct{} // wakes the outbox worker early
	sent *sentCache
	// recording counts first-attempt outcomes still being written (Send
	// returns before they are); Stop waits for them.
	recording sync.WaitGroup
	// received counts the callbacks handed to Receive: background work
	// that shares the machine (the catalog's indexer) watches it to give
	// way during a burst.
	received atomic.Uint64

	mu      sync.Mutex
	stop    context.CancelFunc
	stopped chan struct{}
}

// New checks cfg and returns an Engine. Call Start to run the outbox worker.
func New(cfg Config) (*Engine, error) {
	switch {
	case cfg.SubscriberID == "":
		return nil, errors.New("engine: SubscriberID is required")
	case cfg.SubscriberURL == "":
		return nil, errors.New("engine: SubscriberURL is required")
	case cfg.Signer == nil:
		return nil, errors.New("engine: Signer is required")
	case cfg.Registry == nil:
		return nil, errors.New("engine: Registry is required")
	case cfg.Store == nil:
		return nil, errors.New("engine: Store is required")
	}
	if cfg.DefaultTTL <= 0 {
		cfg.DefaultTTL = 30 * time.Second
	}
	if cfg.Bus == nil {
		cfg.Bus = NewMemBus()
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.HTTP.Transport == nil {
		hc := *cfg.HTTP
		hc.Transport = newTransport()
		cfg.HTTP = &hc
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 20 << 20
	}
	if cfg.Skew == 0 {
		cfg.Skew = 30 * time.Second
	}
	if cfg.InboundMode == "" {
		cfg.InboundMode = ModeWarn
	}
	if cfg.OutboundMode == "" {
		cfg.OutboundMode = ModeStrict
	}
	if cfg.InstanceID == "" {
		// Unique per process, not host:pid: instances in one process (tests)
		// or a restarted container (pid 1 again) must not share claims.
		cfg.InstanceID = store.NewLeaseOwner()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	e := &Engine{
		cfg:  cfg,
		log:  cfg.Logger,
		kick: make(chan struct{}, 1),
		sent: newSentCache(1 << 16),
	}
	e.verifier = signing.Verifier{Skew: cfg.Skew, Now: cfg.Now}
	return e, nil
}

// newTransport is the engine's connection pool when the configured client
// has none. http.DefaultTransport keeps two idle connections per host, but a
// BAP sends every search to one gateway from many goroutines at once: with
// two idle slots most requests closed their connection afterwards and the
// next one dialled again, which cost a sixth of the CPU of a send in the
// dispatch benchmark. Keeping as many idle connections as are busy at a
// time lets every request reuse one.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 256
	t.MaxIdleConns = 1024
	return t
}

// Bus returns the bus waiters subscribe to.
func (e *Engine) Bus() Bus { return e.cfg.Bus }

// Store returns the engine's store.
func (e *Engine) Store() store.Store { return e.cfg.Store }

// SubscriberID returns this BAP's subscriber id.
func (e *Engine) SubscriberID() string { return e.cfg.SubscriberID }

// ttl returns the configured ttl of an action.
func (e *Engine) ttl(action string) time.Duration {
	if d, ok := e.cfg.TTL[action]; ok && d > 0 {
		return d
	}
	return e.cfg.DefaultTTL
}

// Start runs the outbox worker until ctx ends or Stop is called. Pending
// sends left by a previous run are resumed at once.
func (e *Engine) Start(ctx context.Context) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stop != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	e.stop = cancel
	e.stopped = make(chan struct{})
	go func() {
		defer close(e.stopped)
		e.runOutbox(ctx)
	}()
}

// Stop ends the outbox worker and waits for it and for the outcomes of
// first attempts still being recorded, so the store may be closed next. Call
// it once callers have stopped sending (the server drains its client side
// first): a Send racing with Stop could record its outcome after Stop
// returned.
func (e *Engine) Stop() {
	e.mu.Lock()
	cancel, done := e.stop, e.stopped
	e.stop = nil
	e.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	e.recording.Wait()
}

// Error is an engine failure with a Beckn/ONEST code and a JSON path, so the
// client API can answer with both.
type Error struct {
	Code    string
	Path    string
	Message string
	// Status is the HTTP status the client API should answer.
	Status int
}

func (e *Error) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Path, e.Message)
	}
	return e.Code + ": " + e.Message
}

// BecknError converts e for a NACK or a protocol-server style error body.
func (e *Error) BecknError() *beckn.Error {
	return beckn.NewError(e.Code, e.Path, e.Message)
}
