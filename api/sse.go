package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/internal/sse"
	"github.com/onest-seeker/seeker/store"
)

// The events of a transaction are served as Server-Sent Events because a
// browser's EventSource reconnects by itself and sends the id of the last
// event it saw as Last-Event-ID. The id is the callback's store Seq, and the
// stream is read from the store after that Seq — bus events only wake the
// reader — so a reconnect, a restart of Seeker or a callback stored by
// another instance loses nothing.

// defaultHeartbeat keeps idle streams alive through proxies that close
// connections silent for 30–60 s.
const defaultHeartbeat = 15 * time.Second

// ssePoll re-reads the store without a wake-up, for callbacks stored by an
// instance whose events do not reach this one.
const ssePoll = time.Second

// v1Events answers GET /v1/transactions/{id}/events.
func (s *Server) v1Events(w http.ResponseWriter, r *http.Request, client string) {
	t, err := s.ownedTransaction(r, client, r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	last, err := querySeq(r, "after")
	if err != nil {
		writeError(w, err)
		return
	}
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			writeError(w, badRequest("Last-Event-ID", "Last-Event-ID %q is not the id of an event of this stream", v))
			return
		}
		last = n
	}
	until := r.URL.Query().Get("until")
	if until != "" && until != "done" {
		writeError(w, badRequest("until", "until=%q is not supported; use until=done to end the stream when the wait for the latest request is over", until))
		return
	}

	ctx := r.Context()
	events, cancel := s.cfg.Engine.Bus().Subscribe(t.ID)
	defer cancel()
	var done <-chan waitOutcome
	if until == "done" {
		done = s.waitDone(ctx, t.ID)
	}

	es, ok := sse.Open(w, "seeker events")
	if !ok {
		return
	}

	st := s.cfg.Engine.Store()
	drain := func() error {
		msgs, err := st.Messages(ctx, store.MessageFilter{TransactionID: t.ID, Direction: store.Inbound, AfterSeq: last})
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		for _, m := range msgs {
			last = m.Seq
			if m.AckStatus != "ACK" {
				continue // refused callbacks are not the provider's answer
			}
			sse.AppendEvent(&buf, strconv.FormatInt(m.Seq, 10), m.Action, m.Raw)
		}
		if buf.Len() == 0 {
			return nil
		}
		return es.Write(buf.Bytes())
	}

	heartbeat := time.NewTicker(s.heartbeat())
	defer heartbeat.Stop()
	poll := time.NewTicker(ssePoll)
	defer poll.Stop()
	for {
		if err := drain(); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("event stream ended", "txn", t.ID, "err", err)
			}
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-events:
		case <-poll.C:
		case <-heartbeat.C:
			if es.Comment("heartbeat") != nil {
				return
			}
		case out := <-done:
			// Everything the wait saw is stored: send it before done.
			if drain() != nil {
				return
			}
			b, _ := json.Marshal(out)
			_ = es.Event("", "done", b)
			return
		}
	}
}

func (s *Server) heartbeat() time.Duration {
	if s.cfg.Heartbeat > 0 {
		return s.cfg.Heartbeat
	}
	return defaultHeartbeat
}

// waitOutcome is the data of the done event.
type waitOutcome struct {
	TransactionID string `json:"transaction_id"`
	// RequestSeq is the request whose wait ended (0: the transaction has
	// no request).
	RequestSeq int64 `json:"request_seq"`
	// Answered counts the callbacks that answered it.
	Answered int `json:"answered"`
}

// waitDone runs engine.Collect for the transaction's latest request and
// reports when the wait is over: every expected provider answered, the
// answers went quiet, or the deadline passed.
func (s *Server) waitDone(ctx context.Context, txn string) <-chan waitOutcome {
	ch := make(chan waitOutcome, 1)
	out := waitOutcome{TransactionID: txn}
	reqs, err := s.cfg.Engine.Store().Messages(ctx, store.MessageFilter{TransactionID: txn, Direction: store.Outbound})
	if err != nil || len(reqs) == 0 {
		if err != nil {
			s.log.Warn("finding the request to wait for", "txn", txn, "err", err)
		}
		ch <- out
		return ch
	}
	req := reqs[len(reqs)-1]
	bctx, err := beckn.PeekContext(req.Raw)
	if err != nil {
		s.log.Warn("reading the context of a stored request", "seq", req.Seq, "err", err)
		ch <- out
		return ch
	}
	out.RequestSeq = req.Seq
	d := &engine.Dispatch{Seq: req.Seq, Context: bctx, Body: req.Raw, URL: req.URL, Deadline: req.Deadline}
	opt := s.cfg.Collect
	opt.Expected = s.cfg.Engine.Expected(ctx, d)
	go func() {
		err := s.cfg.Engine.Collect(ctx, d, opt, func(*store.Message) error {
			out.Answered++
			return nil
		})
		switch {
		case err == nil:
			ch <- out
		case ctx.Err() == nil:
			// The stream goes on without a done event; the client's
			// own deadline ends it.
			s.log.Warn("waiting for the answers of a request", "txn", txn, "seq", req.Seq, "err", err)
		}
	}()
	return ch
}
