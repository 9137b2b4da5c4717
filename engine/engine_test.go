package engine_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
)

const selectMsg = `{"order":{"provider":{"id":"p1"},"items":[{"id":"i1"}]}}`

func sendSelect(t *testing.T, h *harness, txn string) *engine.Dispatch {
	t.Helper()
	d, err := h.eng.Send(context.Background(), engine.Call{
		Action:  "select",
		Context: beckn.Context{Domain: domain, BppID: bppID, TransactionID: txn},
		Message: []byte(selectMsg),
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSendSignsTheStoredBytesAndRoutesToTheRegisteredURL(t *testing.T) {
	h := newHarness(t)
	d := sendSelect(t, h, "")
	if d.Ack != "ACK" {
		t.Fatalf("ack = %q (%v), want ACK", d.Ack, d.Error)
	}
	reqs := h.requests()
	if len(reqs) != 1 || reqs[0].path != "/select" {
		t.Fatalf("BPP got %d requests (%v), want one POST /select", len(reqs), reqs)
	}
	stored, err := h.st.Message(context.Background(), d.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored.Raw, reqs[0].body) || !bytes.Equal(d.Body, reqs[0].body) {
		t.Fatalf("bytes sent differ from bytes stored")
	}
	env, err := beckn.Decode(reqs[0].body)
	if err != nil {
		t.Fatal(err)
	}
	c := env.Context
	if c.Version != "1.1.0" || c.BapID != bapID || c.BppURI != h.bppSrv.URL || c.BppID != bppID || c.Action != "select" {
		t.Fatalf("context not filled as core 1.1.0: %+v", c)
	}
	if c.TransactionID == "" || c.MessageID == "" || c.TTL != "PT30S" {
		t.Fatalf("ids/ttl missing: %+v", c)
	}
	if !strings.Contains(string(reqs[0].body), `"items":[{"id":"i1"}]`) {
		t.Fatalf("message not sent as given: %s", reqs[0].body)
	}
}

func TestSendRefusesWhatTheRegistryDoesNotVouchFor(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name string
		c    beckn.Context
		path string
	}{
		{"unknown domain", beckn.Context{Domain: "retail", BppID: bppID}, "context.domain"},
		{"no bpp id", beckn.Context{Domain: domain}, "context.bpp_id"},
		{"unregistered bpp", beckn.Context{Domain: domain, BppID: "nobody.test"}, "context.bpp_id"},
		{"foreign bpp uri", beckn.Context{Domain: domain, BppID: bppID, BppURI: "http://127.0.0.1:1/evil"}, "context.bpp_uri"},
		{"bad ttl", beckn.Context{Domain: domain, BppID: bppID, TTL: "30 seconds"}, "context.ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.eng.Send(context.Background(), engine.Call{Action: "select", Context: tt.c, Message: []byte(selectMsg)})
			var ee *engine.Error
			if !errors.As(err, &ee) || ee.Path != tt.path || ee.Message == "" {
				t.Fatalf("err = %v, want an engine.Error at %s", err, tt.path)
			}
		})
	}
	if n := len(h.requests()); n != 0 {
		t.Fatalf("%d requests reached the BPP", n)
	}
}

func TestSolicitedCallbackIsVerifiedStoredAndCollected(t *testing.T) {
	h := newHarness(t)
	d := sendSelect(t, h, "")
	cb := callback(t, d.Body, `{"order":{"id":"","provider":{"id":"p1"}}}`)

	got := make(chan *store.Message, 1)
	go func() {
		_ = h.eng.Collect(context.Background(), d, engine.CollectOptions{Expected: []string{bppID}}, func(m *store.Message) error {
			got <- m
			return nil
		})
	}()
	status, ack := ackOf(t, h.post("/on_select", cb, h.bppSigner()))
	if status != 200 || ack.Status != "ACK" {
		t.Fatalf("callback answered %d %+v", status, ack)
	}
	select {
	case m := <-got:
		if !bytes.Equal(m.Raw, cb) || m.Correlation != store.Solicited || m.RequestSeq != d.Seq || m.SenderID != bppID {
			t.Fatalf("collected %+v", m)
		}
		if m.Headers[signing.HeaderAuthorization] == "" {
			t.Fatalf("signature header not kept")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("callback never collected")
	}
}

func TestCallbackSignatureFailuresAre401WithChallenge(t *testing.T) {
	h := newHarness(t)
	d := sendSelect(t, h, "")
	cb := callback(t, d.Body, `{"order":{}}`)
	stranger := sandboxSigner(t, "stranger.test")
	impostor := &signing.Signer{SubscriberID: bapID, KeyID: h.bap.UniqueKeyID, Key: h.bap.SigningPrivate} // registered, but not the bpp_id

	tampered := bytes.Replace(cb, []byte(`"order":{}`), []byte(`"order":{"id":"x"}`), 1)
	tests := []struct {
		name   string
		body   []byte
		signer *signing.Signer
		header []string
	}{
		{"unsigned", cb, nil, nil},
		{"unregistered signer", cb, stranger, nil},
		{"signed by another participant", cb, impostor, nil},
		{"garbage header", cb, nil, []string{"Authorization", "Signature nonsense"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.post("/on_select", tt.body, tt.signer, tt.header...)
			if resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("no WWW-Authenticate header")
			}
			status, ack := ackOf(t, resp)
			if status != http.StatusUnauthorized || ack.Status != "NACK" || ack.Error == nil || ack.Error.Message == "" {
				t.Fatalf("answered %d %+v, want 401 NACK with a reason", status, ack)
			}
		})
	}
	// A body altered after signing fails verification too.
	req, _ := http.NewRequest(http.MethodPost, h.netSrv.URL+"/on_select", bytes.NewReader(tampered))
	now := time.Now()
	req.Header.Set(signing.HeaderAuthorization, h.bppSigner().Sign(cb, now, now.Add(time.Minute)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := ackOf(t, resp); status != http.StatusUnauthorized {
		t.Fatalf("tampered body answered %d", status)
	}
	// Refused answers to our own request are kept with the reason, as
	// NACKed and under an "unverified:" sender, so an operator sees why a
	// provider seemed silent; nothing waiting for answers ever gets them.
	msgs, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound})
	if len(msgs) == 0 {
		t.Fatalf("no refused callback was recorded")
	}
	for _, m := range msgs {
		if m.AckStatus != "NACK" || m.Signature == "valid" || m.Signature == "" || !strings.HasPrefix(m.SenderID, "unverified:") || m.HTTPStatus != http.StatusUnauthorized {
			t.Errorf("refused callback stored as %+v", m)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = h.eng.Collect(ctx, d, engine.CollectOptions{Deadline: time.Now().Add(time.Second)}, func(m *store.Message) error {
		t.Errorf("a refused callback was collected as an answer: %+v", m)
		return nil
	})
	// A forged callback for a request Seeker never sent is not stored at all.
	before := len(msgs)
	stray := bytes.Replace(cb, []byte(d.Context.MessageID), []byte(beckn.NewUUID()), 1)
	ackOf(t, h.post("/on_select", stray, stranger))
	if after, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound}); len(after) != before {
		t.Fatalf("an unverified callback for an unknown request was stored")
	}
	// The same bytes signed correctly afterwards are an answer, not a duplicate.
	if status, ack := ackOf(t, h.post("/on_select", cb, h.bppSigner())); status != 200 || ack.Status != "ACK" {
		t.Fatalf("the correctly signed callback answered %d %+v", status, ack)
	}
	all, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound})
	if last := all[len(all)-1]; last.AckStatus != "ACK" || last.SenderID != bppID {
		t.Fatalf("the correctly signed callback was stored as %+v", last)
	}
}

func sandboxSigner(t *testing.T, id string) *signing.Signer {
	t.Helper()
	keys, err := signing.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	return &signing.Signer{SubscriberID: id, KeyID: keys.UniqueKeyID, Key: keys.SigningPrivate}
}

func TestDuplicateCallbackIsAckedOnceStored(t *testing.T) {
	h := newHarness(t)
	d := sendSelect(t, h, "")
	cb := callback(t, d.Body, `{"order":{}}`)
	for i := 0; i < 3; i++ {
		if status, ack := ackOf(t, h.post("/on_select", cb, h.bppSigner())); status != 200 || ack.Status != "ACK" {
			t.Fatalf("attempt %d answered %d %+v", i, status, ack)
		}
	}
	msgs, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound})
	if len(msgs) != 1 {
		t.Fatalf("stored %d copies, want 1", len(msgs))
	}
}

func TestUnsolicitedAndUnknownCallbacks(t *testing.T) {
	h := newHarness(t)
	d := sendSelect(t, h, "")
	// An on_status with a new message id on a known transaction: a status
	// change the provider pushes.
	unsolicited := callback(t, d.Body, `{"order":{"id":"order-1","fulfillments":[{"state":{"descriptor":{"code":"APPLICATION-SUBMITTED"}}}]}}`)
	unsolicited = bytes.Replace(unsolicited, []byte(`"action":"on_select"`), []byte(`"action":"on_status"`), 1)
	unsolicited = bytes.Replace(unsolicited, []byte(d.Context.MessageID), []byte(beckn.NewUUID()), 1)
	if status, ack := ackOf(t, h.post("/on_status", unsolicited, h.bppSigner())); status != 200 || ack.Status != "ACK" {
		t.Fatalf("unsolicited answered %d %+v", status, ack)
	}
	o, err := h.st.Order(context.Background(), "order-1")
	if err != nil || o.State != "APPLICATION-SUBMITTED" || o.TransactionID != d.Context.TransactionID {
		t.Fatalf("order not recorded: %+v %v", o, err)
	}

	unknown := bytes.Replace(unsolicited, []byte(d.Context.TransactionID), []byte(beckn.NewUUID()), 1)
	status, ack := ackOf(t, h.post("/on_status", unknown, h.bppSigner()))
	if status != http.StatusBadRequest || ack.Status != "NACK" || ack.Error == nil || ack.Error.Paths != "context.transaction_id" {
		t.Fatalf("unknown answered %d %+v", status, ack)
	}
	msgs, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound})
	if len(msgs) != 2 || msgs[0].Correlation != store.Unsolicited || msgs[1].Correlation != store.Unknown || msgs[1].AckStatus != "NACK" {
		t.Fatalf("stored %+v", msgs)
	}
}

func TestMalformedWrongActionOversizedAndDoubledSlash(t *testing.T) {
	h := newHarness(t, func(c *engine.Config) { c.BodyLimit = 64 << 10 })
	d := sendSelect(t, h, "")
	cb := callback(t, d.Body, `{"order":{}}`)

	if status, ack := ackOf(t, h.post("//on_select", cb, h.bppSigner())); status != 200 || ack.Status != "ACK" {
		t.Fatalf("doubled slash answered %d %+v", status, ack)
	}
	truncated := cb[:len(cb)-2]
	if status, ack := ackOf(t, h.post("/on_select", truncated, h.bppSigner())); status != 400 || ack.Status != "NACK" {
		t.Fatalf("malformed answered %d %+v", status, ack)
	}
	if status, ack := ackOf(t, h.post("/on_init", cb, h.bppSigner())); status != 400 || ack.Error == nil || ack.Error.Paths != "context.action" {
		t.Fatalf("wrong endpoint answered %d %+v", status, ack)
	}
	big := bytes.Replace(cb, []byte(`"order":{}`), []byte(`"order":{"note":"`+strings.Repeat("x", 70<<10)+`"}`), 1)
	if status, ack := ackOf(t, h.post("/on_select", big, h.bppSigner())); status != http.StatusRequestEntityTooLarge || ack.Status != "NACK" {
		t.Fatalf("oversized answered %d %+v", status, ack)
	}
	if status, _ := ackOf(t, h.post("/search", cb, h.bppSigner())); status != http.StatusNotFound {
		t.Fatalf("a request action on the callback side answered %d", status)
	}
}

func TestLateCallbackPolicy(t *testing.T) {
	for _, nack := range []bool{false, true} {
		h := newHarness(t, func(c *engine.Config) {
			c.NackLate = nack
			c.TTL = map[string]time.Duration{"select": time.Millisecond}
		})
		d := sendSelect(t, h, "")
		time.Sleep(20 * time.Millisecond) // past the 1 ms ttl
		status, ack := ackOf(t, h.post("/on_select", callback(t, d.Body, `{"order":{}}`), h.bppSigner()))
		msgs, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound})
		if len(msgs) != 1 || !msgs[0].Late {
			t.Fatalf("nack=%v: late callback not stored as late: %+v", nack, msgs)
		}
		if wantNack := nack; (ack.Status == "NACK") != wantNack || (nack && status != 400) {
			t.Fatalf("nack=%v: answered %d %+v", nack, status, ack)
		}
	}
}

func TestNackIsFinalAndFailuresAreRetriedUntilAck(t *testing.T) {
	h := newHarness(t)
	h.answer = func(received) (int, []byte) {
		return 400, beckn.NackBody(beckn.NewError("30004", "message.order.items[0].id", "Item not found"))
	}
	d := sendSelect(t, h, "")
	if d.Ack != "NACK" || d.Error == nil || d.Error.Code != "30004" {
		t.Fatalf("dispatch = %+v", d)
	}
	time.Sleep(3 * outboxPollForTest)
	if n := len(h.requests()); n != 1 {
		t.Fatalf("a NACKed request was sent %d times", n)
	}

	var calls atomic.Int32
	h.mu.Lock()
	h.got = nil
	h.answer = func(received) (int, []byte) {
		if calls.Add(1) <= 2 {
			return 503, []byte("busy")
		}
		return 200, beckn.AckBody()
	}
	h.mu.Unlock()
	d = sendSelect(t, h, "")
	if d.Ack != "" {
		t.Fatalf("first attempt got %q, want a pending retry", d.Ack)
	}
	waitFor(t, "the retried request to be ACKed", func() bool {
		entries, _ := outboxOf(h, d.Seq)
		return entries != nil && entries.State == store.OutboxAcked
	})
	reqs := h.requests()
	if len(reqs) != 3 {
		t.Fatalf("sent %d times, want 3", len(reqs))
	}
	for _, r := range reqs[1:] {
		if !bytes.Equal(r.body, reqs[0].body) {
			t.Fatalf("a retry sent different bytes")
		}
	}
}

const outboxPollForTest = 250 * time.Millisecond

// outboxOf finds the outbox entry of a stored request.
func outboxOf(h *harness, seq int64) (*store.OutboxEntry, error) {
	for id := int64(1); id < 100; id++ {
		e, err := h.st.OutboxEntry(context.Background(), id)
		if err != nil {
			continue
		}
		if e.MessageSeq == seq {
			return e, nil
		}
	}
	return nil, store.ErrNotFound
}

func TestPendingSendSurvivesARestart(t *testing.T) {
	h := newHarness(t)
	var up atomic.Bool
	h.answer = func(received) (int, []byte) {
		if !up.Load() {
			return 502, nil
		}
		return 200, beckn.AckBody()
	}
	d := sendSelect(t, h, "")
	if d.Ack != "" {
		t.Fatalf("got %q while the BPP is down", d.Ack)
	}
	h.restart()
	up.Store(true)
	waitFor(t, "the pending request to be delivered after the restart", func() bool {
		e, _ := outboxOf(h, d.Seq)
		return e != nil && e.State == store.OutboxAcked
	})
}

func TestCallbacksCorrelateAfterARestartWithoutTheCache(t *testing.T) {
	h := newHarness(t)
	d := sendSelect(t, h, "")
	h.restart() // a new engine: its memory of sent requests is empty
	if status, ack := ackOf(t, h.post("/on_select", callback(t, d.Body, `{"order":{}}`), h.bppSigner())); status != 200 || ack.Status != "ACK" {
		t.Fatalf("answered %d %+v", status, ack)
	}
	msgs, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound})
	if len(msgs) != 1 || msgs[0].Correlation != store.Solicited || msgs[0].RequestSeq != d.Seq {
		t.Fatalf("after a restart the callback was stored as %+v", msgs)
	}
}

func TestObserverSeesEveryCallWithoutContent(t *testing.T) {
	var mu sync.Mutex
	var calls []engine.APICall
	h := newHarness(t, func(c *engine.Config) {
		c.Observer = func(a engine.APICall) { mu.Lock(); calls = append(calls, a); mu.Unlock() }
	})
	d := sendSelect(t, h, "")
	ackOf(t, h.post("/on_select", callback(t, d.Body, `{"order":{}}`), h.bppSigner()))
	ackOf(t, h.post("/on_select", callback(t, d.Body, `{"order":{}}`), nil)) // unsigned: refused
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 3 {
		t.Fatalf("observed %d calls, want 3: %+v", len(calls), calls)
	}
	out, in, refused := calls[0], calls[1], calls[2]
	if out.Direction != store.Outbound || out.Action != "select" || out.Status != 200 || out.Ack != "ACK" || out.RecipientID != bppID || out.MessageID != d.Context.MessageID || !strings.HasSuffix(out.URL, "/select") {
		t.Errorf("outbound call = %+v", out)
	}
	if in.Direction != store.Inbound || in.Action != "on_select" || in.SenderID != bppID || in.TransactionID != d.Context.TransactionID || in.Status != 200 || in.End.Before(in.Start) {
		t.Errorf("inbound call = %+v", in)
	}
	if refused.Status != http.StatusUnauthorized || refused.Ack != "NACK" || refused.Error == nil || refused.TransactionID != d.Context.TransactionID {
		t.Errorf("refused call = %+v", refused)
	}
}

func TestInboundFindingsAreRecordedOrRefusedByMode(t *testing.T) {
	validator := func(action string, body []byte) engine.Verdict {
		if bytes.Contains(body, []byte(`"bad"`)) {
			return engine.Verdict{Findings: []byte(`[{"path":"message.order","code":"30000"}]`), Error: beckn.NewError("30000", "message.order", "bad order")}
		}
		return engine.Verdict{}
	}
	for _, mode := range []engine.Mode{engine.ModeWarn, engine.ModeStrict} {
		t.Run(string(mode), func(t *testing.T) {
			h := newHarness(t, func(c *engine.Config) { c.Validator, c.InboundMode = validator, mode })
			d := sendSelect(t, h, "")
			status, ack := ackOf(t, h.post("/on_select", callback(t, d.Body, `{"order":{"id":"bad"}}`), h.bppSigner()))
			if mode == engine.ModeStrict {
				if status != 400 || ack.Status != "NACK" || ack.Error == nil || ack.Error.Paths != "message.order" {
					t.Fatalf("strict: answered %d %+v", status, ack)
				}
				return
			}
			if status != 200 || ack.Status != "ACK" {
				t.Fatalf("warn: answered %d %+v", status, ack)
			}
			// Findings are stored with the message, before the ACK.
			msgs, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound})
			if len(msgs) != 1 || !strings.Contains(string(msgs[0].Findings), "message.order") {
				t.Fatalf("warn: stored %+v, want the callback with its findings", msgs)
			}
		})
	}
}

// With a validator the engine takes the validator's parse as its
// well-formedness check, in every mode: what the validator calls malformed is
// refused and not stored.
func TestValidatorDecidesWellFormedness(t *testing.T) {
	for _, mode := range []engine.Mode{engine.ModeWarn, engine.ModeStrict} {
		t.Run(string(mode), func(t *testing.T) {
			validator := func(action string, body []byte) engine.Verdict {
				return engine.Verdict{Malformed: bytes.Contains(body, []byte(`"refuse-me"`))}
			}
			h := newHarness(t, func(c *engine.Config) { c.Validator, c.InboundMode = validator, mode })
			d := sendSelect(t, h, "")
			status, ack := ackOf(t, h.post("/on_select", callback(t, d.Body, `{"order":{"id":"refuse-me"}}`), h.bppSigner()))
			if status != 400 || ack.Status != "NACK" || ack.Error == nil || !strings.Contains(ack.Error.Message, "well-formed") {
				t.Fatalf("answered %d %+v, want a NACK for a malformed body", status, ack)
			}
			if status, ack := ackOf(t, h.post("/on_select", callback(t, d.Body, `{"order":{"id":"fine"}}`), h.bppSigner())); status != 200 || ack.Status != "ACK" {
				t.Fatalf("a well-formed callback answered %d %+v", status, ack)
			}
			msgs, _ := h.st.Messages(context.Background(), store.MessageFilter{Direction: store.Inbound})
			if len(msgs) != 1 || !bytes.Contains(msgs[0].Raw, []byte(`"fine"`)) {
				t.Fatalf("stored %d callbacks, want only the well-formed one", len(msgs))
			}
		})
	}
}
