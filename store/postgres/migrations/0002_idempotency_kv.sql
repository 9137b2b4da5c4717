-- Answers to client requests made with an Idempotency-Key, and small named
-- values (registry records, cursors) that must survive a restart.

CREATE TABLE idempotency (
	client       text        NOT NULL,
	key          text        NOT NULL,
	request_hash text        NOT NULL,
	status       integer     NOT NULL,
	body         bytea,
	created_at   timestamptz NOT NULL,
	PRIMARY KEY (client, key)
);

CREATE TABLE kv (
	key     text PRIMARY KEY,
	value   bytea,
	expires timestamptz -- NULL: never
);
