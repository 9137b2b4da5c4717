package server_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
)

// TestConfiguredWebhookReceivesCallbacks checks the wiring of webhooks in
// a served BAP: a client with a webhook URL gets its search's callbacks,
// signed with its API key.
func TestConfiguredWebhookReceivesCallbacks(t *testing.T) {
	var mu sync.Mutex
	var got []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte(apiKey))
		mac.Write(body)
		if r.Header.Get("X-Seeker-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		got = append(got, string(body))
		mu.Unlock()
	}))
	defer hook.Close()
	s := startStack(t, sandbox.Options{Seed: 3}, func(c *config.Config) {
		c.Webhooks = map[string]string{"test": hook.URL}
	})
	txn := beckn.NewUUID()
	if status, ans := s.call("search", beckn.Context{Domain: beckn.DomainWork, TransactionID: txn}, map[string]any{"intent": map[string]any{}}); status != 200 || len(ans.Responses) == 0 {
		t.Fatalf("search: %d, %d responses", status, len(ans.Responses))
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no webhook delivery")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
