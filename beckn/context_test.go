package beckn

import (
	"regexp"
	"testing"
	"time"
)

func TestContextAccessorsFallBack(t *testing.T) {
	tests := []struct {
		name, body                                           string
		version, city, country, bapID, bapURI, bppID, bppURI string
	}{
		{
			name:    "1.1.0",
			body:    `{"version":"1.1.0","location":{"city":{"code":"std:080"},"country":{"code":"IND"}},"bap_id":"a","bap_uri":"https://a","bpp_id":"b","bpp_uri":"https://b"}`,
			version: "1.1.0", city: "std:080", country: "IND", bapID: "a", bapURI: "https://a", bppID: "b", bppURI: "https://b",
		},
		{
			name:    "0.9 flat",
			body:    `{"core_version":"0.9.4","city":"std:080","country":"IND","bap_id":"a","bap_uri":"https://a"}`,
			version: "0.9.4", city: "std:080", country: "IND", bapID: "a", bapURI: "https://a",
		},
		{
			name:    "upper-case BPP keys (Scholarlify)",
			body:    `{"version":"1.1.0","BPP_ID":"onest.scholarlify.com","BPP_URI":"https://s","BAP_ID":"x","BAP_URI":"https://x"}`,
			version: "1.1.0", bapID: "x", bapURI: "https://x", bppID: "onest.scholarlify.com", bppURI: "https://s",
		},
		{
			name: "bap_url typo", body: `{"bap_id":"a","bap_url":"https://a"}`, bapID: "a", bapURI: "https://a",
		},
		{
			name: "1.1.0 keys win over legacy", body: `{"version":"1.1.0","core_version":"0.9","bpp_id":"b","BPP_ID":"B","location":{"city":{"code":"std:011"}},"city":"std:080"}`,
			version: "1.1.0", bppID: "b", city: "std:011",
		},
		{
			name: "core_version as a number", body: `{"core_version":1.0}`, version: "1.0",
		},
		{
			name: "flat keys holding 1.1.0 objects", body: `{"city":{"code":"std:080","name":"Bangalore"},"country":{"code":"IND"}}`,
			city: "std:080", country: "IND",
		},
		{
			name: "numeric city code", body: `{"city":80}`, city: "80",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := decodeEncode[Context](t, tt.body)
			if c.CoreVersion() != tt.version || c.City() != tt.city || c.Country() != tt.country {
				t.Errorf("version %q city %q country %q", c.CoreVersion(), c.City(), c.Country())
			}
			if c.BAPID() != tt.bapID || c.BAPURI() != tt.bapURI || c.BPPID() != tt.bppID || c.BPPURI() != tt.bppURI {
				t.Errorf("bap %q %q bpp %q %q", c.BAPID(), c.BAPURI(), c.BPPID(), c.BPPURI())
			}
			// The raw keys survive: the re-encoding has the same members.
			wantTree, _ := parseTree([]byte(tt.body))
			gotTree, _ := parseTree([]byte(got))
			if d := diffTrees(wantTree, gotTree); len(d) > 0 {
				t.Errorf("round trip changed the context: %v", d)
			}
		})
	}
}

func TestContextTimeAndTTL(t *testing.T) {
	c := Context{Timestamp: " 2024-05-10T12:05:53Z", TTL: "PT30S"}
	exp, err := c.Expires()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 5, 10, 12, 6, 23, 0, time.UTC); !exp.Equal(want) {
		t.Fatalf("Expires = %v, want %v", exp, want)
	}
	c = Context{Timestamp: "2024-05-98T14:00:41.161Z", TTL: "PT30S"}
	if _, err := c.Expires(); err == nil {
		t.Fatal("an impossible date must be an error")
	}
	c = Context{Timestamp: "2022-12-15T05:23:03.4430000+00:00", TTL: "P1M"}
	if d, err := c.TTLDuration(); err != nil || d != Month {
		t.Fatalf("TTL = %v, %v", d, err)
	}
	if _, err := c.Time(); err != nil {
		t.Fatalf("seven fractional digits with an offset must parse: %v", err)
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewUUID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		u := NewUUID()
		if !uuidV4.MatchString(u) {
			t.Fatalf("%q is not an RFC 4122 v4 UUID", u)
		}
		if seen[u] {
			t.Fatalf("duplicate UUID %q", u)
		}
		seen[u] = true
	}
}

func TestContextTemplate(t *testing.T) {
	now := time.Date(2023, 2, 23, 8, 9, 2, 172_000_000, time.FixedZone("IST", 19800))
	tmpl := ContextTemplate{
		Domain: "dsep:courses", BapID: "bap.example.com", BapURI: "https://bap.example.com",
		Location: &Location{City: &City{Code: "std:080"}, Country: &Country{Code: "IND"}},
		TTL:      10 * time.Minute, Now: func() time.Time { return now },
	}
	c := tmpl.New(ActionSearch, "")
	if c.Domain != DomainLearning || c.Version != "1.1.0" || c.Action != ActionSearch || c.TTL != "PT10M" {
		t.Fatalf("context %+v", c)
	}
	if c.Timestamp != "2023-02-23T02:39:02.172Z" {
		t.Fatalf("timestamp %q, want UTC with milliseconds", c.Timestamp)
	}
	if !uuidV4.MatchString(c.TransactionID) || !uuidV4.MatchString(c.MessageID) || c.TransactionID == c.MessageID {
		t.Fatalf("ids %q %q", c.TransactionID, c.MessageID)
	}
	next := tmpl.New(ActionSelect, c.TransactionID)
	if next.TransactionID != c.TransactionID || next.MessageID == c.MessageID {
		t.Fatal("a journey keeps its transaction id and gets a new message id")
	}
	if next.Location == tmpl.Location {
		t.Fatal("the template's location must be copied, not shared")
	}
	b, err := Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"domain":"onest:learning-experiences","location":{"city":{"code":"std:080"},"country":{"code":"IND"}},"action":"search","version":"1.1.0",` +
		`"bap_id":"bap.example.com","bap_uri":"https://bap.example.com","transaction_id":"` + c.TransactionID + `","message_id":"` + c.MessageID +
		`","timestamp":"2023-02-23T02:39:02.172Z","ttl":"PT10M"}`
	if string(b) != want {
		t.Fatalf("encoded %s\nwant    %s", b, want)
	}
	if d := (ContextTemplate{}).New(ActionSearch, "t").TTL; d != "PT30S" {
		t.Fatalf("default ttl %q", d)
	}
}

func TestContextCallback(t *testing.T) {
	req := Context{
		Domain: DomainWork, Action: ActionSelect, Version: "1.1.0", BapID: "a", BapURI: "https://a",
		BppID: "b", BppURI: "https://b", TransactionID: "t", MessageID: "m", Timestamp: "2024-01-01T00:00:00.000Z", TTL: "PT30S",
		Unknown: []byte(`{"x":1}`),
	}
	cb := req.Callback()
	if cb.Action != ActionOnSelect || cb.TransactionID != "t" || cb.MessageID != "m" || cb.BppID != "b" || cb.TTL != "PT30S" {
		t.Fatalf("callback %+v", cb)
	}
	if cb.Timestamp != "" || cb.Unknown != nil {
		t.Fatalf("the callback sets its own timestamp and echoes no unknown members: %+v", cb)
	}
	legacy := Context{Action: ActionGetCancellationReasons, LegacyCoreVersion: "0.9.4", LegacyCity: FlatCode{Code: "std:080"}, LegacyCountry: FlatCode{Code: "IND"}, LegacyBppID: "B"}
	cb = legacy.Callback()
	if cb.Action != ActionCancellationReasons || cb.Version != "0.9.4" || cb.City() != "std:080" || cb.Country() != "IND" || cb.BppID != "B" {
		t.Fatalf("callback %+v", cb)
	}
	if !cb.LegacyCity.IsZero() || cb.LegacyBppID != "" || cb.LegacyCoreVersion != "" {
		t.Fatalf("a callback context is strict 1.1.0: %+v", cb)
	}
}

func TestActions(t *testing.T) {
	tests := []struct{ req, cb string }{
		{ActionSearch, ActionOnSearch}, {ActionSelect, ActionOnSelect}, {ActionInit, ActionOnInit},
		{ActionConfirm, ActionOnConfirm}, {ActionStatus, ActionOnStatus}, {ActionTrack, ActionOnTrack},
		{ActionCancel, ActionOnCancel}, {ActionUpdate, ActionOnUpdate}, {ActionRating, ActionOnRating},
		{ActionSupport, ActionOnSupport},
		{ActionGetCancellationReasons, ActionCancellationReasons},
		{ActionGetReturnReasons, ActionReturnReasons},
		{ActionGetRatingCategories, ActionRatingCategories},
	}
	if len(Actions()) != len(tests) || len(Callbacks()) != len(tests) {
		t.Fatalf("Actions/Callbacks lists have %d/%d entries, want %d", len(Actions()), len(Callbacks()), len(tests))
	}
	for i, tt := range tests {
		if got := CallbackAction(tt.req); got != tt.cb {
			t.Errorf("CallbackAction(%q) = %q, want %q", tt.req, got, tt.cb)
		}
		if got := RequestAction(tt.cb); got != tt.req {
			t.Errorf("RequestAction(%q) = %q, want %q", tt.cb, got, tt.req)
		}
		if IsCallback(tt.req) || !IsCallback(tt.cb) {
			t.Errorf("IsCallback wrong for %q/%q", tt.req, tt.cb)
		}
		if CallbackAction(tt.cb) != tt.cb || RequestAction(tt.req) != tt.req {
			t.Errorf("CallbackAction/RequestAction must be idempotent for %q", tt.req)
		}
		if Actions()[i] != tt.req || Callbacks()[i] != tt.cb {
			t.Errorf("list order at %d: %q %q", i, Actions()[i], Callbacks()[i])
		}
	}
}

func TestContextNormalized(t *testing.T) {
	c, _ := decodeEncode[Context](t, `{"domain":"dsep:courses","action":"on_status","core_version":"1.1.0","city":{"code":"std:080"},"country":"IND",`+
		`"bap_id":"a","bap_url":"https://a","BPP_ID":"b","BPP_URI":"https://b","transaction_id":"t","message_id":"m","timestamp":"ts","ttl":"PT5S","x":1}`)
	n := c.Normalized()
	want := Context{Domain: "dsep:courses", Action: ActionOnStatus, Version: "1.1.0",
		Location: &Location{City: &City{Code: "std:080"}, Country: &Country{Code: "IND"}},
		BapID:    "a", BapURI: "https://a", BppID: "b", BppURI: "https://b", TransactionID: "t", MessageID: "m", Timestamp: "ts", TTL: "PT5S"}
	if !sameContext(n, want) {
		got, _ := Marshal(&n)
		t.Fatalf("Normalized = %s", got)
	}
	if n.Unknown != nil || !n.LegacyCity.IsZero() || n.LegacyBppID != "" {
		t.Fatal("legacy and unknown members must be cleared")
	}
}
