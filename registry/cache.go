package registry

import (
	"container/list"
	"context"
	"crypto/ed25519"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Cache defaults. Registry records change rarely (key rotation is planned
// and announced by valid_until), while every inbound message needs a key:
// minutes of caching turn a registry round trip per message into one per
// participant per ttl.
const (
	DefaultTTL         = 5 * time.Minute
	DefaultNegativeTTL = 30 * time.Second
	DefaultMaxEntries  = 10000
	DefaultMinRefresh  = 10 * time.Second
	// DefaultFetchTimeout bounds one registry lookup made for the cache.
	DefaultFetchTimeout = 20 * time.Second
)

// Cache keeps registry answers in process. Entries live for min(TTL, the
// earliest valid_until among their records); answers with no record live
// NegativeTTL, so a flood of messages from an unknown sender costs one
// lookup, not one each; concurrent misses for the same query make a single
// request; at most MaxEntries are kept, least recently used first out.
// Errors (registry down) are not cached.
//
// Set the fields before first use; the zero values mean the defaults.
type Cache struct {
	Looker      Looker
	TTL         time.Duration
	NegativeTTL time.Duration
	MaxEntries  int
	// MinRefresh is how old an entry must be before Invalidate drops it, so
	// that a stream of forged signatures cannot turn every message into a
	// registry request. Negative means always drop.
	MinRefresh time.Duration
	// FetchTimeout bounds each lookup made on a miss; zero means
	// DefaultFetchTimeout.
	FetchTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element
	lru     *list.List
	group   singleflight.Group
}

type cacheEntry struct {
	key     string
	subs    []Subscriber
	fetched time.Time
	expires time.Time

	// The signing key chosen from subs, decoded once per entry rather than
	// once per message.
	pickOnce sync.Once
	pub      ed25519.PublicKey
	rec      Subscriber
	pickErr  error
}

// NewCache returns a Cache over l with the default settings.
func NewCache(l Looker) *Cache { return &Cache{Looker: l} }

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func orDefault[T ~int | ~int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Lookup answers q from the cache or, on a miss, from the Looker. The
// returned slice is shared; callers must not modify it.
func (c *Cache) Lookup(ctx context.Context, q Query) ([]Subscriber, error) {
	e, err := c.entry(ctx, q)
	if err != nil {
		return nil, err
	}
	return e.subs, nil
}

// entry returns the live cache entry for q, fetching it on a miss.
func (c *Cache) entry(ctx context.Context, q Query) (*cacheEntry, error) {
	var buf [256]byte
	kb := q.appendKey(buf[:0])
	if e := c.get(kb); e != nil {
		return e, nil
	}
	key := string(kb)
	ch := c.group.DoChan(key, func() (any, error) {
		if e := c.get([]byte(key)); e != nil { // filled while we waited for the group
			return e, nil
		}
		// The fetch is shared by every waiter, so one caller's cancellation
		// must not fail the others; FetchTimeout bounds it instead, so a
		// hanging registry cannot hold the key's single flight forever.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), orDefault(c.FetchTimeout, DefaultFetchTimeout))
		defer cancel()
		subs, err := c.Looker.Lookup(fctx, q)
		if err != nil {
			return nil, err
		}
		return c.put(key, subs), nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*cacheEntry), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// get returns the live entry for key, or nil. The map index with
// string(key) does not allocate, which keeps cache hits allocation-free.
func (c *Cache) get(key []byte) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[string(key)]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if !c.now().Before(e.expires) {
		c.lru.Remove(el)
		delete(c.entries, e.key)
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

func (c *Cache) put(key string, subs []Subscriber) *cacheEntry {
	now := c.now()
	ttl := orDefault(c.TTL, DefaultTTL)
	if len(subs) == 0 {
		ttl = orDefault(c.NegativeTTL, DefaultNegativeTTL)
	}
	exp := now.Add(ttl)
	for _, s := range subs {
		if !s.ValidUntil.IsZero() && s.ValidUntil.Before(exp) {
			exp = s.ValidUntil
		}
	}
	e := &cacheEntry{key: key, subs: subs, fetched: now, expires: exp}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*list.Element{}
		c.lru = list.New()
	}
	if old, ok := c.entries[key]; ok {
		c.lru.Remove(old)
	}
	c.entries[key] = c.lru.PushFront(e)
	for max := orDefault(c.MaxEntries, DefaultMaxEntries); c.lru.Len() > max; {
		last := c.lru.Back()
		c.lru.Remove(last)
		delete(c.entries, last.Value.(*cacheEntry).key)
	}
	return e
}

// Len is the number of entries held, expired or not.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru == nil {
		return 0
	}
	return c.lru.Len()
}

// SigningKey returns the Ed25519 key to verify a signature whose keyId
// named subscriberID and keyID, and the record it came from. An empty keyID
// (a 2-part keyId) is allowed when the subscriber has exactly one valid key.
// Errors: ErrNotFound (no SUBSCRIBED, in-validity record: answer 401),
// ErrAmbiguous, ErrBadKey, or the Looker's error (registry trouble: the
// message may be retried later).
func (c *Cache) SigningKey(ctx context.Context, subscriberID, keyID string) (ed25519.PublicKey, Subscriber, error) {
	e, err := c.entry(ctx, Query{SubscriberID: subscriberID, KeyID: keyID})
	if err != nil {
		return nil, Subscriber{}, err
	}
	e.pickOnce.Do(func() { e.pub, e.rec, e.pickErr = pickSigningKey(e.subs, subscriberID, keyID) })
	return e.pub, e.rec, e.pickErr
}

// pickSigningKey chooses the one key among records of the same subscriber
// (one record per domain is common; they share the key, perhaps written
// once raw and once DER, so keys are compared decoded).
func pickSigningKey(subs []Subscriber, subscriberID, keyID string) (ed25519.PublicKey, Subscriber, error) {
	fail := func(kind error, format string, args ...any) (ed25519.PublicKey, Subscriber, error) {
		return nil, Subscriber{}, &Error{Op: "signing key", Kind: kind, Detail: fmt.Sprintf(format, args...)}
	}
	what := fmt.Sprintf("subscriber %q key %q", subscriberID, keyID)
	if keyID == "" {
		what = fmt.Sprintf("subscriber %q (keyId without a key id)", subscriberID)
	}
	if len(subs) == 0 {
		return fail(ErrNotFound, "%s: no SUBSCRIBED record valid now", what)
	}
	var (
		pub     ed25519.PublicKey
		chosen  Subscriber
		lastErr error
	)
	for _, s := range subs {
		k, err := s.SigningKey()
		if err != nil {
			lastErr = err
			continue
		}
		if pub == nil {
			pub, chosen = k, s
			continue
		}
		if !pub.Equal(k) {
			return fail(ErrAmbiguous, "%s: the registry has several signing keys (key ids %q and %q); the sender must put its key id in keyId",
				what, chosen.KeyID, s.KeyID)
		}
	}
	if pub == nil {
		return nil, Subscriber{}, &Error{Op: "signing key", Kind: ErrBadKey, Detail: what, Err: lastErr}
	}
	return pub, chosen, nil
}

// Invalidate drops the cached key of subscriberID/keyID (and the 2-part
// form), so that the next SigningKey asks the registry again: the "refresh
// once on verification failure" rule for keys rotated since they were
// cached. Entries younger than MinRefresh are kept, so forged signatures
// cannot force a registry request per message. It reports whether anything
// was dropped.
func (c *Cache) Invalidate(subscriberID, keyID string) bool {
	minAge := c.MinRefresh
	if minAge == 0 {
		minAge = DefaultMinRefresh
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	dropped := false
	for _, q := range []Query{{SubscriberID: subscriberID, KeyID: keyID}, {SubscriberID: subscriberID}} {
		key := string(q.appendKey(nil))
		el, ok := c.entries[key]
		if !ok {
			continue
		}
		if minAge > 0 && now.Sub(el.Value.(*cacheEntry).fetched) < minAge {
			continue
		}
		c.lru.Remove(el)
		delete(c.entries, key)
		dropped = true
	}
	return dropped
}
