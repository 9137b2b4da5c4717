package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/signing"
)

// fakeRegistry is an httptest registry that answers /lookup with answer,
// counts requests and remembers the last request.
type fakeRegistry struct {
	*httptest.Server
	hits    atomic.Int64
	lastReq atomic.Value // map[string]any
	lastHdr atomic.Value // http.Header
	lastRaw atomic.Value // []byte
	status  int
	answer  func(q map[string]any) string
}

func newFakeRegistry(t *testing.T, answer func(q map[string]any) string) *fakeRegistry {
	f := &fakeRegistry{status: http.StatusOK, answer: answer}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		raw, _ := io.ReadAll(r.Body)
		var q map[string]any
		_ = json.Unmarshal(raw, &q)
		f.lastReq.Store(q)
		f.lastHdr.Store(r.Header.Clone())
		f.lastRaw.Store(raw)
		if r.Method != http.MethodPost || r.URL.Path != "/reg/lookup" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		io.WriteString(w, f.answer(q))
	}))
	t.Cleanup(f.Close)
	return f
}

func fixedNow() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }

const twoRecords = `[
 {"subscriber_id":"bpp.a.org","subscriber_url":"https://bpp.a.org","type":"BPP","domain":"onest:learning-experiences","unique_key_id":"k-new",
  "signing_public_key":"` + pubRaw + `","valid_until":"2030-01-01T00:00:00Z","status":"SUBSCRIBED"},
 {"subscriber_id":"bpp.a.org","subscriber_url":"https://bpp.a.org","type":"BPP","domain":"onest:learning-experiences","unique_key_id":"k-old",
  "signing_public_key":"` + pubRaw + `","valid_until":"2025-01-01T00:00:00Z","status":"SUBSCRIBED"},
 {"subscriber_id":"bpp.b.org","url":"https://bpp.b.org","type":"BPP","domain":"onest:learning-experiences","key_id":"kb",
  "signing_public_key":"` + pubDER + `","status":"UNDER_SUBSCRIPTION"}
]`

func TestClientLookupRefilters(t *testing.T) {
	reg := newFakeRegistry(t, func(map[string]any) string { return twoRecords })
	c := &Client{BaseURL: reg.URL + "/reg/", Now: fixedNow}
	cases := []struct {
		name string
		q    Query
		want []string // key ids
	}{
		{"key the registry ignored", Query{SubscriberID: "bpp.a.org", KeyID: "k-new"}, []string{"k-new"}},
		{"expired key dropped", Query{SubscriberID: "bpp.a.org", KeyID: "k-old"}, nil},
		{"routing drops unsubscribed", Query{Type: "BPP", Domain: "onest:learning-experiences"}, []string{"k-new"}},
		{"other type", Query{Type: "BG"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			subs, err := c.Lookup(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range subs {
				got = append(got, s.KeyID)
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
				t.Fatalf("key ids %v, want %v", got, tc.want)
			}
		})
	}
	q := reg.lastReq.Load().(map[string]any)
	if q["type"] != "BG" {
		t.Fatalf("last request %v", q)
	}
	if h := reg.lastHdr.Load().(http.Header); h.Get("Content-Type") != "application/json" || h.Get("Authorization") != "" {
		t.Fatalf("headers %v", h)
	}
}

func TestClientLookupSendsNameVariants(t *testing.T) {
	reg := newFakeRegistry(t, func(map[string]any) string { return `[]` })
	c := &Client{BaseURL: reg.URL + "/reg", Now: fixedNow}
	if _, err := c.Lookup(context.Background(), Query{SubscriberID: "bpp.a.org", KeyID: "k1", City: "std:080"}); err != nil {
		t.Fatal(err)
	}
	q := reg.lastReq.Load().(map[string]any)
	for _, n := range []string{"key_id", "unique_key_id", "ukId"} {
		if q[n] != "k1" {
			t.Errorf("%s = %v", n, q[n])
		}
	}
	if loc, _ := q["location"].(map[string]any); loc == nil || loc["city"].(map[string]any)["code"] != "std:080" || q["city"] != "std:080" {
		t.Errorf("city filter %v", q)
	}
}

func TestClientLookupWrappers(t *testing.T) {
	rec := `{"subscriber_id":"bpp.a.org","url":"https://bpp.a.org","type":"BPP","key_id":"k1","signing_public_key":"` + pubRaw + `"}`
	for name, answer := range map[string]string{
		"bare array":    "[" + rec + "]",
		"single record": rec,
		"data array":    `{"message":"ok","data":[` + rec + `]}`,
		"DeDi details":  `{"message":"Record found","data":{"record_id":"r","details":` + rec + `,"created_at":"2025-01-01"}}`,
		"subscribers":   `{"subscribers":[` + rec + `]}`,
	} {
		t.Run(name, func(t *testing.T) {
			reg := newFakeRegistry(t, func(map[string]any) string { return answer })
			subs, err := (&Client{BaseURL: reg.URL + "/reg", Now: fixedNow}).Lookup(context.Background(), Query{SubscriberID: "bpp.a.org"})
			if err != nil || len(subs) != 1 || subs[0].KeyID != "k1" {
				t.Fatalf("subs %+v err %v", subs, err)
			}
		})
	}
}

func TestClientLookupSkipsUnreadableRecord(t *testing.T) {
	reg := newFakeRegistry(t, func(map[string]any) string {
		return `[{"subscriber_id":"a","valid_until":"soon"},{"subscriber_id":"a","key_id":"ok"}]`
	})
	subs, err := (&Client{BaseURL: reg.URL + "/reg", Now: fixedNow}).Lookup(context.Background(), Query{})
	if err != nil || len(subs) != 1 || subs[0].KeyID != "ok" {
		t.Fatalf("subs %+v err %v", subs, err)
	}
}

func TestClientLookupErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	cases := []struct {
		name   string
		status int
		answer string
		url    string
		kind   error
		code   int
	}{
		{"unreachable", 0, "", closedURL, ErrUnreachable, 0},
		{"bad URL", 0, "", "://nope", ErrUnreachable, 0},
		{"500", 500, `{"error":"boom"}`, "", ErrStatus, 500},
		{"401 unsigned lookup", 401, `{"message":{"ack":{"status":"NACK"}}}`, "", ErrStatus, 401},
		{"not JSON", 200, `<html>`, "", ErrUnparsable, 0},
		{"NACK object", 200, `{"message":{"ack":{"status":"NACK"}}}`, "", ErrUnparsable, 0},
		{"only bad records", 200, `[{"subscriber_id":"a","valid_from":"x"}]`, "", ErrUnparsable, 0},
		{"empty body", 200, ``, "", ErrUnparsable, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.url
			if base == "" {
				reg := newFakeRegistry(t, func(map[string]any) string { return tc.answer })
				reg.status = tc.status
				base = reg.URL + "/reg"
			}
			_, err := (&Client{BaseURL: base, Now: fixedNow}).Lookup(context.Background(), Query{SubscriberID: "a"})
			var re *Error
			if !errors.As(err, &re) || !errors.Is(err, tc.kind) || re.StatusCode != tc.code || re.Op != "lookup" {
				t.Fatalf("err = %v, want kind %v code %d", err, tc.kind, tc.code)
			}
			// The message says which call, where, and what went wrong.
			msg := err.Error()
			if !strings.HasPrefix(msg, "registry lookup ") || !strings.Contains(msg, tc.kind.Error()) ||
				(tc.code != 0 && !strings.Contains(msg, fmt.Sprintf("(HTTP %d)", tc.code))) ||
				(tc.url == "" && !strings.Contains(msg, base+"/lookup")) {
				t.Fatalf("message %q does not say what and where", msg)
			}
		})
	}
}

func TestClientSignsLookups(t *testing.T) {
	ks, err := signing.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	reg := newFakeRegistry(t, func(map[string]any) string { return `[]` })
	c := &Client{BaseURL: reg.URL + "/reg", Signer: &signing.Signer{SubscriberID: "bap.me", KeyID: ks.UniqueKeyID, Key: ks.SigningPrivate}}
	if _, err := c.Lookup(context.Background(), Query{SubscriberID: "x"}); err != nil {
		t.Fatal(err)
	}
	h, err := signing.ParseHeader(reg.lastHdr.Load().(http.Header).Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	if err := (signing.Verifier{}).VerifyFor(reg.lastRaw.Load().([]byte), h, ks.SigningPublic, "bap.me"); err != nil {
		t.Fatalf("registry cannot verify the lookup: %v", err)
	}
}
