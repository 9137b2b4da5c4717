package postgres

import (
	"context"
	"errors"
	"fmt"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/onest-seeker/seeker/store"
)

const messageColumns = `seq, direction, action, domain, transaction_id, message_id, bap_id, bpp_id, bpp_uri,
	sender_id, recipient_id, url, order_id, raw, body_hash, headers, headers_exact, ts, deadline, created_at,
	signature, findings, correlation, request_seq, late, ack_status, http_status, error, raw_codec`

const insertMessageHead = `INSERT INTO messages (direction, action, domain, transaction_id, message_id, bap_id,
	bpp_id, bpp_uri, sender_id, recipient_id, url, order_id, raw, body_hash, headers, headers_exact, ts, deadline,
	created_at, signature, findings, correlation, request_seq, late, ack_status, http_status, error, raw_codec)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
	$23, $24, $25, $26, $27, $28)`

// The inbound insert and the duplicate lookup are one statement, so one
// round trip decides. The lookup sees rows of earlier statements of the
// batch; concurrent writers cannot interleave, as the advisory lock
// serialises every message insert.
const insertInboundSQL = `WITH ins AS (` + insertMessageHead + ` ON CONFLICT DO NOTHING RETURNING seq)
	SELECT seq, false FROM ins
	UNION ALL
	SELECT seq, true FROM messages
	WHERE direction = 'in' AND sender_id = $9 AND message_id = $5 AND action = $2 AND body_hash = $14
		AND NOT EXISTS (SELECT 1 FROM ins)
	LIMIT 1`

const insertOutboundSQL = insertMessageHead + ` RETURNING seq, 0::bigint`

// The outbox entry is inserted by the same statement as its message.
const insertOutboundWithEntrySQL = `WITH m AS (` + insertMessageHead + ` RETURNING seq)
	INSERT INTO outbox (message_seq, url, state, attempts, next_attempt, deadline, last_error, claimed_by, claimed_until, updated_at)
	SELECT seq, $29, $30, $31, $32, $33, $34, $35, $36, $37 FROM m
	RETURNING message_seq, id`

// prepareMessage fills what the store owns (hash, creation time) and
// returns the insert arguments. The caller passes buf to releaseRaw after
// the insert has run.
func prepareMessage(m *store.Message, dir store.Direction, now time.Time) (args []any, buf *[]byte, err error) {
	if err := storecodec.FillMessage(m, dir, now); err != nil {
		return nil, nil, fmt.Errorf("postgres: %w", err)
	}
	view, exact, err := encodeHeaders(m.Headers)
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: encoding headers: %w", err)
	}
	stored, codec, buf := storecodec.PackRaw(m.Raw)
	return []any{
		string(m.Direction), m.Action, m.Domain, m.TransactionID, m.MessageID, m.BapID,
		m.BppID, m.BppURI, m.SenderID, m.RecipientID, m.URL, m.OrderID, stored, m.BodyHash, view, exact,
		timeArg(m.Timestamp), timeArg(m.Deadline), m.CreatedAt, m.Signature, m.Findings,
		string(m.Correlation), m.RequestSeq, m.Late, m.AckStatus, m.HTTPStatus, m.Error, codec,
	}, buf, nil
}

// InsertOutbound stores m and its outbox entry atomically, in the next
// group-commit batch.
func (s *Store) InsertOutbound(ctx context.Context, m *store.Message, entry *store.OutboxEntry) error {
	now := stamp()
	args, buf, err := prepareMessage(m, store.Outbound, now)
	if err != nil {
		return err
	}
	defer storecodec.ReleaseRaw(buf)
	q := insertOutboundSQL
	if entry != nil {
		storecodec.FillOutboxEntry(entry, m, now)
		q = insertOutboundWithEntrySQL
		// A lease given at insert is kept: the sending path leases a fresh
		// request to itself for its first attempt.
		args = append(args, entry.URL, entry.State, entry.Attempts, entry.NextAttempt, timeArg(entry.Deadline), entry.LastError, entry.ClaimedBy, timeArg(entry.ClaimedUntil), now)
	}
	var seq, id int64
	err = s.w.do(ctx, q, args, func(row pgx.Row) error { return row.Scan(&seq, &id) })
	if err != nil {
		return fmt.Errorf("postgres: storing outbound %s %s: %w", m.Action, m.MessageID, err)
	}
	m.Seq = seq
	if entry != nil {
		entry.ID, entry.MessageSeq = id, seq
	}
	return nil
}

// InsertInbound stores m unless an identical callback is stored.
func (s *Store) InsertInbound(ctx context.Context, m *store.Message) (bool, error) {
	args, buf, err := prepareMessage(m, store.Inbound, stamp())
	if err != nil {
		return false, err
	}
	defer storecodec.ReleaseRaw(buf)
	var seq int64
	var dup bool
	err = s.w.do(ctx, insertInboundSQL, args, func(row pgx.Row) error { return row.Scan(&seq, &dup) })
	if err != nil {
		return false, fmt.Errorf("postgres: storing inbound %s %s from %s: %w", m.Action, m.MessageID, m.SenderID, err)
	}
	m.Seq = seq
	return dup, nil
}

// Message returns one message by Seq.
func (s *Store) Message(ctx context.Context, seq int64) (*store.Message, error) {
	m, err := scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages WHERE seq = $1`, seq))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("message %d", seq)
	}
	return m, err
}

// OutboundByMessageID returns the latest request sent with messageID.
func (s *Store) OutboundByMessageID(ctx context.Context, messageID string) (*store.Message, error) {
	m, err := scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE message_id = $1 AND direction = 'out' ORDER BY seq DESC LIMIT 1`, messageID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("no outbound message %q", messageID)
	}
	return m, err
}

// Messages lists messages in Seq order. pgx caches the prepared statement
// of each query shape per connection.
func (s *Store) Messages(ctx context.Context, f store.MessageFilter) ([]*store.Message, error) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1))
	}
	if f.TransactionID != "" {
		add("transaction_id = ?", f.TransactionID)
	}
	if f.MessageID != "" {
		add("message_id = ?", f.MessageID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Direction != "" {
		add("direction = ?", string(f.Direction))
	}
	if f.Domain != "" {
		add("domain = ?", f.Domain)
	}
	if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	if !f.Since.IsZero() {
		add("created_at >= ?", f.Since)
	}
	q := "SELECT " + messageColumns + " FROM messages"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += " LIMIT $" + strconv.Itoa(len(args))
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: listing messages: %w", err)
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
		return nil, fmt.Errorf("postgres: listing messages: %w", err)
	}
	return out, nil
}

func scanMessage(r pgx.Row) (*store.Message, error) {
	var (
		m                     store.Message
		dir, corr, codec      string
		headers, exact        []byte
		ts, deadline, created pgtype.Timestamptz
	)
	err := r.Scan(&m.Seq, &dir, &m.Action, &m.Domain, &m.TransactionID, &m.MessageID, &m.BapID, &m.BppID,
		&m.BppURI, &m.SenderID, &m.RecipientID, &m.URL, &m.OrderID, &m.Raw, &m.BodyHash, &headers, &exact,
		&ts, &deadline, &created, &m.Signature, &m.Findings, &corr, &m.RequestSeq, &m.Late, &m.AckStatus,
		&m.HTTPStatus, &m.Error, &codec)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: reading a message: %w", err)
	}
	if m.Raw, err = storecodec.UnpackRaw(m.Raw, codec); err != nil {
		return nil, fmt.Errorf("postgres: message %d: %w", m.Seq, err)
	}
	m.Direction, m.Correlation = store.Direction(dir), store.Correlation(corr)
	m.Timestamp, m.Deadline, m.CreatedAt = timeOf(ts), timeOf(deadline), timeOf(created)
	if m.Headers, err = decodeHeaders(headers, exact); err != nil {
		return nil, fmt.Errorf("postgres: message %d: %w", m.Seq, err)
	}
	return &m, nil
}
