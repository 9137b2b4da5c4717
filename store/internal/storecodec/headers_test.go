package storecodec

import (
	"errors"
	"maps"
	"testing"
)

func TestHeadersPackRoundTripAndDamage(t *testing.T) {
	h := map[string]string{"Authorization": "Signature keyId=\"a|b|ed25519\"", "X-Odd": "\xff\x00bytes", "": ""}
	got, err := UnpackHeaders(PackHeaders(h))
	if err != nil || !maps.Equal(got, h) {
		t.Fatalf("round trip = %q, %v", got, err)
	}
	packed := PackHeaders(h)
	for _, bad := range [][]byte{nil, {0xff}, packed[:len(packed)-1], append(append([]byte{}, packed...), 'x')} {
		if _, err := UnpackHeaders(bad); !errors.Is(err, ErrBadHeaders) {
			t.Errorf("UnpackHeaders(%q) = %v, want ErrBadHeaders", bad, err)
		}
	}
	if JSONSafe("a\x00b") || JSONSafe("\xff") || !JSONSafe("ok ✓") {
		t.Error("JSONSafe misjudges")
	}
}
