package postgres

import (
	"context"
	"fmt"
	"time"
)

// Purge implements store.Store.
func (s *Store) Purge(ctx context.Context, now, idempotencyBefore time.Time) (kv, idem int64, err error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM kv WHERE expires IS NOT NULL AND expires <= $1`, now)
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: purging expired key-value rows: %w", err)
	}
	kv = tag.RowsAffected()
	tag, err = s.pool.Exec(ctx, `DELETE FROM idempotency WHERE created_at < $1`, idempotencyBefore)
	if err != nil {
		return kv, 0, fmt.Errorf("postgres: purging old idempotency records: %w", err)
	}
	return kv, tag.RowsAffected(), nil
}
