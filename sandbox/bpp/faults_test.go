package bpp

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/beckn"
)

func TestParseFaults(t *testing.T) {
	cases := []struct {
		in      string
		want    Faults
		wantErr string
	}{
		{"", Faults{}, ""},
		{"none", Faults{}, ""},
		{"delay=2s,nack=40001,duplicate=2", Faults{Delay: 2 * time.Second, NackCode: "40001", Duplicates: 2}, ""},
		{" delay = PT1.5S , silent ", Faults{Delay: 1500 * time.Millisecond, Silent: true}, ""},
		{"nack", Faults{NackCode: "40000"}, ""},
		{"nack=30004,nack-message=try later", Faults{NackCode: "30004", NackMessage: "try later"}, ""},
		{"bad-signature,wrong-key-id,malformed,late,large-catalog,sloppy", Faults{BadSignature: true, WrongKeyID: true, Malformed: true, Late: true, LargeCatalog: true, Sloppy: true}, ""},
		{"duplicate", Faults{Duplicates: 1}, ""},
		{"sloppy=false,late=true", Faults{Late: true}, ""},
		{"delay=2", Faults{}, "not a duration"},
		{"delay=-1s", Faults{}, "outside"},
		{"delay=1h", Faults{}, "outside"},
		{"nack=4001", Faults{}, "five-digit"},
		{"duplicate=99", Faults{}, "between 0 and 20"},
		{"late=maybe", Faults{}, "not true or false"},
		{"explode", Faults{}, "unknown fault"},
	}
	for _, c := range cases {
		got, err := ParseFaults(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseFaults(%q): error %v, want one containing %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseFaults(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestFaultsStringRoundTrip(t *testing.T) {
	for _, f := range []Faults{{}, {Delay: 250 * time.Millisecond, Duplicates: 3, Sloppy: true},
		{NackCode: "50001", NackMessage: "no, thanks", Silent: true, Late: true, LargeCatalog: true, BadSignature: true, WrongKeyID: true, Malformed: true}} {
		back, err := ParseFaults(f.String())
		want := f
		want.NackMessage = strings.ReplaceAll(want.NackMessage, ",", ";")
		if err != nil || back != want {
			t.Errorf("round trip of %+v via %q: %+v, %v", f, f.String(), back, err)
		}
	}
}

func FuzzParseFaults(f *testing.F) {
	for _, s := range []string{"delay=2s,nack=40001,duplicate=2", "silent", "late,sloppy", "nack-message=a=b", "delay=PT0.5S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fs, err := ParseFaults(s)
		if err != nil {
			return
		}
		if fs.Delay < 0 || fs.Delay > maxFaultDelay || fs.Duplicates < 0 || fs.Duplicates > maxDuplicates {
			t.Fatalf("ParseFaults(%q) accepted out-of-range values: %+v", s, fs)
		}
		if strings.Contains(fs.NackMessage, ",") {
			return // commas in messages do not survive the compact form by design
		}
		back, err := ParseFaults(fs.String())
		if err != nil || back != fs {
			t.Fatalf("ParseFaults(%q).String() = %q does not parse back: %+v, %v", s, fs.String(), back, err)
		}
	})
}

func TestRequestFaultsFromIntentTags(t *testing.T) {
	in, _, err := decodeSearch(jsontext.Value(`{"intent":{"tags":[{"descriptor":{"code":"sandbox-fault"},"list":[
		{"descriptor":{"code":"delay"},"value":"10ms"},{"descriptor":{"code":"sloppy"}},{"descriptor":{"code":"spec"},"value":"duplicate=2"}]}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	f, ok, err := requestFaults("", in, "me")
	if !ok || err != nil || f != (Faults{Delay: 10 * time.Millisecond, Sloppy: true, Duplicates: 2}) {
		t.Errorf("faults from intent tags: %+v %v %v", f, ok, err)
	}
	if f, ok, err := requestFaults("silent", in, "me"); !ok || err != nil || !f.Silent || f.Sloppy {
		t.Errorf("the header wins over tags: %+v %v %v", f, ok, err)
	}
	if _, ok, _ := requestFaults("", &beckn.Intent{}, "me"); ok {
		t.Errorf("an intent without the group carries no faults")
	}
	if _, _, err := requestFaults("bogus", nil, "me"); err == nil {
		t.Errorf("a bad header is an error")
	}
	targeted, _, _ := decodeSearch(jsontext.Value(`{"intent":{"tags":[{"descriptor":{"code":"sandbox-fault"},"list":[
		{"descriptor":{"code":"bpp"},"value":"le-bpp-2"},{"descriptor":{"code":"silent"}}]}]}}`))
	if f, ok, _ := requestFaults("", targeted, "le-bpp-2"); !ok || !f.Silent {
		t.Errorf("the named provider must apply the faults: %+v %v", f, ok)
	}
	if _, ok, _ := requestFaults("", targeted, "le-bpp-1"); ok {
		t.Errorf("another provider must ignore faults meant for le-bpp-2")
	}
}

// searchWith sends a search with the fault header and returns its message id.
func searchWith(h *harness, faults, query string) string {
	return h.call("search", beckn.NewUUID(), `{"intent":{"item":{"descriptor":{"name":"`+query+`"}}}}`, map[string]string{FaultHeader: faults})
}

func TestFaultBehaviour(t *testing.T) {
	h := newHarness(t, domainWork, 0)

	t.Run("nack", func(t *testing.T) {
		body := h.body(h.ctx("search", beckn.NewUUID()), `{"intent":{}}`)
		r := h.post("search", body, map[string]string{FaultHeader: "nack=40001,nack-message=closed for maintenance"})
		ack, err := beckn.ParseAckResponse(r.Body)
		if r.Status != 400 || err != nil || ack.Acked() || ack.Error == nil || ack.Error.Code != "40001" || ack.Error.Message != "closed for maintenance" {
			t.Errorf("nack fault: HTTP %d %s", r.Status, r.Body)
		}
	})
	t.Run("silent", func(t *testing.T) {
		silent := searchWith(h, "silent", "Developer")
		normal := searchWith(h, "", "Developer")
		h.waitFor("on_search", normal)
		// The silent request was handled before the normal one was even
		// sent; had it produced a callback it would be dispatched already.
		if got := h.all(func(c captured) bool { return c.Ctx.MessageID == silent }); len(got) != 0 {
			t.Errorf("silent fault still sent %d callbacks", len(got))
		}
	})
	t.Run("delay and duplicates", func(t *testing.T) {
		mid := searchWith(h, "delay=50ms,duplicate=2", "Flutter Developer")
		h.waitFor("on_search", mid)
		h.wait("three copies", func(c captured) bool {
			return len(h.allLocked(func(c captured) bool { return c.Ctx.MessageID == mid })) >= 3
		})
		got := h.all(func(c captured) bool { return c.Ctx.MessageID == mid })
		if len(got) != 3 || !bytes.Equal(got[0].Body, got[1].Body) || !bytes.Equal(got[1].Body, got[2].Body) {
			t.Errorf("duplicate=2: %d callbacks, identical=%v", len(got), len(got) == 3 && bytes.Equal(got[0].Body, got[2].Body))
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		mid := searchWith(h, "bad-signature", "Flutter Developer")
		c := h.wait("badly signed on_search", func(c captured) bool { return c.Ctx.MessageID == mid })
		if c.VerifyErr == nil {
			t.Errorf("bad-signature callback verified")
		}
	})
	t.Run("wrong key id", func(t *testing.T) {
		mid := searchWith(h, "wrong-key-id", "Flutter Developer")
		c := h.wait("on_search with another keyId", func(c captured) bool { return c.Ctx.MessageID == mid })
		if c.VerifyErr == nil || !strings.Contains(c.Auth, "k1-rotated") {
			t.Errorf("wrong-key-id callback: keyId in %q, verify error %v", c.Auth, c.VerifyErr)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		before := len(h.all(func(captured) bool { return true }))
		mid := searchWith(h, "malformed", "Flutter Developer")
		c := h.waitAfter(before, "malformed body", func(c captured) bool { return c.DecodeErr != nil })
		if jsontext.Value(c.Body).IsValid() || !bytes.Contains(c.Body, []byte(mid)) || c.VerifyErr != nil {
			t.Errorf("malformed fault: valid JSON=%v, names the message=%v, signature error=%v", jsontext.Value(c.Body).IsValid(), bytes.Contains(c.Body, []byte(mid)), c.VerifyErr)
		}
	})
	t.Run("sloppy", func(t *testing.T) {
		txn := beckn.NewUUID()
		mid := h.call("select", txn, `{"order":{"provider":{"id":"1"},"items":[{"id":"`+RefJobItemConfirm+`"}]}}`, map[string]string{FaultHeader: "sloppy"})
		c := h.waitFor("on_select", mid)
		for _, want := range []string{`"fullfillments":`, `"core_version":"1.1.0"`, `"city":"std:080"`, `"BPP_ID":"` + h.bppID + `"`} {
			if !bytes.Contains(c.Body, []byte(want)) {
				t.Errorf("sloppy on_select lacks %s", want)
			}
		}
		if bytes.Contains(c.Body, []byte(`"fulfillments":`)) {
			t.Errorf("sloppy on_select still has core fulfillments")
		}
		if c.DecodeErr != nil || c.Ctx.BPPID() != h.bppID {
			t.Errorf("sloppy callback must stay decodable leniently: %v, bpp %q", c.DecodeErr, c.Ctx.BPPID())
		}
	})
	t.Run("late", func(t *testing.T) {
		ctx := h.ctx("search", beckn.NewUUID())
		ctx["ttl"] = "PT1S"
		sent := time.Now()
		r := h.post("search", h.body(ctx, `{"intent":{"item":{"descriptor":{"name":"Flutter"}}}}`), map[string]string{FaultHeader: "late"})
		if r.Status != 200 {
			t.Fatalf("late: HTTP %d %s", r.Status, r.Body)
		}
		c := h.waitFor("on_search", ctx["message_id"].(string))
		cbTime, err := c.Ctx.Time()
		if err != nil || !cbTime.After(sent.Add(time.Second)) {
			t.Errorf("late callback stamped %v (%v); the request was sent at %v with ttl 1s", cbTime, err, sent)
		}
	})
	t.Run("large catalog", func(t *testing.T) {
		mid := searchWith(h, "large-catalog", "anything")
		c := h.waitFor("on_search", mid)
		if len(c.Body) <= 5<<20 {
			t.Errorf("large-catalog on_search is %d bytes, want over 5 MB", len(c.Body))
		}
		if c.DecodeErr != nil {
			t.Errorf("large catalog does not decode: %v", c.DecodeErr)
		}
	})
	t.Run("set at run time", func(t *testing.T) {
		h.bpp.SetFaults(Faults{Duplicates: 1})
		defer h.bpp.SetFaults(Faults{})
		if h.bpp.Faults().Duplicates != 1 {
			t.Fatalf("Faults() does not return what SetFaults set")
		}
		mid := h.call("search", beckn.NewUUID(), `{"intent":{"item":{"descriptor":{"name":"Flutter"}}}}`, nil)
		h.wait("two copies", func(c captured) bool {
			return len(h.allLocked(func(c captured) bool { return c.Ctx.MessageID == mid })) >= 2
		})
	})
}

// allLocked is all() for use inside a wait predicate (which runs with the
// lock held).
func (h *harness) allLocked(pred func(c captured) bool) []captured {
	var out []captured
	for _, c := range h.got {
		if pred(c) {
			out = append(out, c)
		}
	}
	return out
}
