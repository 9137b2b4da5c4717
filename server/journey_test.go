package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/xinput"
)

// journey is one domain's path through a reference provider: the search
// text that finds the item, the number of XInput forms after init, and the
// states the provider pushes on its own after confirm.
type journey struct {
	domain   string
	query    string
	provider string
	item     string
	forms    int
	updates  []string
}

var journeys = []journey{
	{beckn.DomainLearning, "JavaScript for Web Developers", "unacademy", "Q291cnNlTGlzdDovbmQyX2NlYzIzX2NzMDI=", 1, []string{"IN-PROGRESS", "COMPLETED"}},
	{beckn.DomainWork, "Flutter Developer", "1", "8A690F158A37965A2CC0E69EC8B360B2", 1, []string{"ASSESSMENT-IN-PROGRESS", "OFFER-EXTENDED"}},
	{beckn.DomainFinancial, "Economically Backward Female", "BX213573733", "SCM_63587501", 4, []string{"APPLICATION-APPROVED", "AMOUNT-DISBURSED"}},
	{beckn.DomainExpert, "Time Management Coaching", "coursera", "ACE6EDB6A9E03F9D2B1047B48B05651F", 0, []string{"RESCHEDULED"}},
}

// profile is the learner's data, by ONEST-001 names, used to fill forms.
var profile = xinput.Profile{
	"user-full-name": "Meera Iyer", "user-date-of-birth": "2005-08-15", "user-gender": "Female",
	"user-email": "meera.iyer@example.org", "user-phone-number": "9876543210", "user-address": "12 MG Road, Bengaluru",
	"user-guardian-full-name": "Lakshmi Iyer", "user-guardian-phone": "9876500000", "user-bank-ifsc": "HDFC0001234",
	"user-bank-acc-no": "50100234567890", "user-bank-acc-name": "Meera Iyer", "user-ann-hh-inc": "180000",
	"user-social-category": "SC", "user-occupation": "Student",
}

func TestJourneyEveryDomainThroughTheClientAPI(t *testing.T) {
	s := startStack(t, sandbox.Options{Seed: 2026})
	for _, j := range journeys {
		t.Run(strings.TrimPrefix(j.domain, "onest:"), func(t *testing.T) { runJourney(t, s, j) })
	}
}

// order state as the provider reports it.
func state(o *beckn.Order) string {
	if o == nil {
		return ""
	}
	for _, f := range o.Fulfillments {
		if f.State != nil && f.State.Code() != "" {
			return f.State.Code()
		}
	}
	return string(o.Status)
}

func runJourney(t *testing.T, s *stack, j journey) {
	refID, _ := s.network.ReferenceBPP(j.domain)
	txn := beckn.NewUUID()

	// Search: every provider of the domain is reached through the gateway,
	// and the call returns when they have answered.
	status, ans := s.call("search", beckn.Context{Domain: j.domain, TransactionID: txn}, map[string]any{
		"intent": map[string]any{"item": map[string]any{"descriptor": map[string]any{"name": j.query}}}})
	if status != 200 || len(ans.Responses) == 0 {
		t.Fatalf("search answered %d with %d responses (%+v)", status, len(ans.Responses), ans.Error)
	}
	found := false
	for _, r := range ans.Responses {
		cat := decodeMessage[beckn.CatalogMessage](t, r)
		env, _ := beckn.Decode(r)
		for _, p := range cat.Catalog.Providers {
			for _, it := range p.Items {
				found = found || (env.Context.BPPID() == refID && p.ID == j.provider && it.ID == j.item)
			}
		}
	}
	if !found {
		t.Fatalf("search %q did not return %s/%s from %s", j.query, j.provider, j.item, refID)
	}

	c := beckn.Context{Domain: j.domain, TransactionID: txn, BppID: refID}
	order := map[string]any{"provider": map[string]any{"id": j.provider}, "items": []any{map[string]any{"id": j.item}}}
	sel := one[beckn.OrderMessage](t, s, "select", c, map[string]any{"order": order})
	if sel.Order == nil || len(sel.Order.Items) == 0 {
		t.Fatalf("on_select has no order")
	}
	applicant(t, order, sel.Order)
	order["billing"] = map[string]any{"name": profile["user-full-name"], "phone": profile["user-phone-number"], "email": profile["user-email"]}
	_, initAns := s.call("init", c, map[string]any{"order": order})
	if len(initAns.Responses) == 0 {
		t.Fatalf("init: no on_init (%+v)", initAns.Error)
	}
	ini := decodeMessage[beckn.OrderMessage](t, initAns.Responses[0])
	last := lastSeq(s, txn)

	forms := &xinput.Client{Signer: s.seeker.Signer, AllowPrivate: true}
	prefilled := 0
	for step := 0; step < j.forms; step++ {
		xi := ini.Order.Items[0].XInput
		if xi == nil || xi.Head == nil || xi.Head.Index == nil || xi.Head.Index.Cur.Int(-1) != step {
			t.Fatalf("form %d: on_init has no xinput at that step: %+v", step, xi)
		}
		form, err := forms.Fetch(context.Background(), xi)
		if err != nil {
			t.Fatalf("form %d: %v", step, err)
		}
		answers, shared := xinput.Prefill(form, profile)
		prefilled += len(shared)
		var files []xinput.File
		have := map[string]bool{}
		for _, f := range form.Fields {
			if f.Type == "file" {
				files = append(files, xinput.File{Field: f.Name, Name: f.Name + ".pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 test")})
				have[f.Name] = true
			} else if answers.Get(f.Name) == "" && f.Required {
				answers.Set(f.Name, fallback(f))
			}
		}
		if errs := xinput.Check(form, answers, have); len(errs) > 0 {
			t.Fatalf("form %d: answers do not pass the form's own rules: %v", step, errs)
		}
		fr, err := forms.Submit(context.Background(), form, xi, answers, files)
		if err != nil || fr.SubmissionID == "" {
			t.Fatalf("form %d: submit: %v", step, err)
		}
		// The provider answers the submission with an unsolicited on_init.
		m := s.waitInbound(t, "the on_init after form "+string(rune('0'+step)), txn, last, func(m *store.Message) bool {
			return m.Action == "on_init" && m.Correlation == store.Unsolicited
		})
		last = m.Seq
		ini = decodeMessage[beckn.OrderMessage](t, m.Raw)
	}
	if j.forms > 0 && prefilled == 0 {
		t.Errorf("no form field was pre-filled from the learner's profile")
	}
	if j.forms > 0 && ini.Order.Items[0].XInput != nil {
		t.Fatalf("on_init still asks for a form after %d forms", j.forms)
	}

	conf := one[beckn.OrderMessage](t, s, "confirm", c, map[string]any{"order": order})
	orderID := conf.Order.ID
	if orderID == "" {
		t.Fatalf("on_confirm has no order id")
	}
	// Providers push state changes as they happen; two close together may
	// be stored in either order, so each is looked for after the confirm.
	for _, want := range j.updates {
		s.waitInbound(t, "unsolicited "+want, txn, last, func(m *store.Message) bool {
			if m.Correlation != store.Unsolicited || (m.Action != "on_status" && m.Action != "on_update") {
				return false
			}
			return state(decodeMessage[beckn.OrderMessage](t, m.Raw).Order) == want
		})
	}
	o, err := s.seeker.Store.Order(context.Background(), string(orderID))
	if err != nil || o.TransactionID != txn {
		t.Fatalf("order %s not recorded for the transaction: %+v %v", orderID, o, err)
	}

	st := one[beckn.OrderMessage](t, s, "status", c, map[string]any{"order_id": orderID})
	if st.Order.ID != orderID || state(st.Order) != j.updates[len(j.updates)-1] {
		t.Errorf("on_status: order %q state %q", st.Order.ID, state(st.Order))
	}
	if tr := one[beckn.TrackingMessage](t, s, "track", c, map[string]any{"order_id": orderID}); tr.Tracking == nil {
		t.Errorf("on_track has no tracking")
	}
	if sp := one[beckn.SupportMessage](t, s, "support", c, map[string]any{"support": map[string]any{"ref_id": orderID}}); sp.Support == nil {
		t.Errorf("on_support has no support")
	}
	cats := one[beckn.RatingCategoriesMessage](t, s, "get_rating_categories", c, map[string]any{})
	if len(cats.RatingCategories) == 0 {
		t.Fatalf("no rating categories")
	}
	fb := one[beckn.FeedbackMessage](t, s, "rating", c, map[string]any{"ratings": []any{map[string]any{"id": orderID, "rating_category": cats.RatingCategories[0], "value": "4"}}})
	if fb.FeedbackForm == nil {
		t.Errorf("on_rating has no feedback form")
	}
}

// TestCancelEveryDomain cancels a fresh application in each domain with a
// reason the provider lists. The providers' timelines run at real speed
// here, so no application completes before it is cancelled.
func TestCancelEveryDomain(t *testing.T) {
	s := startStack(t, sandbox.Options{Seed: 2026, TimeScale: 1})
	for _, j := range journeys {
		t.Run(strings.TrimPrefix(j.domain, "onest:"), func(t *testing.T) {
			refID, _ := s.network.ReferenceBPP(j.domain)
			c := beckn.Context{Domain: j.domain, TransactionID: beckn.NewUUID(), BppID: refID}
			reasons := one[beckn.CancellationReasonsMessage](t, s, "get_cancellation_reasons", c, map[string]any{})
			if len(reasons.CancellationReasons) == 0 {
				t.Fatalf("no cancellation reasons")
			}
			order := map[string]any{"provider": map[string]any{"id": j.provider}, "items": []any{map[string]any{"id": j.item}}}
			sel := one[beckn.OrderMessage](t, s, "select", c, map[string]any{"order": order})
			applicant(t, order, sel.Order)
			conf := one[beckn.OrderMessage](t, s, "confirm", c, map[string]any{"order": order})
			can := one[beckn.OrderMessage](t, s, "cancel", c, map[string]any{"order_id": conf.Order.ID, "cancellation_reason_id": reasons.CancellationReasons[0].ID})
			if can.Order.Status != "CANCELLED" {
				t.Errorf("on_cancel: status %q", can.Order.Status)
			}
			o, err := s.seeker.Store.Order(context.Background(), string(conf.Order.ID))
			if err != nil || o.State == "" {
				t.Fatalf("cancelled order not recorded: %+v %v", o, err)
			}
		})
	}
}

// applicant completes an order with the fulfillment the provider offered in
// on_select and the learner as its customer, as ONEST's init and confirm
// require.
func applicant(t *testing.T, order map[string]any, sel *beckn.Order) {
	t.Helper()
	fid := ""
	if len(sel.Items) > 0 && len(sel.Items[0].FulfillmentIDs) > 0 {
		fid = sel.Items[0].FulfillmentIDs[0]
	}
	for _, f := range sel.AllFulfillments() {
		if fid == "" && f.ID != "" {
			fid = f.ID
		}
	}
	if fid == "" {
		t.Fatalf("on_select offers no fulfillment")
	}
	order["items"].([]any)[0].(map[string]any)["fulfillment_ids"] = []string{fid}
	order["fulfillments"] = []any{map[string]any{"id": fid, "customer": map[string]any{
		"person":  map[string]any{"name": profile["user-full-name"], "age": "19", "gender": "Female"},
		"contact": map[string]any{"phone": profile["user-phone-number"], "email": profile["user-email"]}}}}
}

// one sends an action and returns its single callback's message.
func one[T any](t *testing.T, s *stack, action string, c beckn.Context, message any) T {
	t.Helper()
	status, ans := s.call(action, c, message)
	if status != http.StatusOK || len(ans.Responses) == 0 {
		t.Fatalf("%s answered %d with %d callbacks (%+v)", action, status, len(ans.Responses), ans.Error)
	}
	return decodeMessage[T](t, ans.Responses[0])
}

func lastSeq(s *stack, txn string) int64 {
	msgs := s.inbound(txn, 0)
	if len(msgs) == 0 {
		return 0
	}
	return msgs[len(msgs)-1].Seq
}

// fallback answers a required field the profile does not cover, as a
// learner typing into the form would.
func fallback(f xinput.Field) string {
	if len(f.Options) > 0 {
		for _, o := range f.Options {
			if o.Value != "" {
				return o.Value
			}
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
		return "meera.iyer@example.org"
	case "tel":
		return "9876543210"
	case "checkbox":
		return "on"
	}
	return "Meera Iyer"
}
