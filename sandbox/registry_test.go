package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
)

const testAdminKey = "test-admin-key"

func newTestRegistry(t *testing.T, stateFile string) (*Registry, *httptest.Server) {
	t.Helper()
	rg, err := NewRegistry(RegistryOptions{Identity: DeriveIdentity(1, "registry.test"), AdminKey: testAdminKey, StateFile: stateFile})
	if err != nil {
		t.Fatalf("NewRegistry: %v", err)
	}
	srv := httptest.NewServer(rg.Handler())
	t.Cleanup(srv.Close)
	return rg, srv
}

func lookupRaw(t *testing.T, url string, body string) []map[string]any {
	t.Helper()
	code, b := postJSON(t, url+"/lookup", []byte(body), nil)
	if code != 200 {
		t.Fatalf("lookup %s: HTTP %d %s", body, code, b)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("lookup answer %s: %v", b, err)
	}
	return out
}

func TestRegistryLookupFilters(t *testing.T) {
	rg, srv := newTestRegistry(t, "")
	now := time.Now()
	le1 := DeriveIdentity(1, "le-1.test").Record(registry.TypeBPP, "onest:learning-experiences", "http://127.0.0.1:1/le1", now)
	le1.City = "std:080"
	le2 := DeriveIdentity(1, "le-2.test").Record(registry.TypeBPP, "onest:learning-experiences", "http://127.0.0.1:1/le2", now)
	le2.City = "*"
	wo := DeriveIdentity(1, "wo-1.test").Record(registry.TypeBPP, "onest:work-opportunities", "http://127.0.0.1:1/wo", now)
	wo.City = "std:011"
	bap := DeriveIdentity(1, "bap.test").Record(registry.TypeBAP, "onest:learning-experiences", "http://127.0.0.1:1/bap", now)
	pending := DeriveIdentity(1, "pending.test").Record(registry.TypeBPP, "onest:learning-experiences", "http://127.0.0.1:1/p", now)
	pending.Status = registry.StatusInitiated
	var bg []registry.Subscriber
	for _, d := range []string{"onest:learning-experiences", "onest:work-opportunities"} {
		bg = append(bg, DeriveIdentity(1, "bg.test").Record(registry.TypeBG, d, "http://127.0.0.1:1/bg", now))
	}
	if _, err := rg.Put(append([]registry.Subscriber{le1, le2, wo, bap, pending}, bg...)...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body string
		want []string // subscriber ids, sorted
	}{
		{"everything subscribed", `{}`, []string{"bap.test", "bg.test", "bg.test", "le-1.test", "le-2.test", "wo-1.test"}},
		{"type BPP", `{"type":"BPP"}`, []string{"le-1.test", "le-2.test", "wo-1.test"}},
		{"type lower case", `{"type":"bpp","domain":"onest:work-opportunities"}`, []string{"wo-1.test"}},
		{"legacy domain code", `{"type":"BPP","domain":"dsep:courses"}`, []string{"le-1.test", "le-2.test"}},
		{"flat city keeps wildcard", `{"type":"BPP","city":"std:080"}`, []string{"le-1.test", "le-2.test"}},
		{"location city code", `{"type":"BPP","location":{"city":{"code":"std:011"}}}`, []string{"le-2.test", "wo-1.test"}},
		{"country", `{"type":"BAP","country":"IND"}`, []string{"bap.test"}},
		{"other country", `{"country":"USA"}`, nil},
		{"subscriber id", `{"subscriber_id":"bg.test"}`, []string{"bg.test", "bg.test"}},
		{"subscriber and domain", `{"subscriber_id":"bg.test","domain":"onest:work-opportunities"}`, []string{"bg.test"}},
		{"key_id", fmt.Sprintf(`{"key_id":%q}`, le1.KeyID), []string{"le-1.test"}},
		{"unique_key_id", fmt.Sprintf(`{"unique_key_id":%q}`, wo.KeyID), []string{"wo-1.test"}},
		{"ukId", fmt.Sprintf(`{"subscriber_id":"bap.test","ukId":%q}`, bap.KeyID), []string{"bap.test"}},
		{"ukId of another subscriber", fmt.Sprintf(`{"subscriber_id":"bap.test","ukId":%q}`, wo.KeyID), nil},
		{"status filter shows pending", `{"status":"INITIATED"}`, []string{"pending.test"}},
		{"unknown subscriber", `{"subscriber_id":"nobody"}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range lookupRaw(t, srv.URL, tc.body) {
				got = append(got, r["subscriber_id"].(string))
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("lookup %s = %v, want %v", tc.body, got, tc.want)
			}
		})
	}

	// Both field-name variants, and the Succinct /subscribers/ base path.
	code, b := postJSON(t, srv.URL+"/subscribers/lookup", fmt.Appendf(nil, `{"subscriber_id":"le-1.test","ukId":%q}`, le1.KeyID), nil)
	if code != 200 {
		t.Fatalf("/subscribers/lookup: %d %s", code, b)
	}
	var recs []map[string]any
	if err := json.Unmarshal(b, &recs); err != nil || len(recs) != 1 {
		t.Fatalf("answer %s (%v)", b, err)
	}
	r := recs[0]
	for k, want := range map[string]string{"subscriber_url": le1.URL, "url": le1.URL, "ukId": le1.KeyID, "unique_key_id": le1.KeyID,
		"key_id": le1.KeyID, "signing_public_key": le1.SigningPublicKey, "encr_public_key": le1.EncrPublicKey, "status": "SUBSCRIBED", "city": "std:080"} {
		if r[k] != want {
			t.Errorf("record field %s = %v, want %q (record %s)", k, r[k], want, b)
		}
	}
	for _, k := range []string{"valid_from", "valid_until", "created", "updated"} {
		if _, ok := r[k]; !ok {
			t.Errorf("record has no %s: %s", k, b)
		}
	}

	// The registry package's client (what Seeker uses) reads the answer.
	c := &registry.Client{BaseURL: srv.URL}
	subs, err := c.Lookup(context.Background(), registry.Query{Type: "BPP", Domain: "onest:work-opportunities"})
	if err != nil || len(subs) != 1 || subs[0].URL != wo.URL || subs[0].KeyID != wo.KeyID {
		t.Fatalf("registry.Client.Lookup = %+v, %v", subs, err)
	}

	// GET with query parameters uses the same rules.
	resp, err := http.Get(srv.URL + "/lookup?type=BPP&domain=onest:learning-experiences&city=std:011")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []registry.Subscriber
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || len(got) != 1 || got[0].SubscriberID != "le-2.test" {
		t.Fatalf("GET lookup = %+v, %v", got, err)
	}

	// Malformed requests get a 400 that says what to send.
	if code, b := postJSON(t, srv.URL+"/lookup", []byte(`["type"]`), nil); code != 400 || !strings.Contains(string(b), "JSON object") {
		t.Fatalf("array body: %d %s", code, b)
	}
}

// subscriberServer is a participant's /on_subscribe endpoint. answer, when
// set, replaces the correct answer (a participant that cannot decrypt).
func subscriberServer(t *testing.T, id Identity, rg *Registry, answer string) *httptest.Server {
	t.Helper()
	h := registry.OnSubscribeHandler(id.EncryptionPrivate, rg.opts.Identity.EncryptionPublic)
	h.RegistrySigningKey = rg.opts.Identity.SigningPublic
	mux := http.NewServeMux()
	mux.HandleFunc("POST /on_subscribe", func(w http.ResponseWriter, r *http.Request) {
		if answer != "" {
			writeJSON(w, 200, map[string]string{"answer": answer})
			return
		}
		h.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func subscribeRaw(t *testing.T, regURL string, rec registry.Subscriber, signer *signing.Signer) (int, subscribeAnswer, string) {
	t.Helper()
	body, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	hdr := map[string]string{}
	if signer != nil {
		hdr["Authorization"] = signer.SignNow(body, time.Minute)
	}
	code, b := postJSON(t, regURL+"/subscribe", body, hdr)
	var ans subscribeAnswer
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatalf("subscribe answer %s: %v", b, err)
	}
	return code, ans, string(b)
}

func statusOf(t *testing.T, rg *Registry, id string) string {
	t.Helper()
	for _, r := range rg.Records() {
		if r.SubscriberID == id {
			return r.Status
		}
	}
	return ""
}

func TestRegistrySubscribeChallenge(t *testing.T) {
	rg, srv := newTestRegistry(t, "")
	ctx := context.Background()

	good := DeriveIdentity(2, "good-bap.test")
	goodSrv := subscriberServer(t, good, rg, "")
	rec := good.Record(registry.TypeBAP, "onest:financial-support", goodSrv.URL, time.Now())
	rec.Status = ""
	status, err := registry.Subscribe(ctx, &registry.Client{BaseURL: srv.URL}, good.Signer(), rec)
	if err != nil || status != registry.StatusSubscribed {
		t.Fatalf("registry.Subscribe with a correct answer = %q, %v; want SUBSCRIBED", status, err)
	}
	if got := lookupRaw(t, srv.URL, `{"subscriber_id":"good-bap.test"}`); len(got) != 1 {
		t.Fatalf("subscribed participant not found by lookup: %v", got)
	}

	bad := DeriveIdentity(2, "bad-bpp.test")
	badSrv := subscriberServer(t, bad, rg, "00000000000000000000000000000000")
	badRec := bad.Record(registry.TypeBPP, "onest:financial-support", badSrv.URL, time.Now())
	code, ans, raw := subscribeRaw(t, srv.URL, badRec, bad.Signer())
	if code != 400 || ans.Status != registry.StatusInitiated || ans.Error == nil || ans.Error.Code != subErrChallenge || !strings.Contains(ans.Error.Message, "does not match") {
		t.Fatalf("wrong challenge answer: HTTP %d %s; want 400, INITIATED, CHALLENGE_FAILED saying it does not match", code, raw)
	}
	if s := statusOf(t, rg, "bad-bpp.test"); s != registry.StatusInitiated {
		t.Fatalf("status after a wrong answer = %q, want INITIATED", s)
	}
	if got := lookupRaw(t, srv.URL, `{"subscriber_id":"bad-bpp.test"}`); len(got) != 0 {
		t.Fatalf("a participant that failed the challenge is returned by lookup: %v", got)
	}

	// A subscriber whose URL does not answer at all.
	gone := DeriveIdentity(2, "gone.test")
	goneSrv := httptest.NewServer(http.NotFoundHandler())
	goneURL := goneSrv.URL
	goneSrv.Close()
	code, ans, raw = subscribeRaw(t, srv.URL, gone.Record(registry.TypeBPP, "onest:expert-connect", goneURL, time.Now()), gone.Signer())
	if code != 400 || ans.Status != registry.StatusInitiated || !strings.Contains(ans.Error.Message, "on_subscribe") {
		t.Fatalf("unreachable subscriber: HTTP %d %s", code, raw)
	}
}

func TestRegistrySubscribeRequiresSignature(t *testing.T) {
	rg, srv := newTestRegistry(t, "")
	id := DeriveIdentity(3, "bap.test")
	sub := subscriberServer(t, id, rg, "")
	rec := id.Record(registry.TypeBAP, "onest:work-opportunities", sub.URL, time.Now())
	other := DeriveIdentity(3, "other.test")
	forged := &signing.Signer{SubscriberID: id.SubscriberID, KeyID: id.UniqueKeyID, Key: other.SigningPrivate}

	tests := []struct {
		name   string
		signer *signing.Signer
		want   string
	}{
		{"unsigned", nil, "must be signed"},
		{"signed by another key under our key id", forged, "signature check failed"},
		{"signed by another subscriber", other.Signer(), "may only subscribe itself"},
		{"new subscriber signing with a key it does not register", &signing.Signer{SubscriberID: id.SubscriberID, KeyID: "other-key", Key: id.SigningPrivate}, "must sign with the key it registers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/subscribe", nil)
			body, _ := json.Marshal(rec)
			req.Body = io.NopCloser(bytes.NewReader(body))
			if tc.signer != nil {
				req.Header.Set("Authorization", tc.signer.SignNow(body, time.Minute))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" || !strings.Contains(string(b), tc.want) {
				t.Fatalf("HTTP %d, WWW-Authenticate %q, body %s; want 401 with a challenge and %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), b, tc.want)
			}
			if s := statusOf(t, rg, id.SubscriberID); s != "" {
				t.Fatalf("a refused request left a record with status %q", s)
			}
		})
	}

	// Once subscribed, a new key must be introduced with the registered one.
	if code, ans, raw := subscribeRaw(t, srv.URL, rec, id.Signer()); code != 200 || ans.Status != registry.StatusSubscribed {
		t.Fatalf("first subscribe: %d %s", code, raw)
	}
	rotated := DeriveIdentity(4, "bap.test")
	rotRec := rotated.Record(registry.TypeBAP, "onest:work-opportunities", sub.URL, time.Now())
	if code, _, raw := subscribeRaw(t, srv.URL, rotRec, rotated.Signer()); code != 401 || !strings.Contains(raw, "already subscribed") {
		t.Fatalf("takeover with a fresh key: HTTP %d %s; want 401 naming the registered key", code, raw)
	}
}

func TestRegistryStateSurvivesRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state", "registry.json")
	rg, _ := newTestRegistry(t, state)
	rec := DeriveIdentity(5, "bpp.test").Record(registry.TypeBPP, "dsep:scholarships", "http://127.0.0.1:9/bpp/", time.Now())
	if _, err := rg.Put(rec); err != nil {
		t.Fatal(err)
	}
	_, srv2 := newTestRegistry(t, state)
	got := lookupRaw(t, srv2.URL, `{"type":"BPP","domain":"onest:financial-support"}`)
	if len(got) != 1 || got[0]["subscriber_id"] != "bpp.test" || got[0]["url"] != "http://127.0.0.1:9/bpp" || got[0]["domain"] != "onest:financial-support" {
		t.Fatalf("after restart lookup = %v; want the stored record with its domain normalised and URL trimmed", got)
	}

	if err := writeFileAtomic(state, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	_, err := NewRegistry(RegistryOptions{Identity: DeriveIdentity(1, "registry.test"), StateFile: state})
	if err == nil || !strings.Contains(err.Error(), state) {
		t.Fatalf("corrupt state file: err = %v; want an error naming %s", err, state)
	}
}

func TestRegistryAdminRequiresKey(t *testing.T) {
	rg, srv := newTestRegistry(t, "")
	id := DeriveIdentity(6, "integrator-bap.test")
	rec, _ := json.Marshal(id.Record(registry.TypeBAP, "onest:expert-connect", "http://127.0.0.1:9/bap", time.Now()))

	for _, hdr := range []map[string]string{nil, {"Authorization": "Bearer wrong"}, {"Authorization": testAdminKey}} {
		if code, b := postJSON(t, srv.URL+"/admin/subscribers", rec, hdr); code != 401 || !strings.Contains(string(b), "Bearer") {
			t.Fatalf("admin POST with %v: %d %s; want 401", hdr, code, b)
		}
	}
	if len(rg.Records()) != 0 {
		t.Fatalf("an unauthorised admin call stored a record")
	}
	auth := map[string]string{"Authorization": "Bearer " + testAdminKey}
	if code, b := postJSON(t, srv.URL+"/admin/subscribers", rec, auth); code != 200 {
		t.Fatalf("admin POST: %d %s", code, b)
	}
	if code, b := postJSON(t, srv.URL+"/admin/subscribers", []byte(`[{"subscriber_id":"x","type":"BPP"}]`), auth); code != 400 || !strings.Contains(string(b), "missing url") {
		t.Fatalf("admin POST of an incomplete record: %d %s", code, b)
	}
	if got := lookupRaw(t, srv.URL, `{"subscriber_id":"integrator-bap.test"}`); len(got) != 1 {
		t.Fatalf("admin-registered participant not found: %v", got)
	}

	do := func(method, path string, hdr map[string]string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := do("GET", "/admin/subscribers", nil); code != 401 {
		t.Fatalf("admin GET without key: %d", code)
	}
	if code, b := do("GET", "/admin/subscribers", auth); code != 200 || !strings.Contains(b, "integrator-bap.test") {
		t.Fatalf("admin GET: %d %s", code, b)
	}
	if code, _ := do("DELETE", "/admin/subscribers/integrator-bap.test", nil); code != 401 {
		t.Fatalf("admin DELETE without key: %d", code)
	}
	if code, b := do("DELETE", "/admin/subscribers/integrator-bap.test", auth); code != 200 || !strings.Contains(b, `"deleted":1`) {
		t.Fatalf("admin DELETE: %d %s", code, b)
	}
	if got := lookupRaw(t, srv.URL, `{"subscriber_id":"integrator-bap.test"}`); len(got) != 0 {
		t.Fatalf("deleted participant still found: %v", got)
	}
}

func TestLoadSeedFile(t *testing.T) {
	dir := t.TempDir()
	id := DeriveIdentity(7, "seeded.test")
	rec := id.Record(registry.TypeBPP, "onest:work-opportunities", "http://127.0.0.1:9/x", time.Now())
	one, _ := json.Marshal(rec)
	list, _ := json.Marshal([]registry.Subscriber{rec, rec})
	for name, content := range map[string][]byte{"one.json": one, "list.json": list} {
		p := filepath.Join(dir, name)
		if err := writeFileAtomic(p, content); err != nil {
			t.Fatal(err)
		}
		got, err := LoadSeedFile(p)
		if err != nil || len(got) == 0 || got[0].SubscriberID != "seeded.test" || got[0].KeyID != id.UniqueKeyID {
			t.Fatalf("LoadSeedFile(%s) = %+v, %v", name, got, err)
		}
	}
	p := filepath.Join(dir, "bad.json")
	_ = writeFileAtomic(p, []byte(`"nope"`))
	if _, err := LoadSeedFile(p); err == nil {
		t.Fatalf("LoadSeedFile of a string succeeded")
	}
	if _, err := NewRegistry(RegistryOptions{Identity: DeriveIdentity(1, "r"), Seed: []registry.Subscriber{{SubscriberID: "no-url", Type: "BPP"}}}); err == nil || !strings.Contains(err.Error(), "missing url") {
		t.Fatalf("a seed without url: err = %v", err)
	}
}

func TestLoopbackClientRefusesRemote(t *testing.T) {
	c := loopbackHTTPClient(5*time.Second, false)
	_, err := c.Get("http://192.0.2.1:80/") // TEST-NET-1: refused before any packet leaves
	if err == nil || !strings.Contains(err.Error(), "only loopback") {
		t.Fatalf("GET to a non-loopback address: err = %v; want a refusal", err)
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the refusal came from a timeout, so a connection was attempted: %v", err)
	}
}

func FuzzParseLookupRequest(f *testing.F) {
	for _, s := range []string{`{}`, ``, `{"type":"bpp","domain":"dsep:courses","location":{"city":{"code":"std:080"}}}`,
		`{"subscriber_id":12,"ukId":"k","unique_key_id":"u"}`, `{"city":{"name":"Delhi"},"country":"IND"}`, `[1]`, `{"valid_from":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fl, err := ParseLookupRequest(body)
		if err != nil {
			return
		}
		if fl.Type != strings.ToUpper(fl.Type) {
			t.Fatalf("type %q not upper-cased", fl.Type)
		}
		// A filter must match a record that carries exactly its own values.
		rec := registry.Subscriber{SubscriberID: fl.SubscriberID, Type: fl.Type, Domain: fl.Domain, City: fl.City,
			Country: fl.Country, KeyID: fl.KeyID, Status: registry.StatusSubscribed}
		if fl.Status == "" && !fl.match(rec) {
			t.Fatalf("filter %+v does not match its own record", fl)
		}
	})
}

func TestRegistryKeyRotationAndFailedResubscribe(t *testing.T) {
	rg, srv := newTestRegistry(t, "")
	old := DeriveIdentity(8, "rotating.test")
	oldSrv := subscriberServer(t, old, rg, "")
	rec := old.Record(registry.TypeBPP, "onest:work-opportunities", oldSrv.URL, time.Now())
	if code, _, raw := subscribeRaw(t, srv.URL, rec, old.Signer()); code != 200 {
		t.Fatalf("first subscribe: %d %s", code, raw)
	}

	// A new key, introduced with a signature by the registered one.
	next := DeriveIdentity(9, "rotating.test")
	nextSrv := subscriberServer(t, next, rg, "")
	nextRec := next.Record(registry.TypeBPP, "onest:work-opportunities", nextSrv.URL, time.Now())
	if code, ans, raw := subscribeRaw(t, srv.URL, nextRec, old.Signer()); code != 200 || ans.Status != registry.StatusSubscribed {
		t.Fatalf("rotation signed by the registered key: %d %s", code, raw)
	}
	var keys []string
	for _, r := range lookupRaw(t, srv.URL, `{"subscriber_id":"rotating.test"}`) {
		keys = append(keys, r["key_id"].(string))
	}
	slices.Sort(keys)
	want := []string{old.UniqueKeyID, next.UniqueKeyID}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("keys after rotation %v, want both %v (old signatures still verify until the old key expires)", keys, want)
	}

	// Re-subscribing the same record at a URL that cannot answer leaves the
	// SUBSCRIBED record as it was, and says so.
	broken := subscriberServer(t, old, rg, "not-the-answer")
	moved := rec
	moved.URL = broken.URL
	code, ans, raw := subscribeRaw(t, srv.URL, moved, old.Signer())
	if code != 400 || ans.Status != registry.StatusSubscribed || !strings.Contains(ans.Error.Message, "unchanged") {
		t.Fatalf("failed re-subscribe: %d %s; want 400 keeping status SUBSCRIBED and saying the record is unchanged", code, raw)
	}
	got := lookupRaw(t, srv.URL, fmt.Sprintf(`{"subscriber_id":"rotating.test","key_id":%q}`, old.UniqueKeyID))
	if len(got) != 1 || got[0]["url"] != oldSrv.URL {
		t.Fatalf("after a failed re-subscribe the record is %v; want it unchanged at %s", got, oldSrv.URL)
	}
}
