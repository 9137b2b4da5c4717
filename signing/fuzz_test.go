package signing

import (
	"errors"
	"testing"
)

// FuzzParseHeader feeds arbitrary header values: the parser must never
// panic, every rejection must be a *HeaderError, and whatever it accepts
// must survive a render/parse round trip.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{
		vectorAHeader,
		`Signature keyId="a.com|ed25519", algorithm="ed25519", created="1", expires="2", signature="` + vectorASig + `"`,
		`keyId=a|b|ed25519,algorithm=ed25519,created=1,expires=2,signature=` + vectorASig,
		`Signature keyId="a|b|ed25519`, `Signature ,,,`, `=`, `a="b"c`, "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHeader(s)
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("rejection is %T, not *HeaderError: %v", err, err)
			}
			return
		}
		h2, err := ParseHeader(h.String())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", h.String(), err)
		}
		if h2.SubscriberID != h.SubscriberID || h2.UniqueKeyID != h.UniqueKeyID || h2.Created != h.Created ||
			h2.Expires != h.Expires || string(h2.Signature) != string(h.Signature) {
			t.Fatalf("round trip changed %+v into %+v", h, h2)
		}
	})
}

// FuzzParsePublicKey: registry records are outside input. No panic, every
// rejection a *KeyError, every accepted key 32 bytes.
func FuzzParsePublicKey(f *testing.F) {
	for _, s := range []string{vectorAPub, EncodePublicKeyDER(mustB64(f, vectorAPub)), bobXPubDER,
		"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAawGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk=\n-----END PUBLIC KEY-----\n", "", "AAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := ParsePublicKey(s)
		if err != nil {
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("rejection is %T, not *KeyError: %v", err, err)
			}
		} else if len(pub) != 32 {
			t.Fatalf("accepted a %d-byte key", len(pub))
		}
		xpub, err := ParseX25519PublicKey(s)
		if err != nil {
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("X25519 rejection is %T, not *KeyError: %v", err, err)
			}
		} else if len(xpub.Bytes()) != 32 {
			t.Fatalf("accepted a %d-byte X25519 key", len(xpub.Bytes()))
		}
	})
}
