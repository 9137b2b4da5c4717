package bpp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

// outbound is one callback to send: its message (marshalled under
// "message") or an error (sent as the callback's "error").
type outbound struct {
	Action  string // on_search, on_init, cancellation_reasons, ...
	Message any
	Error   *beckn.Error
	// MessageID overrides the request's message id (unsolicited callbacks).
	MessageID string
}

// callbackContext returns the context of a callback to req: same
// transaction and (unless overridden) message id, this provider as BPP, the
// domain in its ONEST code, a fresh timestamp.
func (b *BPP) callbackContext(req beckn.Context, action, messageID string) beckn.Context {
	c := req.Callback()
	c.Action = action
	c.Domain = b.cfg.Domain
	c.Version = beckn.Version
	c.BppID, c.BppURI = b.cfg.SubscriberID, b.cfg.BaseURL
	if messageID != "" {
		c.MessageID = messageID
	}
	c.Timestamp = beckn.Timestamp(b.now())
	// ONEST lists context.location (financial on_init) and context.ttl
	// (financial on_select) as mandatory in callbacks; fill them from the
	// provider when the request had none.
	if c.Location == nil {
		c.Location = b.homeLocation()
	}
	if c.TTL == "" {
		c.TTL = beckn.LenientString(beckn.FormatDuration(beckn.DefaultTTL))
	}
	return c
}

// homeLocation is the city of the BPP's first provider, as a context
// location.
func (b *BPP) homeLocation() *beckn.Location {
	l := b.catalog.Providers[0].Locations[0]
	return &beckn.Location{City: &beckn.City{Name: l.City, Code: l.CityCode}, Country: &beckn.Country{Name: l.Country, Code: l.CountryCode}}
}

// encode builds the wire body of o.
func (b *BPP) encode(ctx beckn.Context, o outbound) ([]byte, error) {
	env := beckn.Envelope{Context: ctx, Error: o.Error}
	if o.Message != nil {
		raw, err := beckn.Marshal(o.Message)
		if err != nil {
			return nil, fmt.Errorf("encoding %s message: %w", o.Action, err)
		}
		env.Message = jsontext.Value(raw)
	}
	return beckn.Marshal(env)
}

// dispatch sends the callbacks of one request in order, in the background,
// applying faults. Late waits until the request's ttl is over.
func (b *BPP) dispatch(req beckn.Context, out []outbound, f Faults) {
	if len(out) == 0 {
		return
	}
	wait := f.Delay
	if f.Late {
		ttl, err := req.TTLDuration()
		if err != nil || ttl <= 0 {
			ttl = beckn.DefaultTTL
		}
		start := b.now()
		if t, err := req.Time(); err == nil && t.After(start.Add(-ttl)) && !t.After(start) {
			start = t
		}
		if late := start.Add(ttl + time.Second).Sub(b.now()); late > wait {
			wait = late
		}
	}
	b.after(wait, func() {
		for _, o := range out {
			if b.ctx.Err() != nil {
				return
			}
			b.send(req, o, f)
		}
	})
}

// send encodes, signs (with the faults' distortions) and posts one callback.
func (b *BPP) send(req beckn.Context, o outbound, f Faults) {
	ctx := b.callbackContext(req, o.Action, o.MessageID)
	body, err := b.encode(ctx, o)
	if err != nil {
		b.log.Error("cannot encode callback", "action", o.Action, "err", err)
		return
	}
	if f.Sloppy {
		body = sloppify(body)
	}
	if f.Malformed {
		body = body[:len(body)*2/3]
	}
	dest, err := b.destination(ctx, o.Action)
	if err != nil {
		b.log.Warn("callback not sent", "action", o.Action, "transaction_id", ctx.TransactionID, "err", err)
		return
	}
	ttl, _ := ctx.TTLDuration()
	b.traffic.callbackStarted()
	for i := 0; i <= f.Duplicates; i++ {
		auth := b.sign(body, ttl, f)
		if err := b.post(dest, body, auth); err != nil {
			b.traffic.callbackDone(err)
			b.log.Warn("callback failed", "action", o.Action, "url", dest, "err", err)
			return
		}
	}
	b.traffic.callbackDone(nil)
	b.log.Debug("callback sent", "action", o.Action, "url", dest, "transaction_id", ctx.TransactionID,
		"message_id", ctx.MessageID, "bytes", len(body), "copies", f.Duplicates+1)
}

// sign returns the Authorization header value, distorted by the faults.
func (b *BPP) sign(body []byte, ttl time.Duration, f Faults) string {
	s := b.signer
	if f.WrongKeyID {
		s.KeyID += "-rotated"
	}
	if f.BadSignature {
		// A valid signature over other bytes: the receiver's digest differs.
		return s.SignNow(append(bytes.Clone(body), ' '), ttl)
	}
	return s.SignNow(body, ttl)
}

// destination is where a callback goes: the gateway for on_search in relay
// mode, else context.bap_uri + "/" + action. Non-loopback hosts are refused
// unless AllowRemoteCallbacks.
func (b *BPP) destination(ctx beckn.Context, action string) (string, error) {
	base := ctx.BapURI
	if action == "on_search" && b.cfg.GatewayURL != "" {
		base = b.cfg.GatewayURL
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("callback base %q is not an absolute http(s) URL", base)
	}
	if !b.cfg.AllowRemoteCallbacks && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("callback host %q is not loopback; the sandbox only calls back to 127.0.0.1, ::1 or localhost (Config.AllowRemoteCallbacks)", u.Hostname())
	}
	return strings.TrimRight(base, "/") + "/" + action, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// post sends one signed body, retrying twice on transport errors and 5xx
// (a real provider's outbox does), and reports NACKs.
func (b *BPP) post(dest string, body []byte, auth string) error {
	var last error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(time.Duration(attempt) * 300 * time.Millisecond)
			select {
			case <-t.C:
			case <-b.ctx.Done():
				t.Stop()
				return b.ctx.Err()
			}
		}
		ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, dest, bytes.NewReader(body))
		if err != nil {
			cancel()
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(signing.HeaderAuthorization, auth)
		resp, err := b.client.Do(req)
		if err != nil {
			cancel()
			last = err
			continue
		}
		rb, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		cancel()
		if resp.StatusCode >= 500 {
			last = fmt.Errorf("HTTP %d: %s", resp.StatusCode, clip(string(rb)))
			continue
		}
		if ack, err := beckn.ParseAckResponse(rb); err == nil && !ack.Acked() {
			return fmt.Errorf("NACK (HTTP %d): %s", resp.StatusCode, clip(string(rb)))
		}
		if resp.StatusCode >= 300 {
			return fmt.Errorf("HTTP %d: %s", resp.StatusCode, clip(string(rb)))
		}
		return nil
	}
	return last
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// unsolicited sends a provider-initiated callback (next on_init, on_status,
// on_update) on a transaction with a new message id, to the BAP that last
// spoke to us about it, in the background. Seeded orders nobody asked
// about have no BAP yet (ok false). The caller reads to/ok (a.Ctx,
// a.HasCtx) under the lock and calls this after unlocking.
func (b *BPP) unsolicited(to beckn.Context, ok bool, action string, msg any) {
	b.spawn(func() { b.unsolicitedSync(to, ok, action, msg) })
}

// unsolicitedSync is unsolicited in the caller's goroutine, for callers
// that must keep their callbacks in order (the timeline).
func (b *BPP) unsolicitedSync(to beckn.Context, ok bool, action string, msg any) {
	if !ok {
		return
	}
	f := b.Faults()
	f.Silent, f.NackCode, f.Late, f.LargeCatalog = false, "", false, false
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-b.ctx.Done():
			return
		}
	}
	if b.ctx.Err() == nil {
		b.send(to, outbound{Action: action, Message: msg, MessageID: beckn.NewUUID()}, f)
	}
}
