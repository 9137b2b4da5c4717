package signing

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"
)

func vectorA(t *testing.T) (Header, ed25519.PublicKey) {
	t.Helper()
	h, err := ParseHeader(vectorAHeader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(vectorAPub)
	if err != nil {
		t.Fatal(err)
	}
	return h, pub
}

func at(sec int64) func() time.Time { return func() time.Time { return time.Unix(sec, 0) } }

func TestVerifySteps(t *testing.T) {
	h, pub := vectorA(t)
	otherPub, err := ParsePublicKey(vectorBPub)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(vectorBody)
	wrongAlg := h
	wrongAlg.Algorithm = "rsa-sha256"
	backwards := h
	backwards.Expires = h.Created - 1

	cases := []struct {
		name     string
		v        Verifier
		body     []byte
		h        Header
		pub      ed25519.PublicKey
		want     Step // "" means valid
		contains string
	}{
		{"valid mid-window", Verifier{Now: at(1641288000)}, body, h, pub, "", ""},
		{"valid at created", Verifier{Now: at(vectorACreated)}, body, h, pub, "", ""},
		{"valid at expires", Verifier{Now: at(vectorAExpires)}, body, h, pub, "", ""},
		{"created within skew", Verifier{Now: at(vectorACreated - 30)}, body, h, pub, "", ""},
		{"created beyond default skew", Verifier{Now: at(vectorACreated - 31)}, body, h, pub, StepCreated, "31s in the future"},
		{"custom skew", Verifier{Skew: 2 * time.Minute, Now: at(vectorACreated - 100)}, body, h, pub, "", ""},
		{"no skew", Verifier{Skew: -1, Now: at(vectorACreated - 1)}, body, h, pub, StepCreated, "allowed clock skew of 0s"},
		{"expired", Verifier{Now: at(vectorAExpires + 1)}, body, h, pub, StepExpired, "expired at 1641291475"},
		{"expires before created", Verifier{Now: at(vectorACreated)}, body, backwards, pub, StepWindow, "before created"},
		{"wrong algorithm", Verifier{Now: at(1641288000)}, body, wrongAlg, pub, StepAlgorithm, `"rsa-sha256"`},
		{"altered body", Verifier{Now: at(1641288000)}, append([]byte(vectorBody), ' '), h, pub, StepSignature, "wrong key or altered body"},
		{"wrong key", Verifier{Now: at(1641288000)}, body, h, otherPub, StepSignature, "wrong key or altered body"},
		{"short key", Verifier{Now: at(1641288000)}, body, h, pub[:31], StepKey, "31 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.v.Verify(c.body, c.h, c.pub)
			if c.want == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v (%T), want *VerifyError", err, err)
			}
			if ve.Step != c.want || !strings.Contains(err.Error(), c.contains) {
				t.Fatalf("err = %v (step %s), want step %s mentioning %q", err, ve.Step, c.want, c.contains)
			}
		})
	}
}

func TestVerifySignatureErrorCarriesDigestAndSigningString(t *testing.T) {
	h, pub := vectorA(t)
	body := []byte(vectorBody + "\n")
	err := Verifier{Now: at(1641288000)}.Verify(body, h, pub)
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	if ve.Digest != Digest(body) || ve.SigningString != SigningString(h.Created, h.Expires, Digest(body)) {
		t.Fatalf("error lacks what the receiver computed: %+v", ve)
	}
	if ve.Digest == vectorDigest {
		t.Fatal("digest of the altered body equals the original")
	}
}

func TestVerifyWindowErrorCarriesTimes(t *testing.T) {
	h, pub := vectorA(t)
	err := Verifier{Now: at(vectorAExpires + 3600)}.Verify([]byte(vectorBody), h, pub)
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Step != StepExpired {
		t.Fatalf("err = %v", err)
	}
	if ve.Created.Unix() != vectorACreated || ve.Expires.Unix() != vectorAExpires || ve.Now.Unix() != vectorAExpires+3600 {
		t.Fatalf("times: %+v", ve)
	}
	if !strings.Contains(ve.Reason, "1h0m0s before") {
		t.Fatalf("reason %q does not say how long ago", ve.Reason)
	}
}

func TestVerifyFor(t *testing.T) {
	h, pub := vectorA(t)
	v := Verifier{Now: at(1641288000)}
	if err := v.VerifyFor([]byte(vectorBody), h, pub, vectorASub); err != nil {
		t.Fatal(err)
	}
	err := v.VerifyFor([]byte(vectorBody), h, pub, "bpp.other.org")
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Step != StepSubscriber || ve.Expected != "bpp.other.org" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `signed by "example-bap.com" but the message claims to come from "bpp.other.org"`) {
		t.Fatalf("message does not explain: %v", err)
	}
}

func TestVerifyDefaultClock(t *testing.T) {
	ks, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	s := &Signer{SubscriberID: "bap.test", KeyID: ks.UniqueKeyID, Key: ks.SigningPrivate}
	body := []byte(`{"context":{},"message":{}}`)
	h, err := ParseHeader(s.SignNow(body, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := (Verifier{}).Verify(body, h, ks.SigningPublic); err != nil {
		t.Fatalf("a fresh SignNow signature does not verify now: %v", err)
	}
}

func TestSignerWindow(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	cases := []struct {
		name             string
		s                Signer
		ttl              time.Duration
		created, expires int64
	}{
		{"defaults", Signer{Now: func() time.Time { return now }}, 30 * time.Second, 1_700_000_000 - 5, 1_700_000_000 - 5 + 60},
		{"long ttl", Signer{Now: func() time.Time { return now }}, 10 * time.Minute, 1_700_000_000 - 5, 1_700_000_000 - 5 + 600},
		{"protocol-server style", Signer{Backdate: time.Minute, Now: func() time.Time { return now }}, time.Hour, 1_700_000_000 - 60, 1_700_000_000 - 60 + 3600},
		{"no backdate", Signer{Backdate: -1, Now: func() time.Time { return now }}, 0, 1_700_000_000, 1_700_000_060},
		{"capped by key validity", Signer{ValidUntil: now.Add(20 * time.Second), Now: func() time.Time { return now }}, time.Hour, 1_700_000_000 - 5, 1_700_000_020},
		{"key already expired", Signer{ValidUntil: now.Add(-time.Hour), Now: func() time.Time { return now }}, time.Hour, 1_700_000_000 - 5, 1_700_000_000 - 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cr, ex := c.s.Window(c.ttl)
			if cr != c.created || ex != c.expires {
				t.Fatalf("Window = %d..%d, want %d..%d", cr, ex, c.created, c.expires)
			}
		})
	}
}
