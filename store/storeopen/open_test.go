package storeopen

import (
	"context"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onest-seeker/seeker/store/postgres"
	"github.com/onest-seeker/seeker/store/sqlite"
)

func TestParse(t *testing.T) {
	cases := []struct {
		dsn    string
		kind   Kind
		target string
		bad    bool
	}{
		{dsn: "seeker.db", kind: KindSQLite, target: "seeker.db"},
		{dsn: "./data/seeker.db", kind: KindSQLite, target: "./data/seeker.db"},
		{dsn: "/var/lib/seeker/seeker.db", kind: KindSQLite, target: "/var/lib/seeker/seeker.db"},
		{dsn: "  seeker.db ", kind: KindSQLite, target: "seeker.db"},
		{dsn: "sqlite:seeker.db", kind: KindSQLite, target: "seeker.db"},
		{dsn: "sqlite:///var/lib/seeker.db", kind: KindSQLite, target: "/var/lib/seeker.db"},
		{dsn: "SQLITE:x.db", kind: KindSQLite, target: "x.db"},
		{dsn: "file:seeker.db", kind: KindSQLite, target: "file:seeker.db"},
		{dsn: "postgres://u@h:5432/db?sslmode=disable", kind: KindPostgres, target: "postgres://u@h:5432/db?sslmode=disable"},
		{dsn: "postgresql://u@h/db", kind: KindPostgres, target: "postgresql://u@h/db"},
		{dsn: "", bad: true},
		{dsn: "sqlite:", bad: true},
		{dsn: "mysql://u@h/db", bad: true},
		{dsn: "redis://h", bad: true},
	}
	for _, tc := range cases {
		kind, target, err := Parse(tc.dsn)
		if tc.bad {
			if err == nil {
				t.Errorf("Parse(%q) = %s %q, want an error", tc.dsn, kind, target)
			}
			continue
		}
		if err != nil || kind != tc.kind || target != tc.target {
			t.Errorf("Parse(%q) = %s %q %v, want %s %q", tc.dsn, kind, target, err, tc.kind, tc.target)
		}
	}
}

func TestOpenSQLite(t *testing.T) {
	dir := t.TempDir()
	for _, dsn := range []string{filepath.Join(dir, "a.db"), "sqlite:" + filepath.Join(dir, "b.db")} {
		s, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatalf("Open(%q): %v", dsn, err)
		}
		if _, ok := s.(*sqlite.Store); !ok {
			t.Errorf("Open(%q) = %T, want *sqlite.Store", dsn, s)
		}
		if err := s.PutKV(t.Context(), "k", []byte("v"), time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"a.db", "b.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("database %s not created: %v", f, err)
		}
	}
}

func TestOpenPostgres(t *testing.T) {
	url := os.Getenv("SEEKER_TEST_POSTGRES")
	if url == "" {
		t.Skip("needs SEEKER_TEST_POSTGRES=postgres://... to open a PostgreSQL store")
	}
	// A schema of its own, so the shared database's public schema stays
	// untouched.
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	schema := fmt.Sprintf("seeker_open_test_%d", time.Now().UnixNano())
	if _, err := conn.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") //nolint:errcheck
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	s, err := Open(t.Context(), u.String())
	if err != nil {
		t.Fatalf("Open(postgres): %v", err)
	}
	defer s.Close()
	if _, ok := s.(*postgres.Store); !ok {
		t.Fatalf("Open(postgres URL) = %T, want *postgres.Store", s)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}
