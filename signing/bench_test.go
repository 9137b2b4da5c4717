package signing

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

func benchBody(n int) []byte {
	b := bytes.Repeat([]byte(`{"descriptor":{"name":"Course","short_desc":"x"}},`), n/50+1)
	return b[:n]
}

// TestDigestAllocs holds Digest to its promise: the returned string is the
// only allocation, whatever the body size.
func TestDigestAllocs(t *testing.T) {
	body := benchBody(1 << 20)
	if n := testing.AllocsPerRun(20, func() { _ = Digest(body) }); n > 1 {
		t.Fatalf("Digest allocates %v times per call; want at most 1 (the output)", n)
	}
}

func TestVerifyAllocs(t *testing.T) {
	h, pub := vectorA(t)
	v := Verifier{Now: at(1641288000)}
	body := []byte(vectorBody)
	// Verifying a good signature allocates nothing: it runs for every
	// inbound message.
	if n := testing.AllocsPerRun(20, func() { _ = v.Verify(body, h, pub) }); n != 0 {
		t.Fatalf("Verify allocates %v times per call; want 0", n)
	}
}

func BenchmarkDigest1MB(b *testing.B) {
	body := benchBody(1 << 20)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Digest(body)
	}
}

func BenchmarkSign(b *testing.B) {
	body := benchBody(20 << 10)
	key, err := ParsePrivateKey(vectorAPriv)
	if err != nil {
		b.Fatal(err)
	}
	s := &Signer{SubscriberID: "bap.example.com", KeyID: "k1", Key: key}
	created := time.Unix(1641287875, 0)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Sign(body, created, created.Add(time.Hour))
	}
}

func BenchmarkVerify20KB(b *testing.B) {
	body := benchBody(20 << 10)
	ks, err := GenerateKeys()
	if err != nil {
		b.Fatal(err)
	}
	s := &Signer{SubscriberID: "bpp.example.com", KeyID: "k1", Key: ks.SigningPrivate}
	h, err := ParseHeader(s.SignUnix(body, 1641287875, 1641291475))
	if err != nil {
		b.Fatal(err)
	}
	v := Verifier{Now: at(1641288000)}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(body, h, ks.SigningPublic); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseHeader(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseHeader(vectorAHeader); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSignAllocs(t *testing.T) {
	key, err := ParsePrivateKey(vectorAPriv)
	if err != nil {
		t.Fatal(err)
	}
	s := &Signer{SubscriberID: vectorASub, KeyID: vectorAKeyID, Key: key}
	body := []byte(vectorBody)
	// The header string is the only allocation.
	if n := testing.AllocsPerRun(20, func() { _ = s.SignUnix(body, vectorACreated, vectorAExpires) }); n > 1 {
		t.Fatalf("Sign allocates %v times per call; want at most 1", n)
	}
}

// BenchmarkEd25519Verify compares the primitive alone: crypto/ed25519 and
// the curve25519-voi path Verify uses.
func BenchmarkEd25519Verify(b *testing.B) {
	key, err := ParsePrivateKey(vectorAPriv)
	if err != nil {
		b.Fatal(err)
	}
	pub := key.Public().(ed25519.PublicKey)
	msg := []byte(SigningString(vectorACreated, vectorAExpires, vectorDigest))
	sig := ed25519.Sign(key, msg)
	b.Run("stdlib", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("voi", func(b *testing.B) {
		for b.Loop() {
			if !verifyEd25519(pub, msg, sig) {
				b.Fatal("invalid")
			}
		}
	})
}

// BenchmarkEd25519Sign measures the signing primitive alone. Signing stays
// on crypto/ed25519 (it handles the private key; the standard library's
// implementation is the audited, constant-time one); the voi figure is
// here to show what switching would buy.
func BenchmarkEd25519Sign(b *testing.B) {
	key, err := ParsePrivateKey(vectorAPriv)
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte(SigningString(vectorACreated, vectorAExpires, vectorDigest))
	b.Run("stdlib", func(b *testing.B) {
		for b.Loop() {
			_ = ed25519.Sign(key, msg)
		}
	})
	b.Run("voi", func(b *testing.B) {
		for b.Loop() {
			_ = voi.Sign(voi.PrivateKey(key), msg)
		}
	})
}
