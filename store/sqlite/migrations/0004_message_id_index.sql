-- One index serves both lookups by message id: the filter of a message id's
-- messages (sorted by seq afterwards, a handful of rows) and the outbound
-- request a callback answers (message_id, direction = 'out', highest seq).
-- It replaces two: every outbound insert maintained both, and index upkeep
-- inside the single writer is what a send costs most.
CREATE INDEX messages_message_dir ON messages (message_id, direction, seq);
DROP INDEX messages_message_id;
DROP INDEX messages_outbound_mid;
