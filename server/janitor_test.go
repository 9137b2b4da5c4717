package server

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/sqlite"
)

// TestJanitorPurgesOnceAcrossInstances: two instances on one database run
// their rounds; one takes the lease and deletes what ran out, the other
// skips the round, and nothing live is touched.
func TestJanitorPurgesOnceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "seeker.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if err := st.PutKV(ctx, "web:session:expired", []byte("{}"), now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := st.PutKV(ctx, "web:session:live", []byte("{}"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutIdempotency(ctx, &store.Idempotency{Client: "app", Key: "k", RequestHash: "h", Status: 200, CreatedAt: now.Add(-idempotencyKeep - time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a := &Server{Store: st, log: slog.New(slog.DiscardHandler)}
	b := &Server{Store: st, log: slog.New(slog.DiscardHandler)}
	a.purge(ctx, "instance-a")
	if _, err := st.GetKV(ctx, "lease/"+janitorLease); err != nil {
		t.Fatalf("the first instance did not take the janitor's lease: %v", err)
	}
	if _, err := st.GetIdempotency(ctx, "app", "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an idempotency answer older than %s survived: %v", idempotencyKeep, err)
	}
	if _, err := st.GetKV(ctx, "web:session:live"); err != nil {
		t.Fatalf("a live session was purged: %v", err)
	}
	// The second instance's round finds the lease taken and deletes
	// nothing, even what has run out since.
	if err := st.PutKV(ctx, "web:session:expired-later", []byte("{}"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	b.purge(ctx, "instance-b")
	if n, _, err := st.Purge(ctx, time.Now(), time.Time{}); err != nil || n != 1 {
		t.Fatalf("after the second instance's round %d expired rows were left, %v; want 1 (it must skip the round)", n, err)
	}
}
