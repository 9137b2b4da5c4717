package pgbus

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/engine"
)

func testURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("SEEKER_TEST_POSTGRES")
	if u == "" {
		t.Skip("PostgreSQL tests need SEEKER_TEST_POSTGRES=postgres://user@host:port/db?sslmode=disable")
	}
	return u
}

func receive(t *testing.T, ch <-chan engine.Event, want engine.Event) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("received %+v, want %+v", got, want)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("event %+v never arrived", want)
	}
}

// TestEventsCrossInstances: two buses on one database stand for two Seeker
// instances; an event published on one reaches the transaction's and the
// catch-all subscribers of both, once each.
func TestEventsCrossInstances(t *testing.T) {
	url := testURL(t)
	ctx := context.Background()
	channel := fmt.Sprintf("seeker_test_%d", time.Now().UnixNano())
	a, err := New(ctx, url, channel, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New(ctx, url, channel, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	onB, cancelB := b.Subscribe("txn-1")
	defer cancelB()
	allA, cancelA := a.Subscribe("")
	defer cancelA()
	otherB, cancelOther := b.Subscribe("txn-2")
	defer cancelOther()

	e := engine.Event{Seq: 42, TransactionID: "txn-1", MessageID: "m-1", Action: "on_search"}
	if err := a.Publish(ctx, e); err != nil {
		t.Fatal(err)
	}
	receive(t, onB, e)
	receive(t, allA, e)
	select {
	case got := <-otherB:
		t.Fatalf("another transaction's subscriber got %+v", got)
	case got := <-onB:
		t.Fatalf("delivered twice: %+v", got)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestPublishSurvivesALostConnection: when the publishing connection is
// gone, the next Publish makes a new one.
func TestPublishSurvivesALostConnection(t *testing.T) {
	url := testURL(t)
	ctx := context.Background()
	channel := fmt.Sprintf("seeker_test_%d", time.Now().UnixNano())
	bus, err := New(ctx, url, channel, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	sub, cancel := bus.Subscribe("t")
	defer cancel()
	first := engine.Event{Seq: 1, TransactionID: "t"}
	if err := bus.Publish(ctx, first); err != nil {
		t.Fatal(err)
	}
	receive(t, sub, first)
	bus.mu.Lock()
	bus.pub.Close(ctx) // the server or a proxy dropped it
	bus.mu.Unlock()
	second := engine.Event{Seq: 2, TransactionID: "t"}
	if err := bus.Publish(ctx, second); err != nil {
		t.Fatalf("publish after a lost connection: %v", err)
	}
	receive(t, sub, second)
}

// TestBurstsArriveInOrder: bursts published faster than one notification
// per round trip (so they go out as arrays) cross to the other instance
// complete and in order; events still queued at Close are sent. Each burst
// fits a subscriber's buffer, which drops rather than blocks beyond it.
func TestBurstsArriveInOrder(t *testing.T) {
	url := testURL(t)
	ctx := context.Background()
	channel := fmt.Sprintf("seeker_test_%d", time.Now().UnixNano())
	a, err := New(ctx, url, channel, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(ctx, url, channel, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sub, cancel := b.Subscribe("")
	defer cancel()
	const bursts, size = 10, 50
	seq := int64(0)
	for burst := range bursts {
		first := seq + 1
		for range size {
			seq++
			// Long ids, so a burst needs more than one notification.
			e := engine.Event{Seq: seq, TransactionID: fmt.Sprintf("txn-%0100d", seq), MessageID: "m", Action: "on_search"}
			if err := a.Publish(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		if burst == bursts-1 {
			a.Close() // flushes what is queued
		}
		for want := first; want <= seq; want++ {
			select {
			case e := <-sub:
				if e.Seq != want {
					t.Fatalf("burst %d: received seq %d, want %d", burst, e.Seq, want)
				}
			case <-time.After(15 * time.Second):
				t.Fatalf("burst %d: seq %d never arrived", burst, want)
			}
		}
	}
	if err := a.Publish(ctx, engine.Event{Seq: 1}); err == nil {
		t.Fatal("Publish on a closed bus succeeded")
	}
}

func TestDecodePayload(t *testing.T) {
	one, err := decodePayload(`{"seq":7,"txn":"t","mid":"m","action":"on_status"}`)
	if err != nil || len(one) != 1 || one[0] != (engine.Event{Seq: 7, TransactionID: "t", MessageID: "m", Action: "on_status"}) {
		t.Fatalf("a single event (as earlier versions send it): %+v %v", one, err)
	}
	two, err := decodePayload(`[{"seq":1,"txn":"a"},{"seq":2,"txn":"b"}]`)
	if err != nil || len(two) != 2 || two[1].TransactionID != "b" {
		t.Fatalf("an array: %+v %v", two, err)
	}
	if _, err := decodePayload(`[{"seq":"x"}]`); err == nil {
		t.Fatal("a malformed array was accepted")
	}
}
