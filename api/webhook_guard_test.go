package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/internal/netguard"
	"github.com/onest-seeker/seeker/store"
)

func TestCheckWebhookURL(t *testing.T) {
	tests := []struct {
		url     string
		private bool
		want    string // "" = accepted
	}{
		{"https://app.example.com/hooks/seeker", false, ""},
		{"http://203.0.113.7:8080/hook", false, ""},
		{"http://127.0.0.1:9/hook", false, "internal address"},
		{"http://[::1]:9/hook", false, "internal address"},
		{"http://169.254.169.254/latest", false, "internal address"}, // cloud metadata
		{"https://10.1.2.3/hook", false, "internal address"},
		{"http://localhost:9/hook", false, "loopback"},
		{"http://127.0.0.1:9/hook", true, ""},
		{"ftp://example.com/hook", true, "http:// or https://"},
		{"http:///hook", true, "no host"},
		{"http://a b/", true, "not a URL"},
	}
	for _, tt := range tests {
		err := checkWebhookURL(tt.url, tt.private)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s (private %v): refused: %v", tt.url, tt.private, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s (private %v): err = %v, want one saying %q", tt.url, tt.private, err, tt.want)
		}
	}
}

// Deliveries go through the dial-time guard, which also catches what the
// start check cannot see (names that resolve to internal addresses). The
// target is configured with a public documentation address that is never
// dialled, then pointed at a loopback app as DNS rebinding would.
func TestDeliveriesRefuseInternalAddressesAtConnect(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("a guarded delivery reached the loopback app")
	}))
	defer app.Close()
	w, err := NewWebhooks(Config{Engine: new(engine.Engine), Keys: map[string]string{"key-0123456789abcdef": "alice"}, Webhooks: map[string]string{"alice": "http://203.0.113.7/hook"}})
	if err != nil {
		t.Fatal(err)
	}
	w.targets[0].url = app.URL
	_, err = w.targets[0].post(t.Context(), []byte("{}"), "sha256=00", &store.Message{Action: "on_search", Seq: 1})
	if !errors.Is(err, netguard.ErrForbidden) {
		t.Fatalf("delivery to %s: err = %v, want netguard.ErrForbidden", app.URL, err)
	}
}
