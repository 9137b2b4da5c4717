package server_test

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/sandbox"
)

// TestSearchStreamsEachCallbackAsNDJSON reads a search as a stream: the
// request context first, then one callback per line, each a complete
// on_search from one of the domain's providers.
func TestSearchStreamsEachCallbackAsNDJSON(t *testing.T) {
	s := startStack(t, sandbox.Options{Seed: 5})
	body := []byte(`{"context":{"domain":"onest:work-opportunities"},"message":{"intent":{}}}`)
	req, _ := http.NewRequest(http.MethodPost, s.seeker.ClientURL()+"/search?stream=ndjson", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "application/x-ndjson" {
		t.Fatalf("answered %d %s", resp.StatusCode, ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 1<<20), 32<<20)
	var lines [][]byte
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) < 3 {
		t.Fatalf("got %d lines, want the context and a callback from each of the two work providers", len(lines))
	}
	var head struct {
		Context beckn.Context `json:"context"`
	}
	if err := beckn.Unmarshal(lines[0], &head); err != nil || head.Context.Action != "search" || head.Context.MessageID == "" {
		t.Fatalf("first line %q is not the request context: %v", lines[0], err)
	}
	from := map[string]bool{}
	for _, l := range lines[1:] {
		env, err := beckn.Decode(l)
		if err != nil || env.Context.Action != "on_search" || env.Context.MessageID != head.Context.MessageID {
			t.Fatalf("line %q is not an on_search answering the request: %v", l, err)
		}
		from[env.Context.BPPID()] = true
	}
	for _, p := range s.network.Description().Participants {
		if p.Type == "BPP" && p.Domains[0] == beckn.DomainWork && !from[p.SubscriberID] {
			t.Errorf("no line from %s", p.SubscriberID)
		}
	}
}
