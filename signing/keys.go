package signing

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
)

// SPKI (DER) prefixes of 32-byte OKP public keys. A registry that publishes
// DER publishes exactly these 12 bytes followed by the raw key, so the text
// always starts "MCowBQYDK2VwAyEA" (Ed25519) or "MCowBQYDK2VuAyEA" (X25519).
// Recognising both lets us say "you passed the encryption key" instead of a
// vague "bad key", the most frequent copy-paste mistake in onboarding.
var (
	spkiEd25519 = []byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}
	spkiX25519  = []byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00}
)

// KeyError reports a key that cannot be used, naming which key it was meant
// to be and why it was refused.
type KeyError struct {
	// Kind is what the caller asked for, e.g. "Ed25519 private key".
	Kind string
	// Reason says what is wrong with the input, in words a person can act on.
	Reason string
	// Err is the underlying decoder error, if any.
	Err error
}

func (e *KeyError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Reason, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Reason)
}

func (e *KeyError) Unwrap() error { return e.Err }

const (
	kindEdPriv = "Ed25519 private key"
	kindEdPub  = "Ed25519 public key"
	kindXPriv  = "X25519 private key"
	kindXPub   = "X25519 public key"
)

// keyBytes turns a key as people paste it (PEM, or base64 in any common
// alphabet, with stray whitespace or line breaks) into bytes. isPEM reports
// whether the input was PEM, whose body is always DER.
func keyBytes(kind, s string) (b []byte, isPEM bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, false, &KeyError{Kind: kind, Reason: "empty"}
	}
	if strings.HasPrefix(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, true, &KeyError{Kind: kind, Reason: "starts like PEM but has no valid PEM block"}
		}
		return block.Bytes, true, nil
	}
	b, err = decodeBase64(s)
	if err != nil {
		return nil, false, &KeyError{Kind: kind, Reason: "not valid base64", Err: err}
	}
	return b, false, nil
}

// decodeBase64 accepts standard base64 (what BECKN-006 prescribes) and, to be
// lenient with keys copied out of other tools, the unpadded and URL-safe
// alphabets and embedded whitespace.
func decodeBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, " \t\r\n") {
		s = strings.Join(strings.Fields(s), "")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err == nil {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b2, err2 := enc.DecodeString(s); err2 == nil {
			return b2, nil
		}
	}
	return nil, err
}

// ParsePrivateKey reads an Ed25519 signing key in either form in use: the
// 32-byte seed (beckn-onix) or the 64-byte libsodium seed‖public key
// (protocol-server, the BECKN-006 example), both base64; PKCS#8 (DER base64
// or PEM) is accepted too. For the 64-byte form it checks that the public
// half belongs to the seed: a mismatched pair signs with one key while the
// registry holds another, which otherwise shows up only as 401s from peers.
func ParsePrivateKey(b64 string) (ed25519.PrivateKey, error) {
	b, isPEM, err := keyBytes(kindEdPriv, b64)
	if err != nil {
		return nil, err
	}
	if !isPEM {
		switch len(b) {
		case ed25519.SeedSize:
			return ed25519.NewKeyFromSeed(b), nil
		case ed25519.PrivateKeySize:
			k := ed25519.NewKeyFromSeed(b[:ed25519.SeedSize])
			if !bytes.Equal(k[ed25519.SeedSize:], b[ed25519.SeedSize:]) {
				return nil, &KeyError{Kind: kindEdPriv, Reason: fmt.Sprintf(
					"the last 32 bytes (public key %s) do not belong to the first 32 (seed, whose public key is %s); the pair is inconsistent",
					base64.StdEncoding.EncodeToString(b[ed25519.SeedSize:]),
					base64.StdEncoding.EncodeToString(k[ed25519.SeedSize:]))}
			}
			return k, nil
		}
	}
	k, err := x509.ParsePKCS8PrivateKey(b)
	if err != nil {
		return nil, &KeyError{Kind: kindEdPriv, Reason: fmt.Sprintf(
			"decodes to %d bytes; want a 32-byte seed, a 64-byte seed‖public key or PKCS#8", len(b))}
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, &KeyError{Kind: kindEdPriv, Reason: fmt.Sprintf("PKCS#8 holds a %T, not an Ed25519 key", k)}
	}
	return priv, nil
}

// ParsePublicKey reads an Ed25519 signing public key as registries publish
// it: raw 32 bytes base64 (the common form), DER/SPKI base64
// ("MCowBQYDK2VwAyEA..."), or PEM. An X25519 key is refused with a message
// saying so, since the two sit side by side in every registry record.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, _, err := keyBytes(kindEdPub, s)
	if err != nil {
		return nil, err
	}
	switch {
	case len(b) == ed25519.PublicKeySize:
		return ed25519.PublicKey(b), nil
	case len(b) == len(spkiEd25519)+32 && bytes.HasPrefix(b, spkiEd25519):
		return ed25519.PublicKey(b[len(spkiEd25519):]), nil
	case len(b) == len(spkiX25519)+32 && bytes.HasPrefix(b, spkiX25519):
		return nil, &KeyError{Kind: kindEdPub, Reason: "this is an X25519 encryption key (DER starting MCowBQYDK2VuAyEA), not the Ed25519 signing key"}
	}
	k, err := x509.ParsePKIXPublicKey(b)
	if err != nil {
		return nil, &KeyError{Kind: kindEdPub, Reason: fmt.Sprintf(
			"decodes to %d bytes; want 32 raw bytes or a 44-byte DER/SPKI key", len(b))}
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, &KeyError{Kind: kindEdPub, Reason: fmt.Sprintf("SPKI holds a %T, not an Ed25519 key", k)}
	}
	return pub, nil
}

// EncodePublicKey returns the raw 32-byte key in standard base64, the form
// registries publish as signing_public_key by default.
func EncodePublicKey(pub ed25519.PublicKey) string {
	return base64.StdEncoding.EncodeToString(pub)
}

// EncodePublicKeyDER returns the DER/SPKI form in standard base64
// ("MCowBQYDK2VwAyEA..."), for registries and tools that want DER.
func EncodePublicKeyDER(pub ed25519.PublicKey) string {
	return base64.StdEncoding.EncodeToString(append(append([]byte{}, spkiEd25519...), pub...))
}

// EncodePrivateKey returns the 64-byte seed‖public form in standard base64,
// the libsodium / protocol-server form.
func EncodePrivateKey(priv ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(priv)
}

// EncodeSeed returns the 32-byte seed in standard base64, the beckn-onix form.
func EncodeSeed(priv ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(priv.Seed())
}
