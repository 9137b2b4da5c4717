-- Raw bodies of callbacks are mostly JSON that compresses three to five times;
-- storing them compressed cuts the bytes written to the WAL and copied by
-- checkpoints, the largest cost of ingesting a 20 KB callback. raw_codec
-- says how raw is stored: '' as received, 'snappy' Snappy block format.
-- Readers always get the exact received bytes back.
ALTER TABLE messages ADD COLUMN raw_codec TEXT NOT NULL DEFAULT '';
