// Package store defines how Seeker persists what it sends and receives: every
// Beckn message with its raw bytes, headers and verdicts, the transactions and
// orders they belong to, the durable outbox, idempotency records of the client
// API and a warm copy of registry records.
//
// The interface is implemented by store/sqlite (embedded, the default) and
// store/postgres (several instances on one database). Both pass the same suite
// in store/storetest, so behaviour never depends on the backend. Business
// rules (what is late, what is a duplicate, where to route) live in the
// engine; the store only records facts and answers queries atomically.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by lookups that match nothing. Callers test it with
// errors.Is so that each backend can wrap it with detail.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when an idempotency key is reused with a different
// request, so the client API can answer 409 instead of replaying a response
// that belongs to another request.
var ErrConflict = errors.New("store: idempotency key reused with a different request")

// Direction says whether Seeker sent a message or received it.
type Direction string

const (
	Outbound Direction = "out"
	Inbound  Direction = "in"
)

// Correlation says how an inbound callback was matched to what Seeker knows.
type Correlation string

const (
	// Solicited: the callback's message_id is one Seeker sent.
	Solicited Correlation = "solicited"
	// Unsolicited: a new message_id on a transaction Seeker knows (status
	// changes, the next XInput form).
	Unsolicited Correlation = "unsolicited"
	// Unknown: neither the message nor the transaction is known; the
	// callback is stored and NACKed.
	Unknown Correlation = "unknown"
	// NotApplicable marks outbound messages.
	NotApplicable Correlation = ""
)

// Message is one Beckn message, stored byte for byte. Raw is exactly what was
// sent or received: the signature covers it and verification logs are taken
// from it, so it is never re-marshalled.
type Message struct {
	// Seq is assigned by the store, strictly increasing in insertion order
	// across the whole store. Streams resume from a Seq.
	Seq int64

	Direction     Direction
	Action        string // context.action as sent or received
	Domain        string // normalised domain code
	TransactionID string
	MessageID     string
	BapID         string
	BppID         string
	BppURI        string
	SenderID      string // keyId subscriber of the Authorization header (inbound) or own id
	RecipientID   string // gateway or BPP id (outbound) or own id (inbound)
	URL           string // target URL (outbound) or request path (inbound)
	OrderID       string // order id carried by the message, when any

	Raw       []byte
	BodyHash  string // hex SHA-256 of Raw; duplicates have the same hash
	Headers   map[string]string
	Timestamp time.Time // context.timestamp (zero when unparsable)
	Deadline  time.Time // context.timestamp + ttl: end of the callback window
	CreatedAt time.Time // when Seeker stored it

	// Inbound verdicts.
	Signature   string // "valid", or the reason verification failed
	Findings    []byte // JSON array of schema findings (may be nil)
	Correlation Correlation
	RequestSeq  int64 // Seq of the outbound request a solicited callback answers
	Late        bool  // arrived after the request's deadline
	AckStatus   string
	HTTPStatus  int // status Seeker answered (inbound) or received (outbound)
	Error       string
}

// Outbox states.
const (
	OutboxPending = "pending" // waiting for its first or next attempt
	OutboxAcked   = "acked"   // the peer answered ACK
	OutboxNacked  = "nacked"  // the peer answered NACK: final, never retried
	OutboxExpired = "expired" // the ttl ran out before any answer
)

// OutboxEntry is an outbound request that must reach its peer. It is written
// in the same transaction as its Message, before the first attempt, so a
// crash between storing and sending loses nothing.
type OutboxEntry struct {
	ID          int64
	MessageSeq  int64
	URL         string
	State       string
	Attempts    int
	NextAttempt time.Time
	Deadline    time.Time
	LastError   string
	// ClaimedBy and ClaimedUntil implement a lease: an instance claims due
	// entries before sending so that several instances never send one twice.
	ClaimedBy    string
	ClaimedUntil time.Time
	UpdatedAt    time.Time
}

// Transaction is a learner's journey: one transaction_id from search to
// post-order calls.
type Transaction struct {
	ID        string
	Domain    string
	Owner     string // client that started it (API key name or user id)
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Order is the latest known state of an order, kept so that unsolicited
// callbacks can be matched by order id and listed without replaying messages.
type Order struct {
	ID            string
	TransactionID string
	BppID         string
	BppURI        string
	Domain        string
	ProviderID    string
	State         string // fulfillment state code or order status
	Raw           []byte // last message.order as received
	UpdatedAt     time.Time
}

// Idempotency is the stored answer to a client request made with an
// Idempotency-Key, replayed when the same key and request come again.
type Idempotency struct {
	Key         string
	Client      string
	RequestHash string
	Status      int
	Body        []byte
	CreatedAt   time.Time
}

// MessageFilter selects messages. Zero fields do not filter.
type MessageFilter struct {
	TransactionID string
	MessageID     string
	Action        string
	Direction     Direction
	Domain        string
	AfterSeq      int64 // only messages with Seq > AfterSeq
	Since         time.Time
	Limit         int // 0 = no limit
}

// Store is everything Seeker persists. Implementations are safe for
// concurrent use by many goroutines and, for PostgreSQL, many processes.
type Store interface {
	// InsertOutbound stores an outbound message and, when entry is not nil,
	// its outbox entry, atomically. It fills m.Seq and entry.ID.
	InsertOutbound(ctx context.Context, m *Message, entry *OutboxEntry) error

	// InsertRequest records a request about to be sent: it upserts t as
	// UpsertTransaction does (filling t with what is stored), then stores m
	// with its outbox entry as InsertOutbound does. The transaction is
	// stored first, so a failure leaves at most a transaction without the
	// request, as two separate calls would. A backend may do both in one
	// write: SQLite does, so the engine's send path costs one commit, not
	// two.
	InsertRequest(ctx context.Context, t *Transaction, m *Message, entry *OutboxEntry) error

	// InsertInbound stores an inbound message unless an identical one (same
	// sender, message id, action and body hash) is already stored, in which
	// case it returns duplicate=true and the stored Seq, and stores nothing.
	InsertInbound(ctx context.Context, m *Message) (duplicate bool, err error)

	// SetFindings records the validation findings of a stored message:
	// inbound messages are validated after they are acknowledged, off the
	// ingestion path, in warn mode. ErrNotFound when no message has seq.
	SetFindings(ctx context.Context, seq int64, findings []byte) error

	// Message returns one message by Seq.
	Message(ctx context.Context, seq int64) (*Message, error)
	// Messages lists messages in Seq order.
	Messages(ctx context.Context, f MessageFilter) ([]*Message, error)
	// OutboundByMessageID returns the most recent outbound request with this
	// message id, used to correlate solicited callbacks.
	OutboundByMessageID(ctx context.Context, messageID string) (*Message, error)

	// UpsertTransaction creates the transaction or touches UpdatedAt.
	UpsertTransaction(ctx context.Context, t *Transaction) error
	Transaction(ctx context.Context, id string) (*Transaction, error)

	// UpsertOrder records the latest state of an order.
	UpsertOrder(ctx context.Context, o *Order) error
	Order(ctx context.Context, id string) (*Order, error)
	OrdersByTransaction(ctx context.Context, transactionID string) ([]*Order, error)

	// ClaimOutbox leases up to limit entries that are pending and due at
	// now, for owner, until now+lease. Entries leased by another owner whose
	// lease has not run out are not returned.
	ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*OutboxEntry, error)
	// UpdateOutbox records the outcome of an attempt and releases the lease.
	UpdateOutbox(ctx context.Context, e *OutboxEntry) error
	// OutboxEntry returns one entry by id.
	OutboxEntry(ctx context.Context, id int64) (*OutboxEntry, error)

	// PutIdempotency stores the answer to a keyed request. When the key is
	// already stored for the client it returns the stored record and, if
	// the request hash differs, ErrConflict.
	PutIdempotency(ctx context.Context, rec *Idempotency) (*Idempotency, error)
	// GetIdempotency returns the stored answer or ErrNotFound.
	GetIdempotency(ctx context.Context, client, key string) (*Idempotency, error)

	// PutKV and GetKV keep small named values (registry records, cursors of
	// scheduled work) that must survive a restart.
	PutKV(ctx context.Context, key string, value []byte, expires time.Time) error
	GetKV(ctx context.Context, key string) ([]byte, error)

	// TryLease takes or renews the named lease for owner until until, when
	// nobody holds it, its holder's lease ran out at now, or owner already
	// holds it; it reports whether owner holds it afterwards. Scheduled work
	// that must run once across several instances (harvesting, telemetry
	// batches, webhook delivery) runs only while its instance holds the
	// lease, and renews it well before it runs out.
	TryLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	// ReleaseLease gives the lease up when owner holds it, so another
	// instance takes the work over at once after a clean shutdown.
	ReleaseLease(ctx context.Context, name, owner string) error

	// Purge deletes what has run out: key-value rows whose expiry is at
	// or before now (sessions, pending forms, leases) and idempotency
	// records created before idempotencyBefore. It reports how many of
	// each it deleted. Nothing else is ever deleted: messages are the
	// record of what was said on the network.
	Purge(ctx context.Context, now, idempotencyBefore time.Time) (kv, idempotency int64, err error)

	// Ping checks that the database answers; readiness uses it.
	Ping(ctx context.Context) error
	Close() error
}
