package bpp

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"github.com/go-json-experiment/json/jsontext"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

// Lookups that fail are ACKed and answered by a callback with the ONEST
// error code (see serveAction's error policy).
func TestUnknownIDsGetONESTErrors(t *testing.T) {
	h := newHarness(t, domainFinancial, 0)
	cases := []struct {
		action, msg, callback, code string
	}{
		{"select", `{"order":{"provider":{"id":"nobody"},"items":[{"id":"` + RefScholarshipItem + `"}]}}`, "on_select", beckn.CodeProviderNotFound},
		{"select", `{"order":{"items":[{"id":"no-such-item"}]}}`, "on_select", beckn.CodeItemNotFound},
		{"init", `{"order":{"provider":{"id":"pmcare"},"items":[{"id":"` + RefScholarshipItem + `"}]}}`, "on_init", beckn.CodeItemNotFound},
		{"init", `{"order":{"items":[{"id":"` + RefScholarshipItem + `"}],"fulfillments":[{"id":"nope"}]}}`, "on_init", beckn.CodeFulfillmentUnavailable},
		{"confirm", `{"order":{}}`, "on_confirm", beckn.CodeItemNotFound},
		{"status", `{"order_id":"APP_00000000"}`, "on_status", beckn.CodeOrderNotFound},
		{"track", `{"order_id":"nope"}`, "on_track", beckn.CodeOrderNotFound},
		{"update", `{"update_target":"order.fulfillments[0].contact","order":{"id":"nope"}}`, "on_update", beckn.CodeOrderNotFound},
		{"update", `{"update_target":"order.items[0].price","order":{"id":"` + RefOrderFSStatus + `"}}`, "on_update", beckn.CodeInvalidUpdateTarget},
		{"update", `{"update_target":"order.fulfillments[0].contact","order":{"id":"` + RefOrderFSStatus + `"}}`, "on_update", beckn.CodeUpdateInconsistency},
		{"cancel", `{"order_id":"nope","cancellation_reason_id":"1"}`, "on_cancel", beckn.CodeOrderNotFound},
		{"cancel", `{"order_id":"` + RefOrderFSTrack + `","cancellation_reason_id":"99"}`, "on_cancel", beckn.CodeInvalidCancellationReason},
		{"rating", `{"ratings":[{"id":"` + RefOrderFSSupport + `","rating_category":"SPEED","value":"4"}]}`, "on_rating", beckn.CodeUnsupportedRatingCategory},
		{"rating", `{"ratings":[{"id":"` + RefOrderFSSupport + `","rating_category":"Order","value":"11"}]}`, "on_rating", beckn.CodeInvalidRatingValue},
		{"rating", `{"rating":{"id":"ghost","rating_category":"Order","value":"3"}}`, "on_rating", beckn.CodeEntityToRateNotFound},
		{"support", `{"support":{"ref_id":"ghost"}}`, "on_support", beckn.CodeOrderNotFound},
	}
	for _, c := range cases {
		mid := h.call(c.action, beckn.NewUUID(), c.msg, nil)
		cb := h.waitFor(c.callback, mid)
		if got := errCode(cb); got != c.code {
			t.Errorf("%s %s: callback error %q, want %s (%s); body %s", c.action, c.msg, got, c.code, beckn.ErrorText(c.code), cb.Body)
		}
		if cb.Env.Error != nil && (cb.Env.Error.Message == "" || cb.Env.Error.Paths == "") {
			t.Errorf("%s: error must say what and where: %+v", c.action, cb.Env.Error)
		}
	}
}

// What is wrong with the request itself is a synchronous NACK.
func TestMalformedRequestsAreNACKed(t *testing.T) {
	h := newHarness(t, domainLearning, 0)
	ctx := func(mut func(m map[string]any)) map[string]any {
		c := h.ctx("status", beckn.NewUUID())
		mut(c)
		return c
	}
	cases := []struct {
		name   string
		action string
		body   []byte
		path   string
	}{
		{"action mismatch", "status", h.body(ctx(func(m map[string]any) { m["action"] = "track" }), `{"order_id":"x"}`), "context.action"},
		{"other domain", "status", h.body(ctx(func(m map[string]any) { m["domain"] = domainWork }), `{"order_id":"x"}`), "context.domain"},
		{"no transaction id", "status", h.body(ctx(func(m map[string]any) { delete(m, "transaction_id") }), `{"order_id":"x"}`), "context.transaction_id"},
		{"no bap_uri", "status", h.body(ctx(func(m map[string]any) { delete(m, "bap_uri") }), `{"order_id":"x"}`), "context.bap_uri"},
		{"another bpp", "status", h.body(ctx(func(m map[string]any) { m["bpp_id"] = "someone.else" }), `{"order_id":"x"}`), "context.bpp_id"},
		{"status without order id", "status", h.body(ctx(func(m map[string]any) {}), `{}`), "message.order_id"},
		{"order not an object", "select", h.body(h.ctx("select", beckn.NewUUID()), `{"order":"pick the first"}`), "message.order"},
		{"rating without ratings", "rating", h.body(h.ctx("rating", beckn.NewUUID()), `{}`), "message.ratings"},
	}
	for _, c := range cases {
		r := h.post(c.action, c.body, nil)
		ack, err := beckn.ParseAckResponse(r.Body)
		if r.Status != 400 || err != nil || ack.Acked() || ack.Error == nil || !strings.HasPrefix(ack.Error.Paths, c.path) {
			t.Errorf("%s: want NACK 400 at %s, got HTTP %d %s", c.name, c.path, r.Status, r.Body)
		}
	}
	// A legacy domain code is the same domain.
	c := h.ctx("status", beckn.NewUUID())
	c["domain"] = "dsep:courses"
	if r := h.post("status", h.body(c, `{"order_id":"`+RefOrderTrack+`"}`), nil); r.Status != 200 {
		t.Errorf("legacy domain dsep:courses: HTTP %d %s", r.Status, r.Body)
	}
	// Only POST.
	resp, err := http.Get(h.srv.URL + "/search")
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /search: %v %v", resp.Status, err)
	}
}

// Signatures: unsigned, tampered, unknown signer and a keyId that names
// someone else than bap_id are all 401 with WWW-Authenticate.
func TestInboundSignatureChecks(t *testing.T) {
	h := newHarness(t, domainExpert, 0)
	body := h.body(h.ctx("search", beckn.NewUUID()), `{"intent":{}}`)
	good := signing.Signer{SubscriberID: testBAPID, KeyID: "bapkey", Key: h.bapKey}
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	cases := []struct {
		name string
		auth string
		body []byte
		hdr  map[string]string
	}{
		{"unsigned", "", body, nil},
		{"garbage header", "Signature nonsense", body, nil},
		{"tampered body", good.SignNow(body, time.Minute), append(bytes.Clone(body[:len(body)-1]), []byte(` }`)...), nil},
		{"wrong key", (&signing.Signer{SubscriberID: testBAPID, KeyID: "bapkey", Key: stranger}).SignNow(body, time.Minute), body, nil},
		{"unknown signer", (&signing.Signer{SubscriberID: "who.knows", KeyID: "k", Key: stranger}).SignNow(body, time.Minute), body, nil},
		{"expired", good.Sign(body, time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)), body, nil},
		{"bad gateway signature", good.SignNow(body, time.Minute), body, map[string]string{"X-Gateway-Authorization": good.SignNow([]byte("other"), time.Minute)}},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/search", bytes.NewReader(c.body))
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		chal := resp.Header.Get("WWW-Authenticate") + resp.Header.Get("Proxy-Authenticate")
		if resp.StatusCode != 401 || !strings.Contains(chal, `realm="`+h.bppID+`"`) {
			t.Errorf("%s: HTTP %d, challenge %q; want 401 with a challenge", c.name, resp.StatusCode, chal)
		}
	}
	// A valid gateway signature beside the BAP's passes.
	gwPub, gwKey, _ := ed25519.GenerateKey(rand.Reader)
	keys := h.bpp.cfg.Keys
	h.bpp.cfg.Keys = func(ctx context.Context, sub, kid string) (ed25519.PublicKey, error) {
		if sub == "gw.test.local" {
			return gwPub, nil
		}
		return keys(ctx, sub, kid)
	}
	gw := signing.Signer{SubscriberID: "gw.test.local", KeyID: "g1", Key: gwKey}
	if r := h.post("search", body, map[string]string{"Proxy-Authorization": gw.SignNow(body, time.Minute)}); r.Status != 200 {
		t.Errorf("search with a valid gateway signature: HTTP %d %s", r.Status, r.Body)
	}
}

// Cancelling twice answers with the cancelled order; a completed order
// cannot be cancelled; updates of a cancelled order are refused.
func TestCancelRules(t *testing.T) {
	h := newHarness(t, domainLearning, 0)
	for i := 0; i < 2; i++ {
		mid := h.call("cancel", beckn.NewUUID(), `{"order_id":"`+RefOrderCancel+`","cancellation_reason_id":"12","descriptor":{"short_desc":"changed my mind"}}`, nil)
		o := decode[beckn.OrderMessage](t, h.waitFor("on_cancel", mid))
		if o.Order.Status != "CANCELLED" || o.Order.Cancellation == nil || o.Order.Cancellation.Reason.ID != "12" || fulState(o.Order) != "NOT-STARTED" {
			t.Errorf("cancel #%d: %+v", i+1, o.Order)
		}
	}
	mid := h.call("update", beckn.NewUUID(), `{"update_target":"order.fulfillments[0].customer.person.name","order":{"id":"`+RefOrderCancel+`","fulfillments":[{"customer":{"person":{"name":"X"}}}]}}`, nil)
	if c := h.waitFor("on_update", mid); errCode(c) != beckn.CodeUpdationNotPossible {
		t.Errorf("update of a cancelled order: %s", c.Body)
	}
	// The learner reports completion (DSEP update-course-status), then cancel is refused.
	mid = h.call("update", beckn.NewUUID(), `{"update_target":"order.fulfillments[0].state","order":{"id":"`+RefOrderTrack+`","fulfillments":[{"state":{"descriptor":{"code":"COMPLETED"}}}]}}`, nil)
	up := decode[beckn.OrderMessage](t, h.waitFor("on_update", mid))
	if fulState(up.Order) != "COMPLETED" || !strings.Contains(string(mustJSON(up.Order.Fulfillments[0].Tags)), "course-certificate") {
		t.Errorf("completion update: state %q tags %s", fulState(up.Order), mustJSON(up.Order.Fulfillments[0].Tags))
	}
	mid = h.call("cancel", beckn.NewUUID(), `{"order_id":"`+RefOrderTrack+`","cancellation_reason_id":"1"}`, nil)
	if c := h.waitFor("on_cancel", mid); errCode(c) != beckn.CodeCancellationNotPossible {
		t.Errorf("cancel of a completed order: %s", c.Body)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	keys := func(context.Context, string, string) (ed25519.PublicKey, error) { return nil, nil }
	good := Config{SubscriberID: "b", KeyID: "k", SigningKey: key, Domain: domainWork, BaseURL: "http://127.0.0.1:1", Keys: keys}
	if b, err := New(good); err != nil {
		t.Fatalf("valid config refused: %v", err)
	} else {
		b.Close()
	}
	for name, mut := range map[string]func(*Config){
		"no id":      func(c *Config) { c.SubscriberID = "" },
		"short key":  func(c *Config) { c.SigningKey = key[:10] },
		"no keys":    func(c *Config) { c.Keys = nil },
		"bad domain": func(c *Config) { c.Domain = "retail" },
		"bad url":    func(c *Config) { c.BaseURL = "localhost:80" },
	} {
		c := good
		mut(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: New accepted %+v", name, c)
		}
	}
	c := good
	c.Domain = "dsep:jobs"
	if b, err := New(c); err != nil || b.cfg.Domain != domainWork {
		t.Errorf("legacy domain not normalised: %v", err)
	} else {
		b.Close()
	}
}

// Callbacks never leave loopback unless allowed.
func TestCallbacksStayOnLoopback(t *testing.T) {
	h := newHarness(t, domainWork, 0)
	ctx := beckn.Context{BapURI: "https://wo-ps-bap-network.onest.network"}
	if _, err := h.bpp.destination(ctx, "on_status"); err == nil {
		t.Errorf("a public bap_uri was accepted as a callback destination")
	}
	for _, u := range []string{"http://127.0.0.1:9/x", "http://[::1]:9", "http://localhost:9/"} {
		if d, err := h.bpp.destination(beckn.Context{BapURI: u}, "on_status"); err != nil || !strings.HasSuffix(d, "/on_status") || strings.Contains(d, "//on_status") {
			t.Errorf("%s: %q %v", u, d, err)
		}
	}
}

// FuzzHandle feeds arbitrary messages to every action's handler: no panic,
// and whatever it answers encodes.
func FuzzHandle(f *testing.F) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	b, err := New(Config{SubscriberID: "fuzz.bpp", KeyID: "k", SigningKey: key, Domain: domainExpert, BaseURL: "http://127.0.0.1:1", TimeScale: 1e-6,
		Keys: func(context.Context, string, string) (ed25519.PublicKey, error) { return nil, errors.New("none") }})
	if err != nil {
		f.Fatal(err)
	}
	defer b.Close()
	actions := []string{"select", "init", "confirm", "status", "update", "cancel", "rating", "support", "track", "get_cancellation_reasons", "search"}
	for i, s := range []string{
		`{"order":{"item":{"id":"` + RefSessionConfirm + `"},"fulfillment":{"customer":{"person":{"dob":"25-01-1991"}}}}}`,
		`{"order":{"items":[{"id":"` + RefSessionInit + `"}],"fulfillments":[{"id":"` + RefSessionInitSlot + `"}]}}`,
		`{"order":{}}`,
		`{"order_id":"` + RefOrderStatus + `"}`,
		`{"update_target":"order.fulfillments[0].time","order":{"id":"` + RefOrderShared + `","fulfillments":[{"time":{"range":{"start":"2023-02-20T23:23:16","end":"2023-02-21T01:23:16"}}}]}}`,
		`{"order_id":"` + RefOrderCancel + `","cancellation_reason_id":"12"}`,
		`{"id":"` + RefOrderECTrack + `","rating_category":"MENTOR-KNOWLEDGE","value":"4"}`,
		`{"ref_id":"` + RefOrderECTrack + `"}`,
		`{"order_id":"` + RefOrderECTrack + `"}`,
		`{}`,
		`{"intent":{"fulfillment":{"agent":{"person":{"name":"Radhika"}}}}}`,
	} {
		f.Add(uint8(i), "txn-1", s)
	}
	f.Fuzz(func(t *testing.T, which uint8, txn, msg string) {
		if !jsontext.Value(msg).IsValid() {
			return
		}
		action := actions[int(which)%len(actions)]
		ctx := beckn.Context{Domain: domainExpert, Action: action, Version: "1.1.0", BapID: "bap", BapURI: "http://127.0.0.1:2",
			TransactionID: txn, MessageID: "m"}
		var out []outbound
		if action == "search" {
			in, ex, err := decodeSearch(jsontext.Value(msg))
			if err != nil {
				return
			}
			out = b.handleSearch(ctx, in, ex, Faults{})
		} else {
			var e *beckn.Error
			if out, e = b.handle(ctx, action, jsontext.Value(msg)); e != nil {
				if e.Code == "" || e.Message == "" {
					t.Fatalf("NACK without code or message: %+v", e)
				}
				return
			}
		}
		if len(out) == 0 {
			t.Fatalf("%s answered no callback", action)
		}
		for _, o := range out {
			if _, err := b.encode(b.callbackContext(ctx, o.Action, ""), o); err != nil {
				t.Fatalf("%s: callback does not encode: %v", action, err)
			}
		}
	})
}
