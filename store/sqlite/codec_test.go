package sqlite

import (
	"database/sql"
	"maps"
	"testing"
)

// FuzzHeadersRoundTrip: whatever bytes a peer puts in header names and
// values come back exactly, through the JSON form or the exact form.
func FuzzHeadersRoundTrip(f *testing.F) {
	f.Add("Authorization", `Signature keyId="a|b|ed25519"`, "X-Other", "")
	f.Add("X-Bad", "caf\xe9\x00", "Content-Type", "application/json")
	f.Add("K\"\\", "\x01\x1f\u2028<>&", "", "स्वागत")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		h := map[string]string{k1: v1, k2: v2}
		view, exact, err := encodeHeaders(h)
		if err != nil {
			t.Fatal(err)
		}
		var ns sql.NullString
		if view != nil {
			ns = sql.NullString{String: view.(string), Valid: true}
		}
		got, err := decodeHeaders(ns, exact)
		if err != nil {
			t.Fatalf("decode %q / %q: %v", ns.String, exact, err)
		}
		if !maps.Equal(got, h) {
			t.Fatalf("round trip of %q = %q", h, got)
		}
	})
}
