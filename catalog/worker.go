package catalog

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/store"
)

// Background work: the indexer follows the message log so that every
// on_search Seeker stores — answers to a learner's search, to a harvest, to
// a partner app's search through the protocol API — updates the cache
// without the engine knowing about the catalog; the harvester runs the
// periodic broad searches. Each runs only while its instance holds a lease
// in the store, so with several instances on one database each runs once.

const (
	leaseIndexer   = "catalog-indexer"
	leaseHarvester = "catalog-harvester"
	cursorKey      = "catalog.indexer.cursor"
	lastHarvestKey = "catalog.harvest.last"
	// leaseFor is how long a lease lasts; it is renewed every leaseFor/3,
	// so a crashed holder's work moves to another instance within leaseFor.
	leaseFor = 90 * time.Second
	// firstHarvestDelay: on a database that was never harvested, the first
	// harvest waits this long after Start, so that a new instance has
	// subscribed to the network (its searches would be refused before)
	// and short-lived processes (tests, one-off commands) send none.
	firstHarvestDelay = 30 * time.Second
	// harvestRetry: a harvest that no provider answered is tried again
	// after this long instead of waiting a whole interval.
	harvestRetry = time.Minute
	// harvestGrace lets a provider's later pages arrive after its first:
	// the items of a page that came too late would be expired as missing
	// (and revived when the indexer caches that page).
	harvestGrace = time.Second
	// purgeAfter: expired items are kept this long (Get reports them gone
	// at once) and then deleted.
	purgeAfter = 7 * 24 * time.Hour
	indexPage  = 100
	// While callbacks keep arriving, the indexer works a tenth of the
	// time (it rests yieldRest times as long as each message took): a
	// 48-item page costs it about fifteen times what verifying, storing
	// and ACKing the page cost, so at full speed it would halve how many
	// callbacks a burst gets ACKed on a small machine, and providers time
	// out. A message older than catchUpAfter is indexed without rest, which
	// bounds how stale the cache gets under sustained load.
	yieldRest    = 9
	catchUpAfter = 30 * time.Second
)

// Start runs the indexer and, when an interval is configured, the harvester,
// until Stop or ctx ends.
func (c *Catalog) Start(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel != nil {
		return
	}
	ctx, c.cancel = context.WithCancel(ctx)
	c.done = make(chan struct{})
	c.started = c.cfg.Now()
	go func() {
		defer close(c.done)
		c.run(ctx)
	}()
}

// Stop stops the background work and gives the leases up, so another
// instance takes over at once.
func (c *Catalog) Stop() {
	c.mu.Lock()
	cancel, done := c.cancel, c.done
	c.cancel = nil
	c.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	for _, l := range []string{leaseIndexer, leaseHarvester} {
		if err := c.cfg.Store.ReleaseLease(ctx, l, c.cfg.Instance); err != nil {
			c.log.Warn("releasing a catalog lease", "lease", l, "err", err)
		}
	}
}

// Nudge makes the indexer look at the message log now (new callbacks).
func (c *Catalog) Nudge() {
	select {
	case c.nudge <- struct{}{}:
	default:
	}
}

func (c *Catalog) run(ctx context.Context) {
	poll := time.NewTicker(c.cfg.IndexPoll)
	defer poll.Stop()
	var leaseUntil time.Time
	var harvesting chan struct{}
	lastPurge := time.Time{}
	for {
		now := c.cfg.Now()
		if now.After(leaseUntil.Add(-leaseFor * 2 / 3)) {
			held, err := c.cfg.Store.TryLease(ctx, leaseIndexer, c.cfg.Instance, now, now.Add(leaseFor))
			if err != nil && ctx.Err() == nil {
				c.log.Warn("taking the catalog indexer lease", "err", err)
			}
			if held {
				leaseUntil = now.Add(leaseFor)
			} else {
				leaseUntil = time.Time{}
			}
		}
		if !leaseUntil.IsZero() {
			if err := c.indexNew(ctx); err != nil && ctx.Err() == nil {
				c.log.Warn("indexing on_search callbacks", "err", err)
			}
			if now.Sub(lastPurge) > time.Hour {
				lastPurge = now
				if n, err := c.ix.purge(ctx, now.Add(-purgeAfter)); err != nil && ctx.Err() == nil {
					c.log.Warn("purging expired opportunities", "err", err)
				} else if n > 0 {
					c.log.Info("purged expired opportunities", "count", n)
				}
			}
		}
		if c.cfg.HarvestInterval > 0 && c.cfg.Engine != nil && harvesting == nil {
			if due, err := c.harvestDue(ctx, now); err != nil && ctx.Err() == nil {
				c.log.Warn("checking the harvest schedule", "err", err)
			} else if due {
				harvesting = make(chan struct{})
				go func(done chan struct{}) {
					defer close(done)
					c.harvestLeased(ctx)
				}(harvesting)
			}
		}
		var harvested <-chan struct{} = harvesting
		select {
		case <-ctx.Done():
			if harvesting != nil {
				<-harvesting
			}
			return
		case <-poll.C:
		case <-c.nudge:
		case <-harvested:
			harvesting = nil
		}
	}
}

// indexNew caches the on_search callbacks stored since the cursor.
func (c *Catalog) indexNew(ctx context.Context) error {
	st := c.cfg.Store
	cursor := int64(0)
	if v, err := st.GetKV(ctx, cursorKey); err == nil {
		cursor, _ = strconv.ParseInt(string(v), 10, 64)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	for {
		msgs, err := st.Messages(ctx, store.MessageFilter{Action: beckn.ActionOnSearch, Direction: store.Inbound,
			AfterSeq: cursor, Limit: indexPage})
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			return nil
		}
		for _, m := range msgs {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			began := time.Now()
			if m.AckStatus == "ACK" {
				opps, err := mapCallback(m)
				if err != nil {
					c.log.Debug("on_search not cached", "seq", m.Seq, "bpp", m.BppID, "reason", err)
				} else if _, err := c.ingest(ctx, opps, c.harvestSeqOf(ctx, m)); err != nil {
					return err // retried from the same cursor
				}
			}
			cursor = m.Seq
			c.yield(ctx, m, time.Since(began))
		}
		if err := st.PutKV(ctx, cursorKey, []byte(strconv.FormatInt(cursor, 10)), time.Time{}); err != nil {
			return err
		}
		if len(msgs) < indexPage {
			return nil
		}
	}
}

// yield rests after indexing m (which took took) while the engine keeps
// receiving callbacks.
func (c *Catalog) yield(ctx context.Context, m *store.Message, took time.Duration) {
	if c.cfg.Engine == nil {
		return
	}
	n := c.cfg.Engine.Received()
	busy := n != c.received
	c.received = n
	rest := restAfter(busy, time.Since(m.CreatedAt), took)
	if rest == 0 {
		return
	}
	t := time.NewTimer(rest)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// restAfter is how long the indexer rests after a message that took took
// to index and had waited age: none when no callback arrived meanwhile or
// when the message waited longer than catchUpAfter.
func restAfter(busy bool, age, took time.Duration) time.Duration {
	if !busy || age > catchUpAfter {
		return 0
	}
	return yieldRest * took
}

// harvestSeqOf returns the request seq of m when m answers a broad search
// (its items are then a whole catalog), else 0.
func (c *Catalog) harvestSeqOf(ctx context.Context, m *store.Message) int64 {
	if m.RequestSeq == 0 {
		return 0
	}
	c.broadMu.Lock()
	b, ok := c.broad[m.RequestSeq]
	c.broadMu.Unlock()
	if !ok {
		req, err := c.cfg.Store.Message(ctx, m.RequestSeq)
		if err != nil {
			return 0
		}
		b = isBroadRequest(req.Raw)
		c.broadMu.Lock()
		if len(c.broad) > 4096 {
			clear(c.broad)
		}
		c.broad[m.RequestSeq] = b
		c.broadMu.Unlock()
	}
	if b {
		return m.RequestSeq
	}
	return 0
}

// isBroadRequest reports whether a stored search asked for everything (and
// was sent to the gateway or one BPP without narrowing).
func isBroadRequest(raw []byte) bool {
	env, err := beckn.Decode(raw)
	if err != nil || env.Context.Action != beckn.ActionSearch {
		return false
	}
	var msg beckn.SearchMessage
	if err := env.DecodeMessage(&msg); err != nil {
		return false
	}
	return QueryFromIntent(env.Context.Domain, msg.Intent).broad()
}

// harvestDue reports whether the last harvest (any instance's) is older
// than the interval.
func (c *Catalog) harvestDue(ctx context.Context, now time.Time) (bool, error) {
	c.mu.Lock()
	started, retryAt := c.started, c.retryAt
	c.mu.Unlock()
	if now.Before(retryAt) {
		return false, nil
	}
	v, err := c.cfg.Store.GetKV(ctx, lastHarvestKey)
	if errors.Is(err, store.ErrNotFound) {
		return now.Sub(started) >= firstHarvestDelay, nil
	}
	if err != nil {
		return false, err
	}
	last, err := time.Parse(time.RFC3339Nano, string(v))
	if err != nil {
		return true, nil
	}
	return now.Sub(last) >= c.cfg.HarvestInterval, nil
}

// harvestLeased harvests every domain if this instance gets the harvest
// lease, keeping it renewed while the harvest runs.
func (c *Catalog) harvestLeased(ctx context.Context) {
	now := c.cfg.Now()
	held, err := c.cfg.Store.TryLease(ctx, leaseHarvester, c.cfg.Instance, now, now.Add(leaseFor))
	if err != nil || !held {
		return
	}
	// Another instance may have harvested while this one waited for the
	// lease.
	if due, err := c.harvestDue(ctx, now); err != nil || !due {
		return
	}
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		t := time.NewTicker(leaseFor / 3)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
				n := c.cfg.Now()
				if ok, err := c.cfg.Store.TryLease(hctx, leaseHarvester, c.cfg.Instance, n, n.Add(leaseFor)); err != nil || !ok {
					cancel()
					return
				}
			}
		}
	}()
	rep, err := c.Refresh(hctx)
	if err != nil {
		c.log.Warn("harvesting catalogs", "err", err)
		return
	}
	answered := 0
	for _, d := range rep.Domains {
		answered += len(d.Answered)
		c.log.Info("harvested", "domain", d.Domain, "answered", len(d.Answered), "cached", d.Cached, "expired", d.Expired,
			"failed", len(d.Failed), "error", d.Error)
	}
	if answered == 0 {
		c.mu.Lock()
		c.retryAt = c.cfg.Now().Add(harvestRetry)
		c.mu.Unlock()
		return
	}
	if err := c.cfg.Store.PutKV(ctx, lastHarvestKey, []byte(c.cfg.Now().UTC().Format(time.RFC3339Nano)), time.Time{}); err != nil {
		c.log.Warn("recording the harvest time", "err", err)
	}
}
