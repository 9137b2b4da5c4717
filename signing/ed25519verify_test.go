package signing

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"testing"
)

// l is the order of the Ed25519 base point.
var l, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// addL returns the signature with S replaced by S+l (little-endian), the
// classic malleability case both implementations must reject.
func addL(sig []byte) []byte {
	s := make([]byte, 32)
	for i := range 32 {
		s[31-i] = sig[32+i]
	}
	n := new(big.Int).Add(new(big.Int).SetBytes(s), l)
	be := n.FillBytes(make([]byte, 32))
	out := append([]byte{}, sig[:32]...)
	for i := range 32 {
		out = append(out, be[31-i])
	}
	return out
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVerifyEd25519MatchesStdlib holds verifyEd25519 to crypto/ed25519's
// verdicts on valid signatures, every spread of single-bit corruptions of them, and
// the edge cases where Ed25519 implementations are known to disagree.
func TestVerifyEd25519MatchesStdlib(t *testing.T) {
	check := func(name string, pub, msg, sig []byte) {
		t.Helper()
		want := len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
		if got := verifyEd25519(pub, msg, sig); got != want {
			t.Fatalf("%s: verifyEd25519 = %v, crypto/ed25519 = %v (pub %x sig %x)", name, got, want, pub, sig)
		}
	}
	for i := range 4 {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		msg := make([]byte, i*7)
		rand.Read(msg)
		sig := ed25519.Sign(priv, msg)
		check("valid", pub, msg, sig)
		if !verifyEd25519(pub, msg, sig) {
			t.Fatal("a valid signature was rejected")
		}
		for bit := i; bit < 512; bit += 11 {
			bad := append([]byte{}, sig...)
			bad[bit/8] ^= 1 << (bit % 8)
			check("flipped signature bit", pub, msg, bad)
		}
		for bit := i; bit < 256; bit += 13 {
			badPub := append(ed25519.PublicKey{}, pub...)
			badPub[bit/8] ^= 1 << (bit % 8)
			check("flipped key bit", badPub, msg, sig)
		}
		if len(msg) > 0 {
			m2 := append([]byte{}, msg...)
			m2[0] ^= 1
			check("altered message", pub, m2, sig)
		}
		check("S+l (malleated)", pub, msg, addL(sig))
	}
	// Edge cases from the "Taming the many EdDSAs" test vectors (Chalkias et
	// al., 2020): small-order A and R, non-canonical A, where libraries
	// differ. The message and keys are those of the paper's cases 0–5.
	msg := mustHex(t, "8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6")
	smallA := mustHex(t, "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa")
	zeroSig := mustHex(t, "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000")
	check("small-order A and R, S=0", smallA, msg, zeroSig)
	check("identity A", mustHex(t, "0100000000000000000000000000000000000000000000000000000000000000"), msg, zeroSig)
	check("non-canonical A (y ≥ p)", mustHex(t, "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), msg, zeroSig)
	check("short key", make([]byte, 31), msg, zeroSig)
	check("short signature", smallA, msg, zeroSig[:63])
}

// FuzzVerifyEd25519MatchesStdlib: for any key, message and signature bytes
// the two implementations agree.
func FuzzVerifyEd25519MatchesStdlib(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := []byte("(created): 1\n(expires): 2\ndigest: BLAKE-512=x")
	f.Add([]byte(pub), msg, ed25519.Sign(priv, msg))
	f.Add(make([]byte, 32), []byte{}, make([]byte, 64))
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		want := len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
		if got := verifyEd25519(pub, msg, sig); got != want {
			t.Fatalf("verifyEd25519 = %v, crypto/ed25519 = %v", got, want)
		}
	})
}

func TestExpandedKeyCacheBound(t *testing.T) {
	c := newExpandedKeyCache(2)
	var pubs []ed25519.PublicKey
	for range 5 {
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		pubs = append(pubs, pub)
		if c.get(pub) == nil {
			t.Fatal("valid key not expanded")
		}
		if len(c.m) > 2 {
			t.Fatalf("cache holds %d keys, bound 2", len(c.m))
		}
	}
	// Evicted keys are simply expanded again.
	for _, pub := range pubs {
		if xk := c.get(pub); xk == nil || xk.CompressedY() != [32]byte(pub) {
			t.Fatal("re-expansion after eviction gave another key")
		}
	}
}
