package telemetry_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/api"
	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/telemetry"
)

// Personal data of the learner in the journey below. None of it may appear
// in anything sent to the telemetry service.
var personal = []string{
	"Meera Iyer", "9876543210", "meera.iyer@example.org", "12 MG Road, Bengaluru", "Lakshmi Iyer", "9876500000",
	"Meera", "Iyer", "meera.iyer", "MG Road",
}

// recorder keeps every body posted to the sink, byte for byte, and passes
// the request on to the real sink.
type recorder struct {
	next   http.Handler
	mu     sync.Mutex
	bodies [][]byte
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.bodies = append(r.bodies, body)
	r.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	r.next.ServeHTTP(w, req)
}

// TestJourneyTelemetryIsCompleteAndImpersonal runs an expert-connect
// journey through the local network with a learner's name, phone numbers,
// e-mail and address in init and confirm, then checks that every message
// stored for the transaction reached the sink as a span and that no
// personal string is in any batch the sink received.
func TestJourneyTelemetryIsCompleteAndImpersonal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	nw, err := sandbox.Start(ctx, sandbox.Options{Seed: 2026, TimeScale: 1000})
	if err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { nw.Close() })
	rec := &recorder{next: nw.Telemetry().Handler()}
	sinkSrv := httptest.NewServer(rec)
	t.Cleanup(sinkSrv.Close)

	// This BAP: registered in the sandbox registry for every domain, its
	// network side on a loopback port.
	const id = "seeker-journey.test"
	keys := sandbox.DeriveIdentity(7, id)
	netSrv := httptest.NewUnstartedServer(nil)
	t.Cleanup(netSrv.Close)
	bapURL := "http://" + netSrv.Listener.Addr().String()
	for _, d := range beckn.Domains() {
		if err := nw.Register(ctx, registry.Subscriber{SubscriberID: id, URL: bapURL, Type: registry.TypeBAP, Domain: d,
			KeyID: keys.UniqueKeyID, SigningPublicKey: signing.EncodePublicKey(keys.SigningPublic),
			EncrPublicKey: signing.EncodeX25519PublicKey(keys.EncryptionPublic)}); err != nil {
			t.Fatal(err)
		}
	}
	st := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
	tel := newSender(t, telemetry.Config{URL: sinkSrv.URL + sandbox.TelemetryIngestPath, Store: st, BatchSize: 5, Interval: time.Hour,
		Identity: telemetry.Identity{SubscriberID: id, SubscriberURL: bapURL}})
	if err := tel.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{
		SubscriberID: id, SubscriberURL: bapURL,
		Signer:     &signing.Signer{SubscriberID: id, KeyID: keys.UniqueKeyID, Key: keys.SigningPrivate},
		Registry:   registry.NewCache(&registry.Client{BaseURL: nw.RegistryURL()}),
		GatewayURL: nw.GatewayURL(), Store: st, DefaultTTL: 20 * time.Second, InstanceID: "test",
		Observer: tel.Observe,
	})
	if err != nil {
		t.Fatal(err)
	}
	netSrv.Config.Handler = eng.NetworkHandler()
	netSrv.Start()
	eng.Start(ctx)
	t.Cleanup(eng.Stop)
	client := httptest.NewServer(api.New(api.Config{Engine: eng, Keys: map[string]string{"k-0123456789": "test"}}))
	t.Cleanup(client.Close)

	refID, _ := nw.ReferenceBPP(beckn.DomainExpert)
	txn := beckn.NewUUID()
	c := beckn.Context{Domain: beckn.DomainExpert, TransactionID: txn}
	send := func(action string, message string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"context": c, "message": jsontext.Value(message)})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, client.URL+"/"+action, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer k-0123456789")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var ans struct {
			Responses []jsontext.Value `json:"responses"`
		}
		if err := json.Unmarshal(raw, &ans, json.RejectUnknownMembers(false)); err != nil || resp.StatusCode != 200 || len(ans.Responses) == 0 {
			t.Fatalf("%s answered %d without callbacks: %s", action, resp.StatusCode, raw)
		}
	}
	send("search", `{"intent":{"item":{"descriptor":{"name":"Time Management Coaching"}}}}`)
	c.BppID = refID
	order := `{"provider":{"id":"coursera"},"items":[{"id":"ACE6EDB6A9E03F9D2B1047B48B05651F"}]`
	send("select", `{"order":`+order+`}}`)
	who := `,"fulfillments":[{"customer":{"person":{"name":"Meera Iyer","gender":"Female"},"contact":{"phone":"9876543210","email":"meera.iyer@example.org"}}}],` +
		`"billing":{"name":"Meera Iyer","phone":"9876543210","email":"meera.iyer@example.org","address":"12 MG Road, Bengaluru"},` +
		`"tags":[{"descriptor":{"code":"guardian"},"list":[{"descriptor":{"code":"name"},"value":"Lakshmi Iyer"},{"descriptor":{"code":"phone"},"value":"9876500000"}]}]`
	send("init", `{"order":`+order+who+`}}`)
	send("confirm", `{"order":`+order+who+`}}`)

	// The personal data did go out to the provider — that is the point of
	// init — so its absence from telemetry below means something.
	msgs, err := st.Messages(ctx, store.MessageFilter{TransactionID: txn})
	if err != nil {
		t.Fatal(err)
	}
	sawPersonal := false
	for _, m := range msgs {
		sawPersonal = sawPersonal || (m.Direction == store.Outbound && bytes.Contains(m.Raw, []byte("meera.iyer@example.org")))
	}
	if !sawPersonal {
		t.Fatalf("the journey's init/confirm did not carry the learner's e-mail; the test proves nothing")
	}

	// Stop as server.Close does: no more callbacks (the provider's
	// unsolicited updates keep coming), the engine, then telemetry, whose
	// Stop stores what was observed until then.
	netSrv.Close()
	eng.Stop()
	if err := tel.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if stats := tel.Stats(); stats.Pending != 0 || stats.Dropped != 0 || stats.Rejected != 0 {
		t.Fatalf("telemetry not delivered completely: %+v", stats)
	}

	// Complete: a span for every message stored for the transaction.
	spans := nw.Telemetry().Events(sandbox.TelemetryFilter{TraceID: txn, Producer: id})
	have := map[string]bool{}
	for _, s := range spans {
		have[s.Name+" "+s.SpanID] = true
		if s.EID != "API" || s.Domain != beckn.DomainExpert {
			t.Errorf("span %s %s: eid %q domain %q", s.Name, s.SpanID, s.EID, s.Domain)
		}
	}
	for _, m := range msgs {
		if !have[m.Action+" "+m.MessageID] {
			t.Errorf("no span for stored %s %s %s (spans: %v)", m.Direction, m.Action, m.MessageID, have)
		}
	}
	for _, a := range []string{"search", "on_search", "select", "on_select", "init", "on_init", "confirm", "on_confirm"} {
		found := false
		for _, s := range spans {
			found = found || s.Name == a
		}
		if !found {
			t.Errorf("no %s span for the transaction", a)
		}
	}

	// Impersonal: no personal string in any byte that reached the sink.
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bodies) == 0 {
		t.Fatal("the sink received nothing")
	}
	for i, b := range rec.bodies {
		for _, p := range personal {
			if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(p))) {
				t.Errorf("batch %d sent to the sink contains personal data %q:\n%s", i, p, b)
			}
		}
		if strings.Contains(string(b), `"message":{`) {
			t.Errorf("batch %d carries a Beckn message body", i)
		}
	}
}
