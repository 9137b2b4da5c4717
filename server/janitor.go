package server

import (
	"context"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// The janitor deletes what has run out, so that a long-running Seeker's
// database does not keep every expired web session, pending form, lease
// and old idempotency answer forever. It runs on one instance at a time
// (a lease), first a minute after start-up and then every hour.
const (
	janitorEvery     = time.Hour
	janitorFirst     = time.Minute
	janitorLease     = "janitor"
	idempotencyKeep  = 24 * time.Hour // docs/client-api.yaml promises replays for 24 hours
	janitorLeaseSpan = 10 * time.Minute
)

// janitor is the running janitor; the zero value is not running.
type janitor struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (s *Server) startJanitor(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	s.janitor = janitor{cancel: cancel, done: make(chan struct{})}
	owner := store.NewLeaseOwner()
	go func() {
		defer close(s.janitor.done)
		timer := time.NewTimer(janitorFirst)
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			s.purge(ctx, owner)
			timer.Reset(janitorEvery)
		}
	}()
}

// purge runs one round if this instance takes the lease; the lease is kept
// until it runs out, so the other instances skip this round.
func (s *Server) purge(ctx context.Context, owner string) {
	now := time.Now()
	held, err := s.Store.TryLease(ctx, janitorLease, owner, now, now.Add(janitorLeaseSpan))
	if err != nil || !held {
		if err != nil && ctx.Err() == nil {
			s.log.Warn("taking the janitor's lease", "err", err)
		}
		return
	}
	kv, idem, err := s.Store.Purge(ctx, now, now.Add(-idempotencyKeep))
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("purging expired records", "err", err)
		}
		return
	}
	if kv > 0 || idem > 0 {
		s.log.Info("purged expired records", "key_values", kv, "idempotency_answers", idem)
	}
}

// stopJanitor stops the janitor and waits for a round in progress.
func (s *Server) stopJanitor() {
	if s.janitor.cancel != nil {
		s.janitor.cancel()
		<-s.janitor.done
	}
}
