// Package pgtest gives tests a PostgreSQL database of their own: the
// server named by SEEKER_TEST_POSTGRES (tests skip, saying so, without it)
// and a fresh schema per test, dropped when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// URL is the server the tests use, from SEEKER_TEST_POSTGRES; without
// it the tests skip, saying how to run them.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("SEEKER_TEST_POSTGRES")
	if u == "" {
		t.Skip("PostgreSQL tests need SEEKER_TEST_POSTGRES=postgres://user@host:port/db?sslmode=disable (a database the tests may create schemas in)")
	}
	return u
}

// FreshSchema creates an empty schema with a random name, drops it when
// the test ends, and returns a URL whose search_path points at it, so runs
// never see each other's data.
func FreshSchema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "seeker_test_" + hex.EncodeToString(b[:])
	conn, err := pgx.Connect(context.Background(), base)
	if err != nil {
		t.Fatalf("connecting to SEEKER_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("SEEKER_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
