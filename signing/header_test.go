package signing

import (
	"errors"
	"strings"
	"testing"
)

func TestParseHeaderAccepts(t *testing.T) {
	sig := `"` + vectorASig + `"`
	cases := []struct {
		name, in      string
		sub, uk, hdrs string
	}{
		{"emitted form", vectorAHeader, vectorASub, vectorAKeyID, SignedHeaders},
		{"comma and space", `Signature keyId="a.com|k1|ed25519", algorithm="ed25519", created="1", expires="2", headers="(created) (expires) digest", signature=` + sig, "a.com", "k1", SignedHeaders},
		{"any order", `Signature signature=` + sig + `,expires="2",created="1",algorithm="ed25519",keyId="a.com|k1|ed25519"`, "a.com", "k1", ""},
		{"no scheme", `keyId="a.com|k1|ed25519",algorithm="ed25519",created="1",expires="2",signature=` + sig, "a.com", "k1", ""},
		{"scheme any case", `signature keyId="a.com|k1|ed25519",algorithm="ed25519",created="1",expires="2",signature=` + sig, "a.com", "k1", ""},
		{"bare values", `Signature keyId=a.com|k1|ed25519,algorithm=ed25519,created=1,expires=2,signature=` + vectorASig, "a.com", "k1", ""},
		{"name case", `Signature KEYID="a.com|k1|ed25519",Algorithm="ed25519",Created="1",Expires="2",Signature=` + sig, "a.com", "k1", ""},
		{"2-part keyId with algorithm", `Signature keyId="a.com|ed25519",algorithm="ed25519",created="1",expires="2",signature=` + sig, "a.com", "", ""},
		{"2-part keyId with key id", `Signature keyId="a.com|k9",algorithm="ed25519",created="1",expires="2",signature=` + sig, "a.com", "k9", ""},
		{"unknown parameter ignored", `Signature keyId="a.com|k1|ed25519",algorithm="ed25519",x-extra="a,b",created="1",expires="2",signature=` + sig, "a.com", "k1", ""},
		{"ONDC headers without spaces", `Signature keyId="a.com|k1|ed25519",algorithm="ed25519",created="1",expires="2",headers="(created)(expires)digest",signature=` + sig, "a.com", "k1", "(created)(expires)digest"},
		{"trailing comma and spaces", `  Signature keyId="a.com|k1|ed25519",algorithm="ed25519",created="1",expires="2",signature=` + sig + `, `, "a.com", "k1", ""},
		{"unpadded signature", `Signature keyId="a.com|k1|ed25519",algorithm="ed25519",created="1",expires="2",signature="` + strings.TrimRight(vectorASig, "=") + `"`, "a.com", "k1", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := ParseHeader(c.in)
			if err != nil {
				t.Fatalf("ParseHeader: %v", err)
			}
			if h.SubscriberID != c.sub || h.UniqueKeyID != c.uk || h.Headers != c.hdrs || h.Algorithm != Algorithm || len(h.Signature) != 64 {
				t.Fatalf("got %+v", h)
			}
			if c.name != "emitted form" && (h.Created != 1 || h.Expires != 2) {
				t.Fatalf("created/expires = %d/%d", h.Created, h.Expires)
			}
		})
	}
}

func TestParseHeaderRejects(t *testing.T) {
	sig := `signature="` + vectorASig + `"`
	base := `keyId="a.com|k1|ed25519",algorithm="ed25519",created="1",expires="2",`
	cases := []struct {
		name, in, param string
		want            error
	}{
		{"empty", "", "", ErrHeaderSyntax},
		{"scheme only", "Signature", "", ErrHeaderSyntax},
		{"no equals", `Signature keyId`, "", ErrHeaderSyntax},
		{"other scheme", `Bearer eyJhbGciOi`, "", ErrHeaderSyntax},
		{"unterminated quote", `Signature keyId="a.com|k1|ed25519`, "keyId", ErrHeaderSyntax},
		{"junk after value", `Signature keyId="a|b|ed25519"x,algorithm="ed25519"`, "keyId", ErrHeaderSyntax},
		{"missing keyId", `Signature algorithm="ed25519",created="1",expires="2",` + sig, "keyId", ErrMissingParam},
		{"missing algorithm", `Signature keyId="a.com|k1|ed25519",created="1",expires="2",` + sig, "algorithm", ErrMissingParam},
		{"missing created", `Signature keyId="a.com|k1|ed25519",algorithm="ed25519",expires="2",` + sig, "created", ErrMissingParam},
		{"missing expires", `Signature keyId="a.com|k1|ed25519",algorithm="ed25519",created="1",` + sig, "expires", ErrMissingParam},
		{"missing signature", `Signature ` + strings.TrimSuffix(base, ","), "signature", ErrMissingParam},
		{"duplicate", `Signature ` + base + `created="3",` + sig, "created", ErrDuplicateParam},
		{"wrong algorithm", `Signature keyId="a.com|k1|rsa-sha256",algorithm="rsa-sha256",created="1",expires="2",` + sig, "algorithm", ErrBadAlgorithm},
		{"keyId algorithm differs", `Signature keyId="a.com|k1|rsa",algorithm="ed25519",created="1",expires="2",` + sig, "keyId", ErrBadAlgorithm},
		{"keyId one part", `Signature keyId="a.com",algorithm="ed25519",created="1",expires="2",` + sig, "keyId", ErrBadKeyID},
		{"keyId four parts", `Signature keyId="a|b|c|ed25519",algorithm="ed25519",created="1",expires="2",` + sig, "keyId", ErrBadKeyID},
		{"keyId empty part", `Signature keyId="|k1|ed25519",algorithm="ed25519",created="1",expires="2",` + sig, "keyId", ErrBadKeyID},
		{"created not a number", `Signature keyId="a.com|k1|ed25519",algorithm="ed25519",created="yesterday",expires="2",` + sig, "created", ErrBadNumber},
		{"created milliseconds float", `Signature keyId="a.com|k1|ed25519",algorithm="ed25519",created="1.5",expires="2",` + sig, "created", ErrBadNumber},
		{"expires negative", `Signature keyId="a.com|k1|ed25519",algorithm="ed25519",created="1",expires="-2",` + sig, "expires", ErrBadNumber},
		{"bad base64", `Signature ` + base + `signature="not base64!"`, "signature", ErrBadBase64},
		{"short signature", `Signature ` + base + `signature="AAAA"`, "signature", ErrBadSignatureLen},
		{"too long", `Signature ` + base + sig + `,x="` + strings.Repeat("a", maxHeaderLen) + `"`, "", ErrHeaderSyntax},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseHeader(c.in)
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v (%T), want *HeaderError", err, err)
			}
			if !errors.Is(err, c.want) || he.Param != c.param {
				t.Fatalf("err = %v (param %q), want %v for param %q", err, he.Param, c.want, c.param)
			}
			if !strings.HasPrefix(err.Error(), "signature header") {
				t.Fatalf("message %q does not say it is about the signature header", err)
			}
		})
	}
}

func TestChallenge(t *testing.T) {
	want := `Signature realm="bap.example.com",headers="(created) (expires) digest"`
	if got := Challenge("bap.example.com"); got != want {
		t.Fatalf("Challenge = %s", got)
	}
}

func TestHeaderStringTwoPart(t *testing.T) {
	h, err := ParseHeader(`Signature keyId="a.com|ed25519",algorithm="ed25519",created="1",expires="2",signature="` + vectorASig + `"`)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := ParseHeader(h.String())
	if err != nil || h2.SubscriberID != "a.com" || h2.UniqueKeyID != "" || h2.KeyID != "a.com|ed25519" {
		t.Fatalf("2-part round trip: %+v %v", h2, err)
	}
}
