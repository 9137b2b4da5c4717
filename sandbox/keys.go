package sandbox

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
)

// Identity is one participant of the sandbox network: its subscriber id and
// keys. The same type serves the registry, the gateway and every BPP.
type Identity struct {
	SubscriberID string
	signing.KeySet
}

// DeriveIdentity returns the keys of subscriberID under seed. The keys are a
// pure function of (seed, subscriberID), so a sandbox restarted with the
// same seed publishes the same keys, and a describe file or an integrator's
// configuration written yesterday still verifies today. They are test keys:
// anyone who knows the seed knows them.
func DeriveIdentity(seed int64, subscriberID string) Identity {
	sum := func(purpose string) [32]byte {
		return sha256.Sum256(fmt.Appendf(nil, "seeker-sandbox/v1/%d/%s/%s", seed, subscriberID, purpose))
	}
	edSeed := sum("ed25519")
	priv := ed25519.NewKeyFromSeed(edSeed[:])
	xSeed := sum("x25519")
	xpriv, err := ecdh.X25519().NewPrivateKey(xSeed[:])
	if err != nil {
		// X25519 accepts any 32 bytes; this cannot happen.
		panic(err)
	}
	u := sum("key-id")
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return Identity{SubscriberID: subscriberID, KeySet: signing.KeySet{
		UniqueKeyID:       fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]),
		SigningPrivate:    priv,
		SigningPublic:     priv.Public().(ed25519.PublicKey),
		EncryptionPrivate: xpriv,
		EncryptionPublic:  xpriv.PublicKey(),
	}}
}

// Signer returns a signer for this participant's messages.
func (id Identity) Signer() *signing.Signer {
	return &signing.Signer{SubscriberID: id.SubscriberID, KeyID: id.UniqueKeyID, Key: id.SigningPrivate}
}

// Record returns the registry record of this participant in one role and
// domain, SUBSCRIBED and valid for a year from now (an hour back-dated so
// that peers with a slightly slow clock accept it).
func (id Identity) Record(typ, domain, url string, now time.Time) registry.Subscriber {
	return registry.Subscriber{
		SubscriberID:     id.SubscriberID,
		URL:              url,
		Type:             typ,
		Domain:           domain,
		Country:          "IND",
		KeyID:            id.UniqueKeyID,
		SigningPublicKey: signing.EncodePublicKey(id.SigningPublic),
		EncrPublicKey:    signing.EncodeX25519PublicKey(id.EncryptionPublic),
		ValidFrom:        now.Add(-time.Hour).UTC().Truncate(time.Second),
		ValidUntil:       now.AddDate(1, 0, 0).UTC().Truncate(time.Second),
		Status:           registry.StatusSubscribed,
		Created:          now.UTC().Truncate(time.Second),
		Updated:          now.UTC().Truncate(time.Second),
	}
}
