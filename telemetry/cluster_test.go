package telemetry_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/postgres"
	"github.com/onest-seeker/seeker/store/postgres/pgtest"
	"github.com/onest-seeker/seeker/telemetry"
)

// TestInstancesShareOneQueue: three instances of one BAP on one database
// (three PostgreSQL connections pools on one schema, or three senders on
// one SQLite file) observe events concurrently; one of them stops half way
// with events still buffered. The sink receives every event exactly once,
// and each instance's events in the order it observed them: the instances
// share one queue and take turns on it under its lease.
func TestInstancesShareOneQueue(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st := openStore(t, filepath.Join(t.TempDir(), "seeker.db"))
		testSharedQueue(t, []store.Store{st, st, st})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.FreshSchema(t)
		var stores []store.Store
		for range 3 {
			st, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			stores = append(stores, st)
		}
		testSharedQueue(t, stores)
	})
}

func testSharedQueue(t *testing.T, stores []store.Store) {
	sink, url := newSink(t)
	const perPhase = 30
	senders := make([]*telemetry.Sender, len(stores))
	for i, st := range stores {
		senders[i] = newSender(t, telemetry.Config{URL: url, Store: st, Name: "bap", BatchSize: 4, Interval: 20 * time.Millisecond})
		if err := senders[i].Start(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	observe := func(instances []int, from int) {
		var wg sync.WaitGroup
		for _, k := range instances {
			wg.Go(func() {
				for i := from; i < from+perPhase; i++ {
					c := call(i, store.Inbound, "on_search")
					c.MessageID = fmt.Sprintf("i%d-%03d", k, i)
					senders[k].Observe(c)
					if i%7 == 0 {
						time.Sleep(time.Millisecond)
					}
				}
			})
		}
		wg.Wait()
	}
	observe([]int{0, 1, 2}, 0)
	// Instance 0 stops with events buffered: they are stored at stop and
	// sent by the others.
	if err := senders[0].Stop(context.Background()); err != nil {
		t.Fatalf("stopping instance 0: %v", err)
	}
	observe([]int{1, 2}, perPhase)
	want := 3*perPhase + 2*perPhase

	got, err := sink.WaitFor(waitCtx(t), sandbox.TelemetryFilter{Producer: bapID}, want)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range senders[1:] {
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	got = sink.Events(sandbox.TelemetryFilter{Producer: bapID})
	seen := map[string]int{}
	last := map[byte]string{}
	for _, e := range got {
		seen[e.SpanID]++
		inst := e.SpanID[1]
		if e.SpanID <= last[inst] {
			t.Errorf("instance %c's event %s arrived after %s", inst, e.SpanID, last[inst])
		}
		last[inst] = e.SpanID
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s arrived %d times", id, n)
		}
	}
	if len(got) != want || len(seen) != want {
		t.Fatalf("the sink has %d events (%d distinct), want %d", len(got), len(seen), want)
	}
	var sent int64
	for _, s := range senders {
		st := s.Stats()
		sent += st.Sent
		if st.Dropped != 0 || st.Rejected != 0 {
			t.Errorf("stats %+v", st)
		}
	}
	if sent != int64(want) {
		t.Errorf("the senders counted %d events sent, want %d", sent, want)
	}
	if requests, batches := sink.Stats(); requests != batches {
		t.Errorf("the sink got %d requests for %d batches: a batch was posted twice or failed", requests, batches)
	}
}
