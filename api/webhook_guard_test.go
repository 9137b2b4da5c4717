package api

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestInternalAddr(t *testing.T) {
	tests := []struct {
		ip       string
		internal bool
	}{
		{"127.0.0.1", true},
		{"::1", true},
		{"10.0.0.1", true},
		{"172.16.5.4", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true}, // cloud metadata
		{"100.64.0.1", true},      // CGNAT
		{"0.0.0.0", true},
		{"::", true},
		{"fe80::1", true},
		{"fc00::1", true},
		{"224.0.0.1", true},
		{"::ffff:10.0.0.1", true}, // IPv4-mapped private
		{"8.8.8.8", false},
		{"2001:4860:4860::8888", false},
		{"::ffff:8.8.8.8", false},
	}
	for _, tt := range tests {
		if got := internalAddr(netip.MustParseAddr(tt.ip)); got != tt.internal {
			t.Errorf("internalAddr(%s) = %v, want %v", tt.ip, got, tt.internal)
		}
	}
}

// The guard works on the dialled address, so a URL whose name resolves to
// loopback is refused as well as a literal one.
func TestGuardedClientRefusesInternalAddressesAtConnect(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		_, err := webhookClient(webhookTimeout, false).Post(u, "application/json", strings.NewReader("{}"))
		if err == nil || !strings.Contains(err.Error(), "internal address") {
			t.Fatalf("POST %s: err = %v, want a refusal naming the internal address", u, err)
		}
	}
	resp, err := webhookClient(webhookTimeout, true).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("with allowPrivate the post failed: %v", err)
	}
	resp.Body.Close()
}
