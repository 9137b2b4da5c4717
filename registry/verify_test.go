package registry

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/signing"
)

// rotatingLooker serves one key for a subscriber and can switch it, like a
// registry after a key rotation; it counts lookups.
type rotatingLooker struct {
	mu    sync.Mutex
	key   string
	calls int
}

func (r *rotatingLooker) Lookup(_ context.Context, q Query) ([]Subscriber, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	return []Subscriber{{SubscriberID: "bpp.a.org", KeyID: q.KeyID, Type: TypeBPP, SigningPublicKey: r.key}}, nil
}

func (r *rotatingLooker) set(key string) { r.mu.Lock(); r.key = key; r.mu.Unlock() }

func TestVerifyHeaderRefreshesOnceAfterRotation(t *testing.T) {
	oldKeys, _ := signing.GenerateKeys()
	newKeys, _ := signing.GenerateKeys()
	reg := &rotatingLooker{key: signing.EncodePublicKey(oldKeys.SigningPublic)}
	clk := &clock{t: time.Now()}
	c := &Cache{Looker: reg, Now: clk.Now}
	v := signing.Verifier{}
	body := []byte(`{"context":{"bpp_id":"bpp.a.org"}}`)
	sign := func(k signing.KeySet) signing.Header {
		s := &signing.Signer{SubscriberID: "bpp.a.org", KeyID: "k1", Key: k.SigningPrivate}
		h, err := signing.ParseHeader(s.SignNow(body, time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	ctx := context.Background()

	if rec, err := c.VerifyHeader(ctx, v, body, sign(oldKeys), "bpp.a.org"); err != nil || rec.SubscriberID != "bpp.a.org" {
		t.Fatalf("old key: %v", err)
	}
	// The provider rotates; our cached key is stale.
	reg.set(signing.EncodePublicKey(newKeys.SigningPublic))
	clk.Advance(DefaultMinRefresh)
	if _, err := c.VerifyHeader(ctx, v, body, sign(newKeys), "bpp.a.org"); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	if reg.calls != 2 {
		t.Fatalf("%d lookups, want 2 (one refresh)", reg.calls)
	}
	// A forged signature right after: no refresh (entry too fresh), refused.
	forged, _ := signing.GenerateKeys()
	_, err := c.VerifyHeader(ctx, v, body, sign(forged), "bpp.a.org")
	var ve *signing.VerifyError
	if !errors.As(err, &ve) || ve.Step != signing.StepSignature || reg.calls != 2 {
		t.Fatalf("forged: err %v, %d lookups", err, reg.calls)
	}
	// A forged signature later: one refresh, the key is unchanged, refused.
	clk.Advance(DefaultMinRefresh)
	if _, err := c.VerifyHeader(ctx, v, body, sign(forged), "bpp.a.org"); !errors.As(err, &ve) || reg.calls != 3 {
		t.Fatalf("forged later: err %v, %d lookups", err, reg.calls)
	}
	// Impersonation is refused before any crypto.
	if _, err := noLookups(t).VerifyHeader(ctx, v, body, sign(newKeys), "bpp.other.org"); !errors.As(err, &ve) || ve.Step != signing.StepSubscriber {
		t.Fatalf("impersonation: %v", err)
	}
	// No record: the cache's ErrNotFound.
	h := sign(newKeys)
	h.SubscriberID = "ghost.org"
	if _, err := NewCache(staticLooker{}).VerifyHeader(ctx, v, body, h, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown signer: %v", err)
	}
}

// noLookups is a cache whose registry fails the test if it is asked.
func noLookups(t *testing.T) *Cache {
	return &Cache{Looker: lookerFunc(func(context.Context, Query) ([]Subscriber, error) {
		t.Error("unexpected registry lookup")
		return nil, nil
	})}
}

type lookerFunc func(context.Context, Query) ([]Subscriber, error)

func (f lookerFunc) Lookup(ctx context.Context, q Query) ([]Subscriber, error) { return f(ctx, q) }
