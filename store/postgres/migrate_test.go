package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/onest-seeker/seeker/store"
)

func versionOf(t *testing.T, url string) (version, rows int) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := conn.QueryRow(context.Background(), `SELECT max(version), count(*) FROM schema_migrations`).Scan(&version, &rows); err != nil {
		t.Fatalf("reading schema_migrations: %v", err)
	}
	return version, rows
}

// TestMigrateOldDatabaseForward builds a schema as the first release left
// it, with data, and opens it with the current code.
func TestMigrateOldDatabaseForward(t *testing.T) {
	ctx := t.Context()
	url := freshSchema(t)
	old, err := open(ctx, url, 1)
	if err != nil {
		t.Fatalf("creating a version-1 schema: %v", err)
	}
	// Data as the version-1 binary wrote it.
	var seq int64
	err = old.pool.QueryRow(ctx, `INSERT INTO messages (direction, action, message_id, sender_id, raw, body_hash, created_at)
		VALUES ('in', 'on_search', 'm-old', 'bpp', '{"old":true}'::bytea, 'h', now()) RETURNING seq`).Scan(&seq)
	if err != nil {
		t.Fatalf("writing version-1 data: %v", err)
	}
	if _, err := old.PutIdempotency(ctx, &store.Idempotency{Key: "k", Client: "c", RequestHash: "h"}); err == nil {
		t.Fatal("PutIdempotency worked on a version-1 schema; the test does not build an old schema")
	}
	old.Close()
	if v, n := versionOf(t, url); v != 1 || n != 1 {
		t.Fatalf("old schema at version %d with %d steps, want 1", v, n)
	}

	s, err := Open(ctx, url)
	if err != nil {
		t.Fatalf("Open(old schema): %v", err)
	}
	defer s.Close()
	if v, n := versionOf(t, url); v != latestVersion() || n != latestVersion() {
		t.Fatalf("after Open: version %d with %d steps, want %d", v, n, latestVersion())
	}
	got, err := s.Message(ctx, seq)
	if err != nil || string(got.Raw) != `{"old":true}` {
		t.Fatalf("version-1 message after migrating: %+v, %v", got, err)
	}
	if _, err := s.PutIdempotency(ctx, &store.Idempotency{Key: "k", Client: "c", RequestHash: "h", Status: 200}); err != nil {
		t.Fatalf("PutIdempotency after migrating: %v", err)
	}
}

// TestConcurrentOpenMigratesOnce: instances starting together on an empty
// schema take turns; every step runs once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := freshSchema(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			s, err := Open(t.Context(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Open: %v", err)
		}
	}
	if v, n := versionOf(t, url); v != latestVersion() || n != latestVersion() {
		t.Fatalf("version %d with %d rows, want %d", v, n, latestVersion())
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	url := freshSchema(t)
	s, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(t.Context(), `INSERT INTO schema_migrations (version, name) VALUES (99, '0099_future')`); err != nil {
		t.Fatal(err)
	}
	conn.Close(t.Context())
	if _, err := Open(t.Context(), url); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("Open(newer schema) err = %v, want a schema version error", err)
	}
}

func TestOpenBadURL(t *testing.T) {
	if _, err := Open(t.Context(), "postgres://%zz"); err == nil {
		t.Fatal("Open accepted a malformed URL")
	}
}
