// Package storeopen opens the store.Store that a storage setting names. It
// lives beside store rather than in it because store/sqlite and
// store/postgres import store: store importing them back would be a cycle.
package storeopen

import (
	"context"
	"fmt"
	"strings"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/postgres"
	"github.com/onest-seeker/seeker/store/sqlite"
)

// Open opens the backend that dsn names:
//
//	seeker.db, ./data/seeker.db, /var/lib/seeker/seeker.db   SQLite file
//	sqlite:seeker.db, sqlite:///var/lib/seeker/seeker.db      SQLite file
//	file:seeker.db                                            SQLite file
//	postgres://user@host:5432/db?sslmode=disable              PostgreSQL
//	postgresql://...                                          PostgreSQL
//
// Any other scheme is refused with a message naming the accepted forms,
// rather than being taken for a file name.
func Open(ctx context.Context, dsn string) (store.Store, error) {
	kind, target, err := Parse(dsn)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindPostgres:
		s, err := postgres.Open(ctx, target)
		if err != nil {
			return nil, err
		}
		return s, nil
	default:
		s, err := sqlite.Open(ctx, target)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

// Kind is a storage backend.
type Kind string

const (
	KindSQLite   Kind = "sqlite"
	KindPostgres Kind = "postgres"
)

// Parse says which backend dsn names and what to hand it (the file path for
// SQLite, the URL unchanged for PostgreSQL), without opening anything, so
// that configuration checks can reject a bad setting at start-up.
func Parse(dsn string) (Kind, string, error) {
	d := strings.TrimSpace(dsn)
	lower := strings.ToLower(d)
	switch {
	case d == "":
		return "", "", fmt.Errorf("storage: no database given; use a file path such as seeker.db for SQLite or postgres://user@host/db for PostgreSQL")
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return KindPostgres, d, nil
	case strings.HasPrefix(lower, "sqlite:"):
		p := d[len("sqlite:"):]
		p = strings.TrimPrefix(p, "//") // sqlite:///abs/path and sqlite://rel/path
		if p == "" {
			return "", "", fmt.Errorf("storage %q: no file after sqlite:; write sqlite:PATH", dsn)
		}
		return KindSQLite, p, nil
	case strings.HasPrefix(lower, "file:"):
		return KindSQLite, d, nil
	}
	if i := strings.Index(d, "://"); i > 0 && !strings.ContainsAny(d[:i], `/\`) {
		return "", "", fmt.Errorf("storage %q: unknown scheme %q; use a file path or sqlite:PATH for SQLite, postgres://... for PostgreSQL", dsn, d[:i])
	}
	return KindSQLite, d, nil
}
