package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestCompatRefusesAnotherClientsTransaction: bob cannot send on alice's
// transaction through the protocol-server compatible API, so her
// callbacks, events and webhooks never mix with his.
func TestCompatRefusesAnotherClientsTransaction(t *testing.T) {
	h := newHarness(t, nil)
	status, _, body := h.call(http.MethodPost, "/v1/search", keyAlice, `{"domain":"onest:learning-experiences","intent":{}}`)
	if status != http.StatusAccepted {
		t.Fatalf("alice's search: %d %s", status, body)
	}
	var started struct {
		TransactionID string `json:"transaction_id"`
	}
	if err := json.Unmarshal(body, &started); err != nil || started.TransactionID == "" {
		t.Fatalf("search answer %s: %v", body, err)
	}
	req := `{"context":{"domain":"onest:learning-experiences","transaction_id":"` + started.TransactionID + `","bpp_id":"bpp.test"},"message":{"order":{"provider":{"id":"p"},"items":[{"id":"i"}]}}}`
	before := len(h.requests("/select"))
	status, _, body = h.call(http.MethodPost, "/select", keyBob, req)
	if status != http.StatusNotFound || !strings.Contains(string(body), "context.transaction_id") {
		t.Fatalf("bob on alice's transaction: %d %s", status, body)
	}
	if after := len(h.requests("/select")); after != before {
		t.Fatalf("bob's select was sent anyway")
	}
}
