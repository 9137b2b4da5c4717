package engine

import (
	"context"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// outboxPoll is how often the worker looks for due entries when nothing
// wakes it; retries are scheduled in half-seconds, so this is fine enough.
const outboxPoll = 250 * time.Millisecond

// runOutbox retries pending requests until ctx ends. Entries are leased in
// the store, so several instances on one database share the work and each
// request is sent by one of them at a time.
func (e *Engine) runOutbox(ctx context.Context) {
	t := time.NewTicker(outboxPoll)
	defer t.Stop()
	for {
		e.drainOutbox(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.kick:
		}
	}
}

// drainOutbox sends every due entry once.
func (e *Engine) drainOutbox(ctx context.Context) {
	for ctx.Err() == nil {
		now := e.cfg.Now()
		lease := e.cfg.HTTP.Timeout + 5*time.Second
		entries, err := e.cfg.Store.ClaimOutbox(ctx, e.cfg.InstanceID, now, lease, 16)
		if err != nil {
			if ctx.Err() == nil {
				e.log.Error("claiming outbox entries", "err", err)
			}
			return
		}
		if len(entries) == 0 {
			return
		}
		for _, entry := range entries {
			e.retry(ctx, entry)
		}
	}
}

// retry makes one more attempt for a claimed entry, or expires it when its
// ttl has run out: a request the provider would reject as stale is not sent.
func (e *Engine) retry(ctx context.Context, entry *store.OutboxEntry) {
	m, err := e.cfg.Store.Message(ctx, entry.MessageSeq)
	if err != nil {
		e.log.Error("outbox entry without its message", "entry", entry.ID, "err", err)
		entry.State, entry.LastError = store.OutboxExpired, errNoMessage.Error()
		entry.ClaimedBy, entry.ClaimedUntil = "", time.Time{}
		_ = e.cfg.Store.UpdateOutbox(ctx, entry)
		return
	}
	if !e.cfg.Now().Before(entry.Deadline) {
		entry.State = store.OutboxExpired
		if entry.LastError == "" {
			entry.LastError = "ttl ran out before the request could be delivered"
		}
		entry.ClaimedBy, entry.ClaimedUntil = "", time.Time{}
		entry.UpdatedAt = e.cfg.Now()
		if err := e.cfg.Store.UpdateOutbox(ctx, entry); err != nil {
			e.log.Error("expiring outbox entry", "entry", entry.ID, "err", err)
		}
		return
	}
	res := e.attempt(ctx, entry, m)
	e.log.Debug("outbox retry", "entry", entry.ID, "attempt", entry.Attempts, "ack", res.ack, "state", entry.State)
}
