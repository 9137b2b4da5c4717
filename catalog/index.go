package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// index is where the catalog keeps opportunities: tables of their own in the
// store's database (SQLite with FTS5, or PostgreSQL with tsvector). Both
// implementations store the same rows and index the same tokens (text.go),
// and everything after the text match — filters, facets, grouping, sorting,
// paging — happens in Go on their output, so both answer every query with
// the same results.
type index interface {
	// upsert stores rows: new ones are inserted, changed ones replaced,
	// unchanged ones (same hash) only have their times refreshed.
	upsert(ctx context.Context, rows []row) error
	// candidates calls fn with the lean record and times of every
	// opportunity not expired at now, of kind (all when ""), whose text
	// contains every term as a token prefix (all when no terms).
	candidates(ctx context.Context, terms []string, kind string, now time.Time, fn func(lean []byte, t rowTimes) error) error
	// docs returns the full documents of ids (missing ids are absent).
	docs(ctx context.Context, ids []string) (map[string]docRow, error)
	// expireMissing ends, at now, the life of every opportunity of bpp
	// that the broad search harvestSeq did not return.
	expireMissing(ctx context.Context, bpp string, harvestSeq int64, now time.Time) (int, error)
	// purge deletes opportunities that expired before before.
	purge(ctx context.Context, before time.Time) (int, error)
	// count returns how many opportunities are live at now, per kind.
	count(ctx context.Context, now time.Time) (map[string]int, error)
}

// row is one opportunity as stored.
type row struct {
	id, kind, bpp, provider string
	times                   rowTimes
	harvestSeq              int64 // the broad search that last returned it (0: none)
	hash                    string
	lean, doc               []byte
	text                    string
}

// rowTimes are kept in columns (not in the documents), so that refreshing
// an unchanged item rewrites no document and no index entry.
type rowTimes struct {
	fetched, firstSeen, expires time.Time
}

type docRow struct {
	doc   []byte
	times rowTimes
}

// makeRow prepares o for storage. expires must be set.
func makeRow(o *Opportunity, harvestSeq int64) (row, error) {
	c := *o
	c.FetchedAt, c.FirstSeen, c.Expires, c.Source, c.Age = time.Time{}, time.Time{}, time.Time{}, "", 0
	doc, err := json.Marshal(c)
	if err != nil {
		return row{}, fmt.Errorf("catalog: encoding opportunity %s: %w", o.ID, err)
	}
	sum := sha256.Sum256(doc)
	return row{
		id: o.ID, kind: o.Kind, bpp: o.BppID, provider: o.ProviderID,
		times:      rowTimes{fetched: o.FetchedAt, firstSeen: o.FetchedAt, expires: o.Expires},
		harvestSeq: harvestSeq, hash: hex.EncodeToString(sum[:16]),
		lean: encodeLean(&c), doc: doc, text: searchText(o),
	}, nil
}

// ms is the unit times are stored in (Unix milliseconds; 0 = none).
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

// ftsQuery writes the terms as an FTS5 query: each a quoted prefix
// ("pyth"*), all required. Terms are folded tokens (letters, digits and
// marks only), so quoting cannot be broken out of; quotes are doubled all
// the same.
func ftsQuery(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(`"` + strings.ReplaceAll(t, `"`, `""`) + `"*`)
	}
	return b.String()
}

// tsQuery writes the terms as a PostgreSQL tsquery literal: 'pyth':* & ...
// Lexemes are quoted, so the text parser never re-splits them.
func tsQuery(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteString("'" + strings.ReplaceAll(strings.ReplaceAll(t, `\`, `\\`), "'", "''") + "':*")
	}
	return b.String()
}
