package registry

import (
	"crypto/aes"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"fmt"
)

// Causes of a ChallengeError, for errors.Is.
var (
	ErrChallengeBase64  = errors.New("challenge is not valid base64")
	ErrChallengeLength  = errors.New("challenge length is not a positive multiple of the AES block size")
	ErrChallengePadding = errors.New("challenge has invalid PKCS#7 padding (wrong keys?)")
	ErrChallengeKey     = errors.New("X25519 key agreement failed")
)

// ChallengeError is a refused on_subscribe challenge.
type ChallengeError struct {
	Kind   error
	Detail string
}

func (e *ChallengeError) Error() string {
	if e.Detail == "" {
		return "on_subscribe: " + e.Kind.Error()
	}
	return "on_subscribe: " + e.Kind.Error() + ": " + e.Detail
}

func (e *ChallengeError) Unwrap() error { return e.Kind }

// sharedKey is the AES-256 key of the challenge: the raw X25519 shared
// secret, with no KDF. That is what the Succinct registry, beckn-onix and
// ONDC do (the spec names no cipher), so it is what interoperates.
func sharedKey(priv *ecdh.PrivateKey, pub *ecdh.PublicKey) ([]byte, error) {
	if priv == nil || pub == nil {
		return nil, &ChallengeError{Kind: ErrChallengeKey, Detail: "missing key"}
	}
	k, err := priv.ECDH(pub)
	if err != nil {
		return nil, &ChallengeError{Kind: ErrChallengeKey, Detail: err.Error()}
	}
	return k, nil
}

// EncryptChallenge is the registry's half: AES-256-ECB with PKCS#7 padding
// under the X25519 secret of the registry's private key and the
// subscriber's encr_public_key, as standard base64. ECB is weak in general
// but harmless here (a random one-time string) and it is the de-facto
// standard every registry uses.
func EncryptChallenge(registryPriv *ecdh.PrivateKey, subscriberPub *ecdh.PublicKey, plaintext string) (string, error) {
	key, err := sharedKey(registryPriv, subscriberPub)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", &ChallengeError{Kind: ErrChallengeKey, Detail: err.Error()}
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	buf := make([]byte, len(plaintext)+pad)
	copy(buf, plaintext)
	for i := len(plaintext); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	for i := 0; i < len(buf); i += aes.BlockSize {
		block.Encrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}

// DecryptChallenge is the subscriber's half: it recovers the plaintext the
// registry expects back as "answer" in the on_subscribe response.
func DecryptChallenge(subscriberPriv *ecdh.PrivateKey, registryPub *ecdh.PublicKey, challenge string) (string, error) {
	ct, err := base64.StdEncoding.DecodeString(challenge)
	if err != nil {
		return "", &ChallengeError{Kind: ErrChallengeBase64, Detail: err.Error()}
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return "", &ChallengeError{Kind: ErrChallengeLength, Detail: fmt.Sprintf("%d bytes", len(ct))}
	}
	key, err := sharedKey(subscriberPriv, registryPub)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", &ChallengeError{Kind: ErrChallengeKey, Detail: err.Error()}
	}
	for i := 0; i < len(ct); i += aes.BlockSize {
		block.Decrypt(ct[i:i+aes.BlockSize], ct[i:i+aes.BlockSize])
	}
	pad := int(ct[len(ct)-1])
	if pad == 0 || pad > aes.BlockSize {
		return "", &ChallengeError{Kind: ErrChallengePadding, Detail: fmt.Sprintf("last byte %d", pad)}
	}
	for _, b := range ct[len(ct)-pad:] {
		if int(b) != pad {
			return "", &ChallengeError{Kind: ErrChallengePadding, Detail: "padding bytes differ"}
		}
	}
	return string(ct[:len(ct)-pad]), nil
}
