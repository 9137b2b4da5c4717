package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// v1Actions are the requests a client may send on a transaction it started.
// search starts a transaction (POST /v1/search) and is not among them.
var v1Actions = map[string]bool{
	beckn.ActionSelect: true, beckn.ActionInit: true, beckn.ActionConfirm: true,
	beckn.ActionStatus: true, beckn.ActionUpdate: true, beckn.ActionCancel: true,
	beckn.ActionRating: true, beckn.ActionSupport: true, beckn.ActionTrack: true,
	beckn.ActionGetCancellationReasons: true, beckn.ActionGetReturnReasons: true,
	beckn.ActionGetRatingCategories: true,
}

// actRequest is a request on a transaction. Message is the raw Beckn message
// object, sent as given.
type actRequest struct {
	// BppID defaults to the provider the transaction last talked to.
	BppID   string         `json:"bpp_id"`
	Message jsontext.Value `json:"message"`
}

// v1Act sends select, init, confirm, ... on an owned transaction.
func (s *Server) v1Act(r *http.Request, client string, body []byte) (int, any, error) {
	action := r.PathValue("action")
	if !v1Actions[action] {
		return 0, nil, &apiError{Status: http.StatusNotFound, Type: "CONTEXT-ERROR", Code: beckn.CodeActionNotApplicable, Path: "action",
			Message: fmt.Sprintf("%q cannot be sent on a transaction; use select, init, confirm, status, update, cancel, rating, support, track or a get_* meta action (start a search with POST /v1/search)", action)}
	}
	t, err := s.ownedTransaction(r, client, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	var req actRequest
	if len(body) > 0 {
		if err := decodeRequest(body, &req, "{bpp_id?, message}"); err != nil {
			return 0, nil, err
		}
	}
	if len(req.Message) == 0 {
		req.Message = jsontext.Value(`{}`)
	} else if !isObject(req.Message) {
		return 0, nil, badRequest("message", "message must be the Beckn message object of %s, e.g. {\"order\":{...}}", action)
	}
	if req.BppID == "" {
		if req.BppID, err = lastProvider(r.Context(), s.cfg.Engine.Store(), t.ID); err != nil {
			return 0, nil, err
		}
		if req.BppID == "" {
			return 0, nil, badRequest("bpp_id", "no provider has answered this transaction yet; set bpp_id to the provider platform's subscriber id (from on_search)")
		}
	}
	return s.send(r, engine.Call{
		Action:  action,
		Context: beckn.Context{Domain: t.Domain, TransactionID: t.ID, BppID: req.BppID},
		Message: req.Message,
		Owner:   client,
	}, wantsWait(r))
}

// lastProvider is the provider of the most recent message of the
// transaction that names one, in either direction.
func lastProvider(ctx context.Context, st store.Store, txn string) (string, error) {
	msgs, err := st.Messages(ctx, store.MessageFilter{TransactionID: txn})
	if err != nil {
		return "", err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.BppID != "" && (m.Direction == store.Outbound || m.AckStatus == "ACK") {
			return m.BppID, nil
		}
	}
	orders, err := st.OrdersByTransaction(ctx, txn)
	if err != nil {
		return "", err
	}
	var latest *store.Order
	for _, o := range orders {
		if o.BppID != "" && (latest == nil || o.UpdatedAt.After(latest.UpdatedAt)) {
			latest = o
		}
	}
	if latest != nil {
		return latest.BppID, nil
	}
	return "", nil
}

// transactionView is a transaction as v1 shows it.
type transactionView struct {
	ID        string    `json:"id"`
	Domain    string    `json:"domain"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// orderView is the latest known state of an order.
type orderView struct {
	ID            string         `json:"id"`
	TransactionID string         `json:"transaction_id"`
	BppID         string         `json:"bpp_id"`
	BppURI        string         `json:"bpp_uri,omitzero"`
	Domain        string         `json:"domain"`
	ProviderID    string         `json:"provider_id,omitzero"`
	State         string         `json:"state,omitzero"`
	UpdatedAt     time.Time      `json:"updated_at"`
	Order         jsontext.Value `json:"order,omitzero"`
}

func viewOrder(o *store.Order) orderView {
	return orderView{ID: o.ID, TransactionID: o.TransactionID, BppID: o.BppID, BppURI: o.BppURI, Domain: o.Domain,
		ProviderID: o.ProviderID, State: o.State, UpdatedAt: o.UpdatedAt, Order: jsontext.Value(o.Raw)}
}

// counts summarises a transaction's messages.
type counts struct {
	Outbound int `json:"outbound"`
	Inbound  int `json:"inbound"`
	// Callbacks counts acknowledged callbacks per action.
	Callbacks map[string]int `json:"callbacks"`
}

// v1Transaction answers GET /v1/transactions/{id}.
func (s *Server) v1Transaction(w http.ResponseWriter, r *http.Request, client string) {
	t, err := s.ownedTransaction(r, client, r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	st := s.cfg.Engine.Store()
	orders, err := st.OrdersByTransaction(r.Context(), t.ID)
	if err != nil {
		writeError(w, err)
		return
	}
	msgs, err := st.Messages(r.Context(), store.MessageFilter{TransactionID: t.ID})
	if err != nil {
		writeError(w, err)
		return
	}
	c := counts{Callbacks: map[string]int{}}
	for _, m := range msgs {
		if m.Direction == store.Outbound {
			c.Outbound++
			continue
		}
		c.Inbound++
		if m.AckStatus == "ACK" {
			c.Callbacks[m.Action]++
		}
	}
	ov := make([]orderView, 0, len(orders))
	for _, o := range orders {
		ov = append(ov, viewOrder(o))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"transaction": transactionView{ID: t.ID, Domain: t.Domain, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt},
		"orders":      ov,
		"counts":      c,
	})
}

// messageView is the metadata of one stored message; Raw only on request.
type messageView struct {
	Seq           int64             `json:"seq"`
	Direction     store.Direction   `json:"direction"`
	Action        string            `json:"action"`
	MessageID     string            `json:"message_id"`
	BppID         string            `json:"bpp_id,omitzero"`
	BppURI        string            `json:"bpp_uri,omitzero"`
	SenderID      string            `json:"sender_id,omitzero"`
	RecipientID   string            `json:"recipient_id,omitzero"`
	URL           string            `json:"url,omitzero"`
	OrderID       string            `json:"order_id,omitzero"`
	Correlation   store.Correlation `json:"correlation,omitzero"`
	RequestSeq    int64             `json:"request_seq,omitzero"`
	Late          bool              `json:"late,omitzero"`
	Signature     string            `json:"signature,omitzero"`
	AckStatus     string            `json:"ack_status,omitzero"`
	HTTPStatus    int               `json:"http_status,omitzero"`
	Error         string            `json:"error,omitzero"`
	Timestamp     time.Time         `json:"timestamp,omitzero"`
	Deadline      time.Time         `json:"deadline,omitzero"`
	CreatedAt     time.Time         `json:"created_at"`
	Findings      jsontext.Value    `json:"findings,omitzero"`
	Raw           jsontext.Value    `json:"raw,omitzero"`
	TransactionID string            `json:"transaction_id"`
}

// viewMessage is the metadata of m as v1 lists it; callers add the body
// when asked to.
func viewMessage(m *store.Message) messageView {
	return messageView{
		Seq: m.Seq, Direction: m.Direction, Action: m.Action, MessageID: m.MessageID, TransactionID: m.TransactionID,
		BppID: m.BppID, BppURI: m.BppURI, SenderID: m.SenderID, RecipientID: m.RecipientID, URL: m.URL,
		OrderID: m.OrderID, Correlation: m.Correlation, RequestSeq: m.RequestSeq, Late: m.Late,
		Signature: m.Signature, AckStatus: m.AckStatus, HTTPStatus: m.HTTPStatus, Error: m.Error,
		Timestamp: m.Timestamp, Deadline: m.Deadline, CreatedAt: m.CreatedAt, Findings: jsontext.Value(m.Findings),
	}
}

// v1Messages answers GET /v1/transactions/{id}/messages: every message in
// and out, in Seq order; ?raw=true adds the bodies, ?after= and ?limit= page.
func (s *Server) v1Messages(w http.ResponseWriter, r *http.Request, client string) {
	t, err := s.ownedTransaction(r, client, r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	after, err := querySeq(r, "after")
	if err != nil {
		writeError(w, err)
		return
	}
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			writeError(w, badRequest("limit", "limit=%q is not a positive number", v))
			return
		}
	}
	msgs, err := s.cfg.Engine.Store().Messages(r.Context(), store.MessageFilter{TransactionID: t.ID, AfterSeq: after, Limit: limit})
	if err != nil {
		writeError(w, err)
		return
	}
	withRaw := r.URL.Query().Get("raw") == "true"
	out := make([]messageView, 0, len(msgs))
	for _, m := range msgs {
		v := viewMessage(m)
		if withRaw {
			v.Raw = jsontext.Value(m.Raw)
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"transaction_id": t.ID, "messages": out})
}

// v1Order answers GET /v1/orders/{id} for an order of an owned transaction.
func (s *Server) v1Order(w http.ResponseWriter, r *http.Request, client string) {
	id := r.PathValue("id")
	o, err := s.cfg.Engine.Store().Order(r.Context(), id)
	if err == nil {
		_, err = s.ownedTransaction(r, client, o.TransactionID)
	}
	if err != nil {
		if ae := errorFrom(err); ae.Status == http.StatusNotFound {
			err = &apiError{Status: http.StatusNotFound, Type: "CONTEXT-ERROR", Code: beckn.CodeOrderNotFound, Path: "order_id",
				Message: fmt.Sprintf("no order %q in a transaction of this client; use the order id of an on_confirm", id)}
		}
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, viewOrder(o))
}
