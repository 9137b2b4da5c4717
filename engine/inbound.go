package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
)

// Receipt is what the engine decided about one inbound message.
type Receipt struct {
	Status    int          // HTTP status answered
	Ack       string       // ACK or NACK
	Error     *beckn.Error // the NACK's error
	Message   *store.Message
	Duplicate bool
}

// NetworkHandler returns the handler of the network side: every callback a
// provider or gateway posts. Routing uses the last path segment so that a
// subscriber URL with a path prefix and a doubled slash (//on_search, which
// some gateways produce) both work.
func (e *Engine) NetworkHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeNack(w, http.StatusMethodNotAllowed, beckn.NewError(beckn.CodeInvalidRequest, "", "callbacks are POSTed"))
			return
		}
		if !beckn.IsCallback(action) {
			writeNack(w, http.StatusNotFound, beckn.NewError(beckn.CodeActionNotApplicable, "", fmt.Sprintf("%q is not a callback a BAP receives", action)))
			return
		}
		body, err := readBody(http.MaxBytesReader(w, r.Body, e.cfg.BodyLimit), r.ContentLength)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeNack(w, http.StatusRequestEntityTooLarge, beckn.NewError(beckn.CodeInvalidRequest, "", fmt.Sprintf("body larger than this BAP's limit of %d bytes", e.cfg.BodyLimit)))
				return
			}
			writeNack(w, http.StatusBadRequest, beckn.NewError(beckn.CodeInvalidRequest, "", "reading the body failed: "+err.Error()))
			return
		}
		start := e.cfg.Now()
		rc := e.Receive(r.Context(), action, body, r.Header)
		if e.cfg.Observer != nil {
			e.observeInbound(r, action, body, rc, start)
		}
		if rc.Status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", signing.Challenge(e.cfg.SubscriberID))
		}
		if rc.Ack == "ACK" {
			writeAck(w)
			return
		}
		writeNack(w, rc.Status, rc.Error)
	})
}

// presizeLimit bounds how much of a declared Content-Length is allocated
// before the bytes arrive, so that a peer announcing a huge body it never
// sends cannot make the BAP reserve memory for it.
const presizeLimit = 1 << 20

// readBody reads a request body into one buffer sized from its declared
// length. io.ReadAll starts at 512 bytes and doubles, which for a 20 KB
// callback meant seven allocations and copying the body twice over.
func readBody(r io.Reader, declared int64) ([]byte, error) {
	n := int64(512)
	if declared > 0 {
		n = min(declared, presizeLimit) + 1 // +1: the read that sees EOF needs room
	}
	buf := make([]byte, 0, n)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// observeInbound reports a received call. The ids come from the stored
// message, or, for a refused one, from a cheap look at its context.
func (e *Engine) observeInbound(r *http.Request, action string, body []byte, rc Receipt, start time.Time) {
	c := APICall{Direction: store.Inbound, Action: action, RecipientID: e.cfg.SubscriberID, Status: rc.Status, Ack: rc.Ack, Error: rc.Error, Start: start, End: e.cfg.Now()}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	c.URL = scheme + "://" + r.Host + r.URL.Path
	if m := rc.Message; m != nil {
		c.Domain, c.TransactionID, c.MessageID, c.SenderID = m.Domain, m.TransactionID, m.MessageID, strings.TrimPrefix(m.SenderID, "unverified:")
	} else if bc, err := beckn.PeekContext(body); err == nil {
		c.Domain, _ = beckn.NormalizeDomain(bc.Domain)
		c.TransactionID, c.MessageID, c.SenderID = bc.TransactionID, bc.MessageID, bc.BPPID()
	}
	e.cfg.Observer(c)
}

// Received returns how many callbacks Receive has been handed since the
// engine was made, counting refused ones: a rising count means the network
// side is busy.
func (e *Engine) Received() uint64 { return e.received.Load() }

// Receive handles one inbound callback whose raw body has been read: verify,
// correlate, validate, persist, and only then acknowledge. It is exported so
// that benchmarks and other transports can drive the same path.
func (e *Engine) Receive(ctx context.Context, action string, body []byte, h http.Header) Receipt {
	e.received.Add(1)
	now := e.cfg.Now()
	sender, status, verr := e.verify(ctx, body, h)
	if verr != nil {
		return Receipt{Status: status, Ack: "NACK", Error: verr, Message: e.recordRefused(ctx, action, body, h, status, verr, now)}
	}
	// Validation reads the whole body, so when it runs its verdict is the
	// well-formedness check, and only without a validator does ingestion
	// scan the body itself.
	var verdict Verdict
	validate := e.cfg.Validator != nil && e.cfg.InboundMode != ModeOff
	if validate {
		verdict = e.cfg.Validator(action, body)
	}
	if validate && verdict.Malformed || !validate && !wellFormed(body) {
		return Receipt{Status: http.StatusBadRequest, Ack: "NACK", Error: beckn.NewError(beckn.CodeInvalidRequest, "", "the body is not well-formed JSON")}
	}
	bctx, err := beckn.PeekContext(body)
	if err != nil {
		return Receipt{Status: http.StatusBadRequest, Ack: "NACK", Error: beckn.NewError(beckn.CodeInvalidRequest, "", "the body is not a Beckn message: "+err.Error())}
	}
	if got := bctx.Action; got != action {
		return Receipt{Status: http.StatusBadRequest, Ack: "NACK", Error: beckn.NewError(beckn.CodeInvalidRequest, "context.action", fmt.Sprintf("context.action is %q but the message was posted to /%s", got, action))}
	}
	// The signer must be the provider the context names, otherwise any
	// registered participant could speak for any provider.
	if bpp := bctx.BPPID(); bpp != "" && sender != bpp {
		return Receipt{Status: http.StatusUnauthorized, Ack: "NACK", Error: beckn.NewError(beckn.CodeInvalidRequest, "context.bpp_id", fmt.Sprintf("signed by %q but context.bpp_id is %q; a provider may only send its own callbacks", sender, bpp))}
	}

	domain, _ := beckn.NormalizeDomain(bctx.Domain)
	ts, _ := time.Parse(time.RFC3339Nano, strings.TrimSpace(bctx.Timestamp))
	sum := sha256.Sum256(body)
	m := &store.Message{
		Direction:     store.Inbound,
		Action:        action,
		Domain:        domain,
		TransactionID: bctx.TransactionID,
		MessageID:     bctx.MessageID,
		BapID:         bctx.BapID,
		BppID:         bctx.BPPID(),
		BppURI:        bctx.BPPURI(),
		SenderID:      sender,
		RecipientID:   e.cfg.SubscriberID,
		URL:           "/" + action,
		Raw:           body,
		BodyHash:      hex.EncodeToString(sum[:]),
		Headers:       keepHeaders(h),
		Timestamp:     ts,
		CreatedAt:     now,
		Signature:     "valid",
		AckStatus:     "ACK",
		HTTPStatus:    http.StatusOK,
	}

	nack := (*beckn.Error)(nil)
	req, err := e.request(ctx, bctx.MessageID)
	switch {
	case err == nil && beckn.CallbackAction(req.action) == action:
		m.Correlation, m.RequestSeq, m.Deadline = store.Solicited, req.seq, req.deadline
		m.Late = !req.deadline.IsZero() && now.After(req.deadline)
		if m.Late && e.cfg.NackLate {
			nack = beckn.NewError(beckn.CodeInvalidRequest, "context.timestamp", fmt.Sprintf("callback arrived %s after the request's ttl ran out", now.Sub(req.deadline).Round(time.Millisecond)))
		}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return Receipt{Status: http.StatusServiceUnavailable, Ack: "NACK", Error: beckn.NewError("", "", "storage unavailable; retry")}
	default:
		if _, terr := e.cfg.Store.Transaction(ctx, bctx.TransactionID); terr == nil {
			m.Correlation = store.Unsolicited
		} else if errors.Is(terr, store.ErrNotFound) {
			m.Correlation = store.Unknown
			nack = beckn.NewError(beckn.CodeInvalidRequest, "context.transaction_id", "this BAP has no request with this message_id and no transaction with this transaction_id")
		} else {
			return Receipt{Status: http.StatusServiceUnavailable, Ack: "NACK", Error: beckn.NewError("", "", "storage unavailable; retry")}
		}
	}

	// Findings are stored with the message in both modes; strict mode also
	// refuses with the first error. Validating before the insert, rather
	// than after the ACK, costs the answer only the validator's walk (its
	// parse replaces the well-formedness scan) and saves a second write
	// that would rewrite the stored row, raw body included, to add them.
	m.Findings = verdict.Findings
	if verdict.Error != nil && nack == nil && e.cfg.InboundMode == ModeStrict {
		nack = verdict.Error
	}
	orderID, order, state := orderOf(action, body)
	m.OrderID = orderID
	if nack != nil {
		m.AckStatus, m.HTTPStatus, m.Error = "NACK", http.StatusBadRequest, string(nack.Code)+" "+nack.Message
	}

	dup, err := e.cfg.Store.InsertInbound(ctx, m)
	if err != nil {
		e.log.Error("persisting callback", "action", action, "err", err)
		return Receipt{Status: http.StatusServiceUnavailable, Ack: "NACK", Error: beckn.NewError("", "", "storage unavailable; retry")}
	}
	if dup {
		// The provider retried something already stored: acknowledge it
		// again so it stops, but tell no waiter twice.
		return Receipt{Status: http.StatusOK, Ack: "ACK", Message: m, Duplicate: true}
	}
	if nack != nil {
		return Receipt{Status: http.StatusBadRequest, Ack: "NACK", Error: nack, Message: m}
	}
	if orderID != "" {
		o := &store.Order{ID: orderID, TransactionID: m.TransactionID, BppID: m.BppID, BppURI: m.BppURI, Domain: domain, State: state, Raw: order, UpdatedAt: now}
		if order != nil {
			o.ProviderID = providerOf(order)
		}
		if err := e.cfg.Store.UpsertOrder(ctx, o); err != nil {
			e.log.Error("recording order", "order", orderID, "err", err)
		}
	}
	if err := e.cfg.Bus.Publish(ctx, Event{Seq: m.Seq, TransactionID: m.TransactionID, MessageID: m.MessageID, Action: action}); err != nil {
		e.log.Warn("publishing callback event", "seq", m.Seq, "err", err)
	}
	return Receipt{Status: http.StatusOK, Ack: "ACK", Message: m}
}

// request finds the request a callback's message id belongs to: from memory
// when this process sent it, else from the store.
func (e *Engine) request(ctx context.Context, messageID string) (sentRequest, error) {
	if r, ok := e.sent.get(messageID); ok {
		return r, nil
	}
	m, err := e.cfg.Store.OutboundByMessageID(ctx, messageID)
	if err != nil {
		return sentRequest{}, err
	}
	r := sentRequest{seq: m.Seq, action: m.Action, deadline: m.Deadline}
	e.sent.put(messageID, r)
	return r, nil
}

// recordRefused keeps a callback whose signature failed, with the reason,
// when it answers a request this BAP sent: an operator (and the conformance
// runner) can then see that the provider did answer and why its answer was
// refused, instead of only seeing silence. Anything else unverified is not
// stored, so strangers cannot fill the database. The message is stored as
// NACKed under an "unverified:" sender, so no waiter, stream or export ever
// treats it as an answer, and the same bytes signed correctly later are not
// mistaken for a duplicate of it.
func (e *Engine) recordRefused(ctx context.Context, action string, body []byte, h http.Header, status int, verr *beckn.Error, now time.Time) *store.Message {
	if !wellFormed(body) {
		return nil
	}
	bctx, err := beckn.PeekContext(body)
	if err != nil || bctx.Action != action {
		return nil
	}
	req, err := e.request(ctx, bctx.MessageID)
	if err != nil || beckn.CallbackAction(req.action) != action {
		return nil
	}
	claimed := bctx.BPPID()
	if hdr, err := signing.ParseHeader(h.Get(signing.HeaderAuthorization)); err == nil {
		claimed = hdr.SubscriberID
	}
	domain, _ := beckn.NormalizeDomain(bctx.Domain)
	ts, _ := time.Parse(time.RFC3339Nano, strings.TrimSpace(bctx.Timestamp))
	sum := sha256.Sum256(body)
	m := &store.Message{
		Direction: store.Inbound, Action: action, Domain: domain,
		TransactionID: bctx.TransactionID, MessageID: bctx.MessageID, BapID: bctx.BapID,
		BppID: bctx.BPPID(), BppURI: bctx.BPPURI(), SenderID: "unverified:" + claimed,
		RecipientID: e.cfg.SubscriberID, URL: "/" + action, Raw: body, BodyHash: hex.EncodeToString(sum[:]),
		Headers: keepHeaders(h), Timestamp: ts, Deadline: req.deadline, CreatedAt: now,
		Signature: verr.Message, Correlation: store.Solicited, RequestSeq: req.seq,
		Late: !req.deadline.IsZero() && now.After(req.deadline), AckStatus: "NACK", HTTPStatus: status,
		Error: verr.Message,
	}
	if _, err := e.cfg.Store.InsertInbound(ctx, m); err != nil {
		e.log.Warn("recording a refused callback", "action", action, "err", err)
		return nil
	}
	return m
}

// verify checks the Authorization header and any gateway headers over the
// raw body and returns the subscriber that signed Authorization.
func (e *Engine) verify(ctx context.Context, body []byte, h http.Header) (string, int, *beckn.Error) {
	auth := h.Get(signing.HeaderAuthorization)
	if auth == "" {
		return "", http.StatusUnauthorized, beckn.NewError("", "Authorization", "no Authorization header: every Beckn message must be signed (BECKN-006)")
	}
	sender, err := e.verifyHeader(ctx, body, auth, "Authorization")
	if err != nil {
		return "", http.StatusUnauthorized, err
	}
	gw := h.Get(signing.HeaderGateway)
	px := h.Get(signing.HeaderProxy)
	for _, g := range []struct{ name, value string }{{signing.HeaderGateway, gw}, {signing.HeaderProxy, px}} {
		if g.value == "" || (g.name == signing.HeaderProxy && px == gw) {
			continue // verify Proxy-Authorization only when it differs
		}
		if _, err := e.verifyHeader(ctx, body, g.value, g.name); err != nil {
			return "", http.StatusUnauthorized, err
		}
	}
	return sender, 0, nil
}

func (e *Engine) verifyHeader(ctx context.Context, body []byte, value, name string) (string, *beckn.Error) {
	hdr, err := signing.ParseHeader(value)
	if err != nil {
		return "", beckn.NewError("", name, name+" header unreadable: "+err.Error())
	}
	// The cache verifies with the registered key and, when that fails,
	// refreshes the key once: a provider may have rotated it since.
	if _, err := e.cfg.Registry.VerifyHeader(ctx, e.verifier, body, hdr, ""); err != nil {
		return "", beckn.NewError("", name, name+" of "+hdr.SubscriberID+" rejected: "+err.Error())
	}
	return hdr.SubscriberID, nil
}

// wellFormed scans the whole body once without building anything: PeekContext
// stops after the context, and a callback whose catalog is truncated or
// malformed must be refused, not stored and handed to a learner. When a
// validator runs, its Verdict.Malformed answers the same question.
func wellFormed(body []byte) bool {
	return jsontext.Value(body).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
}

// keepHeaders keeps the headers an operator or a verification log needs.
func keepHeaders(h http.Header) map[string]string {
	out := make(map[string]string, 4)
	for _, k := range [...]string{signing.HeaderAuthorization, signing.HeaderGateway, signing.HeaderProxy, "Content-Type"} {
		if v := h.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

// orderCallbacks carry message.order; their order id and state are recorded.
var orderCallbacks = map[string]bool{
	"on_init": true, "on_confirm": true, "on_status": true, "on_update": true, "on_cancel": true,
}

// orderOf extracts the order id, the raw order and its state from an order
// callback. Only these callbacks pay for a second parse; on_search, the hot
// path, never does.
func orderOf(action string, body []byte) (id string, raw []byte, state string) {
	if !orderCallbacks[action] {
		return "", nil, ""
	}
	var env struct {
		Message struct {
			Order *beckn.Order `json:"order"`
		} `json:"message"`
	}
	if err := beckn.Unmarshal(body, &env); err != nil || env.Message.Order == nil {
		return "", nil, ""
	}
	o := env.Message.Order
	raw, _ = beckn.Marshal(o)
	return string(o.ID), raw, orderState(o)
}

// orderState is the most specific state an order carries: the first
// fulfillment's state code, else the order status.
func orderState(o *beckn.Order) string {
	for _, f := range o.Fulfillments {
		if f.State != nil && f.State.Descriptor != nil && f.State.Descriptor.Code != "" {
			return f.State.Descriptor.Code
		}
	}
	return string(o.Status)
}

func providerOf(order []byte) string {
	var o struct {
		Provider *struct {
			ID beckn.LenientString `json:"id"`
		} `json:"provider"`
	}
	if beckn.Unmarshal(order, &o) == nil && o.Provider != nil {
		return string(o.Provider.ID)
	}
	return ""
}

var ackBody = beckn.AckBody()

func writeAck(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(ackBody)
}

func writeNack(w http.ResponseWriter, status int, be *beckn.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(beckn.NackBody(be))
}
