package signing

import (
	"bytes"
	"crypto/ecdh"
	"crypto/x509"
	"encoding/base64"
	"fmt"
)

// ParseX25519PrivateKey reads the encryption private key used to answer the
// registry's on_subscribe challenge: raw 32 bytes base64 (onix, libsodium)
// or PKCS#8 DER base64 / PEM ("MC4CAQAwBQYDK2VuBCIEI...", or the
// "MFECAQEw..." form with the public key attached that Java tools write).
func ParseX25519PrivateKey(s string) (*ecdh.PrivateKey, error) {
	b, isPEM, err := keyBytes(kindXPriv, s)
	if err != nil {
		return nil, err
	}
	if !isPEM && len(b) == 32 {
		k, err := ecdh.X25519().NewPrivateKey(b)
		if err != nil {
			return nil, &KeyError{Kind: kindXPriv, Reason: "rejected by X25519", Err: err}
		}
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b)
	if err != nil {
		if raw, ok := pkcs8X25519Seed(b); ok {
			return ecdh.X25519().NewPrivateKey(raw)
		}
		return nil, &KeyError{Kind: kindXPriv, Reason: fmt.Sprintf(
			"decodes to %d bytes; want 32 raw bytes or PKCS#8", len(b))}
	}
	priv, ok := k.(*ecdh.PrivateKey)
	if !ok || priv.Curve() != ecdh.X25519() {
		return nil, &KeyError{Kind: kindXPriv, Reason: fmt.Sprintf("PKCS#8 holds a %T, not an X25519 key", k)}
	}
	return priv, nil
}

// pkcs8X25519Seed extracts the private scalar from a PKCS#8 v2 (RFC 5958
// OneAsymmetricKey, version 1 with the public key attached) X25519 key, a
// form the standard library refuses. The layout is fixed for X25519:
// SEQUENCE { INTEGER 1, SEQUENCE { OID 1.3.101.110 }, OCTET STRING {
// OCTET STRING (32) }, [1] public key }.
func pkcs8X25519Seed(b []byte) ([]byte, bool) {
	hdr := []byte{0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20}
	if len(b) < 2 || b[0] != 0x30 {
		return nil, false
	}
	body := b[2:]
	if b[1]&0x80 != 0 {
		return nil, false
	}
	if !bytes.HasPrefix(body, hdr) || len(body) < len(hdr)+32 {
		return nil, false
	}
	return body[len(hdr) : len(hdr)+32], true
}

// ParseX25519PublicKey reads an encr_public_key as registries publish it:
// raw 32 bytes base64, DER/SPKI ("MCowBQYDK2VuAyEA...", which ONDC requires),
// or PEM. An Ed25519 key is refused with a message saying so.
func ParseX25519PublicKey(s string) (*ecdh.PublicKey, error) {
	b, _, err := keyBytes(kindXPub, s)
	if err != nil {
		return nil, err
	}
	switch {
	case len(b) == 32:
	case len(b) == len(spkiX25519)+32 && bytes.HasPrefix(b, spkiX25519):
		b = b[len(spkiX25519):]
	case len(b) == len(spkiEd25519)+32 && bytes.HasPrefix(b, spkiEd25519):
		return nil, &KeyError{Kind: kindXPub, Reason: "this is an Ed25519 signing key (DER starting MCowBQYDK2VwAyEA), not the X25519 encryption key"}
	default:
		return nil, &KeyError{Kind: kindXPub, Reason: fmt.Sprintf(
			"decodes to %d bytes; want 32 raw bytes or a 44-byte DER/SPKI key", len(b))}
	}
	k, err := ecdh.X25519().NewPublicKey(b)
	if err != nil {
		return nil, &KeyError{Kind: kindXPub, Reason: "rejected by X25519", Err: err}
	}
	return k, nil
}

// EncodeX25519PublicKey returns the raw 32-byte key in standard base64.
func EncodeX25519PublicKey(pub *ecdh.PublicKey) string {
	return base64.StdEncoding.EncodeToString(pub.Bytes())
}

// EncodeX25519PublicKeyDER returns the DER/SPKI form in standard base64
// ("MCowBQYDK2VuAyEA..."), the encr_public_key form ONDC requires.
func EncodeX25519PublicKeyDER(pub *ecdh.PublicKey) string {
	return base64.StdEncoding.EncodeToString(append(append([]byte{}, spkiX25519...), pub.Bytes()...))
}

// EncodeX25519PrivateKey returns the raw 32-byte private key in standard
// base64, the form onix and libsodium store.
func EncodeX25519PrivateKey(priv *ecdh.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(priv.Bytes())
}
