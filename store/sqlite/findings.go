package sqlite

import (
	"context"
	"fmt"
)

// SetFindings records the validation findings of a stored message. It
// follows every validated callback, so it shares the group commit (and a
// prepared statement) with the inserts.
func (s *Store) SetFindings(ctx context.Context, seq int64, findings []byte) error {
	var n int64
	err := s.w.do(ctx, func(w *writeConn) error {
		res, err := w.setFindings.ExecContext(w.ctx, findings, seq)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: storing findings of message %d: %w", seq, err)
	}
	if n == 0 {
		return notFound("message %d", seq)
	}
	return nil
}
