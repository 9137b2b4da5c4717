package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// exportList is the answer of GET /v1/messages.
type exportList struct {
	Messages []struct {
		Seq           int64  `json:"seq"`
		Direction     string `json:"direction"`
		Action        string `json:"action"`
		TransactionID string `json:"transaction_id"`
		Domain        string `json:"domain"`
		AckStatus     string `json:"ack_status"`
		RawBase64     []byte `json:"raw_base64"`
	} `json:"messages"`
	NextAfter int64 `json:"next_after"`
	More      bool  `json:"more"`
}

func get(t *testing.T, url, key string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestExportListsTheClientsMessagesWithExactBodies: alice sees her
// messages across transactions in Seq order with the stored bytes; bob's
// transaction is not among them; paging returns the same list.
func TestExportListsTheClientsMessagesWithExactBodies(t *testing.T) {
	h := newHarness(t, nil)
	url := h.apiSrv.URL + "/v1/messages"
	a1 := confirmed(t, h)
	bob, _ := h.search(keyBob)
	a2, _ := h.search(keyAlice)

	status, b := get(t, url+"?raw=true", keyAlice)
	if status != http.StatusOK {
		t.Fatalf("status %d %s", status, b)
	}
	l := decode[exportList](t, b)
	stored, err := h.store().Messages(context.Background(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var want []*store.Message
	for _, m := range stored {
		if m.TransactionID == a1.TransactionID || m.TransactionID == a2.TransactionID {
			want = append(want, m)
		}
	}
	if len(l.Messages) != len(want) || l.More {
		t.Fatalf("alice got %d messages (more=%v), want her %d: %s", len(l.Messages), l.More, len(want), b)
	}
	for i, m := range l.Messages {
		if m.TransactionID == bob.TransactionID {
			t.Fatalf("alice sees bob's transaction")
		}
		if m.Seq != want[i].Seq || !bytes.Equal(m.RawBase64, want[i].Raw) || m.Domain != want[i].Domain {
			t.Fatalf("message %d: seq %d domain %q body %q, want seq %d domain %q body %q", i, m.Seq, m.Domain, m.RawBase64, want[i].Seq, want[i].Domain, want[i].Raw)
		}
	}

	// Paging one at a time gives the same list.
	var paged []int64
	after := int64(0)
	for range 100 {
		status, b := get(t, url+"?limit=1&after="+strconv.FormatInt(after, 10), keyAlice)
		if status != http.StatusOK {
			t.Fatalf("page after %d: %d %s", after, status, b)
		}
		p := decode[exportList](t, b)
		for _, m := range p.Messages {
			paged = append(paged, m.Seq)
			if m.RawBase64 != nil {
				t.Fatalf("a body without raw=true")
			}
		}
		if !p.More {
			break
		}
		after = p.NextAfter
	}
	if len(paged) != len(want) {
		t.Fatalf("paging gave seqs %v, want %d messages", paged, len(want))
	}

	// Filters.
	status, b = get(t, url+"?transaction_id="+a2.TransactionID, keyAlice)
	if l := decode[exportList](t, b); status != 200 || len(l.Messages) != 1 || l.Messages[0].Action != "search" {
		t.Fatalf("transaction filter: %d %s", status, b)
	}
	status, b = get(t, url+"?domain=onest:work-opportunities", keyAlice)
	if l := decode[exportList](t, b); status != 200 || len(l.Messages) != 0 {
		t.Fatalf("domain filter: %d %s", status, b)
	}
	status, b = get(t, url+"?domain=dsep:courses", keyAlice)
	if l := decode[exportList](t, b); status != 200 || len(l.Messages) != len(want) {
		t.Fatalf("legacy domain code: %d %s", status, b)
	}
	status, b = get(t, url+"?since="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339), keyAlice)
	if l := decode[exportList](t, b); status != 200 || len(l.Messages) != 0 {
		t.Fatalf("since filter: %d %s", status, b)
	}
	status, b = get(t, url, keyBob)
	if l := decode[exportList](t, b); status != 200 || len(l.Messages) != 1 || l.Messages[0].TransactionID != bob.TransactionID {
		t.Fatalf("bob's list: %d %s", status, b)
	}

	for _, tt := range []struct{ name, query, key, path string }{
		{"bad limit", "?limit=0", keyAlice, "limit"},
		{"limit too big", "?limit=5000", keyAlice, "limit"},
		{"bad after", "?after=-1", keyAlice, "after"},
		{"bad domain", "?domain=onest:cooking", keyAlice, "domain"},
		{"bad since", "?since=yesterday", keyAlice, "since"},
	} {
		status, b := get(t, url+tt.query, tt.key)
		wantError(t, tt.name, status, b, http.StatusBadRequest, "30000", tt.path)
	}
	if status, b := get(t, url, ""); status != http.StatusUnauthorized || !strings.Contains(string(b), "API key") {
		t.Fatalf("no key: %d %s", status, b)
	}
}
