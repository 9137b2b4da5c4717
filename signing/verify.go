package signing

import (
	"crypto/ed25519"
	"fmt"
	"time"
)

// DefaultSkew is how far in the future a created time may be before it is
// refused: senders' clocks drift, and beckn-onix v1.0.0's zero tolerance
// produces 401s for a one-second drift.
const DefaultSkew = 30 * time.Second

// Step names the verification step that failed.
type Step string

// Verification steps, in the order Verify runs them.
const (
	StepAlgorithm  Step = "algorithm"
	StepSubscriber Step = "subscriber"
	StepWindow     Step = "window"
	StepCreated    Step = "created"
	StepExpired    Step = "expires"
	StepKey        Step = "key"
	StepSignature  Step = "signature"
)

// VerifyError says which verification step failed and carries what a person
// needs to find the cause: the digest of the body as received and the
// signing string rebuilt from it (the sender's can be compared against
// these), and the times involved for window failures.
type VerifyError struct {
	Step Step
	// Reason is the human sentence, e.g. "invalid for this key (wrong key or altered body)".
	Reason string
	// KeyID is the keyId of the header that was checked.
	KeyID string
	// Digest and SigningString are what the receiver computed.
	Digest        string
	SigningString string
	// Created, Expires and Now are set for window failures.
	Created, Expires, Now time.Time
	// Expected is the subscriber the message claimed to come from (StepSubscriber).
	Expected string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("signature %s check failed: %s", e.Step, e.Reason)
}

// Verifier checks signatures against the public key of the claimed signer.
// The zero value is ready to use: 30 s skew, the system clock.
type Verifier struct {
	// Skew is how far created may be ahead of now; zero means DefaultSkew,
	// negative means no tolerance at all.
	Skew time.Duration
	// Now is the clock; nil means time.Now. Set it to judge a recorded
	// message as of the time it was received.
	Now func() time.Time
}

func (v Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v Verifier) skew() time.Duration {
	switch {
	case v.Skew == 0:
		return DefaultSkew
	case v.Skew < 0:
		return 0
	}
	return v.Skew
}

// Verify checks h over the exact body bytes received with pub, the public
// key the registry holds for h's keyId. It runs, in order: algorithm,
// window (created not beyond now+Skew, now not after expires), then the
// Ed25519 signature over the rebuilt signing string. A digest mismatch and a
// wrong key are the same failure to the receiver (no Digest header travels),
// so both are reported as StepSignature with the digest we computed.
func (v Verifier) Verify(body []byte, h Header, pub ed25519.PublicKey) error {
	if h.Algorithm != Algorithm {
		return &VerifyError{Step: StepAlgorithm, KeyID: h.KeyID,
			Reason: fmt.Sprintf("algorithm %q is not %q", h.Algorithm, Algorithm)}
	}
	if err := v.checkWindow(h); err != nil {
		return err
	}
	if len(pub) != ed25519.PublicKeySize {
		return &VerifyError{Step: StepKey, KeyID: h.KeyID,
			Reason: fmt.Sprintf("public key is %d bytes; an Ed25519 key is %d", len(pub), ed25519.PublicKeySize)}
	}
	var buf [256]byte
	msg := appendSigningStringFor(buf[:0], h.Created, h.Expires, body)
	if !verifyEd25519(pub, msg, h.Signature) {
		digest := string(msg[len(msg)-digestLen:])
		return &VerifyError{Step: StepSignature, KeyID: h.KeyID, Digest: digest, SigningString: string(msg),
			Reason: fmt.Sprintf("invalid for this key (wrong key or altered body); the body received digests to %s", digest)}
	}
	return nil
}

// VerifyFor is Verify plus the identity check BECKN-006 leaves implicit:
// the keyId's subscriber must be the participant the message claims to come
// from (bpp_id of an on_* callback, bap_id of a request). Without it any
// subscribed participant could sign a callback in another's name.
func (v Verifier) VerifyFor(body []byte, h Header, pub ed25519.PublicKey, expectedSubscriber string) error {
	if h.SubscriberID != expectedSubscriber {
		return &VerifyError{Step: StepSubscriber, KeyID: h.KeyID, Expected: expectedSubscriber,
			Reason: fmt.Sprintf("signed by %q but the message claims to come from %q; a participant may only sign its own messages",
				h.SubscriberID, expectedSubscriber)}
	}
	return v.Verify(body, h, pub)
}

func (v Verifier) checkWindow(h Header) error {
	created, expires, now := time.Unix(h.Created, 0).UTC(), time.Unix(h.Expires, 0).UTC(), v.now().UTC()
	fail := func(step Step, reason string) error {
		return &VerifyError{Step: step, KeyID: h.KeyID, Created: created, Expires: expires, Now: now, Reason: reason}
	}
	if h.Expires < h.Created {
		return fail(StepWindow, fmt.Sprintf("expires %d (%s) is before created %d (%s)",
			h.Expires, expires.Format(time.RFC3339), h.Created, created.Format(time.RFC3339)))
	}
	skew := v.skew()
	if created.After(now.Add(skew)) {
		return fail(StepCreated, fmt.Sprintf("created %d (%s) is %s in the future at %s, beyond the allowed clock skew of %s",
			h.Created, created.Format(time.RFC3339), created.Sub(now), now.Format(time.RFC3339), skew))
	}
	if now.After(expires) {
		return fail(StepExpired, fmt.Sprintf("expired at %d (%s), %s before %s",
			h.Expires, expires.Format(time.RFC3339), now.Sub(expires).Truncate(time.Second), now.Format(time.RFC3339)))
	}
	return nil
}
