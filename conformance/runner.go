// Package conformance runs ONEST's go-live flows against provider platforms
// (BPPs) through a running Seeker, and checks every step: the synchronous
// ACK, the callback within the ttl, its signature (Seeker records an answer
// to its own request whose signature failed, with the reason, as refused),
// its payload (core 1.1.0 and the
// ONEST policy of its domain, checked on the stored bytes) and its
// consistency with the request.
//
// It works through the Seeker's client API — the deployed BAP is what is
// tested — and finds the BPPs in the network registry.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/schema"
	"github.com/onest-seeker/seeker/xinput"
)

// Config says what to test and through which Seeker.
type Config struct {
	// SeekerURL and APIKey name the Seeker client API.
	SeekerURL, APIKey string
	// RegistryURL is where the BPPs are found.
	RegistryURL string
	// Domains to test (default every ONEST domain); BPPs restricts the
	// run to these subscriber ids.
	Domains []string
	BPPs    []string
	// TTL is the callback window asked of providers (default 10 s).
	TTL time.Duration
	// Profile fills XInput forms (default TestProfile).
	Profile xinput.Profile
	// AllowPrivate lets form fetches reach loopback (the local sandbox).
	AllowPrivate bool
	// Progress, when set, gets one line per step as the run goes.
	Progress io.Writer
	HTTP     *http.Client
}

// TestProfile is the fictitious learner whose data fills forms.
var TestProfile = xinput.Profile{
	"user-full-name": "Asha Test", "user-date-of-birth": "2004-01-15", "user-gender": "Female",
	"user-email": "asha.test@example.org", "user-phone-number": "9000000001", "user-address": "1 Test Street, Pune",
	"user-guardian-full-name": "Ravi Test", "user-guardian-phone": "9000000002", "user-bank-ifsc": "TEST0000001",
	"user-bank-acc-no": "000111222333", "user-bank-acc-name": "Asha Test", "user-ann-hh-inc": "150000",
	"user-social-category": "General", "user-occupation": "Student",
}

// maxFormSteps bounds the XInput loop against a provider that never stops
// asking.
const maxFormSteps = 10

// Run tests every BPP of the configured domains and returns the report.
// An error means the run could not start (Seeker or registry unreachable);
// provider failures are in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.SeekerURL == "" || cfg.APIKey == "" || cfg.RegistryURL == "" {
		return nil, errors.New("conformance: SeekerURL, APIKey and RegistryURL are required")
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 10 * time.Second
	}
	if cfg.Profile == nil {
		cfg.Profile = TestProfile
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: cfg.TTL + 30*time.Second}
	}
	if len(cfg.Domains) == 0 {
		cfg.Domains = beckn.Domains()
	}
	reg := &registry.Client{BaseURL: cfg.RegistryURL, HTTP: cfg.HTTP}
	type target struct{ id, domain string }
	var targets []target
	for _, d := range cfg.Domains {
		code, known := beckn.NormalizeDomain(d)
		if !known {
			return nil, fmt.Errorf("conformance: %q is not an ONEST domain", d)
		}
		subs, err := reg.Lookup(ctx, registry.Query{Type: registry.TypeBPP, Domain: code})
		if err != nil {
			return nil, fmt.Errorf("conformance: looking up the BPPs of %s in %s: %w", code, cfg.RegistryURL, err)
		}
		for _, s := range subs {
			if len(cfg.BPPs) == 0 || slices.Contains(cfg.BPPs, s.SubscriberID) {
				targets = append(targets, target{s.SubscriberID, code})
			}
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("conformance: the registry at %s lists no BPP for %v %v", cfg.RegistryURL, cfg.Domains, cfg.BPPs)
	}
	rep := &Report{}
	validator := schema.New()
	for i, t := range targets {
		r := &run{cfg: cfg, validator: validator, rep: rep, bpp: t.id, domain: t.domain, txn: beckn.NewUUID()}
		r.progress("[%d/%d] %s (%s)", i+1, len(targets), t.id, t.domain)
		if err := r.flow(ctx); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// run is the flow of one BPP.
type run struct {
	cfg         Config
	validator   *schema.Validator
	rep         *Report
	bpp, domain string
	txn         string
	lastSeq     int64
}

// errStop ends a BPP's flow after a step whose failure leaves nothing to
// continue with (no catalog, no order).
var errStop = errors.New("stop")

func (r *run) progress(format string, args ...any) {
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, format+"\n", args...)
	}
}

func (r *run) add(step, name string, st Status, format string, args ...any) {
	r.rep.Checks = append(r.rep.Checks, Check{BPP: r.bpp, Domain: r.domain, Step: step, Name: name, Status: st,
		Reason: fmt.Sprintf(format, args...), TransactionID: r.txn})
}

func (r *run) flow(ctx context.Context) error {
	err := r.steps(ctx)
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func (r *run) steps(ctx context.Context) error {
	cat, err := r.step(ctx, "search", `{"intent":{}}`)
	if err != nil {
		return err
	}
	provider, item, name, category := firstItem(cat)
	if item == "" {
		r.add("on_search", "consistency", Fail, "the catalog has no provider with an item; nothing to select")
		return errStop
	}
	r.add("on_search", "consistency", Pass, "catalog with provider %s, item %s", provider, item)
	// The data points a seeker sends: each search must find the item it
	// was built from. A provider that ignores a filter still answers, so a
	// miss is a warning.
	for _, dp := range []struct{ what, value, intent string }{
		{"name", name, `{"item":{"descriptor":{"name":%q}}}`},
		{"provider", provider, `{"provider":{"id":%q}}`},
		{"category", category, `{"category":{"id":%q}}`},
	} {
		step := "search-by-" + dp.what
		if dp.value == "" {
			r.add(step, "consistency", Skip, "the item has no %s to search by", dp.what)
			continue
		}
		res, err := r.step(ctx, "search", `{"intent":`+fmt.Sprintf(dp.intent, dp.value)+`}`)
		if err != nil {
			return err
		}
		if !hasItem(res, item) {
			r.add(step, "consistency", Warn, "a search by %s %q did not return item %s", dp.what, dp.value, item)
		} else {
			r.add(step, "consistency", Pass, "a search by %s %q returns item %s", dp.what, dp.value, item)
		}
	}
	order := fmt.Sprintf(`{"provider":{"id":%q},"items":[{"id":%q}]`, provider, item)
	sel, err := r.step(ctx, "select", `{"order":`+order+`}}`)
	if err != nil {
		return err
	}
	r.consistentOrder("on_select", sel, provider, item)
	// The order as init and confirm send it: the chosen fulfilment (when
	// the provider offered one) with the test learner as its customer.
	p := r.cfg.Profile
	fid, itemFul := "", ""
	if f := fulfillmentOf(sel); f != "" {
		fid, itemFul = fmt.Sprintf(`"id":%q,`, f), fmt.Sprintf(`,"fulfillment_ids":[%q]`, f)
	}
	order = fmt.Sprintf(`{"provider":{"id":%q},"items":[{"id":%q%s}]`, provider, item, itemFul)
	who := fmt.Sprintf(`,"fulfillments":[{%s"customer":{"person":{"name":%q,"age":"21","gender":%q},"contact":{"phone":%q,"email":%q}}}],"billing":{"name":%q,"phone":%q,"email":%q}`,
		fid, p["user-full-name"], p["user-gender"], p["user-phone-number"], p["user-email"], p["user-full-name"], p["user-phone-number"], p["user-email"])
	ini, err := r.step(ctx, "init", `{"order":`+order+who+`}}`)
	if err != nil {
		return err
	}
	r.consistentOrder("on_init", ini, provider, item)
	if err := r.forms(ctx, ini); err != nil {
		return err
	}
	conf, err := r.step(ctx, "confirm", `{"order":`+order+who+`}}`)
	if err != nil {
		return err
	}
	orderID := orderIDOf(conf)
	if orderID == "" {
		r.add("on_confirm", "consistency", Fail, "on_confirm has no message.order.id; status, track and cancel cannot name the order")
		return errStop
	}
	r.add("on_confirm", "consistency", Pass, "order %s", orderID)
	st, err := r.step(ctx, "status", fmt.Sprintf(`{"order_id":%q}`, orderID))
	if err != nil {
		return err
	}
	if got := orderIDOf(st); got != orderID {
		r.add("on_status", "consistency", Fail, "on_status is about order %q, the request asked for %q", got, orderID)
	} else {
		r.add("on_status", "consistency", Pass, "order %s", orderID)
	}
	for _, s := range []struct{ action, msg string }{
		{"track", fmt.Sprintf(`{"order_id":%q}`, orderID)},
		{"support", fmt.Sprintf(`{"support":{"ref_id":%q}}`, orderID)},
	} {
		if _, err := r.step(ctx, s.action, s.msg); err != nil {
			return err
		}
	}
	cats, err := r.step(ctx, "get_rating_categories", `{}`)
	if err != nil {
		return err
	}
	if c := firstRatingCategory(cats); c != "" {
		if _, err := r.step(ctx, "rating", fmt.Sprintf(`{"ratings":[{"id":%q,"rating_category":%q,"value":"4"}]}`, orderID, c)); err != nil {
			return err
		}
	} else {
		r.add("rating", "consistency", Skip, "the provider listed no rating categories")
	}
	reasons, err := r.step(ctx, "get_cancellation_reasons", `{}`)
	if err != nil {
		return err
	}
	reason := firstCancellationReason(reasons)
	if reason == "" {
		r.add("cancel", "consistency", Skip, "the provider listed no cancellation reasons")
		return nil
	}
	can, err := r.step(ctx, "cancel", fmt.Sprintf(`{"order_id":%q,"cancellation_reason_id":%q}`, orderID, reason))
	if err != nil {
		return err
	}
	if got := orderIDOf(can); got != orderID {
		r.add("on_cancel", "consistency", Fail, "on_cancel is about order %q, the request cancelled %q", got, orderID)
	} else {
		r.add("on_cancel", "consistency", Pass, "order %s cancelled with reason %s", orderID, reason)
	}
	return nil
}

// forms fills every XInput form the provider asks for, one step at a time.
func (r *run) forms(ctx context.Context, ini []byte) error {
	client := &xinput.Client{AllowPrivate: r.cfg.AllowPrivate}
	for step := 1; ; step++ {
		xi := xinputOf(ini)
		if xi == nil || xi.Form == nil || xi.Form.URL == "" {
			return nil
		}
		name := "xinput-" + strconv.Itoa(step)
		if step > maxFormSteps {
			r.add(name, "form", Fail, "the provider still asks for a form after %d steps", maxFormSteps)
			return errStop
		}
		r.progress("  %s", name)
		form, err := client.Fetch(ctx, xi)
		if err != nil {
			r.add(name, "form", Fail, "fetching the form at %s: %v", xi.Form.URL, err)
			return errStop
		}
		answers, _ := xinput.Prefill(form, r.cfg.Profile)
		var files []xinput.File
		for _, f := range form.Fields {
			switch {
			case f.Type == "file":
				files = append(files, xinput.File{Field: f.Name, Name: f.Name + ".pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 conformance test")})
			case answers.Get(f.Name) == "" && f.Required:
				answers.Set(f.Name, fallback(f))
			}
		}
		resp, err := client.Submit(ctx, form, xi, answers, files)
		if err != nil {
			r.add(name, "form", Fail, "submitting the form: %v", err)
			return errStop
		}
		r.add(name, "form", Pass, "form %s submitted (submission %s)", xi.Form.URL, resp.SubmissionID)
		// The provider answers a submission with an unsolicited on_init.
		next, err := r.waitUnsolicited(ctx, name, "on_init")
		if err != nil {
			return err
		}
		ini = next
	}
}

// fallback answers a required field the profile does not cover.
func fallback(f xinput.Field) string {
	for _, o := range f.Options {
		if o.Value != "" {
			return o.Value
		}
	}
	switch f.Type {
	case "number":
		return "2"
	case "date":
		return "2024-04-01"
	case "month":
		return "2024-04"
	case "email":
		return "asha.test@example.org"
	case "tel":
		return "9000000001"
	case "url":
		return "https://example.org"
	}
	return "conformance test"
}

// compatAnswer is the client API's synchronous answer.
type compatAnswer struct {
	Message struct {
		Ack struct {
			Status string `json:"status"`
		} `json:"ack"`
	} `json:"message"`
	Error *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Path    string          `json:"path"`
	} `json:"error"`
	Context struct {
		MessageID string `json:"message_id"`
	} `json:"context"`
	Responses []json.RawMessage `json:"responses"`
}

// step sends one request and checks it and its callback; it returns the
// first valid callback's body. errStop means the flow cannot go on.
func (r *run) step(ctx context.Context, action, message string) ([]byte, error) {
	r.progress("  %s", action)
	cb := beckn.CallbackAction(action)
	c := map[string]any{"domain": r.domain, "transaction_id": r.txn, "bpp_id": r.bpp, "ttl": beckn.FormatDuration(r.cfg.TTL)}
	body, _ := json.Marshal(map[string]any{"context": c, "message": json.RawMessage(message)})
	status, raw, err := r.post("/"+action, body)
	if err != nil {
		return nil, err
	}
	var ans compatAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		r.add(action, "ack", Fail, "Seeker answered %d with %q", status, clip(raw))
		return nil, errStop
	}
	if ans.Error != nil && ans.Message.Ack.Status == "NACK" {
		r.add(action, "ack", Fail, "the provider answered NACK %s: %s", strings.Trim(string(ans.Error.Code), `"`), ans.Error.Message)
		return nil, errStop
	}
	if ans.Error != nil || status != http.StatusOK {
		r.add(action, "ack", Fail, "Seeker could not send %s (%d): %s", action, status, clip(raw))
		return nil, errStop
	}
	r.add(action, "ack", Pass, "")
	return r.callback(ctx, action, cb, ans.Context.MessageID, len(ans.Responses) > 0)
}

// storedMessage is a message as GET /v1/messages lists it.
type storedMessage struct {
	Seq         int64  `json:"seq"`
	Direction   string `json:"direction"`
	Action      string `json:"action"`
	MessageID   string `json:"message_id"`
	BppID       string `json:"bpp_id"`
	Correlation string `json:"correlation"`
	Late        bool   `json:"late"`
	Signature   string `json:"signature"`
	AckStatus   string `json:"ack_status"`
	// Raw is the exact stored body.
	Raw []byte `json:"raw_base64"`
}

// callback checks the callbacks Seeker stored for the request: one within
// the ttl, signed validly, valid, from the provider asked, about the same
// transaction. A callback after the ttl is looked for once the window has
// passed, so a late provider is reported as late, not as silent.
func (r *run) callback(ctx context.Context, action, cb, messageID string, answered bool) ([]byte, error) {
	var got []storedMessage
	deadline := time.Now().Add(r.cfg.TTL)
	if !answered {
		// Wait out the window and a grace period for a late callback.
		deadline = deadline.Add(r.cfg.TTL/2 + 5*time.Second)
	}
	for {
		msgs, err := r.messages(ctx)
		if err != nil {
			return nil, err
		}
		got = got[:0]
		for _, m := range msgs {
			if m.Direction == "in" && m.Action == cb && m.MessageID == messageID {
				got = append(got, m)
			}
		}
		if len(got) > 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	if len(got) == 0 {
		r.add(cb, "callback", Fail, "no %s within the ttl of %s: the provider did not call back, or sent a body that is not JSON (Seeker refuses those before storing them; its log says which)", cb, r.cfg.TTL)
		return nil, errStop
	}
	return r.judge(cb, got)
}

// judge checks the stored callbacks of one request and returns the body of
// the first acknowledged one.
func (r *run) judge(cb string, got []storedMessage) ([]byte, error) {
	var body []byte
	for _, m := range got {
		if m.Seq > r.lastSeq {
			r.lastSeq = m.Seq
		}
		if m.Late {
			r.add(cb, "callback", Fail, "%s arrived after the ttl of %s (late)", cb, r.cfg.TTL)
		} else if m.AckStatus == "ACK" && body == nil {
			r.add(cb, "callback", Pass, "within the ttl")
		}
		if m.Signature == "valid" {
			r.add(cb, "signature", Pass, "")
		} else {
			r.add(cb, "signature", Fail, "signature: %s", m.Signature)
		}
		r.payload(cb, m.Raw)
		if m.BppID != r.bpp {
			r.add(cb, "consistency", Fail, "the callback names bpp_id %q, the request went to %q", m.BppID, r.bpp)
		}
		if m.AckStatus != "ACK" {
			r.add(cb, "ack", Fail, "Seeker refused the callback (NACK)")
			continue
		}
		if body == nil {
			body = m.Raw
		}
	}
	if body == nil {
		return nil, errStop
	}
	var env struct {
		Error *struct {
			Code    json.RawMessage `json:"code"`
			Message string          `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && env.Error != nil {
		code := strings.Trim(string(env.Error.Code), `"`)
		if cb == "on_cancel" || cb == "on_update" {
			// A provider may refuse to cancel or change an order for a
			// business reason (it is already complete): a correct
			// answer, but the step was not exercised.
			r.add(cb, "payload", Warn, "the provider refused with error %s: %s", code, env.Error.Message)
		} else {
			r.add(cb, "payload", Fail, "the callback carries error %s: %s", code, env.Error.Message)
		}
		return nil, errStop
	}
	return body, nil
}

// payload validates a callback body against core 1.1.0 and the ONEST
// policy of its domain: errors fail, warnings warn. The runner validates
// the stored bytes itself rather than reading the findings Seeker records,
// since Seeker records them after the ACK (and not at all with inbound
// validation off).
func (r *run) payload(cb string, body []byte) {
	var errs, warns []string
	for _, f := range r.validator.Validate(cb, body).Findings {
		s := f.Path + ": " + f.Message
		switch f.Severity {
		case schema.SeverityError:
			errs = append(errs, s)
		case schema.SeverityWarning:
			warns = append(warns, s)
		}
	}
	switch {
	case len(errs) > 0:
		r.add(cb, "payload", Fail, "%d errors: %s", len(errs), firstFew(errs))
	case len(warns) > 0:
		r.add(cb, "payload", Warn, "%d warnings: %s", len(warns), firstFew(warns))
	default:
		r.add(cb, "payload", Pass, "")
	}
}

// waitUnsolicited waits for a callback of action after the last one seen
// (the next on_init after a form submission).
func (r *run) waitUnsolicited(ctx context.Context, step, action string) ([]byte, error) {
	deadline := time.Now().Add(r.cfg.TTL)
	for {
		msgs, err := r.messages(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Direction == "in" && m.Action == action && m.Seq > r.lastSeq {
				return r.judge(action, []storedMessage{m})
			}
		}
		if time.Now().After(deadline) {
			r.add(step, "callback", Fail, "no %s within %s of the form submission", action, r.cfg.TTL)
			return nil, errStop
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// messages lists the transaction's messages with their exact bodies.
func (r *run) messages(ctx context.Context) ([]storedMessage, error) {
	var out []storedMessage
	after := int64(0)
	for {
		q := url.Values{"transaction_id": {r.txn}, "raw": {"true"}, "limit": {"1000"}, "after": {strconv.FormatInt(after, 10)}}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.cfg.SeekerURL+"/v1/messages?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+r.cfg.APIKey)
		resp, err := r.cfg.HTTP.Do(req)
		if err != nil {
			return nil, fmt.Errorf("conformance: reading the transaction from Seeker: %w", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("conformance: Seeker answered GET /v1/messages with %d: %s", resp.StatusCode, clip(b))
		}
		var page struct {
			Messages  []storedMessage `json:"messages"`
			NextAfter int64           `json:"next_after"`
			More      bool            `json:"more"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("conformance: Seeker's message list: %w", err)
		}
		out = append(out, page.Messages...)
		if !page.More || page.NextAfter <= after {
			return out, nil
		}
		after = page.NextAfter
	}
}

func (r *run) post(path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, r.cfg.SeekerURL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+r.cfg.APIKey)
	resp, err := r.cfg.HTTP.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("conformance: Seeker at %s: %w", r.cfg.SeekerURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusUnauthorized {
		return 0, nil, fmt.Errorf("conformance: Seeker at %s refused the API key", r.cfg.SeekerURL)
	}
	return resp.StatusCode, b, nil
}

func (r *run) consistentOrder(cb string, body []byte, provider, item string) {
	var env struct {
		Message struct {
			Order struct {
				Provider struct {
					ID beckn.LenientString `json:"id"`
				} `json:"provider"`
				Items []struct {
					ID beckn.LenientString `json:"id"`
				} `json:"items"`
			} `json:"order"`
		} `json:"message"`
	}
	if err := beckn.Unmarshal(body, &env); err != nil {
		r.add(cb, "consistency", Fail, "message.order does not decode: %v", err)
		return
	}
	o := env.Message.Order
	has := false
	for _, it := range o.Items {
		has = has || string(it.ID) == item
	}
	switch {
	case string(o.Provider.ID) != provider:
		r.add(cb, "consistency", Fail, "order.provider.id is %q, the request named %q", o.Provider.ID, provider)
	case !has:
		r.add(cb, "consistency", Fail, "order.items does not contain the requested item %q", item)
	default:
		r.add(cb, "consistency", Pass, "provider %s, item %s", provider, item)
	}
}

func firstFew(s []string) string {
	if len(s) > 3 {
		return strings.Join(s[:3], "; ") + fmt.Sprintf("; and %d more", len(s)-3)
	}
	return strings.Join(s, "; ")
}

func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
