-- Raw bodies are stored Snappy-compressed when that pays (see compress.go):
-- a 20 KB JSON callback then fits in two TOAST chunks instead of ten, which
-- is most of the cost of inserting it. raw_codec says how raw is stored:
-- '' as received, 'snappy' Snappy block format. Readers always get the
-- exact received bytes back.
ALTER TABLE messages ADD COLUMN raw_codec text NOT NULL DEFAULT '';
