package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/internal/netguard"
	"github.com/onest-seeker/seeker/store"
)

// Webhooks push every callback of a client's transactions — answers to its
// requests and the unsolicited ones providers send for status changes — to
// the client's URL, for apps that cannot hold a stream open.
//
// Delivery is in Seq order, one callback at a time per client, and a
// callback is retried with backoff until the app accepts it, so an app sees
// the same order the providers' messages were stored in. The position of
// each client is a durable cursor in the store: a restart resumes after the
// last accepted callback.
//
// Several instances on one database share the work through a named lease
// per client (store.TryLease): whichever instance stored a callback, only
// the lease holder posts it, so the client's stream stays one ordered
// sequence. The holder renews the lease before every attempt and releases
// it when it stops; a holder that dies is replaced once its lease runs out,
// and the new holder resumes from the stored cursor. A graceful stop lets
// the attempt in flight finish and stores its cursor, so handovers repeat
// nothing; only a crash between the app's 2xx and storing the cursor
// repeats one callback, which is why apps de-duplicate by seq.

// SignatureHeader carries "sha256=" + hex(HMAC-SHA256(body, client API key)),
// so an app can check that a webhook came from its Seeker.
const SignatureHeader = "X-Seeker-Signature"

// WebhookEvent is the body POSTed to a client's webhook URL.
type WebhookEvent struct {
	// Event is the callback action (on_search, on_status, ...).
	Event string `json:"event"`
	// Seq is the callback's store sequence number: strictly increasing,
	// the same as the SSE event id, and the key to de-duplicate on.
	Seq           int64  `json:"seq"`
	TransactionID string `json:"transaction_id"`
	// Callback is the provider's callback {context, message} byte for byte.
	Callback jsontext.Value `json:"callback"`
}

// webhookTimeout bounds one delivery attempt.
const webhookTimeout = 10 * time.Second

// webhookPoll re-reads the store without a wake-up (another instance stored
// the callback, or the bus dropped the event).
const webhookPoll = time.Second

// webhookPage is how many stored messages are read per query.
const webhookPage = 100

// webhookLease is how long one instance holds a client's delivery without
// renewing. The holder renews when a third of it has passed, before each
// attempt, so an attempt (at most webhookTimeout) and the cursor write after
// it end well inside the lease even on instances whose clocks differ by a
// few seconds; an instance that dies holding it delays the client's
// deliveries by at most this long. A variable so tests can shorten it.
var webhookLease = 30 * time.Second

// Webhooks delivers callbacks to the clients of Config.Webhooks.
type Webhooks struct {
	eng     *engine.Engine
	log     *slog.Logger
	targets []*webhookTarget
	// owner names this process in the leases: unique per Webhooks, so two
	// instances (or a restarted one) never mistake each other's lease for
	// their own.
	owner string

	mu   sync.Mutex
	stop func()
}

// webhookTarget is one client's URL, secret and position.
type webhookTarget struct {
	client, url string
	secret      []byte
	http        *http.Client
	cursor      int64
	owns        map[string]bool // transaction id → owned by client
	// heldUntil is when this instance's lease on the client's delivery
	// runs out (zero: not held); renewAt is when to renew it. loaded says
	// the cursor was read since the lease was taken.
	heldUntil, renewAt time.Time
	loaded             bool
}

// NewWebhooks checks cfg.Webhooks: every client must have an API key (it
// signs the deliveries) and a URL that may be called.
func NewWebhooks(cfg Config) (*Webhooks, error) {
	if cfg.Engine == nil {
		return nil, errors.New("api: webhooks need the Engine")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Webhooks{eng: cfg.Engine, log: log, owner: store.NewLeaseOwner()}
	clients := make([]string, 0, len(cfg.Webhooks))
	for c := range cfg.Webhooks {
		clients = append(clients, c)
	}
	slices.Sort(clients)
	for _, client := range clients {
		u := cfg.Webhooks[client]
		if err := checkWebhookURL(u, cfg.AllowPrivateWebhooks); err != nil {
			return nil, fmt.Errorf("api: webhook of client %q: %w", client, err)
		}
		secret := clientKey(cfg.Keys, client)
		if secret == "" {
			return nil, fmt.Errorf("api: webhook of client %q: the client has no API key to sign deliveries with; add one to api_keys", client)
		}
		w.targets = append(w.targets, &webhookTarget{
			client: client, url: u, secret: []byte(secret),
			http: netguard.Client(cfg.AllowPrivateWebhooks, webhookTimeout),
			owns: map[string]bool{},
		})
	}
	return w, nil
}

// clientKey is the API key that signs a client's webhooks: its only key, or
// the first in byte order when it has several, so the choice is stable.
func clientKey(keys map[string]string, client string) string {
	var out string
	for k, name := range keys {
		if name == client && (out == "" || k < out) {
			out = k
		}
	}
	return out
}

// Start runs one delivery loop per client until ctx ends or Stop is called.
func (w *Webhooks) Start(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stop != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, t := range w.targets {
		wg.Go(func() { w.run(ctx, t) })
	}
	w.stop = func() { cancel(); wg.Wait() }
}

// Stop ends delivery and waits for the loops. An attempt in flight is let
// finish (it is bounded by webhookTimeout) and its cursor stored, then each
// client's lease is released, so another instance takes over at once and
// repeats nothing.
func (w *Webhooks) Stop() {
	w.mu.Lock()
	stop := w.stop
	w.stop = nil
	w.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func cursorKey(client string) string { return "api/webhook/" + client + "/cursor" }

func leaseName(client string) string { return "api/webhook/" + client }

// run delivers t's callbacks, while this instance holds the client's lease,
// until ctx ends.
func (w *Webhooks) run(ctx context.Context, t *webhookTarget) {
	events, cancel := w.eng.Bus().Subscribe("")
	defer cancel()
	defer w.release(t)
	poll := time.NewTicker(webhookPoll)
	defer poll.Stop()
	for {
		if w.hold(ctx, t) {
			w.deliverDue(ctx, t)
		}
		select {
		case <-ctx.Done():
			return
		case <-events:
		case <-poll.C:
		}
	}
}

// hold reports whether this instance holds t's lease with at least two
// thirds of it left, renewing or taking it when due. On taking it, the
// cursor is read again: the previous holder (another instance, or this
// one before it lost the lease) may have moved it.
func (w *Webhooks) hold(ctx context.Context, t *webhookTarget) bool {
	now := time.Now()
	if !t.heldUntil.IsZero() && now.Before(t.renewAt) && t.loaded {
		return true
	}
	until := now.Add(webhookLease)
	// Not cut short by stopping: a lease taken by a statement whose caller
	// gave up would never be released, and would hold the client's
	// deliveries back for its whole length.
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	ok, err := w.eng.Store().TryLease(lctx, leaseName(t.client), w.owner, now, until)
	cancel()
	if err != nil || !ok {
		if err != nil && ctx.Err() == nil {
			w.log.Error("taking the webhook lease", "client", t.client, "err", err)
		}
		if !t.heldUntil.IsZero() {
			w.log.Warn("webhook delivery of this client moved to another instance", "client", t.client)
		}
		t.heldUntil, t.loaded = time.Time{}, false
		return false
	}
	t.heldUntil, t.renewAt = until, now.Add(webhookLease/3)
	if !t.loaded {
		if !w.loadCursor(ctx, t) {
			return false // held (so released at stop); the cursor is read again next round
		}
		t.loaded = true
		w.log.Info("delivering the webhook of this client from this instance", "client", t.client, "after_seq", t.cursor)
	}
	return true
}

// release gives t's lease up after the last cursor write, when held.
func (w *Webhooks) release(t *webhookTarget) {
	if t.heldUntil.IsZero() {
		return
	}
	t.heldUntil, t.loaded = time.Time{}, false
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.eng.Store().ReleaseLease(ctx, leaseName(t.client), w.owner); err != nil {
		w.log.Error("releasing the webhook lease; another instance takes over when it runs out", "client", t.client, "err", err)
	}
}

// loadCursor reads t's stored position; a client without one starts at the
// beginning, so callbacks of transactions started before its webhook was
// configured are delivered too.
func (w *Webhooks) loadCursor(ctx context.Context, t *webhookTarget) bool {
	v, err := w.eng.Store().GetKV(ctx, cursorKey(t.client))
	switch {
	case errors.Is(err, store.ErrNotFound):
		t.cursor = 0
	case err != nil:
		w.log.Error("reading webhook cursor", "client", t.client, "err", err)
		return false
	default:
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			w.log.Error("webhook cursor unreadable; not delivering until it is fixed", "client", t.client, "value", string(v))
			return false
		}
		t.cursor = n
	}
	return true
}

// saveCursor stores t's position while this instance holds the lease: an
// instance that lost it (paused past its end) must not move back the cursor
// of the instance that took over.
func (w *Webhooks) saveCursor(ctx context.Context, t *webhookTarget) {
	if !w.hold(context.WithoutCancel(ctx), t) {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.eng.Store().PutKV(sctx, cursorKey(t.client), strconv.AppendInt(nil, t.cursor, 10), time.Time{}); err != nil {
		w.log.Error("storing webhook cursor", "client", t.client, "seq", t.cursor, "err", err)
	}
}

// deliverDue delivers every stored callback after the cursor that belongs to
// t's client, in order.
func (w *Webhooks) deliverDue(ctx context.Context, t *webhookTarget) {
	st := w.eng.Store()
	for ctx.Err() == nil {
		msgs, err := st.Messages(ctx, store.MessageFilter{Direction: store.Inbound, AfterSeq: t.cursor, Limit: webhookPage})
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("reading callbacks to deliver", "client", t.client, "err", err)
			}
			return
		}
		if len(msgs) == 0 {
			return
		}
		skipped, stopped := false, false
		for _, m := range msgs {
			mine := false
			if m.AckStatus == "ACK" {
				if mine, err = w.owned(ctx, t, m.TransactionID); err != nil {
					if ctx.Err() == nil {
						w.log.Error("reading the owner of a transaction", "txn", m.TransactionID, "err", err)
					}
					break
				}
			}
			if !mine {
				t.cursor, skipped = m.Seq, true
				continue
			}
			if !w.deliver(ctx, t, m) {
				stopped = true // stopping or the lease moved; the cursor stays before m
				break
			}
			t.cursor, skipped = m.Seq, false
			w.saveCursor(ctx, t)
		}
		if skipped {
			w.saveCursor(ctx, t)
		}
		if stopped || err != nil || len(msgs) < webhookPage {
			return
		}
	}
}

// owned reports whether the transaction belongs to t's client. Owners never
// change, so answers are cached (bounded: the cache is dropped when large).
func (w *Webhooks) owned(ctx context.Context, t *webhookTarget, txn string) (bool, error) {
	if v, ok := t.owns[txn]; ok {
		return v, nil
	}
	tr, err := w.eng.Store().Transaction(ctx, txn)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if len(t.owns) >= 50_000 {
		clear(t.owns)
	}
	t.owns[txn] = tr.Owner == t.client
	return t.owns[txn], nil
}

// deliver posts m until the app accepts it. It returns false when ctx ends
// or this instance no longer holds the client's lease before an attempt. An app that answers 400, 413 or 422 says this payload will
// never be acceptable; the callback is then skipped (and logged) so one
// event the app cannot parse does not stop every later one. Everything else
// — timeouts, connection errors, 5xx, 429, and 401/403/404 that a fix of the
// app's configuration cures — is retried with backoff.
func (w *Webhooks) deliver(ctx context.Context, t *webhookTarget, m *store.Message) bool {
	body, err := json.Marshal(WebhookEvent{Event: m.Action, Seq: m.Seq, TransactionID: m.TransactionID, Callback: jsontext.Value(m.Raw)})
	if err != nil {
		w.log.Error("stored callback is not JSON; not delivered", "client", t.client, "seq", m.Seq, "err", err)
		return true
	}
	mac := hmac.New(sha256.New, t.secret)
	mac.Write(body)
	sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil || !w.hold(ctx, t) {
			return false
		}
		status, err := t.post(ctx, body, sig, m)
		switch {
		case err == nil && status >= 200 && status < 300:
			return true
		case err == nil && (status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge || status == http.StatusUnprocessableEntity):
			w.log.Error("webhook refused a callback; skipped", "client", t.client, "seq", m.Seq, "status", status)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if err == nil {
			err = fmt.Errorf("answered HTTP %d", status)
		}
		wait := webhookBackoff(attempt)
		w.log.Warn("webhook delivery failed; will retry", "client", t.client, "seq", m.Seq, "attempt", attempt, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
	}
}

// webhookBackoff is the delay before retry n (n ≥ 1): 0.5 s doubling to a
// minute, so an app that is down for hours is polled once a minute.
func webhookBackoff(n int) time.Duration {
	d := 500 * time.Millisecond
	for i := 1; i < n && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}

// post makes one attempt. Stopping does not cut it short (the HTTP client's
// webhookTimeout bounds it): an app that accepted a callback while this
// instance was stopping must not get it again from the next holder.
func (t *webhookTarget) post(ctx context.Context, body []byte, sig string, m *store.Message) (int, error) {
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "seeker-webhook/1")
	req.Header.Set(SignatureHeader, sig)
	req.Header.Set("X-Seeker-Event", m.Action)
	req.Header.Set("X-Seeker-Seq", strconv.FormatInt(m.Seq, 10))
	resp, err := t.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}
