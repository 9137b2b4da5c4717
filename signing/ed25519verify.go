package signing

import (
	"crypto/ed25519"
	"sync"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// stdlibCompatible makes curve25519-voi accept exactly the signatures
// crypto/ed25519.Verify accepts (cofactorless, small-order and
// non-canonical A allowed, non-canonical S rejected), so switching the
// implementation changes speed, never verdicts. Differential tests and a
// fuzz target hold it to that.
var stdlibCompatible = &voi.Options{Verify: voi.VerifyOptionsStdLib}

// verifyEd25519 checks an Ed25519 signature. It is the receiver's hot path
// (every inbound message), and curve25519-voi's verification with a
// pre-expanded public key is about twice as fast as crypto/ed25519's on
// amd64 (AVX2 backend, no per-call point decompression), which is what
// brings a 20 KB verify under the 80 µs target. Verification uses only
// public data, so voi's variable-time arithmetic is safe here; signing
// stays with crypto/ed25519.
func verifyEd25519(pub ed25519.PublicKey, msg, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false // voi panics on a short key; the stdlib returns false
	}
	xk := expandedKeys.get(pub)
	if xk == nil {
		return false // not a point on the curve: crypto/ed25519 rejects it too
	}
	return voi.VerifyExpandedWithOptions(xk, msg, sig, stdlibCompatible)
}

// maxExpandedKeys bounds the expanded-key cache (about 1.5 KB per key).
// A network has a few hundred participants; beyond the bound, an arbitrary
// entry makes room, which costs one re-expansion, never a wrong answer.
const maxExpandedKeys = 4096

// expandedKeys remembers the expansion (decompressed point and its
// lookup table) of each public key seen, so repeated messages from the
// same sender skip that work.
var expandedKeys = newExpandedKeyCache(maxExpandedKeys)

type expandedKeyCache struct {
	max int
	mu  sync.RWMutex
	m   map[[32]byte]*voi.ExpandedPublicKey
}

func newExpandedKeyCache(max int) *expandedKeyCache {
	return &expandedKeyCache{max: max, m: make(map[[32]byte]*voi.ExpandedPublicKey)}
}

func (c *expandedKeyCache) get(pub ed25519.PublicKey) *voi.ExpandedPublicKey {
	k := [32]byte(pub)
	c.mu.RLock()
	xk := c.m[k]
	c.mu.RUnlock()
	if xk != nil {
		return xk
	}
	xk, err := voi.NewExpandedPublicKey(voi.PublicKey(pub))
	if err != nil {
		return nil
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = xk
	c.mu.Unlock()
	return xk
}
