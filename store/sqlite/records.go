package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// A transaction keeps the domain and owner it started with; later upserts
// only fill them when they were empty and move updated_at forward.
const upsertTransactionSQL = `INSERT INTO transactions (id, domain, owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET
		domain = CASE WHEN transactions.domain = '' THEN excluded.domain ELSE transactions.domain END,
		owner = CASE WHEN transactions.owner = '' THEN excluded.owner ELSE transactions.owner END,
		updated_at = max(transactions.updated_at, excluded.updated_at)
	RETURNING domain, owner, created_at, updated_at`

const selectTransactionSQL = `SELECT id, domain, owner, created_at, updated_at FROM transactions WHERE id = ?`

const orderColumns = `id, transaction_id, bpp_id, bpp_uri, domain, provider_id, state, raw, updated_at`

const upsertOrderSQL = `INSERT INTO orders (` + orderColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET transaction_id = excluded.transaction_id, bpp_id = excluded.bpp_id,
		bpp_uri = excluded.bpp_uri, domain = excluded.domain, provider_id = excluded.provider_id,
		state = excluded.state, raw = excluded.raw, updated_at = excluded.updated_at`

const selectOrderSQL = `SELECT ` + orderColumns + ` FROM orders WHERE id = ?`

const ordersByTransactionSQL = `SELECT ` + orderColumns + ` FROM orders WHERE transaction_id = ? ORDER BY updated_at, id`

const insertIdempotencySQL = `INSERT INTO idempotency (client, key, request_hash, status, body, created_at)
	VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client, key) DO NOTHING`

const selectIdempotencySQL = `SELECT client, key, request_hash, status, body, created_at FROM idempotency
	WHERE client = ? AND key = ?`

const putKVSQL = `INSERT INTO kv (key, value, expires) VALUES (?, ?, ?)
	ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires`

const getKVSQL = `SELECT value, expires FROM kv WHERE key = ?`

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// UpsertTransaction creates the transaction or touches UpdatedAt, and fills
// t with what is stored.
func (s *Store) UpsertTransaction(ctx context.Context, t *store.Transaction) error {
	txn := newTxnUpsert(t, stamp())
	if err := s.w.do(ctx, txn.run); err != nil {
		return fmt.Errorf("sqlite: storing transaction %s: %w", t.ID, err)
	}
	txn.fill(t)
	return nil
}

// txnUpsert is one transaction upsert, run inside a write of the group
// commit on its own (UpsertTransaction) or with a request (InsertRequest).
type txnUpsert struct {
	args          []any
	domain, owner string
	c, u          int64
}

func newTxnUpsert(t *store.Transaction, now time.Time) txnUpsert {
	created, updated := orNow(t.CreatedAt, now), orNow(t.UpdatedAt, now)
	return txnUpsert{args: []any{t.ID, t.Domain, t.Owner, created.UnixNano(), updated.UnixNano()}}
}

// run may run twice (a batch retried write by write), so it only sets its
// own results.
func (x *txnUpsert) run(w *writeConn) error {
	return w.upsertTxn.QueryRowContext(w.ctx, x.args...).Scan(&x.domain, &x.owner, &x.c, &x.u)
}

// fill copies what is stored into t after the commit.
func (x *txnUpsert) fill(t *store.Transaction) {
	t.Domain, t.Owner = x.domain, x.owner
	t.CreatedAt, t.UpdatedAt = time.Unix(0, x.c).UTC(), time.Unix(0, x.u).UTC()
}

// Transaction returns one transaction.
func (s *Store) Transaction(ctx context.Context, id string) (*store.Transaction, error) {
	var t store.Transaction
	var c, u int64
	err := s.reads.transaction.QueryRowContext(ctx, id).Scan(&t.ID, &t.Domain, &t.Owner, &c, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("transaction %s", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: reading transaction %s: %w", id, err)
	}
	t.CreatedAt, t.UpdatedAt = time.Unix(0, c).UTC(), time.Unix(0, u).UTC()
	return &t, nil
}

// UpsertOrder records the latest state of an order.
func (s *Store) UpsertOrder(ctx context.Context, o *store.Order) error {
	o.UpdatedAt = orNow(o.UpdatedAt, stamp())
	err := s.w.do(ctx, func(w *writeConn) error {
		_, err := w.upsertOrder.ExecContext(w.ctx, o.ID, o.TransactionID, o.BppID, o.BppURI, o.Domain,
			o.ProviderID, o.State, o.Raw, o.UpdatedAt.UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: storing order %s: %w", o.ID, err)
	}
	return nil
}

// Order returns one order.
func (s *Store) Order(ctx context.Context, id string) (*store.Order, error) {
	o, err := scanOrder(s.reads.order.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("order %s", id)
	}
	return o, err
}

// OrdersByTransaction lists a transaction's orders, oldest update first.
func (s *Store) OrdersByTransaction(ctx context.Context, transactionID string) ([]*store.Order, error) {
	rows, err := s.reads.ordersByTransaction.QueryContext(ctx, transactionID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: listing orders of %s: %w", transactionID, err)
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

func scanOrder(r scanner) (*store.Order, error) {
	var o store.Order
	var u int64
	err := r.Scan(&o.ID, &o.TransactionID, &o.BppID, &o.BppURI, &o.Domain, &o.ProviderID, &o.State, &o.Raw, &u)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("sqlite: reading an order: %w", err)
	}
	o.UpdatedAt = time.Unix(0, u).UTC()
	return &o, nil
}

// PutIdempotency stores rec unless the client already used the key; then
// it returns the stored record, with ErrConflict when the requests differ.
func (s *Store) PutIdempotency(ctx context.Context, rec *store.Idempotency) (*store.Idempotency, error) {
	created := orNow(rec.CreatedAt, stamp())
	var stored *store.Idempotency
	err := s.w.do(ctx, func(w *writeConn) error {
		res, err := w.insertIdem.ExecContext(w.ctx, rec.Client, rec.Key, rec.RequestHash, rec.Status, rec.Body, created.UnixNano())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			stored = nil
			return err
		}
		stored, err = scanIdempotency(w.findIdem.QueryRowContext(w.ctx, rec.Client, rec.Key))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: storing idempotency key %q of %s: %w", rec.Key, rec.Client, err)
	}
	if stored == nil {
		out := *rec
		out.CreatedAt = created
		return &out, nil
	}
	if stored.RequestHash != rec.RequestHash {
		return stored, fmt.Errorf("sqlite: key %q of %s: %w", rec.Key, rec.Client, store.ErrConflict)
	}
	return stored, nil
}

// GetIdempotency returns the stored answer for client and key.
func (s *Store) GetIdempotency(ctx context.Context, client, key string) (*store.Idempotency, error) {
	rec, err := scanIdempotency(s.reads.idempotency.QueryRowContext(ctx, client, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("idempotency key %q of %s", key, client)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: reading idempotency key %q of %s: %w", key, client, err)
	}
	return rec, nil
}

func scanIdempotency(r scanner) (*store.Idempotency, error) {
	var rec store.Idempotency
	var c int64
	if err := r.Scan(&rec.Client, &rec.Key, &rec.RequestHash, &rec.Status, &rec.Body, &c); err != nil {
		return nil, err
	}
	rec.CreatedAt = time.Unix(0, c).UTC()
	return &rec, nil
}

// PutKV stores value under key until expires (zero: forever).
func (s *Store) PutKV(ctx context.Context, key string, value []byte, expires time.Time) error {
	if value == nil {
		value = []byte{}
	}
	err := s.w.do(ctx, func(w *writeConn) error {
		_, err := w.putKV.ExecContext(w.ctx, key, value, timeArg(expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: storing %q: %w", key, err)
	}
	return nil
}

// GetKV returns the value under key, or ErrNotFound when it is absent or
// expired. Expired rows are left in place; the next PutKV overwrites them.
func (s *Store) GetKV(ctx context.Context, key string) ([]byte, error) {
	var value []byte
	var expires sql.NullInt64
	err := s.reads.kv.QueryRowContext(ctx, key).Scan(&value, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && expires.Valid && expires.Int64 <= time.Now().UnixNano()) {
		return nil, notFound("key %q", key)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: reading %q: %w", key, err)
	}
	if value == nil {
		value = []byte{}
	}
	return value, nil
}
