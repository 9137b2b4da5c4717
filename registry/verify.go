package registry

import (
	"context"
	"crypto/ed25519"
	"errors"

	"github.com/onest-seeker/seeker/signing"
)

// VerifyHeader checks a parsed signature header over the exact body bytes
// with the signer's key from the cache, and returns the signer's record.
// It applies the "refresh once" rule: when the signature fails with a
// cached key, the key is dropped (if older than MinRefresh) and looked up
// again, so a participant that rotated its key is not refused for a whole
// TTL. expected, when set, is the subscriber the message claims to come
// from (bap_id of a request, bpp_id of a callback); see
// signing.Verifier.VerifyFor. Errors are the cache's (*Error: no valid key,
// registry trouble) or the verifier's (*signing.VerifyError).
func (c *Cache) VerifyHeader(ctx context.Context, v signing.Verifier, body []byte, h signing.Header, expected string) (Subscriber, error) {
	verify := v.Verify
	if expected != "" {
		verify = func(body []byte, h signing.Header, pub ed25519.PublicKey) error {
			return v.VerifyFor(body, h, pub, expected)
		}
	}
	if expected != "" && h.SubscriberID != expected {
		// Refuse impersonation before it costs a registry lookup.
		return Subscriber{}, v.VerifyFor(body, h, nil, expected)
	}
	pub, rec, err := c.SigningKey(ctx, h.SubscriberID, h.UniqueKeyID)
	if err != nil {
		return Subscriber{}, err
	}
	err = verify(body, h, pub)
	var ve *signing.VerifyError
	if err == nil {
		return rec, nil
	}
	if !errors.As(err, &ve) || ve.Step != signing.StepSignature || !c.Invalidate(h.SubscriberID, h.UniqueKeyID) {
		return Subscriber{}, err
	}
	pub2, rec2, err2 := c.SigningKey(ctx, h.SubscriberID, h.UniqueKeyID)
	if err2 != nil || pub2.Equal(pub) {
		return Subscriber{}, err // the key did not change: the first verdict stands
	}
	if err := verify(body, h, pub2); err != nil {
		return Subscriber{}, err
	}
	return rec2, nil
}
