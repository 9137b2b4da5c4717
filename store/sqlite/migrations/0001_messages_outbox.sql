-- Every Beckn message in and out, byte for byte, with its verdicts; the
-- transactions and orders they belong to; the durable outbox.
-- Times are Unix nanoseconds (UTC); NULL means "not known".

CREATE TABLE messages (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so streams can resume from it
	direction      TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
	action         TEXT    NOT NULL,
	domain         TEXT    NOT NULL DEFAULT '',
	transaction_id TEXT    NOT NULL DEFAULT '',
	message_id     TEXT    NOT NULL DEFAULT '',
	bap_id         TEXT    NOT NULL DEFAULT '',
	bpp_id         TEXT    NOT NULL DEFAULT '',
	bpp_uri        TEXT    NOT NULL DEFAULT '',
	sender_id      TEXT    NOT NULL DEFAULT '',
	recipient_id   TEXT    NOT NULL DEFAULT '',
	url            TEXT    NOT NULL DEFAULT '',
	order_id       TEXT    NOT NULL DEFAULT '',
	raw            BLOB    NOT NULL,
	body_hash      TEXT    NOT NULL,
	headers        TEXT,            -- JSON object, for people and queries
	headers_exact  BLOB,            -- exact bytes when JSON cannot carry them (not UTF-8, NUL)
	ts             INTEGER,
	deadline       INTEGER,
	created_at     INTEGER NOT NULL,
	signature      TEXT    NOT NULL DEFAULT '',
	findings       BLOB,
	correlation    TEXT    NOT NULL DEFAULT '',
	request_seq    INTEGER NOT NULL DEFAULT 0,
	late           INTEGER NOT NULL DEFAULT 0,
	ack_status     TEXT    NOT NULL DEFAULT '',
	http_status    INTEGER NOT NULL DEFAULT 0,
	error          TEXT    NOT NULL DEFAULT ''
);

-- A callback delivered twice (same sender, message id, action and bytes) is
-- stored once; the engine relies on the insert failing over to a lookup.
CREATE UNIQUE INDEX messages_inbound_dedupe
	ON messages (sender_id, message_id, action, body_hash) WHERE direction = 'in';
-- Correlation of callbacks to requests and OutboundByMessageID.
CREATE INDEX messages_message_id ON messages (message_id, seq);
-- A transaction's messages in order, and streams resuming after a Seq.
CREATE INDEX messages_transaction ON messages (transaction_id, seq);
-- Unsolicited callbacks matched by order id.
CREATE INDEX messages_order ON messages (order_id) WHERE order_id <> '';

CREATE TABLE outbox (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	message_seq   INTEGER NOT NULL REFERENCES messages (seq),
	url           TEXT    NOT NULL,
	state         TEXT    NOT NULL CHECK (state IN ('pending', 'acked', 'nacked', 'expired')),
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_attempt  INTEGER NOT NULL,
	deadline      INTEGER,
	last_error    TEXT    NOT NULL DEFAULT '',
	claimed_by    TEXT    NOT NULL DEFAULT '',
	claimed_until INTEGER,
	updated_at    INTEGER NOT NULL
);
-- Only pending entries are ever claimed; finished ones stay out of the index.
CREATE INDEX outbox_due ON outbox (next_attempt, id) WHERE state = 'pending';
CREATE INDEX outbox_message ON outbox (message_seq);

CREATE TABLE transactions (
	id         TEXT PRIMARY KEY,
	domain     TEXT    NOT NULL DEFAULT '',
	owner      TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE orders (
	id             TEXT PRIMARY KEY,
	transaction_id TEXT    NOT NULL DEFAULT '',
	bpp_id         TEXT    NOT NULL DEFAULT '',
	bpp_uri        TEXT    NOT NULL DEFAULT '',
	domain         TEXT    NOT NULL DEFAULT '',
	provider_id    TEXT    NOT NULL DEFAULT '',
	state          TEXT    NOT NULL DEFAULT '',
	raw            BLOB,
	updated_at     INTEGER NOT NULL
);
CREATE INDEX orders_transaction ON orders (transaction_id);
CREATE INDEX messages_outbound_mid ON messages (message_id, seq) WHERE direction = 'out';
