package registry

import (
	"crypto/ecdh"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/signing"
)

// Vector C of ../shared/reference/beckn-core-1.1.0.md §3.10 (RFC 7748 §6.1
// keys: Alice is the registry, Bob the subscriber).
const (
	aliceXPriv    = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
	aliceXPub     = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
	bobXPriv      = "XasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os="
	bobXPubDER    = "MCowBQYDK2VuAyEA3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
	vectorCPlain  = "12345678901234567890123456789012"
	vectorCCipher = "dvu1zsr9WIvI3myRZJMiUabp+S/CfqMUfbPQFXYl2B1DaYiXWARBzMr4kpnMSBFs"
	vectorCShared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
)

type vectorCKeys struct {
	regPriv, subPriv *ecdh.PrivateKey
	regPub, subPub   *ecdh.PublicKey
}

func vectorC(t testing.TB) vectorCKeys {
	t.Helper()
	var k vectorCKeys
	var err error
	if k.regPriv, err = signing.ParseX25519PrivateKey(aliceXPriv); err != nil {
		t.Fatal(err)
	}
	if k.subPriv, err = signing.ParseX25519PrivateKey(bobXPriv); err != nil {
		t.Fatal(err)
	}
	if k.regPub, err = signing.ParseX25519PublicKey(aliceXPub); err != nil {
		t.Fatal(err)
	}
	if k.subPub, err = signing.ParseX25519PublicKey(bobXPubDER); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestVectorC(t *testing.T) {
	k := vectorC(t)
	if !k.regPriv.PublicKey().Equal(k.regPub) || !k.subPriv.PublicKey().Equal(k.subPub) {
		t.Fatal("vector C key pairs do not match")
	}
	shared, err := k.subPriv.ECDH(k.regPub)
	if err != nil || hex.EncodeToString(shared) != vectorCShared {
		t.Fatalf("shared secret %x %v", shared, err)
	}
	ct, err := EncryptChallenge(k.regPriv, k.subPub, vectorCPlain)
	if err != nil || ct != vectorCCipher {
		t.Fatalf("EncryptChallenge = %s %v\nwant %s", ct, err, vectorCCipher)
	}
	pt, err := DecryptChallenge(k.subPriv, k.regPub, vectorCCipher)
	if err != nil || pt != vectorCPlain {
		t.Fatalf("DecryptChallenge = %q %v", pt, err)
	}
}

func TestChallengeRoundTripLengths(t *testing.T) {
	k := vectorC(t)
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 100} {
		plain := strings.Repeat("x", n)
		ct, err := EncryptChallenge(k.regPriv, k.subPub, plain)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecryptChallenge(k.subPriv, k.regPub, ct); err != nil || got != plain {
			t.Fatalf("len %d: %q %v", n, got, err)
		}
	}
}

func TestDecryptChallengeRejects(t *testing.T) {
	k := vectorC(t)
	wrong, err := ecdh.X25519().NewPrivateKey(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	zeroPub, _ := ecdh.X25519().NewPublicKey(make([]byte, 32)) // low-order point: no shared secret
	cases := []struct {
		name string
		priv *ecdh.PrivateKey
		pub  *ecdh.PublicKey
		ct   string
		want error
	}{
		{"bad base64", k.subPriv, k.regPub, "not base64!", ErrChallengeBase64},
		{"empty", k.subPriv, k.regPub, "", ErrChallengeLength},
		{"not a block multiple", k.subPriv, k.regPub, base64.StdEncoding.EncodeToString(make([]byte, 20)), ErrChallengeLength},
		{"wrong key gives bad padding", wrong, k.regPub, vectorCCipher, ErrChallengePadding},
		{"low-order public key", k.subPriv, zeroPub, vectorCCipher, ErrChallengeKey},
		{"missing key", nil, k.regPub, vectorCCipher, ErrChallengeKey},
	}
	for _, c := range cases {
		_, err := DecryptChallenge(c.priv, c.pub, c.ct)
		var ce *ChallengeError
		if !errors.As(err, &ce) || !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// FuzzDecryptChallenge: the challenge comes from the network. No panic,
// every rejection a *ChallengeError.
func FuzzDecryptChallenge(f *testing.F) {
	k := vectorC(f)
	for _, s := range []string{vectorCCipher, "", "AAAA", base64.StdEncoding.EncodeToString(make([]byte, 16)), "!!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := DecryptChallenge(k.subPriv, k.regPub, s)
		if err != nil {
			var ce *ChallengeError
			if !errors.As(err, &ce) {
				t.Fatalf("rejection is %T, not *ChallengeError: %v", err, err)
			}
		}
	})
}
