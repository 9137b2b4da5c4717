package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
)

// Call is an outbound request as a client asks for it. Only Action, Domain
// and (except for search) BppID are needed; the engine fills the rest of the
// context.
type Call struct {
	Action string
	// Context is what the caller set; empty fields are filled. The caller's
	// bap_id, bap_uri, version, message_id and timestamp are always replaced:
	// Seeker speaks for itself and sends exactly core 1.1.0.
	Context beckn.Context
	// Message is the raw JSON of the message object, sent as given.
	Message jsontext.Value
	// Owner names the client that made the call (API key name, user id).
	Owner string
}

// Dispatch is the outcome of sending a Call.
type Dispatch struct {
	// Seq is the stored request's sequence number; its callbacks carry it
	// as RequestSeq.
	Seq     int64
	Context beckn.Context
	Body    []byte
	URL     string
	// Ack is "ACK" or "NACK" when the peer answered, "" while the request
	// waits in the outbox for a retry.
	Ack string
	// Error is the peer's NACK error or the last delivery error.
	Error *beckn.Error
	// Deadline is the end of the callback window (timestamp + ttl).
	Deadline time.Time
}

// envelope is the outbound wire shape. Message is written verbatim.
type envelope struct {
	Context beckn.Context  `json:"context"`
	Message jsontext.Value `json:"message,omitempty"`
}

// Send builds, validates, stores, signs and sends one request, then returns
// the peer's synchronous answer. A request that cannot be delivered now
// (timeout, connection error, 5xx) stays in the outbox and is retried with
// backoff while its ttl lasts; Dispatch.Ack is then empty.
func (e *Engine) Send(ctx context.Context, c Call) (*Dispatch, error) {
	bctx, ttl, err := e.buildContext(c)
	if err != nil {
		return nil, err
	}
	url, recipient, err := e.route(ctx, &bctx)
	if err != nil {
		return nil, err
	}
	body, err := beckn.Marshal(envelope{Context: bctx, Message: c.Message})
	if err != nil {
		return nil, &Error{Code: beckn.CodeInvalidRequest, Path: "message", Message: "the message is not valid JSON: " + err.Error(), Status: http.StatusBadRequest}
	}
	var findings []byte
	if e.cfg.Validator != nil && e.cfg.OutboundMode != ModeOff {
		v := e.cfg.Validator(bctx.Action, body)
		findings = v.Findings
		if v.Error != nil && e.cfg.OutboundMode == ModeStrict {
			return nil, &Error{Code: string(v.Error.Code), Path: v.Error.Paths, Message: "Seeker will not send an invalid " + bctx.Action + ": " + v.Error.Message, Status: http.StatusBadRequest}
		}
	}

	now := e.cfg.Now()
	ts, _ := time.Parse(time.RFC3339Nano, bctx.Timestamp)
	deadline := ts.Add(ttl)
	sum := sha256.Sum256(body)
	m := &store.Message{
		Direction:     store.Outbound,
		Action:        bctx.Action,
		Domain:        bctx.Domain,
		TransactionID: bctx.TransactionID,
		MessageID:     bctx.MessageID,
		BapID:         bctx.BapID,
		BppID:         bctx.BppID,
		BppURI:        bctx.BppURI,
		SenderID:      e.cfg.SubscriberID,
		RecipientID:   recipient,
		URL:           url,
		OrderID:       orderIDOf(c.Message),
		Raw:           body,
		BodyHash:      hex.EncodeToString(sum[:]),
		Headers:       map[string]string{"Content-Type": "application/json"},
		Timestamp:     ts,
		Deadline:      deadline,
		CreatedAt:     now,
		Findings:      findings,
	}
	// The entry is leased to the sending path while it makes the first
	// attempt, so the outbox worker never sends the same request at once.
	entry := &store.OutboxEntry{
		URL:          url,
		State:        store.OutboxPending,
		NextAttempt:  now,
		Deadline:     deadline,
		ClaimedBy:    e.sendOwner(),
		ClaimedUntil: now.Add(e.cfg.HTTP.Timeout + 5*time.Second),
		UpdatedAt:    now,
	}
	txn := &store.Transaction{ID: bctx.TransactionID, Domain: bctx.Domain, Owner: c.Owner, CreatedAt: now, UpdatedAt: now}
	if err := e.cfg.Store.InsertRequest(ctx, txn, m, entry); err != nil {
		return nil, fmt.Errorf("storing outbound %s: %w", bctx.Action, err)
	}
	e.sent.put(bctx.MessageID, sentRequest{seq: m.Seq, action: bctx.Action, deadline: deadline})
	d := &Dispatch{Seq: m.Seq, Context: bctx, Body: body, URL: url, Deadline: deadline}
	res := e.post(ctx, entry.URL, m.Raw, m.Deadline.Sub(m.Timestamp), now)
	e.observe(entry, m, res, now)
	e.settle(entry, res)
	// The outcome is recorded after Send returns. Until it is, the entry
	// stays leased to this sending path, so nothing else sends it; if the
	// process stops before the record is committed, the lease runs out and
	// the outbox worker sends the request again — the same at-least-once
	// delivery as a crash between the post and any record would give. The
	// caller, meanwhile, does not wait for a second commit per send.
	e.recording.Add(1)
	go func() {
		defer e.recording.Done()
		e.record(ctx, entry)
	}()
	d.Ack, d.Error = res.ack, res.err
	return d, nil
}

func (e *Engine) sendOwner() string { return e.cfg.InstanceID + "/send" }

// buildContext fills the context of an outbound call.
func (e *Engine) buildContext(c Call) (beckn.Context, time.Duration, error) {
	bc := c.Context
	action := c.Action
	if action == "" {
		action = bc.Action
	}
	if action == "" {
		return bc, 0, &Error{Code: beckn.CodeInvalidRequest, Path: "context.action", Message: "no action given; say which Beckn action to send (search, select, init, ...)", Status: http.StatusBadRequest}
	}
	if !slices.Contains(beckn.Actions(), action) {
		return bc, 0, &Error{Code: beckn.CodeInvalidRequest, Path: "context.action", Message: fmt.Sprintf("%q is not an action a BAP sends; use one of search, select, init, confirm, status, track, cancel, update, rating, support or a get_* meta action", action), Status: http.StatusBadRequest}
	}
	bc.Action = action
	domain, known := beckn.NormalizeDomain(bc.Domain)
	if bc.Domain == "" || !known {
		return bc, 0, &Error{Code: beckn.CodeInvalidRequest, Path: "context.domain", Message: fmt.Sprintf("domain %q is not an ONEST domain; use onest:learning-experiences, onest:work-opportunities, onest:financial-support or onest:expert-connect", bc.Domain), Status: http.StatusBadRequest}
	}
	bc.Domain = domain
	bc.Version = beckn.Version
	bc.BapID = e.cfg.SubscriberID
	bc.BapURI = e.cfg.SubscriberURL
	if bc.TransactionID == "" {
		bc.TransactionID = newID()
	}
	bc.MessageID = newID()
	bc.Timestamp = beckn.Timestamp(e.cfg.Now())
	ttl := e.ttl(action)
	if bc.TTL != "" {
		if d, err := beckn.ParseDuration(string(bc.TTL)); err == nil && d > 0 && d <= 24*time.Hour {
			ttl = d
		} else {
			return bc, 0, &Error{Code: beckn.CodeInvalidRequest, Path: "context.ttl", Message: fmt.Sprintf("ttl %q is not an ISO 8601 duration between 0 and 1 day; write it like PT30S", bc.TTL), Status: http.StatusBadRequest}
		}
	}
	bc.TTL = beckn.LenientString(beckn.FormatDuration(ttl))
	if bc.Location == nil && (e.cfg.City != "" || e.cfg.Country != "") {
		loc := &beckn.Location{}
		if e.cfg.City != "" {
			loc.City = &beckn.City{Code: e.cfg.City}
		}
		if e.cfg.Country != "" {
			loc.Country = &beckn.Country{Code: e.cfg.Country}
		}
		bc.Location = loc
	}
	// 0.9-style keys a client copied from old examples are not core 1.1.0.
	bc.Unknown = nil
	return bc, ttl, nil
}

// route decides where a request goes: search to the gateway unless a BPP is
// named, everything else to the BPP's registered URL. A bpp_uri that differs
// from the registry's record is refused: sending a learner's data to an
// address the network does not vouch for is exactly what signing prevents.
func (e *Engine) route(ctx context.Context, bc *beckn.Context) (url, recipient string, err error) {
	if bc.Action == "search" && bc.BppID == "" {
		bc.BppURI = ""
		gw, id, err := e.gateway(ctx, bc.Domain)
		if err != nil {
			return "", "", err
		}
		return joinURL(gw, "search"), id, nil
	}
	if bc.BppID == "" {
		return "", "", &Error{Code: beckn.CodeInvalidRequest, Path: "context.bpp_id", Message: bc.Action + " goes to one provider: set context.bpp_id to the provider platform's subscriber id (from on_search)", Status: http.StatusBadRequest}
	}
	subs, err := e.cfg.Registry.Lookup(ctx, registry.Query{SubscriberID: bc.BppID, Type: "BPP"})
	if err != nil {
		return "", "", &Error{Code: beckn.CodeInvalidRequest, Path: "context.bpp_id", Message: "the registry lookup of " + bc.BppID + " failed: " + err.Error(), Status: http.StatusBadGateway}
	}
	if len(subs) == 0 {
		return "", "", &Error{Code: beckn.CodeProviderNotFound, Path: "context.bpp_id", Message: fmt.Sprintf("%q is not a subscribed provider platform in the registry; use the bpp_id of an on_search", bc.BppID), Status: http.StatusBadRequest}
	}
	registered := strings.TrimRight(subs[0].URL, "/")
	if bc.BppURI == "" {
		bc.BppURI = registered
	} else if strings.TrimRight(bc.BppURI, "/") != registered {
		return "", "", &Error{Code: beckn.CodeInvalidRequest, Path: "context.bpp_uri", Message: fmt.Sprintf("bpp_uri %q is not the URL the registry holds for %s (%q); leave bpp_uri empty or use the registered URL", bc.BppURI, bc.BppID, registered), Status: http.StatusBadRequest}
	}
	return joinURL(registered, bc.Action), bc.BppID, nil
}

// gateway returns the gateway URL and id for a domain.
func (e *Engine) gateway(ctx context.Context, domain string) (string, string, error) {
	if e.cfg.GatewayURL != "" {
		return e.cfg.GatewayURL, "gateway", nil
	}
	subs, err := e.cfg.Registry.Lookup(ctx, registry.Query{Type: "BG", Domain: domain})
	if err != nil {
		return "", "", &Error{Code: beckn.CodeInvalidRequest, Path: "context.domain", Message: "finding a gateway in the registry failed: " + err.Error(), Status: http.StatusBadGateway}
	}
	if len(subs) == 0 {
		return "", "", &Error{Code: beckn.CodeInvalidRequest, Path: "context.domain", Message: "the registry lists no gateway (type BG) for " + domain + "; configure gateway_url", Status: http.StatusBadGateway}
	}
	return subs[0].URL, subs[0].SubscriberID, nil
}

// joinURL appends an action to a base URL with exactly one slash.
func joinURL(base, action string) string {
	return strings.TrimRight(base, "/") + "/" + action
}

type attemptResult struct {
	ack    string
	err    *beckn.Error
	final  bool
	status int // HTTP status of the answer, 0 when none came
}

// attempt signs the stored bytes and posts them once, then records the
// outcome on the outbox entry: ACK and NACK are final; anything else is
// retried with backoff until the deadline.
func (e *Engine) attempt(ctx context.Context, entry *store.OutboxEntry, m *store.Message) attemptResult {
	now := e.cfg.Now()
	res := e.post(ctx, entry.URL, m.Raw, m.Deadline.Sub(m.Timestamp), now)
	e.observe(entry, m, res, now)
	e.settle(entry, res)
	e.record(ctx, entry)
	return res
}

// observe tells the Observer about an attempt that started at start.
func (e *Engine) observe(entry *store.OutboxEntry, m *store.Message, res attemptResult, start time.Time) {
	if e.cfg.Observer == nil {
		return
	}
	e.cfg.Observer(APICall{
		Direction: store.Outbound, Action: m.Action, Domain: m.Domain, TransactionID: m.TransactionID, MessageID: m.MessageID,
		SenderID: m.SenderID, RecipientID: m.RecipientID, URL: entry.URL, Status: res.status, Ack: res.ack, Error: res.err,
		Start: start, End: e.cfg.Now(),
	})
}

// settle applies an attempt's outcome to the entry and releases its lease.
func (e *Engine) settle(entry *store.OutboxEntry, res attemptResult) {
	entry.Attempts++
	entry.UpdatedAt = e.cfg.Now()
	entry.ClaimedBy, entry.ClaimedUntil = "", time.Time{}
	switch {
	case res.ack == "ACK":
		entry.State, entry.LastError = store.OutboxAcked, ""
	case res.ack == "NACK":
		entry.State = store.OutboxNacked
		if res.err != nil {
			entry.LastError = string(res.err.Code) + " " + res.err.Message
		}
	default:
		if res.err != nil {
			entry.LastError = res.err.Message
		}
		next := entry.UpdatedAt.Add(backoff(entry.Attempts))
		if !next.Before(entry.Deadline) {
			entry.State = store.OutboxExpired
		} else {
			entry.NextAttempt = next
		}
	}
}

// record stores a settled entry and, when it is still pending, wakes the
// outbox worker for its retry.
func (e *Engine) record(ctx context.Context, entry *store.OutboxEntry) {
	// The outcome must be recorded even when the caller has gone away.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := e.cfg.Store.UpdateOutbox(uctx, entry); err != nil {
		e.log.Error("recording outbox outcome", "entry", entry.ID, "err", err)
	}
	if entry.State == store.OutboxPending {
		e.wake()
	}
}

// backoff is the delay before retry n (n ≥ 1): 0.5 s doubling to 30 s.
func backoff(n int) time.Duration {
	d := 500 * time.Millisecond
	for i := 1; i < n && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// post sends body to url with a fresh signature.
func (e *Engine) post(ctx context.Context, url string, body []byte, ttl time.Duration, now time.Time) attemptResult {
	// created is back-dated a little so that a receiver whose clock runs
	// slightly behind does not see a signature from the future.
	created := now.Add(-2 * time.Second)
	window := max(ttl, time.Minute)
	auth := e.cfg.Signer.Sign(body, created, created.Add(window))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return attemptResult{err: beckn.NewError(beckn.CodeInvalidRequest, "", "bad target URL: "+err.Error()), final: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signing.HeaderAuthorization, auth)
	resp, err := e.cfg.HTTP.Do(req)
	if err != nil {
		return attemptResult{err: beckn.NewError("", "", "sending to "+url+" failed: "+err.Error())}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return attemptResult{err: beckn.NewError("", "", "reading the answer of "+url+" failed: "+err.Error()), status: resp.StatusCode}
	}
	ack, perr := beckn.ParseAckResponse(raw)
	if perr == nil && ack.Status != "" {
		if ack.Status == "ACK" && resp.StatusCode < 300 {
			return attemptResult{ack: "ACK", final: true, status: resp.StatusCode}
		}
		if ack.Status == "NACK" || resp.StatusCode < 500 {
			be := ack.Error
			if be == nil {
				be = beckn.NewError("", "", fmt.Sprintf("%s answered NACK with HTTP %d", url, resp.StatusCode))
			}
			return attemptResult{ack: "NACK", err: be, final: true, status: resp.StatusCode}
		}
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return attemptResult{err: beckn.NewError("", "", fmt.Sprintf("%s answered HTTP %d; will retry", url, resp.StatusCode)), status: resp.StatusCode}
	}
	// A 4xx without a Beckn body is final: retrying will not change it.
	return attemptResult{ack: "NACK", err: beckn.NewError("", "", fmt.Sprintf("%s answered HTTP %d without an ACK: %s", url, resp.StatusCode, snippet(raw))), final: true, status: resp.StatusCode}
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// orderIDOf extracts the order id a request refers to (order_id or
// order.id), for correlating unsolicited callbacks with orders.
func orderIDOf(message jsontext.Value) string {
	if len(message) == 0 {
		return ""
	}
	var m struct {
		OrderID beckn.LenientString `json:"order_id"`
		Order   *struct {
			ID beckn.LenientString `json:"id"`
		} `json:"order"`
	}
	if err := beckn.Unmarshal(message, &m); err != nil {
		return ""
	}
	if m.OrderID != "" {
		return string(m.OrderID)
	}
	if m.Order != nil {
		return string(m.Order.ID)
	}
	return ""
}

// wake nudges the outbox worker.
func (e *Engine) wake() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

var errNoMessage = errors.New("outbox entry without message")
