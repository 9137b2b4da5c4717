-- Raw bodies are stored Snappy-compressed when that pays (see compress.go).
-- raw_codec says how raw is stored: '' as received, 'snappy' Snappy block
-- format. Readers always get the exact received bytes back.
ALTER TABLE messages ADD COLUMN raw_codec text NOT NULL DEFAULT '';
-- Bodies arrive compressed, so PostgreSQL's own attempts are wasted work
-- (pglz on Snappy output was a tenth of the server's time in a profile):
-- rows up to a page are stored inline as they are (toast_tuple_target),
-- larger ones stay in the row when possible (MAIN) and any compression
-- attempt uses lz4, which gives up on incompressible data quickly.
ALTER TABLE messages SET (toast_tuple_target = 8160);
ALTER TABLE messages ALTER COLUMN raw SET STORAGE MAIN;
ALTER TABLE messages ALTER COLUMN raw SET COMPRESSION lz4;
