package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/sandbox/bpp"
	"github.com/onest-seeker/seeker/store"
)

// TestSearchSurvivesEveryProviderFault runs one search over the learning
// domain where, beside the two healthy reference providers, one provider
// has each fault the real network shows. A learner must get every good
// answer once, none of the bad ones, and not wait for the silent.
func TestSearchSurvivesEveryProviderFault(t *testing.T) {
	faulty := map[string]bpp.Faults{
		"le-slow.sandbox.local":      {Delay: 1500 * time.Millisecond},
		"le-silent.sandbox.local":    {Silent: true},
		"le-nack.sandbox.local":      {NackCode: "40001"},
		"le-badsig.sandbox.local":    {BadSignature: true},
		"le-wrongkey.sandbox.local":  {WrongKeyID: true},
		"le-malformed.sandbox.local": {Malformed: true},
		"le-dup.sandbox.local":       {Duplicates: 2},
		"le-late.sandbox.local":      {Late: true},
		"le-large.sandbox.local":     {LargeCatalog: true},
		"le-sloppy.sandbox.local":    {Sloppy: true},
	}
	var extra []sandbox.BPPSpec
	for id, f := range faulty {
		extra = append(extra, sandbox.BPPSpec{SubscriberID: id, Domain: beckn.DomainLearning, Faults: f})
	}
	s := startStack(t, sandbox.Options{Seed: 7, ExtraBPPs: extra}, func(c *config.Config) {
		// Generous windows: the machine may be slow, and this test is about
		// which answers reach the learner, not about speed.
		c.TTL = map[string]string{"default": "PT20S", "search": "PT15S"}
		c.SearchQuiet = 10 * time.Second
	})

	txn := beckn.NewUUID()
	status, ans := s.call("search", beckn.Context{Domain: beckn.DomainLearning, TransactionID: txn}, map[string]any{"intent": map[string]any{}})
	if status != 200 {
		t.Fatalf("search answered %d (%+v)", status, ans.Error)
	}
	from := map[string]int{}
	for _, r := range ans.Responses {
		env, err := beckn.Decode(r)
		if err != nil {
			t.Fatalf("a response does not decode: %v", err)
		}
		from[env.Context.BPPID()]++
	}
	want := []string{"le-bpp-1.sandbox.local", "le-bpp-2.sandbox.local", "le-slow.sandbox.local", "le-dup.sandbox.local", "le-large.sandbox.local", "le-sloppy.sandbox.local"}
	for _, id := range want {
		if from[id] == 0 {
			t.Errorf("no answer from %s in the search result (got %v)", id, from)
		}
	}
	for _, id := range []string{"le-silent.sandbox.local", "le-nack.sandbox.local", "le-badsig.sandbox.local", "le-wrongkey.sandbox.local", "le-malformed.sandbox.local", "le-late.sandbox.local"} {
		if from[id] != 0 {
			t.Errorf("%d answers from %s reached the learner", from[id], id)
		}
	}

	// What is stored: nothing unverified or malformed, duplicates once, the
	// late answer kept and marked late once it arrives.
	late := s.waitInbound(t, "the late callback", txn, 0, func(m *store.Message) bool { return m.SenderID == "le-late.sandbox.local" })
	if !late.Late || late.AckStatus != "ACK" {
		t.Errorf("late callback stored as late=%v ack=%s", late.Late, late.AckStatus)
	}
	hashes := map[string]bool{}
	refused := map[string]bool{}
	for _, m := range s.inbound(txn, 0) {
		switch m.SenderID {
		case "le-badsig.sandbox.local", "le-wrongkey.sandbox.local", "le-malformed.sandbox.local":
			t.Errorf("a callback from %s was stored as verified", m.SenderID)
		case "unverified:le-badsig.sandbox.local", "unverified:le-wrongkey.sandbox.local":
			if m.AckStatus != "NACK" || m.Signature == "valid" {
				t.Errorf("refused callback of %s stored as %s / %q", m.SenderID, m.AckStatus, m.Signature)
			}
			refused[m.SenderID] = true
		}
		key := m.SenderID + m.BodyHash
		if hashes[key] {
			t.Errorf("a duplicate callback from %s was stored twice", m.SenderID)
		}
		hashes[key] = true
		if m.SenderID == "le-large.sandbox.local" && len(m.Raw) < 5<<20 {
			t.Errorf("the large catalog was stored with %d bytes", len(m.Raw))
		}
	}
	if len(refused) != 2 {
		t.Errorf("refused answers recorded for %v, want the bad-signature and wrong-key providers (an operator must see why they seemed silent)", refused)
	}

	// A provider that refuses a request: the learner's app gets the NACK
	// and its code at once, not a timeout.
	status, ans = s.call("select", beckn.Context{Domain: beckn.DomainLearning, TransactionID: txn, BppID: "le-nack.sandbox.local"},
		map[string]any{"order": map[string]any{"provider": map[string]any{"id": "p"}, "items": []any{map[string]any{"id": "i"}}}})
	if status != 200 || ans.Error == nil || ans.Error.Code != "40001" || len(ans.Responses) != 0 {
		t.Fatalf("select to a NACKing provider: %d %+v", status, ans.Error)
	}
}

// TestSearchReturnsWhenEveryProviderAnswered: with a two-minute ttl and
// quiet period, a search over healthy providers can only come back within
// the client's one-minute timeout by completing as soon as every provider
// the gateway reaches has answered.
func TestSearchReturnsWhenEveryProviderAnswered(t *testing.T) {
	s := startStack(t, sandbox.Options{Seed: 11}, func(c *config.Config) {
		c.TTL = map[string]string{"default": "PT20S", "search": "PT2M"}
		c.SearchQuiet = 2 * time.Minute
	})
	status, ans := s.call("search", beckn.Context{Domain: beckn.DomainLearning}, map[string]any{"intent": map[string]any{}})
	if status != 200 {
		t.Fatalf("search answered %d (%+v)", status, ans.Error)
	}
	from := map[string]bool{}
	for _, r := range ans.Responses {
		env, _ := beckn.Decode(r)
		from[env.Context.BPPID()] = true
	}
	if !from["le-bpp-1.sandbox.local"] || !from["le-bpp-2.sandbox.local"] {
		t.Fatalf("answers from %v, want both learning providers", from)
	}
}

// TestRestartInTheMiddleOfAJourneyLosesNothing stops Seeker after init and
// starts it again on the same database: the transaction, its messages and
// the pushed status changes that arrive meanwhile are all there, and the
// journey continues.
func TestRestartInTheMiddleOfAJourneyLosesNothing(t *testing.T) {
	s := startStack(t, sandbox.Options{Seed: 2026, TimeScale: 200})
	j := journeys[3] // expert connect: no forms, one pushed update
	refID, _ := s.network.ReferenceBPP(j.domain)
	txn := beckn.NewUUID()
	c := beckn.Context{Domain: j.domain, TransactionID: txn, BppID: refID}
	order := map[string]any{"provider": map[string]any{"id": j.provider}, "items": []any{map[string]any{"id": j.item}}}
	sel := one[beckn.OrderMessage](t, s, "select", c, map[string]any{"order": order})
	applicant(t, order, sel.Order)
	one[beckn.OrderMessage](t, s, "init", c, map[string]any{"order": order})
	before := s.inbound(txn, 0)

	s.restart()

	if after := s.inbound(txn, 0); len(after) != len(before) {
		t.Fatalf("%d callbacks before the restart, %d after", len(before), len(after))
	}
	if _, err := s.seeker.Store.Transaction(context.Background(), txn); err != nil {
		t.Fatalf("transaction lost: %v", err)
	}
	conf := one[beckn.OrderMessage](t, s, "confirm", c, map[string]any{"order": order})
	s.waitInbound(t, "the pushed update after the restart", txn, 0, func(m *store.Message) bool {
		return m.Correlation == store.Unsolicited && (m.Action == "on_update" || m.Action == "on_status")
	})
	st := one[beckn.OrderMessage](t, s, "status", c, map[string]any{"order_id": conf.Order.ID})
	if st.Order.ID != conf.Order.ID {
		t.Fatalf("status after restart: %+v", st.Order)
	}
}
