package registry

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// cacheFixture is a Cache over a real Client talking to an httptest
// registry, with a test clock shared by both.
func cacheFixture(t *testing.T, answer string) (*Cache, *fakeRegistry, *clock) {
	clk := &clock{t: fixedNow()}
	reg := newFakeRegistry(t, func(map[string]any) string { return answer })
	c := &Cache{Looker: &Client{BaseURL: reg.URL + "/reg", Now: clk.Now}, Now: clk.Now}
	return c, reg, clk
}

const oneKey = `[{"subscriber_id":"bpp.a.org","type":"BPP","domain":"d","key_id":"k1","signing_public_key":"` + pubRaw + `","status":"SUBSCRIBED"}]`

func TestCacheTTL(t *testing.T) {
	c, reg, clk := cacheFixture(t, oneKey)
	c.TTL = time.Minute
	ctx := context.Background()
	for range 3 {
		pub, rec, err := c.SigningKey(ctx, "bpp.a.org", "k1")
		if err != nil || len(pub) != 32 || rec.KeyID != "k1" {
			t.Fatalf("SigningKey: %v %v", rec, err)
		}
	}
	if n := reg.hits.Load(); n != 1 {
		t.Fatalf("%d registry requests for 3 lookups within ttl", n)
	}
	clk.Advance(59 * time.Second)
	c.SigningKey(ctx, "bpp.a.org", "k1")
	if n := reg.hits.Load(); n != 1 {
		t.Fatalf("refetched before ttl: %d", n)
	}
	clk.Advance(time.Second)
	c.SigningKey(ctx, "bpp.a.org", "k1")
	if n := reg.hits.Load(); n != 2 {
		t.Fatalf("not refetched at ttl: %d", n)
	}
}

func TestCacheLifetimeBoundByValidUntil(t *testing.T) {
	until := fixedNow().Add(90 * time.Second).Format(time.RFC3339)
	c, reg, clk := cacheFixture(t, `[{"subscriber_id":"a","key_id":"k","signing_public_key":"`+pubRaw+`","valid_until":"`+until+`"}]`)
	c.TTL = time.Hour
	ctx := context.Background()
	if _, _, err := c.SigningKey(ctx, "a", "k"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(89 * time.Second)
	if _, _, err := c.SigningKey(ctx, "a", "k"); err != nil || reg.hits.Load() != 1 {
		t.Fatalf("hits %d err %v", reg.hits.Load(), err)
	}
	clk.Advance(2 * time.Second)
	_, _, err := c.SigningKey(ctx, "a", "k")
	if !errors.Is(err, ErrNotFound) || reg.hits.Load() != 2 {
		t.Fatalf("after valid_until: hits %d err %v", reg.hits.Load(), err)
	}
}

func TestCacheNegative(t *testing.T) {
	c, reg, clk := cacheFixture(t, `[]`)
	c.NegativeTTL = 10 * time.Second
	ctx := context.Background()
	for range 5 {
		_, _, err := c.SigningKey(ctx, "ghost.org", "k")
		var re *Error
		if !errors.As(err, &re) || !errors.Is(err, ErrNotFound) || re.Op != "signing key" {
			t.Fatalf("err = %v", err)
		}
	}
	if n := reg.hits.Load(); n != 1 {
		t.Fatalf("%d requests for an unknown subscriber", n)
	}
	clk.Advance(10 * time.Second)
	c.SigningKey(ctx, "ghost.org", "k")
	if n := reg.hits.Load(); n != 2 {
		t.Fatalf("negative entry outlived NegativeTTL: %d", n)
	}
}

func TestCacheDoesNotCacheErrors(t *testing.T) {
	c, reg, _ := cacheFixture(t, `oops`)
	for range 2 {
		if _, err := c.Lookup(context.Background(), Query{SubscriberID: "a"}); !errors.Is(err, ErrUnparsable) {
			t.Fatalf("err = %v", err)
		}
	}
	if reg.hits.Load() != 2 {
		t.Fatalf("an error was cached")
	}
}

func TestCacheSizeBound(t *testing.T) {
	c, reg, _ := cacheFixture(t, oneKey)
	c.MaxEntries = 2
	ctx := context.Background()
	q := func(d string) Query { return Query{Type: "BPP", Domain: d} }
	c.Lookup(ctx, q("a"))
	c.Lookup(ctx, q("b"))
	c.Lookup(ctx, q("a")) // a is now most recent
	c.Lookup(ctx, q("c")) // evicts b
	if c.Len() != 2 || reg.hits.Load() != 3 {
		t.Fatalf("len %d hits %d", c.Len(), reg.hits.Load())
	}
	c.Lookup(ctx, q("a"))
	if reg.hits.Load() != 3 {
		t.Fatal("recently used entry was evicted")
	}
	c.Lookup(ctx, q("b"))
	if reg.hits.Load() != 4 {
		t.Fatal("least recently used entry was kept")
	}
}

// blockingLooker counts calls and blocks each until released.
type blockingLooker struct {
	calls   atomic.Int64
	release chan struct{}
}

func (b *blockingLooker) Lookup(ctx context.Context, q Query) ([]Subscriber, error) {
	b.calls.Add(1)
	<-b.release
	return []Subscriber{{SubscriberID: q.SubscriberID, KeyID: q.KeyID, SigningPublicKey: pubRaw}}, nil
}

func TestCacheSingleFlight(t *testing.T) {
	bl := &blockingLooker{release: make(chan struct{})}
	c := NewCache(bl)
	const n = 20
	var started, done sync.WaitGroup
	errs := make(chan error, n)
	started.Add(n)
	done.Add(n)
	for range n {
		go func() {
			defer done.Done()
			started.Done()
			_, _, err := c.SigningKey(context.Background(), "a", "k")
			errs <- err
		}()
	}
	started.Wait()
	// Give the goroutines time to join the in-flight request. A straggler
	// would hit the filled cache instead, so calls stays 1 either way; the
	// count can only exceed 1 if concurrent misses are not coalesced.
	time.Sleep(50 * time.Millisecond)
	close(bl.release)
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := bl.calls.Load(); got != 1 {
		t.Fatalf("%d lookups for %d concurrent misses of one key", got, n)
	}
}

func TestCacheWaiterCancellation(t *testing.T) {
	bl := &blockingLooker{release: make(chan struct{})}
	c := NewCache(bl)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.Lookup(ctx, Query{SubscriberID: "a"})
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	close(bl.release)
	// The shared fetch completes for later callers despite the cancellation.
	if subs, err := c.Lookup(context.Background(), Query{SubscriberID: "a"}); err != nil || len(subs) != 1 {
		t.Fatalf("subs %v err %v", subs, err)
	}
}

func TestCacheSigningKeyChoice(t *testing.T) {
	other := "7YRZXVeIJ0/Va56vYgzT1Uirg6mnq3FY0MBZY9DJft0="
	cases := []struct {
		name, answer, keyID string
		kind                error
	}{
		{"2-part keyId, one key in two domains", `[{"subscriber_id":"a","key_id":"k1","domain":"x","signing_public_key":"` + pubRaw + `"},{"subscriber_id":"a","key_id":"k1","domain":"y","signing_public_key":"` + pubDER + `"}]`, "", nil},
		{"2-part keyId, two keys", `[{"subscriber_id":"a","key_id":"k1","signing_public_key":"` + pubRaw + `"},{"subscriber_id":"a","key_id":"k2","signing_public_key":"` + other + `"}]`, "", ErrAmbiguous},
		{"unusable key", `[{"subscriber_id":"a","key_id":"k1","signing_public_key":"bm90IGEga2V5"}]`, "k1", ErrBadKey},
		{"not subscribed", `[{"subscriber_id":"a","key_id":"k1","signing_public_key":"` + pubRaw + `","status":"INITIATED"}]`, "k1", ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := cacheFixture(t, tc.answer)
			pub, _, err := c.SigningKey(context.Background(), "a", tc.keyID)
			if tc.kind == nil {
				if err != nil || len(pub) != 32 {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
		})
	}
}

func TestCacheInvalidate(t *testing.T) {
	c, reg, clk := cacheFixture(t, oneKey)
	ctx := context.Background()
	c.SigningKey(ctx, "bpp.a.org", "k1")
	if c.Invalidate("bpp.a.org", "k1") {
		t.Fatal("entry younger than MinRefresh was dropped")
	}
	clk.Advance(DefaultMinRefresh)
	if !c.Invalidate("bpp.a.org", "k1") {
		t.Fatal("entry not dropped")
	}
	c.SigningKey(ctx, "bpp.a.org", "k1")
	if reg.hits.Load() != 2 {
		t.Fatalf("hits %d after invalidate", reg.hits.Load())
	}
	c.MinRefresh = -1
	if !c.Invalidate("bpp.a.org", "k1") || c.Invalidate("nobody", "") {
		t.Fatal("MinRefresh < 0 should always drop, and only what exists")
	}
}

// hangingLooker blocks until its context ends, like a registry that
// accepts the connection and never answers.
type hangingLooker struct{}

func (hangingLooker) Lookup(ctx context.Context, _ Query) ([]Subscriber, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestCacheFetchTimeout(t *testing.T) {
	c := &Cache{Looker: hangingLooker{}, FetchTimeout: 20 * time.Millisecond}
	_, err := c.Lookup(context.Background(), Query{SubscriberID: "a"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the fetch to time out", err)
	}
}
