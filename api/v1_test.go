package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/api"
	"github.com/onest-seeker/seeker/beckn"
)

const (
	selectMsg  = `{"order":{"provider":{"id":"p1"},"items":[{"id":"i1"}]}}`
	confirmIn  = `{"order":{"id":"ord-1","provider":{"id":"p1"},"status":"ACTIVE","fulfillments":[{"state":{"descriptor":{"code":"APPLICATION-SUBMITTED"}}}]}}`
	onSelectIn = `{"order":{"provider":{"id":"p1"},"items":[{"id":"i1"}],"quote":{"price":{"value":"0"}}}}`
)

func TestSearchSendsTheIntentAndAnswersAtOnce(t *testing.T) {
	h := newHarness(t, nil)
	s, req := h.search(keyAlice)
	if s.TransactionID == "" || s.MessageID == "" || s.Seq <= 0 || s.Ack != "ACK" || s.Error != nil {
		t.Fatalf("answer %+v, want ids, a seq and ACK", s)
	}
	env, err := beckn.Decode(req)
	if err != nil {
		t.Fatal(err)
	}
	c := env.Context
	if c.Action != "search" || c.Domain != domain || c.TransactionID != s.TransactionID || c.MessageID != s.MessageID || c.BapID != bapID {
		t.Fatalf("provider got context %+v, want the search of transaction %s", c, s.TransactionID)
	}
	if string(env.Message) != `{"intent":`+intent+`}` {
		t.Fatalf("provider got message %s, want the intent as given", env.Message)
	}
	tr, err := h.store().Transaction(t.Context(), s.TransactionID)
	if err != nil || tr.Owner != "alice" {
		t.Fatalf("transaction %+v (%v), want one owned by alice", tr, err)
	}
}

func TestSearchToOneProviderWithTTL(t *testing.T) {
	h := newHarness(t, nil)
	status, _, b := h.call("POST", "/v1/search", keyAlice, `{"domain":"`+domain+`","intent":`+intent+`,"bpp_id":"`+bppID+`","ttl":"PT5S"}`)
	if status != http.StatusAccepted {
		t.Fatalf("status %d %s", status, b)
	}
	got := h.sent("/search")
	if len(got) != 1 {
		t.Fatalf("provider got %d searches", len(got))
	}
	env, _ := beckn.Decode(got[0].body)
	if env.Context.BppID != bppID || env.Context.TTL != "PT5S" {
		t.Fatalf("context %+v, want bpp_id %s and ttl PT5S", env.Context, bppID)
	}
}

func TestSearchRefusals(t *testing.T) {
	h := newHarness(t, func(c *api.Config) { c.BodyLimit = 4096 })
	tests := []struct {
		name, key, body string
		status          int
		code, path      string
	}{
		{"no key", "", `{"domain":"` + domain + `","intent":{}}`, http.StatusUnauthorized, "401", ""},
		{"unknown key", "nope", `{"domain":"` + domain + `","intent":{}}`, http.StatusUnauthorized, "401", ""},
		{"not JSON", keyAlice, `{"domain":`, http.StatusBadRequest, "30000", ""},
		{"no domain", keyAlice, `{"intent":{}}`, http.StatusBadRequest, "30000", "domain"},
		{"misspelt member", keyAlice, `{"domain":"` + domain + `","intent":{},"bppid":"x"}`, http.StatusBadRequest, "30000", "bppid"},
		{"wrong type", keyAlice, `{"domain":7,"intent":{}}`, http.StatusBadRequest, "30000", "domain"},
		{"unknown domain", keyAlice, `{"domain":"retail","intent":{}}`, http.StatusBadRequest, "30000", "domain"},
		{"no intent", keyAlice, `{"domain":"` + domain + `"}`, http.StatusBadRequest, "30000", "intent"},
		{"intent not an object", keyAlice, `{"domain":"` + domain + `","intent":"python"}`, http.StatusBadRequest, "30000", "intent"},
		{"bad ttl", keyAlice, `{"domain":"` + domain + `","intent":{},"ttl":"soon"}`, http.StatusBadRequest, "30000", "ttl"},
		{"unregistered provider", keyAlice, `{"domain":"` + domain + `","intent":{},"bpp_id":"nobody.test"}`, http.StatusBadRequest, "30001", "bpp_id"},
		{"body over the limit", keyAlice, `{"domain":"` + domain + `","intent":{"x":"` + strings.Repeat("a", 5000) + `"}}`, http.StatusRequestEntityTooLarge, "413", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, b := h.call("POST", "/v1/search", tt.key, tt.body)
			wantError(t, tt.name, status, b, tt.status, tt.code, tt.path)
			if tt.status == http.StatusUnauthorized && hdr.Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
		})
	}
	if n := len(h.requests("")); n != 0 {
		t.Fatalf("%d requests reached the provider", n)
	}
}

func TestActionDefaultsToTheProviderThatAnswered(t *testing.T) {
	h := newHarness(t, nil)
	s, req := h.search(keyAlice)
	h.deliver(h.callback(req, "", catalogA))

	status, _, b := h.call("POST", "/v1/transactions/"+s.TransactionID+"/select", keyAlice, `{"message":`+selectMsg+`}`)
	if status != http.StatusAccepted {
		t.Fatalf("select answered %d %s, want 202", status, b)
	}
	a := decode[sentAnswer](t, b)
	if a.Ack != "ACK" || a.TransactionID != s.TransactionID || a.Seq <= s.Seq || a.MessageID == "" {
		t.Fatalf("answer %+v", a)
	}
	got := h.sent("/select")
	if len(got) != 1 {
		t.Fatalf("provider got %d selects, want 1", len(got))
	}
	env, _ := beckn.Decode(got[0].body)
	if env.Context.BppID != bppID || env.Context.BppURI != h.bppSrv.URL || env.Context.TransactionID != s.TransactionID || env.Context.Domain != domain {
		t.Fatalf("select context %+v, want the transaction's provider and domain", env.Context)
	}
	if string(env.Message) != selectMsg {
		t.Fatalf("select message %s, want it as given", env.Message)
	}
}

func TestActionWithWaitReturnsTheCallbacks(t *testing.T) {
	h := newHarness(t, nil)
	s, _ := h.search(keyAlice)
	// Like a real provider, answer each message id once: a transport retry
	// of the same request gets an ACK but no second on_select.
	var answered sync.Map
	h.mu.Lock()
	h.after = func(r received) {
		env, err := beckn.Decode(r.body)
		if err != nil || r.path != "/select" {
			return
		}
		if _, dup := answered.LoadOrStore(env.Context.MessageID, true); !dup {
			if err := h.post(h.callback(r.body, "", onSelectIn)); err != nil {
				t.Error(err)
			}
		}
	}
	h.mu.Unlock()
	status, _, b := h.call("POST", "/v1/transactions/"+s.TransactionID+"/select?wait=true", keyAlice,
		`{"bpp_id":"`+bppID+`","message":`+selectMsg+`}`)
	if status != http.StatusOK {
		t.Fatalf("select?wait=true answered %d %s, want 200", status, b)
	}
	a := decode[sentAnswer](t, b)
	if len(a.Callbacks) != 1 {
		t.Fatalf("got %d callbacks, want the provider's on_select: %s", len(a.Callbacks), b)
	}
	env, err := beckn.Decode(a.Callbacks[0])
	if err != nil || env.Context.Action != "on_select" || env.Context.MessageID != a.MessageID {
		t.Fatalf("callback %s (%v), want the on_select of message %s", a.Callbacks[0], err, a.MessageID)
	}
}

func TestActionNackedByTheProvider(t *testing.T) {
	h := newHarness(t, nil)
	s, _ := h.search(keyAlice)
	h.mu.Lock()
	h.answer = func(received) (int, []byte) {
		return http.StatusBadRequest, beckn.NackBody(beckn.NewError(beckn.CodeItemNotFound, "message.order.items", "no such item"))
	}
	h.mu.Unlock()
	status, _, b := h.call("POST", "/v1/transactions/"+s.TransactionID+"/select", keyAlice, `{"bpp_id":"`+bppID+`","message":`+selectMsg+`}`)
	if status != http.StatusAccepted {
		t.Fatalf("status %d %s", status, b)
	}
	a := decode[sentAnswer](t, b)
	if a.Ack != "NACK" || a.Error == nil || string(a.Error.Code) != beckn.CodeItemNotFound {
		t.Fatalf("answer %+v, want the provider's NACK with code %s", a, beckn.CodeItemNotFound)
	}
}

func TestActionRefusals(t *testing.T) {
	h := newHarness(t, nil)
	s, _ := h.search(keyAlice) // no provider has answered yet
	base := "/v1/transactions/" + s.TransactionID + "/"
	tests := []struct {
		name, path, key, body string
		status                int
		code, at              string
	}{
		{"another client's transaction", base + "select", keyBob, `{"bpp_id":"` + bppID + `","message":{}}`, http.StatusNotFound, "404", "transaction_id"},
		{"unknown transaction", "/v1/transactions/nope/select", keyAlice, `{"bpp_id":"` + bppID + `","message":{}}`, http.StatusNotFound, "404", "transaction_id"},
		{"search is not an action on a transaction", base + "search", keyAlice, `{}`, http.StatusNotFound, "40001", "action"},
		{"unknown action", base + "buy", keyAlice, `{}`, http.StatusNotFound, "40001", "action"},
		{"no provider yet", base + "select", keyAlice, `{"message":` + selectMsg + `}`, http.StatusBadRequest, "30000", "bpp_id"},
		{"message not an object", base + "select", keyAlice, `{"bpp_id":"` + bppID + `","message":[1]}`, http.StatusBadRequest, "30000", "message"},
		{"not JSON", base + "select", keyAlice, `{"bpp_id":`, http.StatusBadRequest, "30000", ""},
		{"misspelt member", base + "select", keyAlice, `{"bpp_id":"` + bppID + `","mesage":{}}`, http.StatusBadRequest, "30000", "mesage"},
		{"unregistered provider", base + "select", keyAlice, `{"bpp_id":"nobody.test","message":{}}`, http.StatusBadRequest, "30001", "bpp_id"},
		{"no key", base + "select", "", `{}`, http.StatusUnauthorized, "401", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, b := h.call("POST", tt.path, tt.key, tt.body)
			wantError(t, tt.name, status, b, tt.status, tt.code, tt.at)
		})
	}
	if n := len(h.requests("/select")); n != 0 {
		t.Fatalf("%d selects reached the provider", n)
	}
}

// confirmed runs a search and a confirm whose on_confirm carries ord-1.
func confirmed(t *testing.T, h *harness) sentAnswer {
	s, req := h.search(keyAlice)
	h.deliver(h.callback(req, "", catalogA))
	status, _, b := h.call("POST", "/v1/transactions/"+s.TransactionID+"/confirm", keyAlice, `{"message":{"order":{"provider":{"id":"p1"},"items":[{"id":"i1"}]}}}`)
	if status != http.StatusAccepted {
		t.Fatalf("confirm answered %d %s", status, b)
	}
	got := h.sent("/confirm")
	h.deliver(h.callback(got[len(got)-1].body, "", confirmIn))
	return s
}

func TestTransactionShowsOrdersAndCounts(t *testing.T) {
	h := newHarness(t, nil)
	s := confirmed(t, h)
	status, _, b := h.call("GET", "/v1/transactions/"+s.TransactionID, keyAlice, "")
	if status != http.StatusOK {
		t.Fatalf("status %d %s", status, b)
	}
	v := decode[struct {
		Transaction struct {
			ID        string    `json:"id"`
			Domain    string    `json:"domain"`
			CreatedAt time.Time `json:"created_at"`
		} `json:"transaction"`
		Orders []struct {
			ID    string         `json:"id"`
			State string         `json:"state"`
			BppID string         `json:"bpp_id"`
			Order jsontext.Value `json:"order"`
		} `json:"orders"`
		Counts struct {
			Outbound  int            `json:"outbound"`
			Inbound   int            `json:"inbound"`
			Callbacks map[string]int `json:"callbacks"`
		} `json:"counts"`
	}](t, b)
	if v.Transaction.ID != s.TransactionID || v.Transaction.Domain != domain || v.Transaction.CreatedAt.IsZero() {
		t.Fatalf("transaction %+v", v.Transaction)
	}
	if len(v.Orders) != 1 || v.Orders[0].ID != "ord-1" || v.Orders[0].State != "APPLICATION-SUBMITTED" || v.Orders[0].BppID != bppID || !bytes.Contains(v.Orders[0].Order, []byte(`"ord-1"`)) {
		t.Fatalf("orders %+v, want ord-1 in APPLICATION-SUBMITTED", v.Orders)
	}
	if v.Counts.Outbound != 2 || v.Counts.Inbound != 2 || v.Counts.Callbacks["on_search"] != 1 || v.Counts.Callbacks["on_confirm"] != 1 {
		t.Fatalf("counts %+v, want 2 out, 2 in (on_search, on_confirm)", v.Counts)
	}
	status, _, b = h.call("GET", "/v1/transactions/"+s.TransactionID, keyBob, "")
	wantError(t, "bob reads alice's transaction", status, b, http.StatusNotFound, "404", "transaction_id")
}

func TestMessagesListMetadataAndRawOnRequest(t *testing.T) {
	h := newHarness(t, nil)
	s := confirmed(t, h)
	path := "/v1/transactions/" + s.TransactionID + "/messages"
	type msg struct {
		Seq         int64          `json:"seq"`
		Direction   string         `json:"direction"`
		Action      string         `json:"action"`
		Correlation string         `json:"correlation"`
		AckStatus   string         `json:"ack_status"`
		Signature   string         `json:"signature"`
		Raw         jsontext.Value `json:"raw"`
	}
	type list struct {
		Messages []msg `json:"messages"`
	}
	status, _, b := h.call("GET", path, keyAlice, "")
	if status != http.StatusOK {
		t.Fatalf("status %d %s", status, b)
	}
	l := decode[list](t, b)
	var got []string
	for i, m := range l.Messages {
		got = append(got, m.Direction+" "+m.Action)
		if m.Raw != nil {
			t.Fatalf("message %d carries its body without ?raw=true", m.Seq)
		}
		if i > 0 && m.Seq <= l.Messages[i-1].Seq {
			t.Fatalf("messages not in Seq order: %v", l.Messages)
		}
	}
	if strings.Join(got, ",") != "out search,in on_search,out confirm,in on_confirm" {
		t.Fatalf("messages %v", got)
	}
	if in := l.Messages[1]; in.Correlation != "solicited" || in.AckStatus != "ACK" || in.Signature != "valid" {
		t.Fatalf("on_search metadata %+v", in)
	}

	status, _, b = h.call("GET", path+"?raw=true&after="+strconv.FormatInt(l.Messages[0].Seq, 10)+"&limit=1", keyAlice, "")
	if status != http.StatusOK {
		t.Fatalf("status %d %s", status, b)
	}
	l2 := decode[list](t, b)
	if len(l2.Messages) != 1 || l2.Messages[0].Seq != l.Messages[1].Seq || !bytes.Contains(l2.Messages[0].Raw, []byte(`"page A"`)) {
		t.Fatalf("paged raw list %s, want only the on_search with its body", b)
	}

	for _, tt := range []struct {
		name, path, key, code, at string
		status                    int
	}{
		{"bob", path, keyBob, "404", "transaction_id", http.StatusNotFound},
		{"bad limit", path + "?limit=0", keyAlice, "30000", "limit", http.StatusBadRequest},
		{"bad after", path + "?after=x", keyAlice, "30000", "after", http.StatusBadRequest},
	} {
		status, _, b := h.call("GET", tt.path, tt.key, "")
		wantError(t, tt.name, status, b, tt.status, tt.code, tt.at)
	}
}

func TestOrderIsReadableByItsOwnerOnly(t *testing.T) {
	h := newHarness(t, nil)
	s := confirmed(t, h)
	status, _, b := h.call("GET", "/v1/orders/ord-1", keyAlice, "")
	if status != http.StatusOK {
		t.Fatalf("status %d %s", status, b)
	}
	o := decode[struct {
		ID            string         `json:"id"`
		TransactionID string         `json:"transaction_id"`
		State         string         `json:"state"`
		Order         jsontext.Value `json:"order"`
	}](t, b)
	if o.ID != "ord-1" || o.TransactionID != s.TransactionID || o.State != "APPLICATION-SUBMITTED" || !bytes.Contains(o.Order, []byte(`"ACTIVE"`)) {
		t.Fatalf("order %s", b)
	}
	status, _, b = h.call("GET", "/v1/orders/ord-1", keyBob, "")
	wantError(t, "bob reads alice's order", status, b, http.StatusNotFound, beckn.CodeOrderNotFound, "order_id")
	status, _, b = h.call("GET", "/v1/orders/ord-404", keyAlice, "")
	wantError(t, "unknown order", status, b, http.StatusNotFound, beckn.CodeOrderNotFound, "order_id")
}

func TestUnknownV1RouteAnswersJSON(t *testing.T) {
	h := newHarness(t, nil)
	status, _, b := h.call("GET", "/v1/nothing", keyAlice, "")
	wantError(t, "unknown route", status, b, http.StatusNotFound, "404", "")
	status, _, b = h.call("DELETE", "/v1/orders/ord-1", keyAlice, "")
	wantError(t, "unknown method", status, b, http.StatusNotFound, "404", "")
}

// GET /v1/messages (v1_export.go) is mounted with the other v1 routes and
// lists only the caller's messages.
func TestExportListingIsMounted(t *testing.T) {
	h := newHarness(t, nil)
	s, _ := h.search(keyAlice)
	h.search(keyBob)
	status, _, b := h.call("GET", "/v1/messages", keyAlice, "")
	if status != http.StatusOK {
		t.Fatalf("GET /v1/messages answered %d %s", status, b)
	}
	page := decode[struct {
		Messages []struct {
			TransactionID string `json:"transaction_id"`
			Action        string `json:"action"`
		} `json:"messages"`
	}](t, b)
	if len(page.Messages) != 1 || page.Messages[0].TransactionID != s.TransactionID || page.Messages[0].Action != "search" {
		t.Fatalf("alice's listing %s, want only her search", b)
	}
}
