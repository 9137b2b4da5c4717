package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// sqliteStore is what store/sqlite offers packages with tables of their own
// (store/sqlite/extension.go): the read pool and writes inside its single
// writer's group commit.
type sqliteStore interface {
	ReadDB() *sql.DB
	Write(ctx context.Context, fn func(ctx context.Context, conn *sql.Conn) error) error
}

// sqliteIndex keeps the catalog in the store's SQLite file. Full text uses
// FTS5 over the pre-folded tokens (text.go): the unicode61 tokenizer is told
// to treat combining marks as part of words (categories 'L* N* Co M*'), as
// Devanagari vowel signs are marks and would otherwise split every Hindi
// word, and to leave diacritics alone, since folding happened already.
type sqliteIndex struct {
	st sqliteStore
	db *sql.DB
}

// The lean records and times live in a table of their own, apart from the
// documents: a search reads one lean record per candidate, and with the
// documents (several KB each) in the same rows every candidate cost a page
// read of its own; compact rows share pages and stay in the cache.
var sqliteMigrations = []string{
	`CREATE TABLE catalog_items (
		id          TEXT PRIMARY KEY,
		kind        TEXT NOT NULL,
		bpp_id      TEXT NOT NULL,
		provider_id TEXT NOT NULL,
		harvest_seq INTEGER NOT NULL DEFAULT 0,
		hash        TEXT NOT NULL,
		doc         BLOB NOT NULL, -- descriptions and images (codec.go)
		raw         BLOB,
		text        TEXT NOT NULL,
		facets      TEXT NOT NULL
	);
	CREATE INDEX catalog_items_bpp ON catalog_items (bpp_id, harvest_seq);
	CREATE TABLE catalog_lean (
		rowid      INTEGER PRIMARY KEY,
		fetched_at INTEGER NOT NULL,
		first_seen INTEGER NOT NULL,
		expires    INTEGER NOT NULL,
		lean       BLOB NOT NULL
	);
	CREATE INDEX catalog_lean_expires ON catalog_lean (expires);
	CREATE VIRTUAL TABLE catalog_fts USING fts5 (text, facets, content='catalog_items', content_rowid='rowid',
		tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'");`,
}

func newSQLiteIndex(ctx context.Context, st sqliteStore) (*sqliteIndex, error) {
	ix := &sqliteIndex{st: st, db: st.ReadDB()}
	err := st.Write(ctx, func(ctx context.Context, conn *sql.Conn) error {
		return runMigrations(migrationConn{
			exec: func(q string, args ...any) error {
				_, err := conn.ExecContext(ctx, q, args...)
				return err
			},
			setVersion: `UPDATE catalog_schema SET version = ?`,
			version: func() (int, bool, error) {
				var v int
				err := conn.QueryRowContext(ctx, `SELECT version FROM catalog_schema`).Scan(&v)
				if errors.Is(err, sql.ErrNoRows) {
					return 0, false, nil
				}
				return v, err == nil, err
			},
		}, sqliteMigrations)
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: creating the catalog tables: %w", err)
	}
	return ix, nil
}

func (ix *sqliteIndex) upsert(ctx context.Context, rows []row) error {
	return ix.st.Write(ctx, func(ctx context.Context, conn *sql.Conn) error {
		stmts := map[string]*sql.Stmt{}
		defer func() {
			for _, s := range stmts {
				s.Close()
			}
		}()
		exec := func(q string, args ...any) (sql.Result, error) {
			st, ok := stmts[q]
			if !ok {
				var err error
				if st, err = conn.PrepareContext(ctx, q); err != nil {
					return nil, err
				}
				stmts[q] = st
			}
			return st.ExecContext(ctx, args...)
		}
		sel, err := conn.PrepareContext(ctx, `SELECT i.rowid, i.hash, i.text, i.facets, i.harvest_seq, l.fetched_at
			FROM catalog_items i JOIN catalog_lean l ON l.rowid = i.rowid WHERE i.id = ?`)
		if err != nil {
			return err
		}
		defer sel.Close()
		for i := range rows {
			r := &rows[i]
			var rowid, fetched, harvested int64
			var hash, text, facets string
			err = sel.QueryRowContext(ctx, r.id).Scan(&rowid, &hash, &text, &facets, &harvested, &fetched)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				res, err := exec(`INSERT INTO catalog_items (id, kind, bpp_id, provider_id, harvest_seq, hash, doc, raw, text, facets)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.id, r.kind, r.bpp, r.provider, r.harvestSeq, r.hash, r.doc, r.raw, r.text, r.facets)
				if err != nil {
					return err
				}
				if rowid, err = res.LastInsertId(); err != nil {
					return err
				}
				if _, err := exec(`INSERT INTO catalog_lean (rowid, fetched_at, first_seen, expires, lean) VALUES (?, ?, ?, ?, ?)`,
					rowid, ms(r.times.fetched), ms(r.times.firstSeen), ms(r.times.expires), r.lean); err != nil {
					return err
				}
				if _, err := exec(`INSERT INTO catalog_fts (rowid, text, facets) VALUES (?, ?, ?)`, rowid, r.text, r.facets); err != nil {
					return err
				}
			case err != nil:
				return err
			case fetched > ms(r.times.fetched):
				// A newer answer is stored already (the indexer may
				// replay an older callback after a harvest).
			case fetched == ms(r.times.fetched) && hash == r.hash && harvested >= r.harvestSeq:
				// This very answer is stored already: the indexer
				// meets the callbacks a harvest or a live search cached.
			case hash == r.hash:
				if _, err := exec(`UPDATE catalog_lean SET fetched_at = ?, expires = ? WHERE rowid = ?`,
					ms(r.times.fetched), ms(r.times.expires), rowid); err != nil {
					return err
				}
				if r.harvestSeq > 0 {
					if _, err := exec(`UPDATE catalog_items SET harvest_seq = ? WHERE rowid = ? AND harvest_seq < ?`,
						r.harvestSeq, rowid, r.harvestSeq); err != nil {
						return err
					}
				}
			default:
				if _, err := exec(`UPDATE catalog_items SET kind = ?, provider_id = ?, harvest_seq = max(harvest_seq, ?),
					hash = ?, doc = ?, raw = ?, text = ?, facets = ? WHERE rowid = ?`,
					r.kind, r.provider, r.harvestSeq, r.hash, r.doc, r.raw, r.text, r.facets, rowid); err != nil {
					return err
				}
				if _, err := exec(`UPDATE catalog_lean SET fetched_at = ?, expires = ?, lean = ? WHERE rowid = ?`,
					ms(r.times.fetched), ms(r.times.expires), r.lean, rowid); err != nil {
					return err
				}
				if text != r.text || facets != r.facets {
					if _, err := exec(`INSERT INTO catalog_fts (catalog_fts, rowid, text, facets) VALUES ('delete', ?, ?, ?)`,
						rowid, text, facets); err != nil {
						return err
					}
					if _, err := exec(`INSERT INTO catalog_fts (rowid, text, facets) VALUES (?, ?, ?)`, rowid, r.text, r.facets); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

func (ix *sqliteIndex) candidates(ctx context.Context, m match, now time.Time, withRest bool, fn func(lean, rest []byte, t rowTimes) error) error {
	rest, join := "NULL", ""
	if withRest {
		rest, join = "i.doc", " JOIN catalog_items i ON i.rowid = l.rowid"
	}
	// Without a match nearly every row qualifies: "+expires" keeps the
	// planner from reaching each row through the expiry index.
	q := `SELECT l.lean, ` + rest + `, l.fetched_at, l.first_seen, l.expires FROM catalog_lean l` + join + ` WHERE +l.expires > ?`
	args := []any{ms(now)}
	if !m.empty() {
		// CROSS JOIN makes the index match the outer loop: left to itself
		// the planner may walk the rows and probe the full-text index
		// once per row, which took seconds over 100,000 rows.
		q = `SELECT l.lean, ` + rest + `, l.fetched_at, l.first_seen, l.expires FROM catalog_fts f CROSS JOIN catalog_lean l ON l.rowid = f.rowid` +
			join + ` WHERE catalog_fts MATCH ? AND l.expires > ?`
		args = []any{ftsQuery(m), ms(now)}
	}
	rs, err := ix.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("catalog: searching: %w", err)
	}
	defer rs.Close()
	return readCandidates[sql.RawBytes](rs, fn)
}

func (ix *sqliteIndex) docs(ctx context.Context, ids []string, withRaw bool) (map[string]docRow, error) {
	out := make(map[string]docRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	raw := "i.raw"
	if !withRaw {
		raw = "NULL"
	}
	rs, err := ix.db.QueryContext(ctx, `SELECT i.id, l.lean, i.doc, `+raw+`, l.fetched_at, l.first_seen, l.expires
		FROM catalog_items i JOIN catalog_lean l ON l.rowid = i.rowid WHERE i.id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("catalog: reading opportunities: %w", err)
	}
	defer rs.Close()
	return readDocs(rs, out)
}

func (ix *sqliteIndex) expireMissing(ctx context.Context, bpp string, harvestSeq int64, now time.Time) (int, error) {
	var n int64
	err := ix.st.Write(ctx, func(ctx context.Context, conn *sql.Conn) error {
		n = 0
		res, err := conn.ExecContext(ctx, `UPDATE catalog_lean SET expires = ? WHERE expires > ?
			AND rowid IN (SELECT rowid FROM catalog_items WHERE bpp_id = ? AND harvest_seq < ?)`,
			ms(now), ms(now), bpp, harvestSeq)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func (ix *sqliteIndex) purge(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := ix.st.Write(ctx, func(ctx context.Context, conn *sql.Conn) error {
		n = 0
		for _, q := range []string{
			`INSERT INTO catalog_fts (catalog_fts, rowid, text, facets)
				SELECT 'delete', i.rowid, i.text, i.facets FROM catalog_items i JOIN catalog_lean l ON l.rowid = i.rowid WHERE l.expires < ?`,
			`DELETE FROM catalog_items WHERE rowid IN (SELECT rowid FROM catalog_lean WHERE expires < ?)`,
		} {
			if _, err := conn.ExecContext(ctx, q, ms(before)); err != nil {
				return err
			}
		}
		res, err := conn.ExecContext(ctx, `DELETE FROM catalog_lean WHERE expires < ?`, ms(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func (ix *sqliteIndex) count(ctx context.Context, now time.Time) (map[string]int, error) {
	rs, err := ix.db.QueryContext(ctx, `SELECT i.kind, count(*) FROM catalog_items i JOIN catalog_lean l ON l.rowid = i.rowid
		WHERE l.expires > ? GROUP BY i.kind`, ms(now))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return readCounts(rs)
}
