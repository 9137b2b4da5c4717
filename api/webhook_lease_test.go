package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/api"
)

// startWebhooks starts another deliverer of alice's webhook on h's engine
// and store, as a second Seeker instance on the same database runs one.
func startWebhooks(t *testing.T, h *harness, app *hookApp) *api.Webhooks {
	t.Helper()
	w, err := api.NewWebhooks(api.Config{
		Engine: h.engine(), Keys: map[string]string{keyAlice: "alice", keyBob: "bob"},
		Webhooks: map[string]string{"alice": app.srv.URL + "/hooks/seeker"}, AllowPrivateWebhooks: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Start(context.Background())
	t.Cleanup(w.Stop)
	return w
}

// TestWebhookLeaseMovesBetweenInstances: three deliverers of one client on
// one store deliver every callback once and in order, whichever of them
// holds the client's lease; when the holders stop one after another the
// work moves on at once (released leases), and a lease left behind by an
// instance that died is taken over only once it has run out.
func TestWebhookLeaseMovesBetweenInstances(t *testing.T) {
	defer api.SetWebhookLease(2 * time.Second)()
	app := newHookApp(t)
	h := webhookHarness(t, app)
	b := startWebhooks(t, h, app)
	c := startWebhooks(t, h, app)
	s, req := h.search(keyAlice)

	var want [][]byte
	send := func(action, msg string) {
		cb := h.callback(req, action, msg)
		h.deliver(cb)
		want = append(want, cb)
	}
	// All three run: each callback is posted by one of them only.
	send("", catalogA)
	send("", catalogB)
	send("on_status", statusIn)
	app.waitAccepted(len(want))

	// Stopping two of them (whichever held the lease) leaves the third.
	h.wh.Stop()
	b.Stop()
	send("on_status", statusIn)
	app.waitAccepted(len(want))

	// The last one dies holding the lease: simulated by a lease row that
	// no live instance owns, as a killed process leaves it.
	c.Stop()
	now := time.Now()
	until := now.Add(2 * time.Second)
	if ok, err := h.store().TryLease(context.Background(), "api/webhook/alice", "killed-instance", now, until); err != nil || !ok {
		t.Fatalf("taking the lease as the dead instance: %v %v", ok, err)
	}
	startWebhooks(t, h, app)
	send("on_status", statusIn)
	hits := app.waitAccepted(len(want))
	if last := hits[len(hits)-1]; last.at.Before(until) {
		t.Fatalf("a callback was delivered at %s while the dead instance's lease ran until %s", last.at.Format(time.StampMicro), until.Format(time.StampMicro))
	}

	wantDelivered(t, hits, s.TransactionID, want...)
	if n := len(app.all()); n != len(want) {
		t.Fatalf("the app got %d posts for %d callbacks: a callback was posted twice", n, len(want))
	}
}
