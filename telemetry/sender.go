package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// Defaults as ONEST's protocol-server configuration has them (batchSize 100,
// syncInterval 5 minutes).
const (
	DefaultBatchSize = 100
	DefaultInterval  = 5 * time.Minute
	DefaultRetryMin  = time.Second
	DefaultRetryMax  = 5 * time.Minute
)

// Config assembles a Sender. Zero values get the defaults named per field.
type Config struct {
	// URL is the Obsrv ingest URL (for testing ONEST gives
	// https://data.onest.network/data/v1/in/onest-telemetry-testing).
	URL string
	// Identity is this BAP: producer of the events, seeker side of calls.
	Identity Identity
	// Store keeps batches until the service accepts them.
	Store store.Store
	// Name separates the queues of several Seeker instances sharing one
	// database; each must have its own, stable across restarts
	// (default "default").
	Name string

	// BatchSize is the most events in one batch (default 100).
	BatchSize int
	// Interval is the longest an event waits before it is sent in a
	// partial batch (default 5 minutes).
	Interval time.Duration
	// Buffer bounds the events held in memory before they are stored
	// (default 100 × BatchSize). Once half of it is used, batches are cut
	// early, smaller than BatchSize; only when the store cannot keep up
	// and it is full are events dropped, each counted in Stats.Dropped and
	// logged.
	Buffer int
	// RetryMin and RetryMax bound the backoff between attempts of a batch
	// the service did not accept (defaults 1 s and 5 minutes).
	RetryMin, RetryMax time.Duration

	// HTTP sends batches (default a client with a 30 s timeout).
	HTTP   *http.Client
	Logger *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Stats are the sender's counters. Pending is what has not reached the
// service yet (in memory or stored); the other counters are totals since
// this Sender was created.
type Stats struct {
	// Pending events: buffered or in stored batches waiting to be sent.
	Pending int64 `json:"pending"`
	// PendingBatches stored and not yet accepted.
	PendingBatches int64 `json:"pending_batches"`
	// Sent events the service accepted.
	Sent int64 `json:"sent"`
	// Failed counts events of send attempts that failed and will be
	// retried (one event failing twice counts twice).
	Failed int64 `json:"failed"`
	// FailedAttempts counts failed send attempts.
	FailedAttempts int64 `json:"failed_attempts"`
	// Rejected events were in batches the service refused as malformed
	// (4xx); they are kept in the store under <name>/rejected/ and not
	// retried, since resending the same bytes cannot succeed.
	Rejected int64 `json:"rejected"`
	// Dropped events found the memory buffer full while the store could
	// not keep up.
	Dropped int64 `json:"dropped"`
	// LastError is the most recent failure, empty when the last attempt
	// succeeded.
	LastError string `json:"last_error,omitempty"`
}

// Sender turns API calls into telemetry events and delivers them.
type Sender struct {
	cfg   Config
	log   *slog.Logger
	queue queue
	cut   int // buffer fill at which a batch is cut early

	mu     sync.Mutex
	buf    [][]byte
	lastEr string

	kick chan struct{}

	pending, pendingBatches      atomic.Int64
	sent, failed, failedAttempts atomic.Int64
	rejected, dropped            atomic.Int64

	runMu   sync.Mutex
	stop    context.CancelFunc
	stopped chan struct{}
	opened  bool
}

// New checks cfg and returns a Sender. Observe may be called at once;
// events are delivered after Start.
func New(cfg Config) (*Sender, error) {
	if cfg.URL == "" {
		return nil, errors.New("telemetry: URL (the Obsrv ingest URL) is required")
	}
	if u, err := url.Parse(cfg.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("telemetry: URL %q is not an http(s) URL", cfg.URL)
	}
	if cfg.Store == nil {
		return nil, errors.New("telemetry: Store is required (batches are kept there until sent)")
	}
	if cfg.Identity.SubscriberID == "" {
		return nil, errors.New("telemetry: Identity.SubscriberID (the producer) is required")
	}
	if cfg.Name == "" {
		cfg.Name = "default"
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 100 * cfg.BatchSize
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = DefaultRetryMin
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(DefaultRetryMax, cfg.RetryMin)
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Sender{
		cfg: cfg, log: cfg.Logger,
		queue: queue{st: cfg.Store, prefix: "telemetry/" + cfg.Name + "/"},
		cut:   min(cfg.BatchSize, max(cfg.Buffer/2, 1)),
		kick:  make(chan struct{}, 1),
	}
	return s, nil
}

// Observe is an engine.Observer: it renders the call as an event and
// buffers it. It never blocks on the network or the store.
func (s *Sender) Observe(c engine.APICall) {
	ev, err := Event(s.cfg.Identity, c, beckn.NewUUID(), s.cfg.Now())
	if err != nil {
		// Only strings and integers are encoded; this cannot happen, but
		// if it does it is counted, not hidden.
		s.dropped.Add(1)
		s.log.Error("telemetry: encoding an event failed; the event is dropped", "action", c.Action, "err", err)
		return
	}
	s.mu.Lock()
	if len(s.buf) >= s.cfg.Buffer {
		s.mu.Unlock()
		s.dropped.Add(1)
		s.log.Error("telemetry: buffer full (the store is not keeping up); event dropped", "action", c.Action, "buffer", s.cfg.Buffer)
		return
	}
	s.buf = append(s.buf, ev)
	n := len(s.buf)
	s.mu.Unlock()
	s.pending.Add(1)
	if n >= s.cut {
		s.wake()
	}
}

// Observer returns Observe as an engine.Observer, for engine.Config.
func (s *Sender) Observer() engine.Observer { return s.Observe }

func (s *Sender) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Stats returns the counters.
func (s *Sender) Stats() Stats {
	s.mu.Lock()
	last := s.lastEr
	s.mu.Unlock()
	return Stats{
		Pending: s.pending.Load(), PendingBatches: s.pendingBatches.Load(),
		Sent: s.sent.Load(), Failed: s.failed.Load(), FailedAttempts: s.failedAttempts.Load(),
		Rejected: s.rejected.Load(), Dropped: s.dropped.Load(), LastError: last,
	}
}

// Start loads the batches a previous run left in the store and runs the
// delivery worker until ctx ends or Stop is called.
func (s *Sender) Start(ctx context.Context) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.stop != nil {
		return nil
	}
	if !s.opened {
		pending, err := s.queue.open(ctx)
		if err != nil {
			return err
		}
		s.pending.Add(pending)
		s.pendingBatches.Store(int64(s.queue.len()))
		s.opened = true
	}
	ctx, cancel := context.WithCancel(ctx)
	s.stop = cancel
	s.stopped = make(chan struct{})
	go func() {
		defer close(s.stopped)
		s.run(ctx)
	}()
	s.wake() // batches left by a previous run go now, not at the first event
	return nil
}

// Stop ends the worker, stores what is still buffered and makes one last
// attempt to send stored batches within ctx. What is not sent stays stored
// for the next Start. It returns an error when buffered events could not be
// stored (they are then lost, and said so).
func (s *Sender) Stop(ctx context.Context) error {
	s.runMu.Lock()
	cancel, done := s.stop, s.stopped
	s.stop = nil
	s.runMu.Unlock()
	if cancel == nil {
		if n := s.bufLen(); n > 0 {
			return fmt.Errorf("telemetry: stopped without Start; %d buffered events were never stored", n)
		}
		return nil
	}
	cancel()
	<-done
	err := s.persist(ctx, true)
	if err == nil {
		s.deliver(ctx)
	}
	if n := s.bufLen(); n > 0 {
		s.dropped.Add(int64(n))
		s.pending.Add(-int64(n))
		return fmt.Errorf("telemetry: %d buffered events could not be stored at stop: %w", n, err)
	}
	return err
}

func (s *Sender) bufLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf)
}

// run is the worker: cut and store batches when the buffer fills or the
// interval passes, and send stored batches in order, waiting with backoff
// after a failure.
func (s *Sender) run(ctx context.Context) {
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	var retry <-chan time.Time
	backoff := time.Duration(0)
	for {
		all := false
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-tick.C:
			all = true
		case <-retry:
			retry = nil
		}
		if err := s.persist(ctx, all); err != nil && ctx.Err() == nil {
			s.setError(err.Error())
			s.log.Error("telemetry: storing a batch failed; will try again", "err", err)
		}
		if retry != nil {
			continue // waiting out a backoff: keep order, do not resend early
		}
		if s.deliver(ctx) {
			backoff = 0
			continue
		}
		if ctx.Err() != nil {
			return
		}
		backoff = next(backoff, s.cfg.RetryMin, s.cfg.RetryMax)
		retry = time.After(backoff)
	}
}

// next doubles the backoff within [lo, hi].
func next(d, lo, hi time.Duration) time.Duration {
	if d < lo {
		return lo
	}
	return min(2*d, hi)
}

// persist cuts batches from the buffer and stores them: full batches, or
// every buffered event when all is set (interval, stop).
func (s *Sender) persist(ctx context.Context, all bool) error {
	for {
		s.mu.Lock()
		n := min(len(s.buf), s.cfg.BatchSize)
		if n == 0 || (!all && len(s.buf) < s.cut) {
			s.mu.Unlock()
			return nil
		}
		events := s.buf[:n:n]
		s.mu.Unlock()

		body := EncodeBatch(newBatchID(s.cfg.Identity.SubscriberID), events)
		if err := s.queue.push(ctx, n, body); err != nil {
			return err
		}
		s.pendingBatches.Add(1)
		s.mu.Lock()
		s.buf = append([][]byte(nil), s.buf[n:]...)
		s.mu.Unlock()
	}
}

// EncodeBatch writes {"data":{"id":id,"events":[...]}} around encoded events.
func EncodeBatch(id string, events [][]byte) []byte {
	idJSON, _ := json.Marshal(id)
	var b bytes.Buffer
	b.WriteString(`{"data":{"id":`)
	b.Write(idJSON)
	b.WriteString(`,"events":[`)
	for i, e := range events {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(e)
	}
	b.WriteString("]}}")
	return b.Bytes()
}

// deliver sends stored batches oldest first until none is left (true) or
// one fails (false); a failed batch stays first in line.
func (s *Sender) deliver(ctx context.Context) bool {
	for {
		n, events, body, ok, err := s.queue.front(ctx)
		if err != nil {
			s.setError(err.Error())
			return false
		}
		if !ok {
			return true
		}
		status, err := s.post(ctx, body)
		switch {
		case err == nil:
			if err := s.queue.pop(ctx, n, nil); err != nil {
				s.setError(err.Error())
				return false
			}
			s.sent.Add(int64(events))
			s.pending.Add(-int64(events))
			s.pendingBatches.Add(-1)
			s.setError("")
		case permanent(status):
			s.log.Error("telemetry: the service refused a batch as malformed; kept in the store, not retried", "batch", n, "status", status, "err", err)
			if err := s.queue.pop(ctx, n, body); err != nil {
				s.setError(err.Error())
				return false
			}
			s.rejected.Add(int64(events))
			s.pending.Add(-int64(events))
			s.pendingBatches.Add(-1)
			s.setError(err.Error())
		default:
			s.failed.Add(int64(events))
			s.failedAttempts.Add(1)
			s.setError(err.Error())
			s.log.Warn("telemetry: sending a batch failed; will retry", "batch", n, "status", status, "err", err)
			return false
		}
	}
}

// permanent says whether a status means the batch itself is wrong: a client
// error other than timeout and rate limiting.
func permanent(status int) bool {
	return status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
}

// obsrvAnswer is the part of the ingest API's answer a sender checks.
type obsrvAnswer struct {
	Params struct {
		Status string `json:"status"`
		ErrMsg string `json:"errmsg"`
	} `json:"params"`
}

// post sends one batch; nil means the service accepted it.
func (s *Sender) post(ctx context.Context, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.cfg.HTTP.Do(req)
	if err != nil {
		return 0, fmt.Errorf("posting to %s: %w", s.cfg.URL, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var a obsrvAnswer
	_ = json.Unmarshal(answer, &a)
	if resp.StatusCode/100 != 2 {
		msg := a.Params.ErrMsg
		if msg == "" {
			msg = string(bytes.TrimSpace(answer[:min(len(answer), 300)]))
		}
		return resp.StatusCode, fmt.Errorf("%s answered %d: %s", s.cfg.URL, resp.StatusCode, msg)
	}
	if a.Params.Status != "" && a.Params.Status != "SUCCESS" {
		return resp.StatusCode, fmt.Errorf("%s answered %d with status %s: %s", s.cfg.URL, resp.StatusCode, a.Params.Status, a.Params.ErrMsg)
	}
	return resp.StatusCode, nil
}

func (s *Sender) setError(e string) {
	s.mu.Lock()
	s.lastEr = e
	s.mu.Unlock()
}
