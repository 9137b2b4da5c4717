package bpp

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

// maxRequestBody bounds inbound Beckn requests and form submissions (forms
// may carry files).
const (
	maxRequestBody = 1 << 20
	maxFormBody    = 8 << 20
)

// becknActions are the requests a BPP serves (core 1.1.0 plus the meta APIs).
var becknActions = map[string]bool{
	"search": true, "select": true, "init": true, "confirm": true, "status": true, "update": true,
	"cancel": true, "rating": true, "support": true, "track": true,
	"get_cancellation_reasons": true, "get_rating_categories": true, "get_return_reasons": true,
}

// ServeHTTP routes Beckn requests (POST /{action}), forms (/forms/...),
// the payment page (/pay/...) and tracking pages (/track/...). Paths are
// taken relative to BaseURL's path, and doubled slashes ("//search", from
// senders that join URLs naively) are tolerated.
func (b *BPP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if b.closed() {
		http.Error(w, "provider is shutting down", http.StatusServiceUnavailable)
		return
	}
	p := r.URL.Path
	for strings.HasPrefix(p, "//") {
		p = p[1:]
	}
	if b.basePath != "" {
		p = strings.TrimPrefix(p, b.basePath)
	}
	p = "/" + strings.Trim(p, "/")
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	switch {
	case p == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		b.serveIndex(w)
	case len(parts) == 1 && becknActions[parts[0]]:
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "Beckn actions are POST only", http.StatusMethodNotAllowed)
			return
		}
		b.serveAction(w, r, parts[0])
	case len(parts) == 3 && parts[0] == "forms":
		b.serveForm(w, r, parts[1], parts[2])
	case len(parts) == 2 && parts[0] == "pay":
		b.servePay(w, r, parts[1])
	case len(parts) == 2 && parts[0] == "track":
		b.serveTrack(w, r, parts[1])
	case len(parts) == 2 && parts[0] == "certificates":
		b.serveCertificate(w, r, parts[1])
	default:
		http.NotFound(w, r)
	}
}

// writeJSON writes a JSON answer.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func nack(w http.ResponseWriter, status int, e *beckn.Error) {
	writeJSON(w, status, beckn.NackBody(e))
}

// verifyRequest checks the sender's Authorization and, when present, the
// gateway's X-Gateway-Authorization / Proxy-Authorization over the exact
// body. sender is context.bap_id: the Authorization keyId must name it.
func (b *BPP) verifyRequest(r *http.Request, body []byte, sender string) (challenge string, err error) {
	auth := r.Header.Get(signing.HeaderAuthorization)
	if auth == "" {
		return signing.HeaderWWWAuthenticate, errors.New("no Authorization header: every Beckn request must be signed (BECKN-006)")
	}
	if err := b.verifyHeader(r, body, auth, sender); err != nil {
		return signing.HeaderWWWAuthenticate, fmt.Errorf("Authorization: %w", err)
	}
	for _, name := range []string{signing.HeaderGateway, signing.HeaderProxy} {
		if v := r.Header.Get(name); v != "" {
			if err := b.verifyHeader(r, body, v, ""); err != nil {
				return signing.HeaderProxyAuthenticate, fmt.Errorf("%s: %w", name, err)
			}
			break // the gateway sends the same signature under both names
		}
	}
	return "", nil
}

func (b *BPP) verifyHeader(r *http.Request, body []byte, value, expected string) error {
	h, err := signing.ParseHeader(value)
	if err != nil {
		return err
	}
	pub, err := b.cfg.Keys(r.Context(), h.SubscriberID, h.UniqueKeyID)
	if err != nil {
		return fmt.Errorf("no public key for keyId %q: %w", h.KeyID, err)
	}
	if expected != "" {
		return b.verifier.VerifyFor(body, h, pub, expected)
	}
	return b.verifier.Verify(body, h, pub)
}

// serveAction handles one Beckn request: verify, validate the context,
// decode the message, compute the callbacks, ACK (or NACK), then send the
// callbacks in the background with the faults in force.
//
// Error policy (core 1.1.0): what is wrong with the request itself
// (signature, JSON, context, domain, message shape) is a synchronous NACK
// with the error beside the message; what the provider finds when looking
// things up (unknown item, provider, order, cancellation reason, rating
// target) is an ACK followed by a callback carrying "error", because the
// ACK only promises a callback and lookups are business processing.
func (b *BPP) serveAction(w http.ResponseWriter, r *http.Request, action string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		nack(w, http.StatusBadRequest, beckn.NewError(beckn.CodeInvalidRequest, "", "reading the body: "+err.Error()))
		return
	}
	if len(body) > maxRequestBody {
		nack(w, http.StatusRequestEntityTooLarge, beckn.NewError(beckn.CodeInvalidRequest, "", fmt.Sprintf("body over %d bytes", maxRequestBody)))
		return
	}
	ctx, err := beckn.PeekContext(body)
	if err != nil {
		nack(w, http.StatusBadRequest, beckn.NewError(beckn.CodeInvalidRequest, "context", "cannot read the context: "+err.Error()))
		return
	}
	if hdr, err := b.verifyRequest(r, body, ctx.BAPID()); err != nil {
		w.Header().Set(hdr, signing.Challenge(b.cfg.SubscriberID))
		b.log.Info("refused unsigned or badly signed request", "action", action, "err", err)
		nack(w, http.StatusUnauthorized, &beckn.Error{Message: err.Error()})
		return
	}
	b.traffic.request(action, ctx.MessageID)
	if e := b.checkContext(&ctx, action); e != nil {
		nack(w, http.StatusBadRequest, e)
		return
	}
	env, err := beckn.Decode(body)
	if err != nil {
		nack(w, http.StatusBadRequest, beckn.NewError(beckn.CodeInvalidRequest, "", "the body is not a Beckn message: "+err.Error()))
		return
	}
	var intent *beckn.Intent
	var extras intentExtras
	if action == "search" {
		intent, extras, err = decodeSearch(env.Message)
		if err != nil {
			nack(w, http.StatusBadRequest, beckn.NewError(beckn.CodeInvalidRequest, "message.intent", err.Error()))
			return
		}
	}
	faults := b.Faults()
	if rf, ok, err := requestFaults(r.Header.Get(FaultHeader), intent, b.cfg.SubscriberID); err != nil {
		nack(w, http.StatusBadRequest, beckn.NewError(beckn.CodeInvalidRequest, FaultHeader, err.Error()))
		return
	} else if ok {
		faults = rf
	}
	if faults.NackCode != "" {
		nack(w, http.StatusBadRequest, beckn.NewError(faults.NackCode, "", faults.NackMessage))
		return
	}
	var out []outbound
	if action == "search" {
		out = b.handleSearch(ctx, intent, extras, faults)
	} else {
		var e *beckn.Error
		out, e = b.handle(ctx, action, env.Message)
		if e != nil {
			nack(w, http.StatusBadRequest, e)
			return
		}
	}
	writeJSON(w, http.StatusOK, beckn.AckBody())
	b.log.Debug("request acknowledged", "action", action, "transaction_id", ctx.TransactionID, "message_id", ctx.MessageID,
		"bap_id", ctx.BAPID(), "callbacks", len(out), "faults", faults.String())
	if faults.Silent {
		b.log.Info("silent fault: acknowledged without callback", "action", action, "message_id", ctx.MessageID)
		return
	}
	b.dispatch(ctx, out, faults)
}

// checkContext validates what routing and correlation need.
func (b *BPP) checkContext(ctx *beckn.Context, action string) *beckn.Error {
	if ctx.Action != "" && ctx.Action != action {
		return beckn.NewError(beckn.CodeInvalidRequest, "context.action", fmt.Sprintf("context.action %q does not match the endpoint /%s", ctx.Action, action))
	}
	domain, _ := beckn.NormalizeDomain(ctx.Domain)
	if domain != b.cfg.Domain {
		return beckn.NewError(beckn.CodeInvalidRequest, "context.domain", fmt.Sprintf("this provider serves %s, not %q", b.cfg.Domain, ctx.Domain))
	}
	if strings.TrimSpace(ctx.TransactionID) == "" {
		return beckn.NewError(beckn.CodeInvalidRequest, "context.transaction_id", "context.transaction_id is required")
	}
	if strings.TrimSpace(ctx.MessageID) == "" {
		return beckn.NewError(beckn.CodeInvalidRequest, "context.message_id", "context.message_id is required")
	}
	if ctx.BAPURI() == "" {
		return beckn.NewError(beckn.CodeInvalidRequest, "context.bap_uri", "context.bap_uri is required: callbacks go there")
	}
	if bpp := ctx.BPPID(); action != "search" && bpp != "" && bpp != b.cfg.SubscriberID {
		return beckn.NewError(beckn.CodeInvalidRequest, "context.bpp_id", fmt.Sprintf("context.bpp_id %q is not this provider (%s)", bpp, b.cfg.SubscriberID))
	}
	return nil
}
