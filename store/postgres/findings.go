package postgres

import (
	"context"
	"fmt"
)

// SetFindings records the validation findings of a stored message.
func (s *Store) SetFindings(ctx context.Context, seq int64, findings []byte) error {
	tag, err := s.pool.Exec(ctx, `UPDATE messages SET findings = $1 WHERE seq = $2`, findings, seq)
	if err != nil {
		return fmt.Errorf("postgres: storing findings of message %d: %w", seq, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("message %d", seq)
	}
	return nil
}
