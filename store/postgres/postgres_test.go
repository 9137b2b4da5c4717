package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/storetest"
)

// testURL is the server the tests use, from SEEKER_TEST_POSTGRES; without
// it the tests skip, saying how to run them.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("SEEKER_TEST_POSTGRES")
	if u == "" {
		t.Skip("PostgreSQL tests need SEEKER_TEST_POSTGRES=postgres://user@host:port/db?sslmode=disable (a database the tests may create schemas in)")
	}
	return u
}

// freshSchema creates an empty schema with a random name, drops it when
// the test ends, and returns a URL whose search_path points at it, so runs
// never see each other's data.
func freshSchema(t testing.TB) string {
	t.Helper()
	base := testURL(t)
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

// opener gives each test its own schema and reopens it when the suite asks
// again within one test (the restart checks).
func opener() storetest.Opener {
	var mu sync.Mutex
	urls := map[*testing.T]string{}
	return func(t *testing.T) store.Store {
		t.Helper()
		mu.Lock()
		u, ok := urls[t]
		mu.Unlock()
		if !ok {
			u = freshSchema(t)
			mu.Lock()
			urls[t] = u
			mu.Unlock()
		}
		s, err := Open(t.Context(), u)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

func TestStore(t *testing.T) {
	testURL(t)
	storetest.Run(t, opener())
}
