package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"strings"
	"sync"
	"time"

	"github.com/onest-seeker/seeker/store"
)

const messageColumns = `seq, direction, action, domain, transaction_id, message_id, bap_id, bpp_id, bpp_uri,
	sender_id, recipient_id, url, order_id, raw, body_hash, headers, headers_exact, ts, deadline, created_at,
	signature, findings, correlation, request_seq, late, ack_status, http_status, error, raw_codec`

// ON CONFLICT DO NOTHING applies to the inbound de-duplication index: a
// repeated callback inserts no row and RETURNING yields nothing.
const insertMessageSQL = `INSERT INTO messages (direction, action, domain, transaction_id, message_id, bap_id,
	bpp_id, bpp_uri, sender_id, recipient_id, url, order_id, raw, body_hash, headers, headers_exact, ts, deadline,
	created_at, signature, findings, correlation, request_seq, late, ack_status, http_status, error, raw_codec)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT DO NOTHING RETURNING seq`

const findDuplicateSQL = `SELECT seq FROM messages
	WHERE direction = 'in' AND sender_id = ? AND message_id = ? AND action = ? AND body_hash = ?`

const selectMessageSQL = `SELECT ` + messageColumns + ` FROM messages WHERE seq = ?`

const outboundByMessageIDSQL = `SELECT ` + messageColumns + ` FROM messages
	WHERE message_id = ? AND direction = 'out' ORDER BY seq DESC LIMIT 1`

// prepareMessage fills what the store owns (hash, creation time) and
// returns the insert arguments. The caller passes buf to releaseRaw after
// the insert has run.
func prepareMessage(m *store.Message, dir store.Direction, now time.Time) (args []any, buf *[]byte, err error) {
	if err := storecodec.FillMessage(m, dir, now); err != nil {
		return nil, nil, fmt.Errorf("sqlite: %w", err)
	}
	view, exact, err := encodeHeaders(m.Headers)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: encoding headers: %w", err)
	}
	late := 0
	if m.Late {
		late = 1
	}
	stored, codec, buf := storecodec.PackRaw(m.Raw)
	return []any{
		string(m.Direction), m.Action, m.Domain, m.TransactionID, m.MessageID, m.BapID,
		m.BppID, m.BppURI, m.SenderID, m.RecipientID, m.URL, m.OrderID, stored, m.BodyHash, view, exact,
		timeArg(m.Timestamp), timeArg(m.Deadline), m.CreatedAt.UnixNano(), m.Signature, m.Findings,
		string(m.Correlation), m.RequestSeq, late, m.AckStatus, m.HTTPStatus, m.Error, codec,
	}, buf, nil
}

// InsertOutbound stores m and its outbox entry in one transaction of the
// group commit.
func (s *Store) InsertOutbound(ctx context.Context, m *store.Message, entry *store.OutboxEntry) error {
	return s.InsertRequest(ctx, nil, m, entry)
}

// InsertRequest upserts t (when not nil) and stores m with its outbox entry,
// all inside one write of the group commit, so a send costs one commit.
func (s *Store) InsertRequest(ctx context.Context, t *store.Transaction, m *store.Message, entry *store.OutboxEntry) error {
	now := stamp()
	args, buf, err := prepareMessage(m, store.Outbound, now)
	if err != nil {
		return err
	}
	defer storecodec.ReleaseRaw(buf)
	var eargs []any
	if entry != nil {
		eargs = outboxArgs(entry, m, now)
	}
	var txn txnUpsert
	if t != nil {
		txn = newTxnUpsert(t, now)
	}
	var seq, id int64
	err = s.w.do(ctx, func(w *writeConn) error {
		if t != nil {
			if err := txn.run(w); err != nil {
				return fmt.Errorf("sqlite: storing transaction %s: %w", t.ID, err)
			}
		}
		if err := w.insertMessage.QueryRowContext(w.ctx, args...).Scan(&seq); err != nil {
			return fmt.Errorf("sqlite: storing outbound %s %s: %w", m.Action, m.MessageID, err)
		}
		if entry == nil {
			return nil
		}
		eargs[0] = seq
		if err := w.insertOutbox.QueryRowContext(w.ctx, eargs...).Scan(&id); err != nil {
			return fmt.Errorf("sqlite: storing the outbox entry of %s %s: %w", m.Action, m.MessageID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if t != nil {
		txn.fill(t)
	}
	m.Seq = seq
	if entry != nil {
		entry.ID, entry.MessageSeq = id, seq
	}
	return nil
}

// InsertInbound stores m unless it is a duplicate; the unique index decides,
// inside the writer's transaction, so concurrent deliveries of one callback
// store it once.
func (s *Store) InsertInbound(ctx context.Context, m *store.Message) (bool, error) {
	args, buf, err := prepareMessage(m, store.Inbound, stamp())
	if err != nil {
		return false, err
	}
	defer storecodec.ReleaseRaw(buf)
	var seq int64
	var dup bool
	err = s.w.do(ctx, func(w *writeConn) error {
		dup = false
		err := w.insertMessage.QueryRowContext(w.ctx, args...).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			dup = true
			err = w.findDuplicate.QueryRowContext(w.ctx, m.SenderID, m.MessageID, m.Action, m.BodyHash).Scan(&seq)
		}
		if err != nil {
			return fmt.Errorf("sqlite: storing inbound %s %s from %s: %w", m.Action, m.MessageID, m.SenderID, err)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	m.Seq = seq
	return dup, nil
}

// Message returns one message by Seq.
func (s *Store) Message(ctx context.Context, seq int64) (*store.Message, error) {
	m, err := scanMessage(s.reads.message.QueryRowContext(ctx, seq))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("message %d", seq)
	}
	return m, err
}

// OutboundByMessageID returns the latest request sent with messageID.
func (s *Store) OutboundByMessageID(ctx context.Context, messageID string) (*store.Message, error) {
	m, err := scanMessage(s.reads.outboundByMessageID.QueryRowContext(ctx, messageID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("no outbound message %q", messageID)
	}
	return m, err
}

// Messages lists messages in Seq order. The statement for each combination
// of filter fields is prepared once and reused.
func (s *Store) Messages(ctx context.Context, f store.MessageFilter) ([]*store.Message, error) {
	stmt, args, err := s.filter.stmt(ctx, f)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: listing messages: %w", err)
	}
	defer rows.Close()
	var out []*store.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: listing messages: %w", err)
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanMessage(r scanner) (*store.Message, error) {
	var (
		m                store.Message
		dir, corr, codec string
		headers          sql.NullString
		exact            []byte
		ts, deadline     sql.NullInt64
		created          int64
		late             int
	)
	err := r.Scan(&m.Seq, &dir, &m.Action, &m.Domain, &m.TransactionID, &m.MessageID, &m.BapID, &m.BppID,
		&m.BppURI, &m.SenderID, &m.RecipientID, &m.URL, &m.OrderID, &m.Raw, &m.BodyHash, &headers, &exact,
		&ts, &deadline, &created, &m.Signature, &m.Findings, &corr, &m.RequestSeq, &late, &m.AckStatus,
		&m.HTTPStatus, &m.Error, &codec)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("sqlite: reading a message: %w", err)
	}
	if m.Raw, err = storecodec.UnpackRaw(m.Raw, codec); err != nil {
		return nil, fmt.Errorf("sqlite: message %d: %w", m.Seq, err)
	}
	m.Direction, m.Correlation, m.Late = store.Direction(dir), store.Correlation(corr), late != 0
	m.Timestamp, m.Deadline = timeOf(ts), timeOf(deadline)
	m.CreatedAt = time.Unix(0, created).UTC()
	if m.Headers, err = decodeHeaders(headers, exact); err != nil {
		return nil, fmt.Errorf("sqlite: message %d: %w", m.Seq, err)
	}
	return &m, nil
}

// filterStmts caches one prepared statement per combination of filter
// fields in use (at most 2^8), since streams and pages repeat the same
// shape many times.
type filterStmts struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[uint8]*sql.Stmt
}

func (c *filterStmts) stmt(ctx context.Context, f store.MessageFilter) (*sql.Stmt, []any, error) {
	var (
		mask  uint8
		conds []string
		args  []any
	)
	add := func(bit uint8, cond string, arg any) {
		mask |= bit
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if f.TransactionID != "" {
		add(1, "transaction_id = ?", f.TransactionID)
	}
	if f.MessageID != "" {
		add(2, "message_id = ?", f.MessageID)
	}
	if f.Action != "" {
		add(4, "action = ?", f.Action)
	}
	if f.Direction != "" {
		add(8, "direction = ?", string(f.Direction))
	}
	if f.Domain != "" {
		add(16, "domain = ?", f.Domain)
	}
	if f.AfterSeq > 0 {
		add(32, "seq > ?", f.AfterSeq)
	}
	if !f.Since.IsZero() {
		add(64, "created_at >= ?", f.Since.UnixNano())
	}
	if f.Limit > 0 {
		mask |= 128
		args = append(args, f.Limit)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[mask]; ok {
		return st, args, nil
	}
	q := "SELECT " + messageColumns + " FROM messages"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY seq"
	if mask&128 != 0 {
		q += " LIMIT ?"
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: preparing a message query: %w", err)
	}
	if c.stmts == nil {
		c.stmts = map[uint8]*sql.Stmt{}
	}
	c.stmts[mask] = st
	return st, args, nil
}

func (c *filterStmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		_ = st.Close()
	}
	c.stmts = nil
}

// readStmts are the fixed lookups, prepared once on the read pool.
type readStmts struct {
	message             *sql.Stmt
	outboundByMessageID *sql.Stmt
	outboxEntry         *sql.Stmt
	transaction         *sql.Stmt
	order               *sql.Stmt
	ordersByTransaction *sql.Stmt
	idempotency         *sql.Stmt
	kv                  *sql.Stmt
}

func (r *readStmts) prepare(ctx context.Context, db *sql.DB) error {
	stmts := []struct {
		dst **sql.Stmt
		sql string
	}{
		{&r.message, selectMessageSQL},
		{&r.outboundByMessageID, outboundByMessageIDSQL},
		{&r.outboxEntry, selectOutboxSQL},
		{&r.transaction, selectTransactionSQL},
		{&r.order, selectOrderSQL},
		{&r.ordersByTransaction, ordersByTransactionSQL},
		{&r.idempotency, selectIdempotencySQL},
		{&r.kv, getKVSQL},
	}
	for _, s := range stmts {
		st, err := db.PrepareContext(ctx, s.sql)
		if err != nil {
			return err
		}
		*s.dst = st
	}
	return nil
}
