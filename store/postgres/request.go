package postgres

import (
	"context"

	"github.com/onest-seeker/seeker/store"
)

// InsertRequest upserts t, then stores m with its outbox entry. On
// PostgreSQL the two are separate round trips: the message insert goes
// through the group-commit writer, which serialises message inserts under
// an advisory lock, while the transaction upsert needs no such lock and
// runs on the pool, so joining them into one statement would only hold the
// lock longer.
func (s *Store) InsertRequest(ctx context.Context, t *store.Transaction, m *store.Message, entry *store.OutboxEntry) error {
	if t != nil {
		if err := s.UpsertTransaction(ctx, t); err != nil {
			return err
		}
	}
	return s.InsertOutbound(ctx, m, entry)
}
