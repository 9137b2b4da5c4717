package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/onest-seeker/seeker/store"
)

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// UpsertTransaction creates the transaction or touches UpdatedAt; domain
// and owner are kept from the start (filled only when empty).
func (s *Store) UpsertTransaction(ctx context.Context, t *store.Transaction) error {
	now := stamp()
	var c, u pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `INSERT INTO transactions (id, domain, owner, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET
			domain = CASE WHEN transactions.domain = '' THEN excluded.domain ELSE transactions.domain END,
			owner = CASE WHEN transactions.owner = '' THEN excluded.owner ELSE transactions.owner END,
			updated_at = greatest(transactions.updated_at, excluded.updated_at)
		RETURNING domain, owner, created_at, updated_at`,
		t.ID, t.Domain, t.Owner, orNow(t.CreatedAt, now), orNow(t.UpdatedAt, now)).Scan(&t.Domain, &t.Owner, &c, &u)
	if err != nil {
		return fmt.Errorf("postgres: storing transaction %s: %w", t.ID, err)
	}
	t.CreatedAt, t.UpdatedAt = timeOf(c), timeOf(u)
	return nil
}

// Transaction returns one transaction.
func (s *Store) Transaction(ctx context.Context, id string) (*store.Transaction, error) {
	var t store.Transaction
	var c, u pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT id, domain, owner, created_at, updated_at FROM transactions WHERE id = $1`, id).
		Scan(&t.ID, &t.Domain, &t.Owner, &c, &u)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("transaction %s", id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: reading transaction %s: %w", id, err)
	}
	t.CreatedAt, t.UpdatedAt = timeOf(c), timeOf(u)
	return &t, nil
}

const orderColumns = `id, transaction_id, bpp_id, bpp_uri, domain, provider_id, state, raw, updated_at`

// UpsertOrder records the latest state of an order.
func (s *Store) UpsertOrder(ctx context.Context, o *store.Order) error {
	o.UpdatedAt = orNow(o.UpdatedAt, stamp())
	_, err := s.pool.Exec(ctx, `INSERT INTO orders (`+orderColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET transaction_id = excluded.transaction_id, bpp_id = excluded.bpp_id,
			bpp_uri = excluded.bpp_uri, domain = excluded.domain, provider_id = excluded.provider_id,
			state = excluded.state, raw = excluded.raw, updated_at = excluded.updated_at`,
		o.ID, o.TransactionID, o.BppID, o.BppURI, o.Domain, o.ProviderID, o.State, o.Raw, o.UpdatedAt)
	if err != nil {
		return fmt.Errorf("postgres: storing order %s: %w", o.ID, err)
	}
	return nil
}

// Order returns one order.
func (s *Store) Order(ctx context.Context, id string) (*store.Order, error) {
	o, err := scanOrder(s.pool.QueryRow(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("order %s", id)
	}
	return o, err
}

// OrdersByTransaction lists a transaction's orders, oldest update first.
func (s *Store) OrdersByTransaction(ctx context.Context, transactionID string) ([]*store.Order, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+orderColumns+` FROM orders WHERE transaction_id = $1 ORDER BY updated_at, id`, transactionID)
	if err != nil {
		return nil, fmt.Errorf("postgres: listing orders of %s: %w", transactionID, err)
	}
	defer rows.Close()
	var out []*store.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func scanOrder(r pgx.Row) (*store.Order, error) {
	var o store.Order
	var u pgtype.Timestamptz
	err := r.Scan(&o.ID, &o.TransactionID, &o.BppID, &o.BppURI, &o.Domain, &o.ProviderID, &o.State, &o.Raw, &u)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: reading an order: %w", err)
	}
	o.UpdatedAt = timeOf(u)
	return &o, nil
}

// PutIdempotency stores rec unless the client already used the key; then
// it returns the stored record, with ErrConflict when the requests differ.
func (s *Store) PutIdempotency(ctx context.Context, rec *store.Idempotency) (*store.Idempotency, error) {
	created := orNow(rec.CreatedAt, stamp())
	// A concurrent insert of the same key commits between the statement's
	// snapshot and its ON CONFLICT check, so the stored row may be invisible
	// to the lookup half once; trying again sees it.
	for range 3 {
		var out store.Idempotency
		var c pgtype.Timestamptz
		var fresh bool
		err := s.pool.QueryRow(ctx, `WITH ins AS (
				INSERT INTO idempotency (client, key, request_hash, status, body, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (client, key) DO NOTHING
				RETURNING client, key, request_hash, status, body, created_at)
			SELECT *, true FROM ins
			UNION ALL
			SELECT client, key, request_hash, status, body, created_at, false FROM idempotency
			WHERE client = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM ins)`,
			rec.Client, rec.Key, rec.RequestHash, rec.Status, rec.Body, created).
			Scan(&out.Client, &out.Key, &out.RequestHash, &out.Status, &out.Body, &c, &fresh)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("postgres: storing idempotency key %q of %s: %w", rec.Key, rec.Client, err)
		}
		out.CreatedAt = timeOf(c)
		if !fresh && out.RequestHash != rec.RequestHash {
			return &out, fmt.Errorf("postgres: key %q of %s: %w", rec.Key, rec.Client, store.ErrConflict)
		}
		return &out, nil
	}
	return nil, fmt.Errorf("postgres: storing idempotency key %q of %s: the key kept changing under concurrent requests", rec.Key, rec.Client)
}

// GetIdempotency returns the stored answer for client and key.
func (s *Store) GetIdempotency(ctx context.Context, client, key string) (*store.Idempotency, error) {
	var rec store.Idempotency
	var c pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT client, key, request_hash, status, body, created_at FROM idempotency
		WHERE client = $1 AND key = $2`, client, key).
		Scan(&rec.Client, &rec.Key, &rec.RequestHash, &rec.Status, &rec.Body, &c)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("idempotency key %q of %s", key, client)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: reading idempotency key %q of %s: %w", key, client, err)
	}
	rec.CreatedAt = timeOf(c)
	return &rec, nil
}

// PutKV stores value under key until expires (zero: forever).
func (s *Store) PutKV(ctx context.Context, key string, value []byte, expires time.Time) error {
	if value == nil {
		value = []byte{}
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO kv (key, value, expires) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires`, key, value, timeArg(expires))
	if err != nil {
		return fmt.Errorf("postgres: storing %q: %w", key, err)
	}
	return nil
}

// GetKV returns the value under key, or ErrNotFound when absent or expired.
func (s *Store) GetKV(ctx context.Context, key string) ([]byte, error) {
	var value []byte
	var expires pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT value, expires FROM kv WHERE key = $1`, key).Scan(&value, &expires)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && expires.Valid && !expires.Time.After(time.Now())) {
		return nil, notFound("key %q", key)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: reading %q: %w", key, err)
	}
	if value == nil {
		value = []byte{}
	}
	return value, nil
}
