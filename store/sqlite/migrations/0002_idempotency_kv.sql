-- Answers to client requests made with an Idempotency-Key, and small named
-- values (registry records, cursors) that must survive a restart.

CREATE TABLE idempotency (
	client       TEXT    NOT NULL,
	key          TEXT    NOT NULL,
	request_hash TEXT    NOT NULL,
	status       INTEGER NOT NULL,
	body         BLOB,
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (client, key)
) WITHOUT ROWID;

CREATE TABLE kv (
	key     TEXT PRIMARY KEY,
	value   BLOB,
	expires INTEGER -- NULL: never
) WITHOUT ROWID;
