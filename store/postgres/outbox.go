package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/onest-seeker/seeker/store"
)

const outboxColumns = `id, message_seq, url, state, attempts, next_attempt, deadline, last_error, claimed_by, claimed_until, updated_at`

// The inner SELECT locks the due entries it picks and skips those another
// instance is claiming at this moment; the WHERE is re-checked on the
// latest row version, so an entry claimed and committed meanwhile is not
// taken twice. A running lease excludes an entry whoever holds it: the
// holder may still be sending it.
const claimOutboxSQL = `UPDATE outbox SET claimed_by = $1, claimed_until = $2, updated_at = $3
	WHERE id IN (SELECT id FROM outbox
		WHERE state = 'pending' AND next_attempt <= $4 AND (claimed_until IS NULL OR claimed_until <= $4)
		ORDER BY next_attempt, id LIMIT $5
		FOR UPDATE SKIP LOCKED)
	RETURNING ` + outboxColumns

// ClaimOutbox leases up to limit due entries to owner.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*store.OutboxEntry, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, claimOutboxSQL, owner, now.Add(lease), stamp(), now, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: claiming the outbox: %w", err)
	}
	defer rows.Close()
	var out []*store.OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claiming the outbox: %w", err)
	}
	sortEntries(out)
	return out, nil
}

// sortEntries puts claimed entries oldest due first: UPDATE ... RETURNING
// gives no order.
func sortEntries(es []*store.OutboxEntry) {
	slices.SortFunc(es, func(a, b *store.OutboxEntry) int {
		if c := a.NextAttempt.Compare(b.NextAttempt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// UpdateOutbox records an attempt's outcome and ends the lease. Zero URL,
// NextAttempt and Deadline keep what is stored.
func (s *Store) UpdateOutbox(ctx context.Context, e *store.OutboxEntry) error {
	now := stamp()
	tag, err := s.pool.Exec(ctx, `UPDATE outbox SET state = $1, attempts = $2, last_error = $3,
		url = coalesce(nullif($4, ''), url), next_attempt = coalesce($5, next_attempt), deadline = coalesce($6, deadline),
		claimed_by = '', claimed_until = NULL, updated_at = $7
		WHERE id = $8`,
		e.State, e.Attempts, e.LastError, e.URL, timeArg(e.NextAttempt), timeArg(e.Deadline), now, e.ID)
	if err != nil {
		return fmt.Errorf("postgres: updating outbox entry %d: %w", e.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("outbox entry %d", e.ID)
	}
	e.ClaimedBy, e.ClaimedUntil, e.UpdatedAt = "", time.Time{}, now
	return nil
}

// OutboxEntry returns one entry by id.
func (s *Store) OutboxEntry(ctx context.Context, id int64) (*store.OutboxEntry, error) {
	e, err := scanOutbox(s.pool.QueryRow(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("outbox entry %d", id)
	}
	return e, err
}

func scanOutbox(r pgx.Row) (*store.OutboxEntry, error) {
	var (
		e                                     store.OutboxEntry
		next, deadline, claimedUntil, updated pgtype.Timestamptz
	)
	err := r.Scan(&e.ID, &e.MessageSeq, &e.URL, &e.State, &e.Attempts, &next, &deadline, &e.LastError,
		&e.ClaimedBy, &claimedUntil, &updated)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: reading an outbox entry: %w", err)
	}
	e.NextAttempt, e.Deadline = timeOf(next), timeOf(deadline)
	e.ClaimedUntil, e.UpdatedAt = timeOf(claimedUntil), timeOf(updated)
	return &e, nil
}
