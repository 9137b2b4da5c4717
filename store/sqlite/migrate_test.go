package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

func versionOf(t *testing.T, path string) (version, rows int) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT max(version), count(*) FROM schema_migrations`).Scan(&version, &rows); err != nil {
		t.Fatalf("reading schema_migrations: %v", err)
	}
	return version, rows
}

// TestMigrateOldDatabaseForward builds a database as the first release left
// it (schema version 1, with data), then opens it with the current code: the
// missing steps run, the data stays, and the new tables work.
func TestMigrateOldDatabaseForward(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, conn, 1); err != nil {
		t.Fatalf("creating a version-1 database: %v", err)
	}
	// Data as the version-1 binary wrote it.
	var seq int64
	err = conn.QueryRowContext(ctx, `INSERT INTO messages (direction, action, message_id, sender_id, raw, body_hash, created_at)
		VALUES ('in', 'on_search', 'm-old', 'bpp', CAST('{"old":true}' AS BLOB), 'h', 1) RETURNING seq`).Scan(&seq)
	if err != nil {
		t.Fatalf("writing version-1 data: %v", err)
	}
	// Version 1 has no idempotency table.
	if _, err := conn.ExecContext(ctx, `SELECT * FROM idempotency`); err == nil {
		t.Fatal("version-1 database already has the idempotency table; the test does not build an old schema")
	}
	conn.Close()
	db.Close()
	if v, n := versionOf(t, path); v != 1 || n != 1 {
		t.Fatalf("old database at version %d with %d steps, want 1 and 1", v, n)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(old database): %v", err)
	}
	defer s.Close()
	if v, n := versionOf(t, path); v != latestVersion() || n != latestVersion() {
		t.Fatalf("after Open: version %d with %d steps, want %d", v, n, latestVersion())
	}
	got, err := s.Message(ctx, seq)
	if err != nil || string(got.Raw) != `{"old":true}` {
		t.Fatalf("message from version 1 after migrating: %+v, %v", got, err)
	}
	if _, err := s.PutIdempotency(ctx, &store.Idempotency{Key: "k", Client: "c", RequestHash: "h", Status: 200}); err != nil {
		t.Fatalf("PutIdempotency after migrating: %v", err)
	}
	if err := s.PutKV(ctx, "k", []byte("v"), time.Time{}); err != nil {
		t.Fatalf("PutKV after migrating: %v", err)
	}
}

// TestMigrateTwiceIsNoOp reopens a current database: no step runs again.
func TestMigrateTwiceIsNoOp(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "seeker.db")
	for range 3 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if v, n := versionOf(t, path); v != latestVersion() || n != latestVersion() {
		t.Fatalf("after three opens: version %d with %d rows, want %d and %d", v, n, latestVersion(), latestVersion())
	}
}

// TestNewerDatabaseRefused: a database written by a newer binary is not
// touched by an older one, which would not know its schema.
func TestNewerDatabaseRefused(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "seeker.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("Open(newer database) err = %v, want a schema version error", err)
	}
}

func TestOpenConcurrentlyMigratesOnce(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "seeker.db")
	errs := make(chan error, 4)
	stores := make(chan *Store, 4)
	for range 4 {
		go func() {
			s, err := Open(ctx, path)
			errs <- err
			stores <- s
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Open: %v", err)
		}
		if s := <-stores; s != nil {
			defer s.Close()
		}
	}
	if v, n := versionOf(t, path); v != latestVersion() || n != latestVersion() {
		t.Fatalf("version %d with %d rows, want %d", v, n, latestVersion())
	}
}

func TestOpenRejectsMemory(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file::memory:"} {
		if s, err := Open(context.Background(), p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded; the writer and readers need one shared file", p)
		}
	}
}

// TestCancelledWriteNotStored: a caller whose context ended before the
// writer took its write gets the context's error and nothing is stored.
func TestCancelledWriteNotStored(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "seeker.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	m := &store.Message{Direction: store.Inbound, Action: "on_search", MessageID: "cancelled", Raw: []byte("{}")}
	if _, err := s.InsertInbound(ctx, m); !errors.Is(err, context.Canceled) {
		t.Fatalf("InsertInbound with a cancelled context: %v", err)
	}
	list, err := s.Messages(t.Context(), store.MessageFilter{MessageID: "cancelled"})
	if err != nil || len(list) != 0 {
		t.Fatalf("cancelled write stored: %d messages, %v", len(list), err)
	}
}

// TestPathWithSpacesAndPercent: operators' paths are taken literally, not
// as URI syntax.
func TestPathWithSpacesAndPercent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my data %20 dir", "seeker db.sqlite")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	if err := s.PutKV(t.Context(), "k", []byte("v"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if v, n := versionOf(t, path); v != latestVersion() || n == 0 {
		t.Fatalf("database not at %s: version %d", path, v)
	}
}

// TestCloseCheckpointsWAL: with automatic checkpoints moved to the
// checkpointer, Close must still fold the WAL into the database file, so a
// copied or backed-up file is complete on its own.
func TestCloseCheckpointsWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seeker.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 64<<10)
	for i := range 40 {
		_, _ = rand.Read(body) // incompressible, so the file must hold it all
		m := &store.Message{Direction: store.Inbound, Action: "on_search", MessageID: strconv.Itoa(i), Raw: body}
		if _, err := s.InsertInbound(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("WAL holds %d bytes after Close", fi.Size())
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() < 40*64<<10 {
		t.Fatalf("database file after Close: %v, %v; want the 2.5 MB written", fi, err)
	}
}
