package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Leases live in the kv table under "lease/<name>" (see store/sqlite): the
// upsert changes the row only when it is free, expired or already the
// caller's, atomically under PostgreSQL's row lock, and RETURNING tells
// whether it did.
const tryLeaseSQL = `INSERT INTO kv (key, value, expires) VALUES ($1, $2, $3)
	ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires
	WHERE kv.value = excluded.value OR kv.expires IS NULL OR kv.expires <= $4
	RETURNING value`

// TryLease implements store.Store.
func (s *Store) TryLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	var v []byte
	err := s.pool.QueryRow(ctx, tryLeaseSQL, "lease/"+name, []byte(owner), until, now).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("postgres: taking lease %q: %w", name, err)
	}
	return true, nil
}

// ReleaseLease implements store.Store.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM kv WHERE key = $1 AND value = $2`, "lease/"+name, []byte(owner)); err != nil {
		return fmt.Errorf("postgres: releasing lease %q: %w", name, err)
	}
	return nil
}
