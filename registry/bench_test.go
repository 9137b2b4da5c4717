package registry

import (
	"context"
	"testing"
)

// BenchmarkCacheSigningKeyHit is the per-message cost of finding the
// sender's key once it is cached: every inbound callback pays it.
func BenchmarkCacheSigningKeyHit(b *testing.B) {
	c := NewCache(staticLooker{{SubscriberID: "bpp.a.org", KeyID: "k1", SigningPublicKey: pubRaw, Status: StatusSubscribed}})
	ctx := context.Background()
	if _, _, err := c.SigningKey(ctx, "bpp.a.org", "k1"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.SigningKey(ctx, "bpp.a.org", "k1"); err != nil {
			b.Fatal(err)
		}
	}
}

type staticLooker []Subscriber

func (s staticLooker) Lookup(context.Context, Query) ([]Subscriber, error) { return s, nil }

func TestCacheHitDoesNotAllocate(t *testing.T) {
	c := NewCache(staticLooker{{SubscriberID: "bpp.a.org", KeyID: "k1", SigningPublicKey: pubRaw}})
	ctx := context.Background()
	if _, _, err := c.SigningKey(ctx, "bpp.a.org", "k1"); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(50, func() { c.SigningKey(ctx, "bpp.a.org", "k1") }); n != 0 {
		t.Fatalf("a cache hit allocates %v times", n)
	}
}
