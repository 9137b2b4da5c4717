package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"sort"
	"time"

	"github.com/onest-seeker/seeker/store"
)

const outboxColumns = `id, message_seq, url, state, attempts, next_attempt, deadline, last_error, claimed_by, claimed_until, updated_at`

const insertOutboxSQL = `INSERT INTO outbox (message_seq, url, state, attempts, next_attempt, deadline, last_error, claimed_by, claimed_until, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

const selectOutboxSQL = `SELECT ` + outboxColumns + ` FROM outbox WHERE id = ?`

// An entry is claimable when pending, due, and not under a lease that is
// still running, whoever holds it: the holder may still be sending it, so
// even the same owner must not get it twice.
const claimOutboxSQL = `UPDATE outbox SET claimed_by = ?1, claimed_until = ?2, updated_at = ?3
	WHERE id IN (SELECT id FROM outbox
		WHERE state = 'pending' AND next_attempt <= ?4 AND (claimed_until IS NULL OR claimed_until <= ?4)
		ORDER BY next_attempt, id LIMIT ?5)
	RETURNING ` + outboxColumns

// Zero values of url, next_attempt and deadline keep what is stored, so a
// caller recording a NACK need not repeat them.
const updateOutboxSQL = `UPDATE outbox SET state = ?, attempts = ?, last_error = ?,
	url = coalesce(nullif(?, ''), url), next_attempt = coalesce(?, next_attempt), deadline = coalesce(?, deadline),
	claimed_by = '', claimed_until = NULL, updated_at = ?
	WHERE id = ?`

// outboxArgs returns the insert arguments of entry; the first one, the
// message's Seq, is filled in inside the transaction. Defaults: the
// message's URL, pending, due now. A lease given at insert is kept: the
// sending path leases a fresh request to itself for its first attempt, so
// the outbox worker cannot send it at the same time.
func outboxArgs(e *store.OutboxEntry, m *store.Message, now time.Time) []any {
	storecodec.FillOutboxEntry(e, m, now)
	return []any{int64(0), e.URL, e.State, e.Attempts, e.NextAttempt.UnixNano(), timeArg(e.Deadline), e.LastError, e.ClaimedBy, timeArg(e.ClaimedUntil), now.UnixNano()}
}

// ClaimOutbox leases due entries to owner. It runs in the writer, so the
// select and the update are one atomic step for this process, and BEGIN
// IMMEDIATE makes it atomic against other processes on the same file.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*store.OutboxEntry, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []*store.OutboxEntry
	err := s.w.do(ctx, func(w *writeConn) error {
		out = out[:0]
		rows, err := w.claimOutbox.QueryContext(w.ctx, owner, now.Add(lease).UnixNano(), time.Now().UnixNano(), now.UnixNano(), limit)
		if err != nil {
			return fmt.Errorf("sqlite: claiming the outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanOutbox(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].NextAttempt.Equal(out[j].NextAttempt) {
			return out[i].NextAttempt.Before(out[j].NextAttempt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// UpdateOutbox records an attempt's outcome and ends the lease.
func (s *Store) UpdateOutbox(ctx context.Context, e *store.OutboxEntry) error {
	now := stamp()
	var n int64
	err := s.w.do(ctx, func(w *writeConn) error {
		res, err := w.updateOutbox.ExecContext(w.ctx, e.State, e.Attempts, e.LastError, e.URL,
			timeArg(e.NextAttempt), timeArg(e.Deadline), now.UnixNano(), e.ID)
		if err != nil {
			return fmt.Errorf("sqlite: updating outbox entry %d: %w", e.ID, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("outbox entry %d", e.ID)
	}
	e.ClaimedBy, e.ClaimedUntil, e.UpdatedAt = "", time.Time{}, now
	return nil
}

// OutboxEntry returns one entry by id.
func (s *Store) OutboxEntry(ctx context.Context, id int64) (*store.OutboxEntry, error) {
	e, err := scanOutbox(s.reads.outboxEntry.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("outbox entry %d", id)
	}
	return e, err
}

func scanOutbox(r scanner) (*store.OutboxEntry, error) {
	var (
		e                      store.OutboxEntry
		next, updated          int64
		deadline, claimedUntil sql.NullInt64
	)
	err := r.Scan(&e.ID, &e.MessageSeq, &e.URL, &e.State, &e.Attempts, &next, &deadline, &e.LastError,
		&e.ClaimedBy, &claimedUntil, &updated)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("sqlite: reading an outbox entry: %w", err)
	}
	e.NextAttempt = time.Unix(0, next).UTC()
	e.Deadline, e.ClaimedUntil = timeOf(deadline), timeOf(claimedUntil)
	e.UpdatedAt = time.Unix(0, updated).UTC()
	return &e, nil
}
