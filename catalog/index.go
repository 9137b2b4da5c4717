package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
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
	// opportunity not expired at now that satisfies m, and its rest record
	// when withRest (nil otherwise).
	candidates(ctx context.Context, m match, now time.Time, withRest bool, fn func(lean, rest []byte, t rowTimes) error) error
	// docs returns the full documents of ids (missing ids are absent),
	// with the raw provider and item when withRaw.
	docs(ctx context.Context, ids []string, withRaw bool) (map[string]docRow, error)
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
	lean, doc, raw          []byte // raw: the provider and item as received, kept beside the document
	text                    string // folded tokens of the searchable text
	facets                  string // filter tokens (filterToken) of every listed value
}

// rowTimes are kept in columns (not in the documents), so that refreshing
// an unchanged item rewrites no document and no index entry.
type rowTimes struct {
	fetched, firstSeen, expires time.Time
}

type docRow struct {
	lean, doc, raw []byte
	times          rowTimes
}

// makeRow prepares o for storage. expires must be set. An opportunity is
// stored as its lean record (what searches read) plus the rest (doc:
// descriptions and images), both in the binary form of codec.go, so that
// neither storing a catalog nor showing a page encodes or parses JSON.
func makeRow(o *Opportunity, harvestSeq int64) (row, error) {
	lean, doc := encodeLean(o), encodeRest(o)
	h := sha256.New()
	h.Write(lean)
	h.Write(doc)
	h.Write(o.Raw)
	return row{
		id: o.ID, kind: o.Kind, bpp: o.BppID, provider: o.ProviderID,
		times:      rowTimes{fetched: o.FetchedAt, firstSeen: o.FetchedAt, expires: o.Expires},
		harvestSeq: harvestSeq, hash: hex.EncodeToString(h.Sum(nil)[:16]),
		lean: lean, doc: doc, raw: o.Raw, text: searchText(o), facets: filterTokens(o),
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

// match is what the database selects: every text term as a word prefix,
// and for each filter one of its exact filter tokens. Filters on listed
// values (kind, language, city, provider, ...) are pushed down this way so
// that the database returns only the rows they allow: a selective filter
// then costs an index lookup instead of reading every row the text
// matched. Go still applies every filter afterwards (Query.matchFilters),
// so the tokens only need to select a superset.
type match struct {
	terms []string
	anyOf [][]string
}

func (m match) empty() bool { return len(m.terms) == 0 && len(m.anyOf) == 0 }

// filterToken is the token that stands for "name has value" in the facets
// column: letters and digits only, so both databases keep it whole, and in
// a column of its own, so free text never matches it.
func filterToken(name, value string) string {
	t := tokens(value)
	if len(t) == 0 {
		return ""
	}
	return "0" + strings.ReplaceAll(name, "_", "") + "0" + strings.Join(t, "0")
}

// filterTokens are the filter tokens of every listed value of o.
func filterTokens(o *Opportunity) string {
	var out []string
	seen := map[string]bool{}
	for name, f := range listFields {
		for _, v := range f(o) {
			if t := filterToken(name, v); t != "" && !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// matchFor is the database part of q: its text terms and the filters on
// listed values.
func matchFor(q *Query, terms []string) match {
	m := match{terms: terms}
	if q.Kind != "" {
		m.anyOf = append(m.anyOf, []string{filterToken("kind", q.Kind)})
	}
	names := make([]string, 0, len(q.Filters))
	for name := range q.Filters {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, ok := listFields[name]; !ok || len(q.Filters[name]) == 0 {
			continue
		}
		var alts []string
		for _, v := range q.Filters[name] {
			vals := []string{v}
			if name == "language" {
				vals = append(vals, normLanguage(v))
			}
			for _, x := range vals {
				if t := filterToken(name, x); t != "" && !slices.Contains(alts, t) {
					alts = append(alts, t)
				}
			}
		}
		if len(alts) == 0 {
			// Values without a letter or digit can match nothing a
			// filter token would stand for; Go decides.
			continue
		}
		m.anyOf = append(m.anyOf, alts)
	}
	return m
}

// ftsQuery writes m as an FTS5 query: each term a quoted prefix in the text
// column ("pyth"*), each filter a group of alternatives in the facets
// column. Terms and tokens are letters, digits and marks only, so quoting
// cannot be broken out of; quotes are doubled all the same.
func ftsQuery(m match) string {
	q := func(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }
	var parts []string
	for _, t := range m.terms {
		parts = append(parts, "text : "+q(t)+"*")
	}
	for _, alts := range m.anyOf {
		var qs []string
		for _, a := range alts {
			qs = append(qs, q(a))
		}
		parts = append(parts, "facets : ("+strings.Join(qs, " OR ")+")")
	}
	return strings.Join(parts, " AND ")
}

// tsQueries writes m as PostgreSQL tsquery literals, one for the text
// vector ('pyth':* & ...) and one for the facets vector, "" when empty.
// Lexemes are quoted, so the text parser never re-splits them.
func tsQueries(m match) (text, facets string) {
	q := func(t string) string {
		return "'" + strings.ReplaceAll(strings.ReplaceAll(t, `\`, `\\`), "'", "''") + "'"
	}
	var tp, fp []string
	for _, t := range m.terms {
		tp = append(tp, q(t)+":*")
	}
	for _, alts := range m.anyOf {
		var qs []string
		for _, a := range alts {
			qs = append(qs, q(a))
		}
		fp = append(fp, "("+strings.Join(qs, " | ")+")")
	}
	return strings.Join(tp, " & "), strings.Join(fp, " & ")
}

// resultRows is what both drivers' result sets offer (database/sql and
// pgx): each backend writes its own SQL, and one reader per query shape
// turns the rows into values, so the backends cannot drift apart there.
type resultRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// readCandidates calls fn for each row of a candidates query: lean, rest,
// fetched_at, first_seen, expires. B is the byte type scanned into:
// sql.RawBytes lets SQLite lend its buffers instead of copying every row
// of a search, so fn must not keep lean or rest.
func readCandidates[B ~[]byte](rs resultRows, fn func(lean, rest []byte, t rowTimes) error) error {
	var f, fs, e int64
	for rs.Next() {
		var lean, rest B
		if err := rs.Scan(&lean, &rest, &f, &fs, &e); err != nil {
			return err
		}
		if err := fn([]byte(lean), []byte(rest), rowTimes{fetched: fromMS(f), firstSeen: fromMS(fs), expires: fromMS(e)}); err != nil {
			return err
		}
	}
	return rs.Err()
}

// readDocs adds to out each row of a docs query: id, lean, doc, raw,
// fetched_at, first_seen, expires.
func readDocs(rs resultRows, out map[string]docRow) (map[string]docRow, error) {
	for rs.Next() {
		var id string
		var lean, doc, raw []byte
		var f, fs, e int64
		if err := rs.Scan(&id, &lean, &doc, &raw, &f, &fs, &e); err != nil {
			return nil, err
		}
		out[id] = docRow{lean: lean, doc: doc, raw: raw, times: rowTimes{fetched: fromMS(f), firstSeen: fromMS(fs), expires: fromMS(e)}}
	}
	return out, rs.Err()
}

// readCounts reads the rows of a count query: kind, count.
func readCounts(rs resultRows) (map[string]int, error) {
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
