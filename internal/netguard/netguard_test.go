package netguard

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestInternal(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, "100.64.0.1": true, "0.0.0.0": true, "::ffff:127.0.0.1": true, "fe80::1": true,
		"8.8.8.8": false, "2001:4860:4860::8888": false, "203.0.113.7": false,
	} {
		if got := Internal(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Internal(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestClientRefusesLoopbackUnlessAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	_, err := Client(false, 5*time.Second).Get(srv.URL)
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("guarded client reached loopback: err = %v", err)
	}
	resp, err := Client(true, 5*time.Second).Get(srv.URL)
	if err != nil {
		t.Fatalf("allowed client failed: %v", err)
	}
	resp.Body.Close()
}

func TestClientRefusesRedirectToAnotherHost(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL, http.StatusFound)
	}))
	defer srv.Close()
	if _, err := Client(true, 5*time.Second).Get(srv.URL); err == nil {
		t.Fatal("redirect to another host was followed")
	}
}
