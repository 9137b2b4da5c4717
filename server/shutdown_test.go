package server_test

import (
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/sandbox/bpp"
	"github.com/onest-seeker/seeker/store"
)

// TestShutdownLetsASynchronousSearchFinish stops Seeker while a learner's
// synchronous search is still waiting for a slow provider: a rolling
// restart must not turn that search into an error, so the answer comes
// with every provider's catalog, the slow one included.
func TestShutdownLetsASynchronousSearchFinish(t *testing.T) {
	extra := []sandbox.BPPSpec{{SubscriberID: "le-slow.sandbox.local", Domain: beckn.DomainLearning, Faults: bpp.Faults{Delay: 1500 * time.Millisecond}}}
	s := startStack(t, sandbox.Options{Seed: 11, ExtraBPPs: extra}, func(c *config.Config) {
		c.TTL = map[string]string{"default": "PT20S", "search": "PT15S"}
		c.SearchQuiet = 10 * time.Second
	})
	txn := beckn.NewUUID()
	type result struct {
		status int
		ans    syncAnswer
	}
	done := make(chan result, 1)
	go func() {
		status, ans := s.call("search", beckn.Context{Domain: beckn.DomainLearning, TransactionID: txn}, map[string]any{"intent": map[string]any{}})
		done <- result{status, ans}
	}()
	// A fast provider has answered, so the search is in flight and the
	// slow one has not answered yet.
	s.waitInbound(t, "a fast provider's on_search", txn, 0, func(m *store.Message) bool { return m.BppID == "le-bpp-1.sandbox.local" })
	closed := make(chan error, 1)
	go func() { closed <- s.seeker.Close() }()

	r := <-done
	if r.status != 200 {
		t.Fatalf("search during shutdown answered %d (%+v)", r.status, r.ans.Error)
	}
	from := map[string]bool{}
	for _, raw := range r.ans.Responses {
		env, err := beckn.Decode(raw)
		if err != nil {
			t.Fatalf("a response does not decode: %v", err)
		}
		from[env.Context.BPPID()] = true
	}
	for _, id := range []string{"le-bpp-1.sandbox.local", "le-bpp-2.sandbox.local", "le-slow.sandbox.local"} {
		if !from[id] {
			t.Errorf("the search answered during shutdown lacks %s's catalog (got %v)", id, from)
		}
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
}
