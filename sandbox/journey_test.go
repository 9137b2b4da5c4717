package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/sandbox/bpp"
	"github.com/onest-seeker/seeker/sandbox/testbap"
)

// The journey test is the "done when": the whole network starts
// in-process, and a BAP that speaks only plain signed HTTP (testbap) runs a
// full journey in each of the four domains against the reference
// providers — search through the gateway, select, init, every XInput form
// fetched and submitted over HTTP (four in sequence for the scholarship),
// each answered by an unsolicited on_init, confirm, the provider's own
// unsolicited status updates, then status, track, support, cancellation
// and rating with their meta APIs.

// journey is one domain's script.
type journey struct {
	domain   string
	query    string // search text that finds item
	provider string
	item     string
	forms    int      // XInput forms in sequence after init
	updates  []string // unsolicited states after confirm, in order
}

var journeys = []journey{
	{beckn.DomainLearning, "JavaScript for Web Developers", "unacademy", "Q291cnNlTGlzdDovbmQyX2NlYzIzX2NzMDI=", 1, []string{"IN-PROGRESS", "COMPLETED"}},
	{beckn.DomainWork, "Flutter Developer", "1", "8A690F158A37965A2CC0E69EC8B360B2", 1, []string{"ASSESSMENT-IN-PROGRESS", "OFFER-EXTENDED"}},
	{beckn.DomainFinancial, "Economically Backward Female", "BX213573733", "SCM_63587501", 4, []string{"APPLICATION-APPROVED", "AMOUNT-DISBURSED"}},
	{beckn.DomainExpert, "Time Management Coaching", "coursera", "ACE6EDB6A9E03F9D2B1047B48B05651F", 0, []string{"RESCHEDULED"}},
}

func startNetwork(t *testing.T, opts sandbox.Options) (*sandbox.Network, *testbap.BAP) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := sandbox.Start(ctx, opts)
	if err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { _ = n.Close() })
	d := n.Description()
	bap, err := testbap.Start(ctx, testbap.Network{
		Registry: d.Registry, Gateway: d.Gateway,
		RegistrySigningPublicKey: d.RegistrySigningPublicKey, RegistryEncrPublicKey: d.RegistryEncrPublicKey,
		AdminKey: d.AdminKey,
	}, testbap.Options{})
	if err != nil {
		t.Fatalf("testbap.Start: %v", err)
	}
	t.Cleanup(bap.Close)
	return n, bap
}

// runner drives one journey with the test BAP.
type runner struct {
	t       *testing.T
	bap     *testbap.BAP
	gateway string
	domain  string
	bppID   string
	bppURL  string
	txn     string
	seen    map[string]bool // message ids already consumed
}

func (r *runner) waitCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// send signs and posts a request to the reference BPP (or the gateway for
// search) and requires an ACK; it returns the message id.
func (r *runner) send(action string, message any) string {
	r.t.Helper()
	c := r.bap.NewContext(r.domain, action, r.txn)
	base := r.bppURL
	if action != "search" {
		c.BppID, c.BppURI = r.bppID, r.bppURL
	} else {
		base = r.gateway
	}
	ctx, cancel := r.waitCtx()
	defer cancel()
	ack, err := r.bap.Send(ctx, action, base, r.bap.Body(c, message))
	if err != nil || !ack.Acked() {
		r.t.Fatalf("%s: want ACK, got %+v, %v", action, ack, err)
	}
	r.seen[c.MessageID] = true
	return c.MessageID
}

// reply waits for the callback answering msgID and decodes its message.
func reply[T any](r *runner, msgID, action string) T {
	r.t.Helper()
	ctx, cancel := r.waitCtx()
	defer cancel()
	cb, err := r.bap.WaitFor(ctx, func(c testbap.Callback) bool {
		return c.Context.MessageID == msgID && c.Action == action && (r.bppID == "" || c.Context.BppID == r.bppID)
	})
	if err != nil {
		r.t.Fatalf("waiting for %s of %s: %v", action, msgID, err)
	}
	return decodeCallback[T](r.t, cb)
}

func decodeCallback[T any](t *testing.T, cb testbap.Callback) T {
	t.Helper()
	env, err := beckn.Decode(cb.Body)
	if err != nil {
		t.Fatalf("%s does not decode: %v\n%s", cb.Action, err, cb.Body)
	}
	if env.Error != nil {
		t.Fatalf("%s carries an error: %v", cb.Action, env.Error)
	}
	var v T
	if err := env.DecodeMessage(&v); err != nil {
		t.Fatalf("%s message does not decode: %v", cb.Action, err)
	}
	return v
}

// unsolicited waits for a provider-initiated callback of the transaction
// (a message id the BAP never sent) accepted by pred.
func (r *runner) unsolicited(what string, actions []string, pred func(*beckn.Order) bool) *beckn.Order {
	r.t.Helper()
	ctx, cancel := r.waitCtx()
	defer cancel()
	var order *beckn.Order
	cb, err := r.bap.WaitFor(ctx, func(c testbap.Callback) bool {
		if c.Context.TransactionID != r.txn || r.seen[c.Context.MessageID] || !contains(actions, c.Action) {
			return false
		}
		env, err := beckn.Decode(c.Body)
		if err != nil || env.Error != nil {
			return false
		}
		var m beckn.OrderMessage
		if env.DecodeMessage(&m) != nil || m.Order == nil || !pred(m.Order) {
			return false
		}
		order = m.Order
		return true
	})
	if err != nil {
		r.t.Fatalf("waiting for unsolicited %s: %v", what, err)
	}
	r.seen[cb.Context.MessageID] = true
	return order
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func state(o *beckn.Order) string {
	if o == nil || len(o.Fulfillments) == 0 {
		return ""
	}
	return o.Fulfillments[0].State.Code()
}

// fillForm GETs an XInput form over HTTP (with its JWT), fills every
// input the HTML declares with a valid value and POSTs it (multipart, with
// real files, when the form asks for files), returning the submission id.
func fillForm(t *testing.T, xi *beckn.XInput) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, xi.Form.URL, nil)
	req.Header.Set("Authorization", "Bearer "+xi.Form.Auth.Value)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", xi.Form.URL, err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: HTTP %d: %s", xi.Form.URL, resp.StatusCode, html)
	}
	action, fields := parseForm(t, string(html))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		switch {
		case f.typ == "file":
			w, _ := mw.CreateFormFile(f.name, f.name+".pdf")
			w.Write([]byte("%PDF-1.4 journey test"))
		default:
			mw.WriteField(f.name, f.value)
		}
	}
	mw.Close()
	post, _ := http.NewRequest(http.MethodPost, action, &body)
	post.Header.Set("Content-Type", mw.FormDataContentType())
	post.Header.Set("Authorization", "Bearer "+xi.Form.Auth.Value)
	resp, err = http.DefaultClient.Do(post)
	if err != nil {
		t.Fatalf("POST %s: %v", action, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fr, err := beckn.ParseFormResponse(raw)
	if err != nil || resp.StatusCode != 200 || !fr.OK() || fr.SubmissionID == "" {
		t.Fatalf("POST %s: HTTP %d %s (%v)", action, resp.StatusCode, raw, err)
	}
	return string(fr.SubmissionID)
}

type formField struct{ name, typ, value string }

// parseForm reads the action and the inputs of the provider's HTML form,
// choosing a valid value for each by its name (ONEST-001) or type, as a
// BAP's auto-fill would.
func parseForm(t *testing.T, html string) (string, []formField) {
	t.Helper()
	attr := func(tag, name string) string {
		i := strings.Index(tag, " "+name+`="`)
		if i < 0 {
			return ""
		}
		rest := tag[i+len(name)+3:]
		return rest[:strings.IndexByte(rest, '"')]
	}
	form := html[strings.Index(html, "<form"):]
	action := attr(form[:strings.IndexByte(form, '>')], "action")
	if action == "" {
		t.Fatalf("form has no action:\n%s", html)
	}
	var out []formField
	seen := map[string]bool{}
	for _, kind := range []string{"<input", "<select", "<textarea"} {
		for rest := form; ; {
			i := strings.Index(rest, kind)
			if i < 0 {
				break
			}
			rest = rest[i:]
			tag := rest[:strings.IndexByte(rest, '>')+1]
			rest = rest[len(tag):]
			name, typ := attr(tag, "name"), attr(tag, "type")
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			f := formField{name: name, typ: typ, value: attr(tag, "value")}
			if kind == "<select" {
				// The first real option follows the placeholder.
				opts := rest[strings.Index(rest, `<option value=""`)+1:]
				f.value = attr(opts[strings.Index(opts, "<option"):], "value")
			} else if typ != "hidden" {
				f.value = sampleValue(name, typ, f.value)
			}
			out = append(out, f)
		}
	}
	return action, out
}

func sampleValue(name, typ, current string) string {
	switch {
	case typ == "radio" || typ == "checkbox":
		if current != "" {
			return current
		}
		return "on"
	case typ == "email":
		return "meera.iyer@example.org"
	case typ == "tel":
		return "9876543210"
	case typ == "date":
		return "2005-08-15"
	case typ == "month":
		return "2024-04"
	case typ == "number":
		if strings.Contains(name, "percentage") {
			return "78"
		}
		return "2"
	case strings.Contains(name, "ifsc"):
		return "HDFC0001234"
	case strings.Contains(name, "acc-no"):
		return "50100234567890"
	}
	return "Meera Iyer"
}

// runJourney plays one domain.
func runJourney(t *testing.T, n *sandbox.Network, bap *testbap.BAP, j journey) {
	refID, refURL := n.ReferenceBPP(j.domain)
	if refID == "" {
		t.Fatalf("no reference provider for %s", j.domain)
	}
	r := &runner{t: t, bap: bap, gateway: n.Description().Gateway, domain: j.domain, txn: beckn.NewUUID(), seen: map[string]bool{}}

	// Search through the gateway; every BPP of the domain answers, the
	// reference provider with the item.
	mid := r.send("search", map[string]any{"intent": map[string]any{"item": map[string]any{"descriptor": map[string]any{"name": j.query}}}})
	r.bppID, r.bppURL = refID, refURL
	cat := reply[beckn.CatalogMessage](r, mid, "on_search")
	found := false
	for _, p := range cat.Catalog.Providers {
		for _, it := range p.Items {
			found = found || (p.ID == j.provider && it.ID == j.item)
		}
	}
	if !found {
		t.Fatalf("search %q: the reference provider did not return %s/%s", j.query, j.provider, j.item)
	}

	order := map[string]any{"provider": map[string]any{"id": j.provider}, "items": []any{map[string]any{"id": j.item}}}
	sel := reply[beckn.OrderMessage](r, r.send("select", map[string]any{"order": order}), "on_select")
	if sel.Order.Quote == nil {
		t.Errorf("on_select has no quote")
	}
	order["fulfillments"] = []any{map[string]any{"customer": map[string]any{
		"person":  map[string]any{"name": "Meera Iyer", "age": "19", "gender": "Female"},
		"contact": map[string]any{"phone": "+91-9876543210", "email": "meera.iyer@example.org"}}}}
	ini := reply[beckn.OrderMessage](r, r.send("init", map[string]any{"order": order}), "on_init")
	for step := 0; step < j.forms; step++ {
		xi := ini.Order.Items[0].XInput
		if xi == nil || xi.Form == nil || xi.Head == nil || xi.Head.Index == nil {
			t.Fatalf("form %d: on_init has no xinput", step)
		}
		if got := xi.Head.Index.Cur.Int(-1); got != step || len(xi.Head.Headings) != j.forms {
			t.Fatalf("form %d: head.index.cur %d, headings %v", step, got, xi.Head.Headings)
		}
		fillForm(t, xi)
		ini.Order = r.unsolicited("on_init after form "+strconv.Itoa(step), []string{"on_init"}, func(*beckn.Order) bool { return true })
	}
	if ini.Order.Items[0].XInput != nil {
		t.Fatalf("on_init still asks for a form after %d forms", j.forms)
	}
	if j.forms > 0 && j.domain != beckn.DomainLearning && state(ini.Order) != "APPLICATION-FILLED" {
		t.Errorf("after the forms: state %q, want APPLICATION-FILLED", state(ini.Order))
	}

	conf := reply[beckn.OrderMessage](r, r.send("confirm", map[string]any{"order": order}), "on_confirm")
	orderID := conf.Order.ID
	if orderID == "" || conf.Order.Status != "ACTIVE" {
		t.Fatalf("on_confirm: order id %q status %q", orderID, conf.Order.Status)
	}
	for _, want := range j.updates {
		r.unsolicited(want, []string{"on_status", "on_update"}, func(o *beckn.Order) bool { return state(o) == want })
	}
	st := reply[beckn.OrderMessage](r, r.send("status", map[string]any{"order_id": orderID}), "on_status")
	if st.Order.ID != orderID || state(st.Order) != j.updates[len(j.updates)-1] {
		t.Errorf("on_status: order %q state %q", st.Order.ID, state(st.Order))
	}
	if tr := reply[beckn.TrackingMessage](r, r.send("track", map[string]any{"order_id": orderID}), "on_track"); tr.Tracking == nil || tr.Tracking.URL == "" {
		t.Errorf("on_track has no URL")
	}
	if sp := reply[beckn.SupportMessage](r, r.send("support", map[string]any{"support": map[string]any{"ref_id": orderID}}), "on_support"); sp.Support == nil || sp.Support.Phone == "" {
		t.Errorf("on_support has no phone")
	}
	cats := reply[beckn.RatingCategoriesMessage](r, r.send("get_rating_categories", map[string]any{}), "rating_categories")
	fb := reply[beckn.FeedbackMessage](r, r.send("rating", map[string]any{"ratings": []any{map[string]any{
		"id": orderID, "rating_category": cats.RatingCategories[0], "value": "4"}}}), "on_rating")
	if fb.FeedbackForm == nil || fb.FeedbackForm.Form == nil || fb.FeedbackForm.Form.URL == "" {
		t.Errorf("on_rating has no feedback form")
	}
	reasons := reply[beckn.CancellationReasonsMessage](r, r.send("get_cancellation_reasons", map[string]any{}), "cancellation_reasons")
	if len(reasons.CancellationReasons) == 0 {
		t.Fatalf("no cancellation reasons")
	}
	// Cancel an order the reference provider seeded at start (it has no
	// timeline, so it cannot complete before the cancel arrives).
	can := reply[beckn.OrderMessage](r, r.send("cancel", map[string]any{"order_id": bpp.RefOrderCancel,
		"cancellation_reason_id": reasons.CancellationReasons[0].ID}), "on_cancel")
	if can.Order.Status != "CANCELLED" || can.Order.Cancellation == nil {
		t.Errorf("on_cancel: status %q, want CANCELLED with the cancellation", can.Order.Status)
	}
}

func TestJourneyEveryDomain(t *testing.T) {
	n, bap := startNetwork(t, sandbox.Options{Seed: 2026, TimeScale: 1000})
	for _, j := range journeys {
		t.Run(strings.TrimPrefix(j.domain, "onest:"), func(t *testing.T) { runJourney(t, n, bap, j) })
	}
}

// In gateway relay mode the BPPs' on_search comes back through the gateway,
// which signs it again; the BAP verifies both signatures.
func TestJourneySearchThroughGatewayRelay(t *testing.T) {
	n, bap := startNetwork(t, sandbox.Options{Seed: 7, Relay: sandbox.RelayGateway,
		BPPs: []sandbox.BPPSpec{{Domain: beckn.DomainFinancial}}})
	d := n.Description()
	c := bap.NewContext(beckn.DomainFinancial, "search", "")
	body := bap.Body(c, json.RawMessage(`{"intent":{"fulfillment":{"customer":{"person":{"gender":"Female"}}}}}`))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if ack, err := bap.Send(ctx, "search", d.Gateway, body); err != nil || !ack.Acked() {
		t.Fatalf("search: %+v %v", ack, err)
	}
	cb, err := bap.WaitFor(ctx, testbap.Reply(c.MessageID, "on_search"))
	if err != nil {
		t.Fatal(err)
	}
	if cb.Gateway == "" {
		t.Errorf("on_search came without a verified gateway signature in relay mode")
	}
	cat := decodeCallback[beckn.CatalogMessage](t, cb)
	if len(cat.Catalog.Providers) == 0 {
		t.Errorf("relayed on_search is empty")
	}
}

// A per-request fault travels through the gateway in the intent tags: the
// BPP answers that search twice (duplicate=1), byte-identical.
func TestJourneyFaultThroughGateway(t *testing.T) {
	n, bap := startNetwork(t, sandbox.Options{Seed: 9, BPPs: []sandbox.BPPSpec{{Domain: beckn.DomainExpert}}})
	d := n.Description()
	c := bap.NewContext(beckn.DomainExpert, "search", "")
	body := bap.Body(c, json.RawMessage(`{"intent":{"item":{"descriptor":{"name":"interview"}},
		"tags":[{"descriptor":{"code":"sandbox-fault"},"list":[{"descriptor":{"code":"duplicate"},"value":"1"}]}]}}`))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if ack, err := bap.Send(ctx, "search", d.Gateway, body); err != nil || !ack.Acked() {
		t.Fatalf("search: %+v %v", ack, err)
	}
	cbs, err := bap.WaitForN(ctx, 2, testbap.Reply(c.MessageID, "on_search"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cbs[0].Body, cbs[1].Body) {
		t.Errorf("duplicate on_search bodies differ")
	}
}

// Fan-out is real: a search through the gateway reaches both work
// providers, and each answers a browse-all search in several pages.
func TestJourneyFanOutAndPages(t *testing.T) {
	n, bap := startNetwork(t, sandbox.Options{Seed: 11})
	d := n.Description()
	c := bap.NewContext(beckn.DomainWork, "search", "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if ack, err := bap.Send(ctx, "search", d.Gateway, bap.Body(c, json.RawMessage(`{"intent":{}}`))); err != nil || !ack.Acked() {
		t.Fatalf("search: %+v %v", ack, err)
	}
	var bpps []string
	for _, p := range d.Participants {
		if p.Type == "BPP" && len(p.Domains) == 1 && p.Domains[0] == beckn.DomainWork {
			bpps = append(bpps, p.SubscriberID)
		}
	}
	if len(bpps) < 2 {
		t.Fatalf("the default network has %d work providers, want 2", len(bpps))
	}
	for _, id := range bpps {
		items := n.BPP(id).Catalog().ItemCount()
		pages := (items + 24) / 25
		cbs, err := bap.WaitForN(ctx, pages, func(cb testbap.Callback) bool {
			return cb.Context.MessageID == c.MessageID && cb.Action == "on_search" && cb.Context.BppID == id
		})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		got := 0
		for _, cb := range cbs {
			cat := decodeCallback[beckn.CatalogMessage](t, cb)
			for _, p := range cat.Catalog.Providers {
				got += len(p.Items)
			}
		}
		if got != items {
			t.Errorf("%s: %d items over %d pages, catalog has %d", id, got, len(cbs), items)
		}
	}
}
