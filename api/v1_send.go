package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// sent is the answer to a v1 write that sent a Beckn request.
type sent struct {
	TransactionID string `json:"transaction_id"`
	MessageID     string `json:"message_id"`
	// Seq is the stored request's sequence number; its callbacks follow it
	// in the transaction's event stream.
	Seq int64 `json:"seq"`
	// Ack is the peer's synchronous answer: ACK, NACK, or PENDING while the
	// request waits in the outbox for a retry (the peer was unreachable).
	Ack   string       `json:"ack"`
	Error *beckn.Error `json:"error,omitzero"`
	// EventsURL streams the transaction's callbacks as Server-Sent Events.
	EventsURL string `json:"events_url"`
	// Callbacks are the answers collected with ?wait=true, byte for byte.
	Callbacks []jsontext.Value `json:"callbacks,omitzero"`
}

// send sends call for client and answers 202 at once, or with wait 200 and
// the callbacks collected like the compat API collects them.
func (s *Server) send(r *http.Request, call engine.Call, wait bool) (int, any, error) {
	d, err := s.cfg.Engine.Send(r.Context(), call)
	if err != nil {
		return 0, nil, v1Paths(err)
	}
	out := sent{
		TransactionID: d.Context.TransactionID,
		MessageID:     d.Context.MessageID,
		Seq:           d.Seq,
		Ack:           d.Ack,
		Error:         d.Error,
		EventsURL:     "/v1/transactions/" + d.Context.TransactionID + "/events",
	}
	if out.Ack == "" {
		out.Ack = "PENDING"
	}
	if !wait {
		return http.StatusAccepted, out, nil
	}
	opt := s.cfg.Collect
	opt.Expected = s.cfg.Engine.Expected(r.Context(), d)
	out.Callbacks = []jsontext.Value{}
	ctx := r.Context()
	if r.Header.Get(IdempotencyHeader) != "" {
		// The answer is stored and replayed to the retry of a client that
		// gave up waiting, so it must be complete: the wait goes on after
		// the client leaves, bounded as always by the request's deadline.
		ctx = context.WithoutCancel(ctx)
	}
	err = s.cfg.Engine.Collect(ctx, d, opt, func(m *store.Message) error {
		out.Callbacks = append(out.Callbacks, jsontext.Value(m.Raw))
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Warn("collecting callbacks", "action", call.Action, "txn", d.Context.TransactionID, "err", err)
	}
	return http.StatusOK, out, nil
}

// v1Paths rewrites the paths of engine errors from the Beckn envelope the
// engine built (context.bpp_id, message.intent...) to the fields of the v1
// request the client wrote (bpp_id, intent...).
func v1Paths(err error) error {
	var ee *engine.Error
	if !errors.As(err, &ee) {
		return err
	}
	e := errorFrom(ee)
	switch {
	case strings.HasPrefix(e.Path, "context."):
		e.Path = strings.TrimPrefix(e.Path, "context.")
	case strings.HasPrefix(e.Path, "message.intent"):
		e.Path = strings.TrimPrefix(e.Path, "message.")
	}
	return e
}

// wantsWait reports ?wait=true.
func wantsWait(r *http.Request) bool {
	v := r.URL.Query().Get("wait")
	return v == "true" || v == "1"
}

// isObject reports whether v is a JSON object.
func isObject(v jsontext.Value) bool { return len(v) > 0 && v.Kind() == '{' }
