-- Raw bodies are stored Snappy-compressed when that pays (see compress.go).
-- raw_codec says how raw is stored: '' as received, 'snappy' Snappy block
-- format. Readers always get the exact received bytes back.
ALTER TABLE messages ADD COLUMN raw_codec text NOT NULL DEFAULT '';
-- A compressed 20 KB callback (~4 KB) now fits in the row itself: MAIN keeps
-- it there instead of moving it to TOAST chunks and their index, and only
-- bodies too large for a page go out of line.
ALTER TABLE messages ALTER COLUMN raw SET STORAGE MAIN;
