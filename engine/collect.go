package engine

import (
	"context"
	"time"

	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/store"
)

// CollectOptions says when a wait for callbacks is over.
type CollectOptions struct {
	// Deadline ends the wait; default the request's callback window.
	Deadline time.Time
	// Expected are the subscriber ids expected to answer. When every one
	// has answered, the wait ends after Grace. Empty means: the first
	// callback is the answer (every action but a gateway search).
	Expected []string
	// Grace lets the pages that follow a provider's first answer arrive
	// (default 25 ms: providers send their pages back to back, and a
	// learner's search should end within 50 ms of the slowest answer; a
	// page later than that is still stored, streamed and cached).
	Grace time.Duration
	// Quiet ends the wait when nothing arrived for this long after at
	// least one answer (default 3 s), so one silent provider does not hold
	// a learner for the whole ttl.
	Quiet time.Duration
	// Poll re-reads the store this often even without a bus event, for
	// events another instance published that never reached us (default 1 s).
	Poll time.Duration
}

// Expected returns the providers a search can reach: the one named in the
// context, or every BPP the registry lists for the domain (and city). This is
// the same lookup a gateway makes, so "all answered" means all it reached.
func (e *Engine) Expected(ctx context.Context, d *Dispatch) []string {
	if d.Context.Action != "search" {
		if d.Context.BppID != "" {
			return []string{d.Context.BppID}
		}
		return nil
	}
	if d.Context.BppID != "" {
		return []string{d.Context.BppID}
	}
	q := registry.Query{Type: "BPP", Domain: d.Context.Domain}
	subs, err := e.cfg.Registry.Lookup(ctx, q)
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(subs))
	seen := map[string]bool{}
	for _, s := range subs {
		if !seen[s.SubscriberID] {
			seen[s.SubscriberID] = true
			ids = append(ids, s.SubscriberID)
		}
	}
	return ids
}

// Collect calls fn with each acknowledged callback that answers the
// dispatched request, in arrival order, until the wait is over (see
// CollectOptions), ctx ends or fn returns an error. It reads from the store,
// so callbacks that arrived before Collect started, or on another instance,
// are not missed.
func (e *Engine) Collect(ctx context.Context, d *Dispatch, opt CollectOptions, fn func(*store.Message) error) error {
	if d.Ack == "NACK" {
		return nil // a NACK means no callback will come
	}
	if opt.Deadline.IsZero() {
		opt.Deadline = d.Deadline
	}
	if opt.Grace <= 0 {
		opt.Grace = 25 * time.Millisecond
	}
	if opt.Quiet <= 0 {
		opt.Quiet = 3 * time.Second
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Second
	}
	events, cancel := e.cfg.Bus.Subscribe(d.Context.TransactionID)
	defer cancel()

	pending := map[string]bool{}
	for _, id := range opt.Expected {
		pending[id] = true
	}
	answered := 0
	last := d.Seq
	var lastArrival time.Time

	deadline := time.NewTimer(time.Until(opt.Deadline))
	defer deadline.Stop()
	poll := time.NewTicker(opt.Poll)
	defer poll.Stop()
	var finish <-chan time.Time // armed once the answers are complete or quiet

	final := false
	for {
		msgs, err := e.cfg.Store.Messages(ctx, store.MessageFilter{
			TransactionID: d.Context.TransactionID,
			Direction:     store.Inbound,
			AfterSeq:      last,
		})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			last = m.Seq
			// Late answers are kept in the store, but a wait answers with
			// what came within the request's window.
			if m.RequestSeq != d.Seq || m.AckStatus != "ACK" || m.Late {
				continue
			}
			if err := fn(m); err != nil {
				return err
			}
			answered++
			lastArrival = time.Now()
			delete(pending, m.BppID)
		}
		if final {
			return nil
		}
		if answered > 0 {
			wait := opt.Quiet - time.Since(lastArrival)
			if len(pending) == 0 {
				wait = min(wait, opt.Grace)
			}
			finish = time.After(max(wait, 0))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			final = true // one last read: a page may have landed just now
		case <-finish:
			if len(pending) == 0 || time.Since(lastArrival) >= opt.Quiet {
				final = true
			}
		case <-events:
		case <-poll.C:
		}
	}
}
