package signing

import (
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
	"testing"
	"time"
)

// Test vectors of ../shared/reference/beckn-core-1.1.0.md §3.10, copied here
// (not read at run time) because they are the contract with every other
// Beckn implementation and must hold byte for byte.
const (
	vectorBody   = `{"context":{"domain":"nic2004:60212","country":"IND","city":"Kochi","action":"search","core_version":"0.9.1","bap_id":"bap.stayhalo.in","bap_uri":"https://8f9f-49-207-209-131.ngrok.io/protocol/","transaction_id":"e6d9f908-1d26-4ff3-a6d1-3af3d3721054","message_id":"a2fe6d52-9fe4-4d1a-9d0b-dccb8b48522d","timestamp":"2022-01-04T09:17:55.971Z","ttl":"P1M"},"message":{"intent":{"fulfillment":{"start":{"location":{"gps":"10.108768, 76.347517"}},"end":{"location":{"gps":"10.102997, 76.353480"}}}}}}`
	vectorDigest = "BLAKE-512=b6lf6lRgOweajukcvcLsagQ2T60+85kRh/Rd2bdS+TG/5ALebOEgDJfyCrre/1+BMu5nA94o4DT3pTFXuUg7sw=="

	vectorAPriv    = "lP3sHA+9gileOkXYJXh4Jg8tK0gEEMbf9yCPnFpbldhrAY+NErqL9WD+Vav7TE5tyVXGXBle9ONZi2W7o144eQ=="
	vectorAPub     = "awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk="
	vectorACreated = 1641287875
	vectorAExpires = 1641291475
	vectorASig     = "cjbhP0PFyrlSCNszJM1F/YmHDVAWsZqJUPzojnE/7TJU3fJ/rmIlgaUHEr5E0/2PIyf0tpSnWtT6cyNNlpmoAQ=="
	vectorASub     = "example-bap.com"
	vectorAKeyID   = "ae3ea24b-cfec-495e-81f8-044aaef164ac"
	vectorAHeader  = `Signature keyId="example-bap.com|ae3ea24b-cfec-495e-81f8-044aaef164ac|ed25519",algorithm="ed25519",created="1641287875",expires="1641291475",headers="(created) (expires) digest",signature="cjbhP0PFyrlSCNszJM1F/YmHDVAWsZqJUPzojnE/7TJU3fJ/rmIlgaUHEr5E0/2PIyf0tpSnWtT6cyNNlpmoAQ=="`

	vectorBPriv    = "hJ5sCmbe7s9Wateq6QAdBGloVSkLuLHWOXcRkzrMcVLthFldV4gnT9Vrnq9iDNPVSKuDqaercVjQwFlj0Ml+3Q=="
	vectorBPub     = "7YRZXVeIJ0/Va56vYgzT1Uirg6mnq3FY0MBZY9DJft0="
	vectorBCreated = 1641287885
	vectorBExpires = 1641291485
	vectorBSig     = "kUgvyU+bdXXkNuYKygbv0gkjArHKyF9Eg4pdCyxb+J1bMyQ6n4G1RVSM97qqKmgw04mgOkbhyz5chnD3PP1lDQ=="
)

// seedOf returns the 32-byte seed form of a 64-byte base64 key.
func seedOf(t *testing.T, b64 string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) != 64 {
		t.Fatalf("test key %q: %v (%d bytes)", b64, err, len(b))
	}
	return base64.StdEncoding.EncodeToString(b[:32])
}

func TestVectorDigestAndSigningString(t *testing.T) {
	if got := Digest([]byte(vectorBody)); got != vectorDigest {
		t.Fatalf("Digest = %s\nwant     %s", got, vectorDigest)
	}
	want := "(created): 1641287875\n(expires): 1641291475\ndigest: " + vectorDigest
	if got := SigningString(vectorACreated, vectorAExpires, vectorDigest); got != want {
		t.Fatalf("SigningString = %q\nwant            %q", got, want)
	}
	// BLAKE2b-512 sanity vector of the spec.
	if got := Digest([]byte("The quick brown fox jumps over the lazy dog")); got != DigestPrefix+"qK3Uvd39k+SHfSdG5igXsRY2Sh+nvBSNlQkLxzM7NnP4JAHPeqLkyx7NkCluPxTLVBP47Xe+cwRbE5FM3NapGA==" {
		t.Fatalf("BLAKE2b sanity vector: %s", got)
	}
}

func TestVectors(t *testing.T) {
	cases := []struct {
		name, priv, pub, sub, keyID string
		created, expires            int64
		sig                         string
	}{
		{"A 64-byte key", vectorAPriv, vectorAPub, vectorASub, vectorAKeyID, vectorACreated, vectorAExpires, vectorASig},
		{"A 32-byte seed", seedOf(t, vectorAPriv), vectorAPub, vectorASub, vectorAKeyID, vectorACreated, vectorAExpires, vectorASig},
		{"B 64-byte key", vectorBPriv, vectorBPub, "example-bg.com", "bg-key-1", vectorBCreated, vectorBExpires, vectorBSig},
		{"B 32-byte seed", seedOf(t, vectorBPriv), vectorBPub, "example-bg.com", "bg-key-1", vectorBCreated, vectorBExpires, vectorBSig},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			priv, err := ParsePrivateKey(c.priv)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ParsePublicKey(c.pub)
			if err != nil {
				t.Fatal(err)
			}
			if !pub.Equal(priv.Public()) {
				t.Fatalf("public key of the private key differs from the published one")
			}
			s := Signer{SubscriberID: c.sub, KeyID: c.keyID, Key: priv}
			hv := s.Sign([]byte(vectorBody), time.Unix(c.created, 0), time.Unix(c.expires, 0))
			want := `Signature keyId="` + c.sub + "|" + c.keyID + `|ed25519",algorithm="ed25519",created="` +
				itoa(c.created) + `",expires="` + itoa(c.expires) + `",headers="(created) (expires) digest",signature="` + c.sig + `"`
			if hv != want {
				t.Fatalf("header\n got %s\nwant %s", hv, want)
			}
			h, err := ParseHeader(hv)
			if err != nil {
				t.Fatal(err)
			}
			if h.SubscriberID != c.sub || h.UniqueKeyID != c.keyID || h.Created != c.created || h.Expires != c.expires ||
				base64.StdEncoding.EncodeToString(h.Signature) != c.sig {
				t.Fatalf("round trip lost data: %+v", h)
			}
			if h.String() != hv {
				t.Fatalf("Header.String() = %s", h.String())
			}
			v := Verifier{Now: func() time.Time { return time.Unix(c.created+60, 0) }}
			if err := v.VerifyFor([]byte(vectorBody), h, pub, c.sub); err != nil {
				t.Fatalf("verify: %v", err)
			}
		})
	}
	// The header text of the reference, as printed there.
	s := Signer{SubscriberID: vectorASub, KeyID: vectorAKeyID, Key: ed25519.PrivateKey(mustB64(t, vectorAPriv))}
	if got := s.SignUnix([]byte(vectorBody), vectorACreated, vectorAExpires); got != vectorAHeader {
		t.Fatalf("vector A header\n got %s\nwant %s", got, vectorAHeader)
	}
}

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
