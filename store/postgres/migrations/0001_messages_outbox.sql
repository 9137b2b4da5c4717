-- Every Beckn message in and out, byte for byte, with its verdicts; the
-- transactions and orders they belong to; the durable outbox.

CREATE TABLE messages (
	seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	direction      text        NOT NULL CHECK (direction IN ('in', 'out')),
	action         text        NOT NULL,
	domain         text        NOT NULL DEFAULT '',
	transaction_id text        NOT NULL DEFAULT '',
	message_id     text        NOT NULL DEFAULT '',
	bap_id         text        NOT NULL DEFAULT '',
	bpp_id         text        NOT NULL DEFAULT '',
	bpp_uri        text        NOT NULL DEFAULT '',
	sender_id      text        NOT NULL DEFAULT '',
	recipient_id   text        NOT NULL DEFAULT '',
	url            text        NOT NULL DEFAULT '',
	order_id       text        NOT NULL DEFAULT '',
	raw            bytea       NOT NULL,
	body_hash      text        NOT NULL,
	headers        jsonb,      -- for people and queries; lossy only when a value is not UTF-8 or holds NUL
	headers_exact  bytea,      -- the exact headers in that case
	ts             timestamptz,
	deadline       timestamptz,
	created_at     timestamptz NOT NULL,
	signature      text        NOT NULL DEFAULT '',
	findings       bytea,
	correlation    text        NOT NULL DEFAULT '',
	request_seq    bigint      NOT NULL DEFAULT 0,
	late           boolean     NOT NULL DEFAULT false,
	ack_status     text        NOT NULL DEFAULT '',
	http_status    integer     NOT NULL DEFAULT 0,
	error          text        NOT NULL DEFAULT ''
);
-- Raw bodies are stored uncompressed: pglz would cost CPU on every insert on
-- the callback ingestion path, where CPU, not disk, is the limit.
ALTER TABLE messages ALTER COLUMN raw SET STORAGE EXTERNAL;

CREATE UNIQUE INDEX messages_inbound_dedupe
	ON messages (sender_id, message_id, action, body_hash) WHERE direction = 'in';
CREATE INDEX messages_message_id ON messages (message_id, seq);
CREATE INDEX messages_transaction ON messages (transaction_id, seq);
CREATE INDEX messages_order ON messages (order_id) WHERE order_id <> '';

CREATE TABLE outbox (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	message_seq   bigint      NOT NULL REFERENCES messages (seq),
	url           text        NOT NULL,
	state         text        NOT NULL CHECK (state IN ('pending', 'acked', 'nacked', 'expired')),
	attempts      integer     NOT NULL DEFAULT 0,
	next_attempt  timestamptz NOT NULL,
	deadline      timestamptz,
	last_error    text        NOT NULL DEFAULT '',
	claimed_by    text        NOT NULL DEFAULT '',
	claimed_until timestamptz,
	updated_at    timestamptz NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt, id) WHERE state = 'pending';
CREATE INDEX outbox_message ON outbox (message_seq);

CREATE TABLE transactions (
	id         text PRIMARY KEY,
	domain     text        NOT NULL DEFAULT '',
	owner      text        NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL
);

CREATE TABLE orders (
	id             text PRIMARY KEY,
	transaction_id text        NOT NULL DEFAULT '',
	bpp_id         text        NOT NULL DEFAULT '',
	bpp_uri        text        NOT NULL DEFAULT '',
	domain         text        NOT NULL DEFAULT '',
	provider_id    text        NOT NULL DEFAULT '',
	state          text        NOT NULL DEFAULT '',
	raw            bytea,
	updated_at     timestamptz NOT NULL
);
CREATE INDEX orders_transaction ON orders (transaction_id);
