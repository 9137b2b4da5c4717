package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/sqlite"
)

// storeCallback stores body as an inbound on_search, as the engine does.
func storeCallback(t *testing.T, st store.Store, n int, body []byte, ack string) {
	t.Helper()
	sum := sha256.Sum256(body)
	m := &store.Message{Direction: store.Inbound, Action: "on_search", Domain: "onest:learning-experiences",
		TransactionID: "txn", MessageID: fmt.Sprintf("m-%d", n), SenderID: "bpp", BppID: "bpp", Raw: body,
		BodyHash: hex.EncodeToString(sum[:]), AckStatus: ack, Signature: "valid", CreatedAt: time.Now()}
	if _, err := st.InsertInbound(context.Background(), m); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestIndexerFollowsTheLogUnderALease runs two catalogs on one store, as two
// instances on one database: the on_search callbacks in the message log are
// cached (refused ones are not) by whichever holds the indexer lease, the
// cursor survives, and when the holder stops the other takes over.
func TestIndexerFollowsTheLogUnderALease(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "seeker.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cats := map[string]*Catalog{}
	for _, name := range []string{"a", "b"} {
		c, err := New(ctx, Config{Store: st, Instance: name, IndexPoll: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		c.Start(ctx)
		defer c.Stop()
		cats[name] = c
	}
	found := func(c *Catalog, text string) bool {
		r, err := c.Search(ctx, Query{Text: text})
		return err == nil && r.Total > 0
	}
	storeCallback(t, st, 1, onSearch("onest:learning-experiences", "bpp", "p", "P", "", item{id: "1", name: "Carpentry basics"}), "ACK")
	storeCallback(t, st, 2, onSearch("onest:learning-experiences", "bpp", "p", "P", "", item{id: "2", name: "Forged catalog"}), "NACK")
	storeCallback(t, st, 3, onSearch("onest:learning-experiences", "bpp", "p", "P", "", item{id: "3", name: "Welding basics"}), "ACK")
	waitFor(t, "the callbacks to be cached", func() bool { return found(cats["a"], "welding") && found(cats["b"], "carpentry") })
	if found(cats["a"], "forged") {
		t.Error("a NACKed callback was cached")
	}
	// The cursor is stored after each page of the log.
	waitFor(t, "the cursor to pass the third callback", func() bool {
		v, err := st.GetKV(ctx, cursorKey)
		n, _ := strconv.ParseInt(string(v), 10, 64)
		return err == nil && n >= 3
	})
	// Exactly one instance holds the lease.
	holder := ""
	for name := range cats {
		now := time.Now()
		if ok, err := st.TryLease(ctx, leaseIndexer, name, now, now.Add(time.Second)); err != nil {
			t.Fatal(err)
		} else if ok {
			if holder != "" {
				t.Fatalf("both %s and %s hold the indexer lease", holder, name)
			}
			holder = name
		}
	}
	if holder == "" {
		t.Fatal("nobody holds the indexer lease")
	}
	cats[holder].Stop()
	other := map[string]string{"a": "b", "b": "a"}[holder]
	storeCallback(t, st, 4, onSearch("onest:learning-experiences", "bpp", "p", "P", "", item{id: "4", name: "Tailoring basics"}), "ACK")
	waitFor(t, "the other instance to take over", func() bool { return found(cats[other], "tailoring") })
}

// TestHarvestSchedule: the first harvest of a new database waits after
// start, later ones follow the interval from the last one recorded (by any
// instance), and a harvest nobody answered is retried sooner.
func TestHarvestSchedule(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := newTestCatalog(t, &now)
	c.cfg.HarvestInterval = time.Hour
	c.started = now
	due := func() bool {
		t.Helper()
		d, err := c.harvestDue(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if due() {
		t.Error("due at start")
	}
	now = now.Add(firstHarvestDelay)
	if !due() {
		t.Error("not due after the first delay")
	}
	if err := c.cfg.Store.PutKV(ctx, lastHarvestKey, []byte(now.Format(time.RFC3339Nano)), time.Time{}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(59 * time.Minute)
	if due() {
		t.Error("due before the interval")
	}
	now = now.Add(time.Minute)
	if !due() {
		t.Error("not due after the interval")
	}
	c.retryAt = now.Add(harvestRetry)
	if due() {
		t.Error("due before the retry time")
	}
}

func TestCatalogExpInThePast(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := newTestCatalog(t, &now)
	body := []byte(`{"context":{"domain":"onest:learning-experiences","action":"on_search","bpp_id":"b"},
		"message":{"catalog":{"exp":"2026-11-28T09:00:00Z","providers":[{"id":"p","items":[{"id":"i","descriptor":{"name":"Stale"}}]}]}}}`)
	if n, err := c.IngestOnSearch(context.Background(), body, now, 0); err != nil || n != 0 {
		t.Errorf("a catalog past its exp cached %d items (%v)", n, err)
	}
}

// TestIndexerGivesWayDuringABurst: the indexer rests only while callbacks
// keep arriving, a tenth-of-a-core share, and never for a message that has
// waited past catchUpAfter, so the cache's staleness stays bounded.
func TestIndexerGivesWayDuringABurst(t *testing.T) {
	took := 4 * time.Millisecond
	for _, tc := range []struct {
		name string
		busy bool
		age  time.Duration
		want time.Duration
	}{
		{"quiet network", false, time.Second, 0},
		{"burst, fresh message", true, time.Second, yieldRest * took},
		{"burst, message waited too long", true, catchUpAfter + time.Second, 0},
	} {
		if got := restAfter(tc.busy, tc.age, took); got != tc.want {
			t.Errorf("%s: rest %v, want %v", tc.name, got, tc.want)
		}
	}
	if share := float64(took) / float64(took+restAfter(true, 0, took)); share > 0.1 {
		t.Errorf("during a burst the indexer takes %.0f%% of a core; at most 10%% leaves the cores to ACKing callbacks", share*100)
	}
}
