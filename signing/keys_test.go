package signing

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

// RFC 7748 §6.1 keys (vector C of the reference).
const (
	bobXPriv   = "XasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os="
	bobXPub    = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
	bobXPubDER = "MCowBQYDK2VuAyEA3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
)

func TestParsePrivateKey(t *testing.T) {
	want := ed25519.PrivateKey(mustB64(t, vectorAPriv))
	pkcs8, err := x509.MarshalPKCS8PrivateKey(want)
	if err != nil {
		t.Fatal(err)
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	for name, in := range map[string]string{
		"64-byte":        vectorAPriv,
		"32-byte seed":   seedOf(t, vectorAPriv),
		"unpadded":       strings.TrimRight(vectorAPriv, "="),
		"url alphabet":   strings.NewReplacer("+", "-", "/", "_").Replace(vectorAPriv),
		"wrapped lines":  vectorAPriv[:40] + "\n" + vectorAPriv[40:] + "\n",
		"PKCS#8 base64":  base64.StdEncoding.EncodeToString(pkcs8),
		"PKCS#8 PEM":     pemText,
		"surrounding ws": "  " + vectorAPriv + "\t",
	} {
		got, err := ParsePrivateKey(in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !got.Equal(want) {
			t.Errorf("%s: wrong key", name)
		}
	}
}

func TestParsePrivateKeyRejects(t *testing.T) {
	a, b := mustB64(t, vectorAPriv), mustB64(t, vectorBPriv)
	mixed := base64.StdEncoding.EncodeToString(append(append([]byte{}, a[:32]...), b[32:]...))
	xpkcs8, _ := x509.MarshalPKCS8PrivateKey(mustX(t))
	cases := map[string]struct{ in, want string }{
		"empty":              {"", "empty"},
		"not base64":         {"%%%", "not valid base64"},
		"wrong length":       {base64.StdEncoding.EncodeToString(make([]byte, 40)), "decodes to 40 bytes"},
		"mismatched halves":  {mixed, "do not belong"},
		"X25519 in PKCS#8":   {base64.StdEncoding.EncodeToString(xpkcs8), "not an Ed25519 key"},
		"PEM without a body": {"-----BEGIN PRIVATE KEY-----\nxx", "no valid PEM block"},
	}
	for name, c := range cases {
		_, err := ParsePrivateKey(c.in)
		var ke *KeyError
		if !errors.As(err, &ke) || ke.Kind != "Ed25519 private key" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want KeyError mentioning %q", name, err, c.want)
		}
	}
}

func mustX(t *testing.T) *ecdh.PrivateKey {
	t.Helper()
	k, err := ecdh.X25519().NewPrivateKey(mustB64(t, bobXPriv))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParsePublicKey(t *testing.T) {
	want := ed25519.PublicKey(mustB64(t, vectorAPub))
	der := EncodePublicKeyDER(want)
	if !strings.HasPrefix(der, "MCowBQYDK2VwAyEA") {
		t.Fatalf("DER form %s lacks the SPKI prefix", der)
	}
	spki, _ := x509.MarshalPKIXPublicKey(want)
	if base64.StdEncoding.EncodeToString(spki) != der {
		t.Fatalf("EncodePublicKeyDER differs from x509's SPKI")
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}))
	for name, in := range map[string]string{"raw": vectorAPub, "DER": der, "PEM": pemText} {
		got, err := ParsePublicKey(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if EncodePublicKey(want) != vectorAPub {
		t.Fatal("EncodePublicKey")
	}
	for name, c := range map[string]struct{ in, want string }{
		"X25519 DER":     {bobXPubDER, "X25519 encryption key"},
		"wrong length":   {base64.StdEncoding.EncodeToString(make([]byte, 33)), "decodes to 33 bytes"},
		"empty":          {" ", "empty"},
		"not base64":     {"!!", "not valid base64"},
		"private as pub": {vectorAPriv, "decodes to 64 bytes"},
	} {
		_, err := ParsePublicKey(c.in)
		var ke *KeyError
		if !errors.As(err, &ke) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want KeyError mentioning %q", name, err, c.want)
		}
	}
}

func TestX25519Keys(t *testing.T) {
	priv := mustX(t)
	if EncodeX25519PublicKey(priv.PublicKey()) != bobXPub || EncodeX25519PublicKeyDER(priv.PublicKey()) != bobXPubDER {
		t.Fatal("X25519 public key encodings differ from RFC 7748 / the reference")
	}
	if EncodeX25519PrivateKey(priv) != bobXPriv {
		t.Fatal("EncodeX25519PrivateKey")
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	// RFC 5958 v2 form (version 1 + public key), as Java tools write it.
	v2 := []byte{0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20}
	v2 = append(v2, priv.Bytes()...)
	v2 = append(v2, 0x81, 0x21, 0x00)
	v2 = append(v2, priv.PublicKey().Bytes()...)
	v2b64 := base64.StdEncoding.EncodeToString(v2)
	if !strings.HasPrefix(v2b64, "MFECAQEwBQYDK2VuBCIE") {
		t.Fatalf("v2 test key %s has an unexpected prefix", v2b64)
	}
	for name, in := range map[string]string{
		"raw":        bobXPriv,
		"PKCS#8":     base64.StdEncoding.EncodeToString(pkcs8),
		"PKCS#8 PEM": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		"PKCS#8 v2":  v2b64,
	} {
		got, err := ParseX25519PrivateKey(in)
		if err != nil || !got.Equal(priv) {
			t.Errorf("private %s: %v", name, err)
		}
	}
	for name, in := range map[string]string{"raw": bobXPub, "DER": bobXPubDER} {
		got, err := ParseX25519PublicKey(in)
		if err != nil || !got.Equal(priv.PublicKey()) {
			t.Errorf("public %s: %v", name, err)
		}
	}
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(ed25519.PrivateKey(mustB64(t, vectorAPriv)))
	for name, c := range map[string]struct {
		in   string
		priv bool
		want string
	}{
		"Ed25519 DER as X25519 public": {EncodePublicKeyDER(mustB64(t, vectorAPub)), false, "Ed25519 signing key"},
		"short public":                 {base64.StdEncoding.EncodeToString(make([]byte, 31)), false, "decodes to 31 bytes"},
		"short private":                {base64.StdEncoding.EncodeToString(make([]byte, 31)), true, "decodes to 31 bytes"},
		"Ed25519 PKCS#8 as X25519":     {base64.StdEncoding.EncodeToString(edPKCS8), true, "not an X25519 key"},
		"empty private":                {"", true, "empty"},
	} {
		var err error
		if c.priv {
			_, err = ParseX25519PrivateKey(c.in)
		} else {
			_, err = ParseX25519PublicKey(c.in)
		}
		var ke *KeyError
		if !errors.As(err, &ke) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want KeyError mentioning %q", name, err, c.want)
		}
	}
}

func TestGenerateKeys(t *testing.T) {
	a, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if a.SigningPublic.Equal(b.SigningPublic) || a.EncryptionPublic.Equal(b.EncryptionPublic) || a.UniqueKeyID == b.UniqueKeyID {
		t.Fatal("two key sets are equal")
	}
	if !a.SigningPublic.Equal(a.SigningPrivate.Public()) || !a.EncryptionPublic.Equal(a.EncryptionPrivate.PublicKey()) {
		t.Fatal("pairs do not match")
	}
	// Every printed form parses back to the same key.
	for _, s := range []string{EncodePrivateKey(a.SigningPrivate), EncodeSeed(a.SigningPrivate)} {
		k, err := ParsePrivateKey(s)
		if err != nil || !k.Equal(a.SigningPrivate) {
			t.Fatalf("round trip of %s: %v", s, err)
		}
	}
	u := a.UniqueKeyID
	if len(u) != 36 || u[14] != '4' || !strings.ContainsAny(u[19:20], "89ab") || strings.Count(u, "-") != 4 {
		t.Fatalf("unique key id %q is not a UUID v4", u)
	}
}
