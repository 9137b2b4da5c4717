package sqlite

import (
	"context"
	"fmt"
	"time"
)

// Purge implements store.Store, in one write of the group commit.
func (s *Store) Purge(ctx context.Context, now, idempotencyBefore time.Time) (kv, idem int64, err error) {
	err = s.w.do(ctx, func(w *writeConn) error {
		res, err := w.conn.ExecContext(w.ctx, `DELETE FROM kv WHERE expires IS NOT NULL AND expires <= ?`, now.UnixNano())
		if err != nil {
			return err
		}
		if kv, err = res.RowsAffected(); err != nil {
			return err
		}
		res, err = w.conn.ExecContext(w.ctx, `DELETE FROM idempotency WHERE created_at < ?`, idempotencyBefore.UnixNano())
		if err != nil {
			return err
		}
		idem, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("sqlite: purging expired records: %w", err)
	}
	return kv, idem, nil
}
