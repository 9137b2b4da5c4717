package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgIndex keeps the catalog in the store's PostgreSQL schema. The tsvector
// is built with array_to_tsvector from the tokens Seeker folded itself and
// queries are tsquery literals of the same tokens, so PostgreSQL's text
// parser and dictionaries (which depend on the server's locale and would
// split or stem Hindi differently from SQLite) never touch them: both
// backends match the same documents.
type pgIndex struct {
	pool *pgxpool.Pool
}

var pgMigrations = []string{
	`CREATE TABLE catalog_items (
		id          text PRIMARY KEY,
		kind        text NOT NULL,
		bpp_id      text NOT NULL,
		provider_id text NOT NULL,
		fetched_at  bigint NOT NULL,
		first_seen  bigint NOT NULL,
		expires     bigint NOT NULL,
		harvest_seq bigint NOT NULL DEFAULT 0,
		hash        text NOT NULL,
		lean        bytea NOT NULL,
		doc         bytea NOT NULL,
		raw         bytea,
		text        text NOT NULL,
		facets      text NOT NULL,
		tsv         tsvector NOT NULL,
		fsv         tsvector NOT NULL
	);
	CREATE INDEX catalog_items_bpp ON catalog_items (bpp_id, harvest_seq);
	CREATE INDEX catalog_items_expires ON catalog_items (expires);
	CREATE INDEX catalog_items_kind ON catalog_items (kind, expires);
	CREATE INDEX catalog_items_tsv ON catalog_items USING gin (tsv);
	CREATE INDEX catalog_items_fsv ON catalog_items USING gin (fsv);`,
}

func newPostgresIndex(ctx context.Context, pool *pgxpool.Pool) (*pgIndex, error) {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Several instances may start at once: one migrates, the others
		// wait and find the work done.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.seeker.catalog'))`); err != nil {
			return err
		}
		return runMigrations(migrationConn{
			exec: func(q string, args ...any) error {
				_, err := tx.Exec(ctx, q, args...)
				return err
			},
			setVersion: `UPDATE catalog_schema SET version = $1`,
			version: func() (int, bool, error) {
				var v int
				err := tx.QueryRow(ctx, `SELECT version FROM catalog_schema`).Scan(&v)
				if errors.Is(err, pgx.ErrNoRows) {
					return 0, false, nil
				}
				return v, err == nil, err
			},
		}, pgMigrations)
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: creating the catalog tables: %w", err)
	}
	return &pgIndex{pool: pool}, nil
}

// pgUpsert inserts or replaces a row; a row fetched later than the one
// offered, or this very answer stored already, is left alone: the indexer
// replays callbacks a harvest or live search stored (and whose missing
// items a harvest may have expired since). The tsvectors are rebuilt only
// when their tokens changed.
const pgUpsert = `INSERT INTO catalog_items AS c (id, kind, bpp_id, provider_id, fetched_at, first_seen, expires, harvest_seq, hash, lean, doc, raw, text, facets, tsv, fsv)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
		array_to_tsvector(string_to_array($13, ' ')), array_to_tsvector(string_to_array($14, ' ')))
	ON CONFLICT (id) DO UPDATE SET
		kind = EXCLUDED.kind, provider_id = EXCLUDED.provider_id,
		fetched_at = EXCLUDED.fetched_at, expires = EXCLUDED.expires,
		harvest_seq = GREATEST(c.harvest_seq, EXCLUDED.harvest_seq),
		hash = EXCLUDED.hash, lean = EXCLUDED.lean, doc = EXCLUDED.doc, raw = EXCLUDED.raw, text = EXCLUDED.text,
		facets = EXCLUDED.facets,
		tsv = CASE WHEN c.text = EXCLUDED.text THEN c.tsv ELSE EXCLUDED.tsv END,
		fsv = CASE WHEN c.facets = EXCLUDED.facets THEN c.fsv ELSE EXCLUDED.fsv END
	WHERE c.fetched_at < EXCLUDED.fetched_at
		OR (c.fetched_at = EXCLUDED.fetched_at AND (c.hash <> EXCLUDED.hash OR c.harvest_seq < EXCLUDED.harvest_seq))`

func (ix *pgIndex) upsert(ctx context.Context, rows []row) error {
	return pgx.BeginFunc(ctx, ix.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for i := range rows {
			r := &rows[i]
			b.Queue(pgUpsert, r.id, r.kind, r.bpp, r.provider, ms(r.times.fetched), ms(r.times.firstSeen), ms(r.times.expires),
				r.harvestSeq, r.hash, r.lean, r.doc, r.raw, r.text, r.facets)
		}
		return tx.SendBatch(ctx, b).Close()
	})
}

func (ix *pgIndex) candidates(ctx context.Context, m match, now time.Time, withRest bool, fn func(lean, rest []byte, t rowTimes) error) error {
	rest := "NULL::bytea"
	if withRest {
		rest = "doc"
	}
	q := `SELECT lean, ` + rest + `, fetched_at, first_seen, expires FROM catalog_items WHERE expires > $1`
	args := []any{ms(now)}
	text, facets := tsQueries(m)
	if text != "" {
		args = append(args, text)
		q += fmt.Sprintf(` AND tsv @@ $%d::tsquery`, len(args))
	}
	if facets != "" {
		args = append(args, facets)
		q += fmt.Sprintf(` AND fsv @@ $%d::tsquery`, len(args))
	}
	rs, err := ix.pool.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("catalog: searching: %w", err)
	}
	defer rs.Close()
	return readCandidates[[]byte](rs, fn)
}

func (ix *pgIndex) docs(ctx context.Context, ids []string, withRaw bool) (map[string]docRow, error) {
	out := make(map[string]docRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	raw := "raw"
	if !withRaw {
		raw = "NULL::bytea"
	}
	rs, err := ix.pool.Query(ctx, `SELECT id, lean, doc, `+raw+`, fetched_at, first_seen, expires FROM catalog_items WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("catalog: reading opportunities: %w", err)
	}
	defer rs.Close()
	return readDocs(rs, out)
}

func (ix *pgIndex) expireMissing(ctx context.Context, bpp string, harvestSeq int64, now time.Time) (int, error) {
	tag, err := ix.pool.Exec(ctx, `UPDATE catalog_items SET expires = $1 WHERE bpp_id = $2 AND harvest_seq < $3 AND expires > $1`,
		ms(now), bpp, harvestSeq)
	return int(tag.RowsAffected()), err
}

func (ix *pgIndex) purge(ctx context.Context, before time.Time) (int, error) {
	tag, err := ix.pool.Exec(ctx, `DELETE FROM catalog_items WHERE expires < $1`, ms(before))
	return int(tag.RowsAffected()), err
}

func (ix *pgIndex) count(ctx context.Context, now time.Time) (map[string]int, error) {
	rs, err := ix.pool.Query(ctx, `SELECT kind, count(*) FROM catalog_items WHERE expires > $1 GROUP BY kind`, ms(now))
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return readCounts(rs)
}
