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
	// Name names the queue of batches in the store (default "default").
	// Instances of one BAP on one database give the same name: they share
	// the queue, and each batch is sent once, by whichever instance holds
	// the queue's lease at the time.
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
// service yet: this instance's buffer and the stored batches of the shared
// queue as last seen; the other counters are totals of this Sender since it
// was created.
type Stats struct {
	// Pending events: buffered here or in stored batches waiting to be sent.
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
	// lease and owner name the queue's lease and this Sender in it.
	lease, owner string

	mu     sync.Mutex
	buf    [][]byte
	lastEr string

	kick chan struct{}

	storedEvents, storedBatches  atomic.Int64
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
		lease: "telemetry/" + cfg.Name, owner: store.NewLeaseOwner(),
		cut:  min(cfg.BatchSize, max(cfg.Buffer/2, 1)),
		kick: make(chan struct{}, 1),
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
	last, buffered := s.lastEr, len(s.buf)
	s.mu.Unlock()
	return Stats{
		Pending: int64(buffered) + s.storedEvents.Load(), PendingBatches: s.storedBatches.Load(),
		Sent: s.sent.Load(), Failed: s.failed.Load(), FailedAttempts: s.failedAttempts.Load(),
		Rejected: s.rejected.Load(), Dropped: s.dropped.Load(), LastError: last,
	}
}

// Start reads the queue a previous run (or another instance) left in the
// store and runs the delivery worker until ctx ends or Stop is called.
func (s *Sender) Start(ctx context.Context) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.stop != nil {
		return nil
	}
	if !s.opened {
		if err := s.queue.sync(ctx); err != nil {
			return err
		}
		s.noteStored()
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
// attempt to send stored batches within ctx, waiting for the queue's lease
// if another instance is taking its turn. What is not sent stays stored,
// for the next Start or another instance. It returns an error when
// buffered events could not be stored (they are then lost, and said so).
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
	var err error
	for {
		var res turnResult
		res, _, err = s.turn(ctx, true, true)
		if res != turnBusy {
			break
		}
		select {
		case <-ctx.Done():
			err = fmt.Errorf("another instance held the queue's lease until the deadline: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
			continue
		}
		break
	}
	s.mu.Lock()
	n := len(s.buf)
	s.buf = nil
	s.mu.Unlock()
	if n > 0 {
		s.dropped.Add(int64(n))
		if err == nil {
			// Observed after the last turn took the buffer: Stop was
			// called while the engine still handled calls.
			return fmt.Errorf("telemetry: %d events observed during stop were not stored; stop the engine first", n)
		}
		return fmt.Errorf("telemetry: %d buffered events could not be stored at stop: %w", n, err)
	}
	return nil
}

func (s *Sender) bufLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf)
}

// queueLease is how long one instance's turn on a queue may last without
// renewal. The holder renews it before every post, and a post is bounded by
// postTimeout, so a turn never outlives its lease; an instance that dies
// mid-turn keeps the others' batches in their memory buffers this long. A
// variable so tests can shorten it.
var queueLease = 90 * time.Second

// postTimeout bounds one attempt to send a batch.
const postTimeout = 30 * time.Second

// turnResult is how a turn on the queue ended.
type turnResult int

const (
	turnDone   turnResult = iota // what was asked for is done
	turnBusy                     // another instance holds the queue's lease
	turnFailed                   // the store or the service failed; back off
)

// turn takes the queue's lease, syncs the queue, stores batches cut from
// the buffer (every buffered event when all is set) and, when send is set,
// sends stored batches oldest first; then it releases the lease. One turn
// at a time across the instances sharing the queue is what numbers their
// batches without collisions and sends each once, in order. stored reports
// whether the buffer was cut as asked; err is the failure, if any.
//
// ctx bounds waiting for the lease and ends sending between batches; the
// store writes of a turn are never cut short by it, since a write that
// lands after its caller gave up (a batch stored, its events still
// buffered) would send events twice.
func (s *Sender) turn(ctx context.Context, all, send bool) (res turnResult, stored bool, err error) {
	held, err := s.hold(ctx)
	if err != nil {
		return turnFailed, false, err
	}
	if !held {
		return turnBusy, false, nil
	}
	defer s.release()
	wctx := context.WithoutCancel(ctx)
	if err := s.queue.sync(wctx); err != nil {
		s.setError(err.Error())
		return turnFailed, false, err
	}
	s.noteStored()
	if err := s.persist(wctx, all); err != nil {
		s.setError(err.Error())
		s.log.Error("telemetry: storing a batch failed; will try again", "err", err)
		return turnFailed, false, err
	}
	if send {
		if res, err := s.deliver(ctx, wctx); res != turnDone {
			return res, true, err
		}
	}
	return turnDone, true, nil
}

// hold takes or renews the queue's lease for this Sender.
func (s *Sender) hold(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	// The statement itself is not cut short: a lease taken by a statement
	// whose caller gave up would never be released.
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := time.Now()
	ok, err := s.cfg.Store.TryLease(lctx, s.lease, s.owner, now, now.Add(queueLease))
	if err != nil {
		err = fmt.Errorf("telemetry: taking the queue's lease: %w", err)
		if ctx.Err() == nil {
			s.setError(err.Error())
		}
	}
	return ok, err
}

// release ends the turn, so another instance may take its turn at once.
func (s *Sender) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.cfg.Store.ReleaseLease(ctx, s.lease, s.owner); err != nil {
		s.log.Error("telemetry: releasing the queue's lease; other instances wait until it runs out", "err", err)
	}
}

// noteStored publishes the queue's counts for Stats.
func (s *Sender) noteStored() {
	events, batches := s.queue.stored()
	s.storedEvents.Store(events)
	s.storedBatches.Store(batches)
}

// run is the worker: take a turn on the queue when the buffer fills or the
// interval passes, waiting with backoff after a failure and briefly when
// another instance is taking its turn.
func (s *Sender) run(ctx context.Context) {
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	var retry <-chan time.Time
	backoff := time.Duration(0)
	all := false // the interval passed: cut a partial batch at the next turn
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-tick.C:
			all = true
		case <-retry:
			retry = nil
		}
		if retry != nil {
			// Waiting out a backoff: store full batches, keep order, do
			// not resend early.
			_, _, _ = s.turn(ctx, false, false)
			continue
		}
		res, stored, _ := s.turn(ctx, all, true)
		if stored {
			all = false
		}
		switch {
		case res == turnDone:
			backoff = 0
		case ctx.Err() != nil:
			return
		case res == turnBusy:
			retry = time.After(s.cfg.RetryMin)
		default:
			backoff = next(backoff, s.cfg.RetryMin, s.cfg.RetryMax)
			retry = time.After(backoff)
		}
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
		s.noteStored()
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

// deliver sends stored batches oldest first until none is left (turnDone)
// or one fails; a failed batch stays first in line. It renews the lease
// before each post and stops (turnBusy) if another instance has taken it.
//
// ctx ends it between batches; wctx, which stopping does not cancel, carries
// the store operations and the post (bounded by postTimeout): a batch the
// service took must leave the queue, or the next turn sends it again.
func (s *Sender) deliver(ctx, wctx context.Context) (turnResult, error) {
	for {
		if err := ctx.Err(); err != nil {
			return turnFailed, err
		}
		n, events, body, ok, err := s.queue.front(wctx)
		if err != nil {
			s.setError(err.Error())
			return turnFailed, err
		}
		if !ok {
			return turnDone, nil
		}
		held, err := s.hold(wctx)
		if err != nil {
			return turnFailed, err
		}
		if !held {
			return turnBusy, nil
		}
		status, err := s.post(wctx, body)
		if res, err := s.settle(wctx, n, events, body, status, err); res != turnDone {
			return res, err
		}
	}
}

// settle records the outcome of posting batch n.
func (s *Sender) settle(ctx context.Context, n uint64, events int, body []byte, status int, err error) (turnResult, error) {
	switch {
	case err == nil:
		if err := s.queue.pop(ctx, n, nil); err != nil {
			s.setError(err.Error())
			return turnFailed, err
		}
		s.sent.Add(int64(events))
		s.noteStored()
		s.setError("")
	case permanent(status):
		s.log.Error("telemetry: the service refused a batch as malformed; kept in the store, not retried", "batch", n, "status", status, "err", err)
		if err := s.queue.pop(ctx, n, body); err != nil {
			s.setError(err.Error())
			return turnFailed, err
		}
		s.rejected.Add(int64(events))
		s.noteStored()
		s.setError(err.Error())
	default:
		s.failed.Add(int64(events))
		s.failedAttempts.Add(1)
		s.setError(err.Error())
		s.log.Warn("telemetry: sending a batch failed; will retry", "batch", n, "status", status, "err", err)
		return turnFailed, err
	}
	return turnDone, nil
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
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
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
