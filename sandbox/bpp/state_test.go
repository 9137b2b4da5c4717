package bpp

import (
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

// The fulfillment states each domain moves through, from init to the end
// of the provider's timeline, with the ONEST enums of onest-domain.md §3.
func TestStateMachinePerDomain(t *testing.T) {
	cases := []struct {
		domain                             string
		initial, filled, confirmed, cancel string
		timeline                           []string
		timelineActions                    []string
		finalStatus                        string
	}{
		{domainLearning, "", "", "NOT-STARTED", "", []string{"IN-PROGRESS", "COMPLETED"}, []string{"on_status", "on_update"}, "COMPLETE"},
		{domainWork, "APPLICATION-STARTED", "APPLICATION-FILLED", "APPLICATION-SUBMITTED", "", []string{"ASSESSMENT-IN-PROGRESS", "OFFER-EXTENDED"}, []string{"on_status", "on_update"}, "ACTIVE"},
		{domainFinancial, "APPLICATION-STARTED", "APPLICATION-FILLED", "APPLICATION-SUBMITTED", "", []string{"APPLICATION-APPROVED", "AMOUNT-DISBURSED"}, []string{"on_status", "on_update"}, "ACTIVE"},
		{domainExpert, "", "", "SCHEDULED", "CANCELLED", []string{"RESCHEDULED"}, []string{"on_update"}, "ACTIVE"},
	}
	for _, c := range cases {
		if got := initialState(c.domain); got != c.initial {
			t.Errorf("%s initial %q, want %q", c.domain, got, c.initial)
		}
		if got := filledState(c.domain); got != c.filled {
			t.Errorf("%s filled %q, want %q", c.domain, got, c.filled)
		}
		if got := confirmedState(c.domain); got != c.confirmed {
			t.Errorf("%s confirmed %q, want %q", c.domain, got, c.confirmed)
		}
		if got := cancelledState(c.domain); got != c.cancel {
			t.Errorf("%s cancelled %q, want %q", c.domain, got, c.cancel)
		}
		for _, s := range append([]string{c.initial, c.filled, c.confirmed, c.cancel}, c.timeline...) {
			if s != "" && stateNames[s] == "" {
				t.Errorf("%s: state %s has no display name", c.domain, s)
			}
		}

		// Apply the timeline to a confirmed application directly.
		b := &BPP{cfg: Config{Domain: c.domain, BaseURL: "http://127.0.0.1:1", SubscriberID: "b"}}
		cat := mustCatalog(t, c.domain, 0, 3)
		pid, iid := referenceItem(c.domain)
		p, it := cat.Lookup(pid, iid)
		a := &application{TxnID: "t", Provider: p, Item: it, FulfillmentID: it.FulfillmentIDs[0], OrderID: "o-1", Status: "ACTIVE", Stage: stageConfirmed}
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		a.setState(c.confirmed, now)
		steps := timelines[c.domain]
		if len(steps) != len(c.timeline) {
			t.Fatalf("%s: %d timeline steps, want %d", c.domain, len(steps), len(c.timeline))
		}
		for i, st := range steps {
			st.apply(b, a, now.Add(time.Duration(i+1)*time.Minute))
			if a.State != c.timeline[i] || st.action != c.timelineActions[i] {
				t.Errorf("%s step %d: %s → %q, want %s → %q", c.domain, i, st.action, a.State, c.timelineActions[i], c.timeline[i])
			}
			if st.after <= 0 {
				t.Errorf("%s step %d: non-positive delay", c.domain, i)
			}
		}
		if a.Status != c.finalStatus {
			t.Errorf("%s: status after the timeline %q, want %q", c.domain, a.Status, c.finalStatus)
		}
		o := b.renderOrder(a, nil)
		switch c.domain {
		case domainLearning:
			if tv := beckn.TagGroups(o.Fulfillments[0].Tags); tv.Group("course-completion-details") == nil {
				t.Errorf("completed course without course-completion-details")
			}
		case domainFinancial:
			if len(o.Payments) != 1 || o.Payments[0].Status != "PAID" || o.Payments[0].Params.TransactionID == "" {
				t.Errorf("disbursed scholarship without a PAID payment: %+v", o.Payments)
			}
		case domainWork:
			if tv := beckn.TagGroups(o.Fulfillments[0].Tags); tv.Group("documents") == nil {
				t.Errorf("offer without the offer-letter documents group")
			}
		case domainExpert:
			if len(o.Fulfillments[0].Stops) == 0 || o.Fulfillments[0].Stops[0].Time.Range.Start == "" {
				t.Errorf("rescheduled session without the new slot")
			}
		}
	}
}

// A cancelled order stops moving: the timeline checks the status first.
func TestTimelineStopsWhenCancelled(t *testing.T) {
	h := newHarness(t, domainWork, 0, func(c *Config) { c.TimeScale = 1 }) // 30 s: nothing fires during the test
	txn := beckn.NewUUID()
	mid := h.call("confirm", txn, `{"order":{"provider":{"id":"1"},"items":[{"id":"`+RefJobItemConfirm+`"}]}}`, nil)
	o := decode[beckn.OrderMessage](t, h.waitFor("on_confirm", mid))
	mid = h.call("cancel", txn, `{"order_id":"`+o.Order.ID+`","cancellation_reason_id":"1"}`, nil)
	h.waitFor("on_cancel", mid)
	h.bpp.mu.Lock()
	a := h.bpp.orders[o.Order.ID]
	h.bpp.mu.Unlock()
	h.bpp.runStep(a, timelines[domainWork][0]) // as its timer would
	h.bpp.mu.Lock()
	defer h.bpp.mu.Unlock()
	if a.State != "APPLICATION-SUBMITTED" || a.Status != "CANCELLED" {
		t.Errorf("the timeline moved a cancelled order to %q / %q", a.State, a.Status)
	}
}
