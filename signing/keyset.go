package signing

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
)

// KeySet is everything a participant needs to join a Beckn network: an
// Ed25519 pair to sign messages, an X25519 pair to answer the registry's
// on_subscribe challenge, and the unique key id under which the registry
// will publish them.
type KeySet struct {
	UniqueKeyID       string
	SigningPrivate    ed25519.PrivateKey
	SigningPublic     ed25519.PublicKey
	EncryptionPrivate *ecdh.PrivateKey
	EncryptionPublic  *ecdh.PublicKey
}

// GenerateKeys makes a fresh KeySet from the system's secure random source.
func GenerateKeys() (KeySet, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return KeySet{}, fmt.Errorf("generating Ed25519 signing key: %w", err)
	}
	xpriv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return KeySet{}, fmt.Errorf("generating X25519 encryption key: %w", err)
	}
	return KeySet{
		UniqueKeyID:       NewUniqueKeyID(),
		SigningPrivate:    priv,
		SigningPublic:     pub,
		EncryptionPrivate: xpriv,
		EncryptionPublic:  xpriv.PublicKey(),
	}, nil
}

// NewUniqueKeyID returns a random UUID v4, the form registries recommend for
// a key id (key_id / unique_key_id / ukId).
func NewUniqueKeyID() string {
	var u [16]byte
	rand.Read(u[:]) // crypto/rand.Read never fails (it panics on a broken OS source)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
