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

var sqliteMigrations = []string{
	`CREATE TABLE catalog_items (
		id          TEXT PRIMARY KEY,
		kind        TEXT NOT NULL,
		bpp_id      TEXT NOT NULL,
		provider_id TEXT NOT NULL,
		fetched_at  INTEGER NOT NULL,
		first_seen  INTEGER NOT NULL,
		expires     INTEGER NOT NULL,
		harvest_seq INTEGER NOT NULL DEFAULT 0,
		hash        TEXT NOT NULL,
		lean        BLOB NOT NULL,
		doc         BLOB NOT NULL,
		text        TEXT NOT NULL
	);
	CREATE INDEX catalog_items_bpp ON catalog_items (bpp_id, harvest_seq);
	CREATE INDEX catalog_items_expires ON catalog_items (expires);
	CREATE INDEX catalog_items_kind ON catalog_items (kind, expires);
	CREATE VIRTUAL TABLE catalog_fts USING fts5 (text, content='catalog_items', content_rowid='rowid',
		tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'");`,
}

func newSQLiteIndex(ctx context.Context, st sqliteStore) (*sqliteIndex, error) {
	ix := &sqliteIndex{st: st, db: st.ReadDB()}
	err := st.Write(ctx, func(ctx context.Context, conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS catalog_schema (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		var v int
		err := conn.QueryRowContext(ctx, `SELECT version FROM catalog_schema`).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := conn.ExecContext(ctx, `INSERT INTO catalog_schema (version) VALUES (0)`); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if v > len(sqliteMigrations) {
			return fmt.Errorf("catalog: the database has catalog schema version %d, newer than this binary's %d; run the newer Seeker", v, len(sqliteMigrations))
		}
		for i := v; i < len(sqliteMigrations); i++ {
			if _, err := conn.ExecContext(ctx, sqliteMigrations[i]); err != nil {
				return fmt.Errorf("catalog: migration %d: %w", i+1, err)
			}
		}
		_, err = conn.ExecContext(ctx, `UPDATE catalog_schema SET version = ?`, len(sqliteMigrations))
		return err
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
		stmt := func(q string) (*sql.Stmt, error) {
			if s, ok := stmts[q]; ok {
				return s, nil
			}
			s, err := conn.PrepareContext(ctx, q)
			if err != nil {
				return nil, err
			}
			stmts[q] = s
			return s, nil
		}
		for i := range rows {
			r := &rows[i]
			sel, err := stmt(`SELECT rowid, hash, text, fetched_at FROM catalog_items WHERE id = ?`)
			if err != nil {
				return err
			}
			var rowid int64
			var hash, text string
			var fetched int64
			err = sel.QueryRowContext(ctx, r.id).Scan(&rowid, &hash, &text, &fetched)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				ins, err := stmt(`INSERT INTO catalog_items (id, kind, bpp_id, provider_id, fetched_at, first_seen, expires, harvest_seq, hash, lean, doc, text)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
				if err != nil {
					return err
				}
				res, err := ins.ExecContext(ctx, r.id, r.kind, r.bpp, r.provider, ms(r.times.fetched), ms(r.times.firstSeen),
					ms(r.times.expires), r.harvestSeq, r.hash, r.lean, r.doc, r.text)
				if err != nil {
					return err
				}
				if rowid, err = res.LastInsertId(); err != nil {
					return err
				}
				fts, err := stmt(`INSERT INTO catalog_fts (rowid, text) VALUES (?, ?)`)
				if err != nil {
					return err
				}
				if _, err := fts.ExecContext(ctx, rowid, r.text); err != nil {
					return err
				}
			case err != nil:
				return err
			case fetched > ms(r.times.fetched):
				// A newer answer is stored already (the indexer may
				// replay an older callback after a harvest).
			case hash == r.hash:
				touch, err := stmt(`UPDATE catalog_items SET fetched_at = ?, expires = ?, harvest_seq = max(harvest_seq, ?) WHERE rowid = ?`)
				if err != nil {
					return err
				}
				if _, err := touch.ExecContext(ctx, ms(r.times.fetched), ms(r.times.expires), r.harvestSeq, rowid); err != nil {
					return err
				}
			default:
				upd, err := stmt(`UPDATE catalog_items SET kind = ?, provider_id = ?, fetched_at = ?, expires = ?, harvest_seq = max(harvest_seq, ?),
					hash = ?, lean = ?, doc = ?, text = ? WHERE rowid = ?`)
				if err != nil {
					return err
				}
				if _, err := upd.ExecContext(ctx, r.kind, r.provider, ms(r.times.fetched), ms(r.times.expires), r.harvestSeq,
					r.hash, r.lean, r.doc, r.text, rowid); err != nil {
					return err
				}
				if text != r.text {
					del, err := stmt(`INSERT INTO catalog_fts (catalog_fts, rowid, text) VALUES ('delete', ?, ?)`)
					if err != nil {
						return err
					}
					if _, err := del.ExecContext(ctx, rowid, text); err != nil {
						return err
					}
					fts, err := stmt(`INSERT INTO catalog_fts (rowid, text) VALUES (?, ?)`)
					if err != nil {
						return err
					}
					if _, err := fts.ExecContext(ctx, rowid, r.text); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

func (ix *sqliteIndex) candidates(ctx context.Context, terms []string, kind string, now time.Time, fn func([]byte, rowTimes) error) error {
	var q string
	var args []any
	if len(terms) > 0 {
		q = `SELECT i.lean, i.fetched_at, i.first_seen, i.expires FROM catalog_fts f JOIN catalog_items i ON i.rowid = f.rowid
			WHERE catalog_fts MATCH ? AND i.expires > ?`
		args = []any{ftsQuery(terms), ms(now)}
		if kind != "" {
			q += ` AND i.kind = ?`
			args = append(args, kind)
		}
	} else {
		q = `SELECT lean, fetched_at, first_seen, expires FROM catalog_items WHERE expires > ?`
		args = []any{ms(now)}
		if kind != "" {
			q += ` AND kind = ?`
			args = append(args, kind)
		}
	}
	rs, err := ix.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("catalog: searching: %w", err)
	}
	defer rs.Close()
	var lean sql.RawBytes
	var f, fs, e int64
	for rs.Next() {
		if err := rs.Scan(&lean, &f, &fs, &e); err != nil {
			return err
		}
		if err := fn(lean, rowTimes{fetched: fromMS(f), firstSeen: fromMS(fs), expires: fromMS(e)}); err != nil {
			return err
		}
	}
	return rs.Err()
}

func (ix *sqliteIndex) docs(ctx context.Context, ids []string) (map[string]docRow, error) {
	out := make(map[string]docRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rs, err := ix.db.QueryContext(ctx, `SELECT id, doc, fetched_at, first_seen, expires FROM catalog_items WHERE id IN (?`+
		strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("catalog: reading opportunities: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var id string
		var doc []byte
		var f, fs, e int64
		if err := rs.Scan(&id, &doc, &f, &fs, &e); err != nil {
			return nil, err
		}
		out[id] = docRow{doc: doc, times: rowTimes{fetched: fromMS(f), firstSeen: fromMS(fs), expires: fromMS(e)}}
	}
	return out, rs.Err()
}

func (ix *sqliteIndex) expireMissing(ctx context.Context, bpp string, harvestSeq int64, now time.Time) (int, error) {
	var n int64
	err := ix.st.Write(ctx, func(ctx context.Context, conn *sql.Conn) error {
		n = 0
		res, err := conn.ExecContext(ctx, `UPDATE catalog_items SET expires = ? WHERE bpp_id = ? AND harvest_seq < ? AND expires > ?`,
			ms(now), bpp, harvestSeq, ms(now))
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
		if _, err := conn.ExecContext(ctx, `INSERT INTO catalog_fts (catalog_fts, rowid, text)
			SELECT 'delete', rowid, text FROM catalog_items WHERE expires < ?`, ms(before)); err != nil {
			return err
		}
		res, err := conn.ExecContext(ctx, `DELETE FROM catalog_items WHERE expires < ?`, ms(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func (ix *sqliteIndex) count(ctx context.Context, now time.Time) (map[string]int, error) {
	rs, err := ix.db.QueryContext(ctx, `SELECT kind, count(*) FROM catalog_items WHERE expires > ? GROUP BY kind`, ms(now))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[string]int{}
	for rs.Next() {
		var k string
		var n int
		if err := rs.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rs.Err()
}
