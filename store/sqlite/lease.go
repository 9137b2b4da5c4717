package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Leases live in the kv table under "lease/<name>" with the holder as value
// and the end of the lease as expiry, so they need no table of their own.
// The upsert changes the row only when it is free, expired or already the
// caller's, and RETURNING tells whether it did.
const tryLeaseSQL = `INSERT INTO kv (key, value, expires) VALUES (?, ?, ?)
	ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires
	WHERE kv.value = excluded.value OR kv.expires IS NULL OR kv.expires <= ?
	RETURNING value`

const releaseLeaseSQL = `DELETE FROM kv WHERE key = ? AND value = ?`

// TryLease implements store.Store.
func (s *Store) TryLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	held := false
	err := s.w.do(ctx, func(w *writeConn) error {
		var v []byte
		err := w.conn.QueryRowContext(w.ctx, tryLeaseSQL, "lease/"+name, []byte(owner), until.UnixNano(), now.UnixNano()).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			held = false
			return nil
		}
		held = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: taking lease %q: %w", name, err)
	}
	return held, nil
}

// ReleaseLease implements store.Store.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	err := s.w.do(ctx, func(w *writeConn) error {
		_, err := w.conn.ExecContext(w.ctx, releaseLeaseSQL, "lease/"+name, []byte(owner))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: releasing lease %q: %w", name, err)
	}
	return nil
}
