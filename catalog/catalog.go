package catalog

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// ErrNotFound is returned by Get for an id that is not cached, or whose
// cached copy expired.
var ErrNotFound = errors.New("catalog: opportunity not found")

// Config configures a Catalog.
type Config struct {
	// Store is the store whose database holds the catalog's tables: a
	// store/sqlite or store/postgres store.
	Store store.Store
	// Engine sends the live and harvesting searches. Without it the
	// catalog answers from the cache only (Discover ends after the cached
	// answer, Refresh fails).
	Engine *engine.Engine
	// HarvestInterval is how often every domain is harvested with a broad
	// search (0: never periodically; Refresh still works).
	HarvestInterval time.Duration
	// DefaultTTL is how long an item is served when its provider said
	// nothing about caching (default 24 h). Harvesting refreshes items long
	// before, and items that disappear from a harvested catalog expire at
	// once.
	DefaultTTL time.Duration
	// Collect tunes the wait for live and harvest answers.
	Collect engine.CollectOptions
	// Instance names this process in leases (default: random).
	Instance string
	// IndexPoll is how often the indexer looks for new on_search
	// callbacks without a nudge (default 2 s).
	IndexPoll time.Duration
	Logger    *slog.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Catalog is the cache of everything the network offers, with its search
// index, its indexer (following the message log) and its harvester.
type Catalog struct {
	cfg    Config
	ix     *countingIndex
	log    *slog.Logger
	browse browseCache

	nudge chan struct{}
	// received is the engine's callback count when the indexer last
	// looked (yield); only the indexer's goroutine uses it.
	received uint64

	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	started time.Time // when Start ran
	retryAt time.Time // no periodic harvest before (after one nobody answered)
	broadMu sync.Mutex
	broad   map[int64]bool // request seq → was a broad search (indexer's memory)
}

// New opens the catalog in cfg.Store's database, creating its tables.
func New(ctx context.Context, cfg Config) (*Catalog, error) {
	if cfg.Store == nil {
		return nil, errors.New("catalog: no store")
	}
	if cfg.DefaultTTL <= 0 {
		cfg.DefaultTTL = 24 * time.Hour
	}
	if cfg.IndexPoll <= 0 {
		cfg.IndexPoll = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Instance == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		cfg.Instance = "catalog-" + hex.EncodeToString(b[:])
	}
	var ix index
	var err error
	switch st := cfg.Store.(type) {
	case sqliteStore:
		ix, err = newSQLiteIndex(ctx, st)
	case interface{ Pool() *pgxpool.Pool }:
		ix, err = newPostgresIndex(ctx, st.Pool())
	default:
		return nil, fmt.Errorf("catalog: the store %T keeps no catalog tables; use a SQLite or PostgreSQL store", cfg.Store)
	}
	if err != nil {
		return nil, err
	}
	return &Catalog{cfg: cfg, ix: &countingIndex{index: ix}, log: cfg.Logger, nudge: make(chan struct{}, 1), broad: map[int64]bool{}}, nil
}

// IngestOnSearch maps an on_search body and caches its opportunities, and
// returns how many it cached. Providers that asked not to be cached
// (ttl -1) and items already expired are left out. harvestSeq is the
// request seq of the broad search the body answers (0 when it answers a
// narrower search): only a broad answer lists a provider's whole catalog.
func (c *Catalog) IngestOnSearch(ctx context.Context, body []byte, fetched time.Time, harvestSeq int64) (int, error) {
	opps, err := FromOnSearch(body, fetched)
	if err != nil {
		return 0, err
	}
	return c.ingest(ctx, opps, harvestSeq)
}

// ingestBatch bounds the rows of one write, so that a 1,000-item catalog
// never holds the store's single writer (and every callback waiting on it)
// for the whole catalog.
const ingestBatch = 250

func (c *Catalog) ingest(ctx context.Context, opps []Opportunity, harvestSeq int64) (int, error) {
	now := c.cfg.Now()
	rows := make([]row, 0, len(opps))
	for i := range opps {
		o := &opps[i]
		if o.NoCache {
			continue
		}
		if o.Expires.IsZero() {
			o.Expires = o.FetchedAt.Add(c.cfg.DefaultTTL)
		}
		if !o.Expires.After(now) {
			continue
		}
		r, err := makeRow(o, harvestSeq)
		if err != nil {
			return 0, err
		}
		rows = append(rows, r)
	}
	for len(rows) > 0 {
		n := min(len(rows), ingestBatch)
		if err := c.ix.upsert(ctx, rows[:n]); err != nil {
			return 0, fmt.Errorf("catalog: storing opportunities: %w", err)
		}
		rows = rows[n:]
	}
	cached := 0
	for i := range opps {
		if !opps[i].NoCache && opps[i].Expires.After(now) {
			cached++
		}
	}
	return cached, nil
}

// candidate is what a search keeps of each matching opportunity: its id,
// group and sort keys. Matching rows are decoded into one scratch record and
// counted into the facets at once, so a query matching tens of thousands of
// items allocates a few small values per item, not a whole Opportunity.
type candidate struct {
	id, group, kind     string
	score               int
	firstSeen, deadline time.Time
	duration            time.Duration
	price, amount       float64
	hasPrice, hasAmount bool
}

// Search answers q from the cache: text and listed-value filters in the
// database, then the other filters, facets, grouping, sorting and paging.
// A browse (no text) may be answered from the browse cache (browse.go).
func (c *Catalog) Search(ctx context.Context, q Query) (*Results, error) {
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	nowGiven := !q.Now.IsZero()
	if !nowGiven {
		q.Now = c.cfg.Now()
	}
	terms := queryTerms(q.Text)
	key, cacheable := browseKey(&q, terms, nowGiven)
	gen := c.ix.gen.Load() // before matching: a write meanwhile makes the answer stale
	var a *answer
	if cacheable {
		a = c.browse.get(key, gen, q.Now)
	}
	if a == nil {
		var err error
		if a, err = c.match(ctx, &q, terms); err != nil {
			return nil, err
		}
		if cacheable {
			c.browse.put(key, gen, q.Now, a)
		}
	}
	return c.page(ctx, a, &q)
}

// match finds every opportunity q matches and groups them, best offer
// first in each group, groups ordered by their best offer.
func (c *Catalog) match(ctx context.Context, q *Query, terms []string) (*answer, error) {
	now := q.Now
	facets := newFacetCounter(q.facetNames())
	var matched []candidate
	var dec leanReader
	var o Opportunity
	err := c.ix.candidates(ctx, matchFor(q, terms), now, q.needsRest(), func(lean, rest []byte, t rowTimes) error {
		title, meta, err := dec.read(lean, &o)
		if err != nil {
			return nil // a record of another version: not served until refreshed
		}
		if rest != nil {
			if err := decodeRest(rest, &o); err != nil {
				return nil
			}
		}
		o.FetchedAt, o.FirstSeen, o.Expires = t.fetched, t.firstSeen, t.expires
		if !q.matchFilters(&o, now) {
			return nil
		}
		facets.add(&o)
		cd := candidate{id: strings.Clone(o.ID), group: strings.Clone(o.GroupKey), kind: kindName(o.Kind),
			firstSeen: o.FirstSeen, deadline: o.Deadline, duration: o.Duration}
		cd.price, cd.hasPrice = o.Price.Number()
		cd.amount, cd.hasAmount = o.Amount.Upper()
		if len(terms) > 0 {
			cd.score = relevance(title, meta, terms)
		}
		matched = append(matched, cd)
		return nil
	})
	if err != nil {
		return nil, err
	}
	type group struct {
		key    string
		offers []int // indexes into matched, best first
	}
	var groups []group
	index := make(map[string]int, len(matched))
	for i := range matched {
		k := matched[i].group
		gi, ok := index[k]
		if !ok {
			gi = len(groups)
			index[k] = gi
			groups = append(groups, group{key: k})
		}
		groups[gi].offers = append(groups[gi].offers, i)
	}
	less := orderFor(q.Sort)
	for _, g := range groups {
		if len(g.offers) > 1 {
			slices.SortFunc(g.offers, func(a, b int) int { return less(&matched[a], &matched[b]) })
		}
	}
	slices.SortFunc(groups, func(a, b group) int { return less(&matched[a.offers[0]], &matched[b.offers[0]]) })
	a := &answer{offers: len(matched), facets: facets.result(), groups: make([]answerGroup, len(groups))}
	for gi, g := range groups {
		ids := make([]string, len(g.offers))
		for k, i := range g.offers {
			ids[k] = matched[i].id
		}
		a.groups[gi] = answerGroup{key: g.key, ids: ids}
	}
	return a, nil
}

// page reads the documents of the page q asks for. The answer may be shared
// (browse cache), so the results get copies of what a caller could change.
func (c *Catalog) page(ctx context.Context, a *answer, q *Query) (*Results, error) {
	res := &Results{Total: len(a.groups), Offers: a.offers, Facets: make(map[string][]Facet, len(a.facets))}
	for name, f := range a.facets {
		res.Facets[name] = slices.Clone(f)
	}
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	start := min(q.Offset, len(a.groups))
	page := a.groups[start:min(start+limit, len(a.groups))]
	var ids []string
	for _, g := range page {
		ids = append(ids, g.ids...)
	}
	// Result pages leave the raw provider and item out (several KB per
	// offer); Get has them for the detail page.
	docs, err := c.ix.docs(ctx, ids, false)
	if err != nil {
		return nil, err
	}
	res.Groups = make([]Group, 0, len(page))
	for _, pg := range page {
		g := Group{Key: pg.key}
		for _, id := range pg.ids {
			o, ok, err := fromDoc(docs[id])
			if err != nil {
				return nil, err
			}
			if ok {
				g.Offers = append(g.Offers, o.withAge("cache", q.Now))
			}
		}
		if len(g.Offers) > 0 {
			res.Groups = append(res.Groups, g)
		}
	}
	return res, nil
}

// kindName returns the constant for a kind read from a record, so that the
// candidate does not keep the record's memory.
func kindName(k string) string {
	for _, c := range Kinds() {
		if c == k {
			return c
		}
	}
	return strings.Clone(k)
}

func fromDoc(d docRow) (Opportunity, bool, error) {
	var o Opportunity
	if d.lean == nil {
		return o, false, nil // purged between the two reads
	}
	if _, _, err := decodeLean(d.lean, &o); err != nil {
		return o, false, fmt.Errorf("catalog: reading a cached opportunity: %w", err)
	}
	if err := decodeRest(d.doc, &o); err != nil {
		return o, false, fmt.Errorf("catalog: reading a cached opportunity: %w", err)
	}
	o.FetchedAt, o.FirstSeen, o.Expires = d.times.fetched, d.times.firstSeen, d.times.expires
	if len(d.raw) > 0 {
		o.Raw = d.raw
	}
	return o, true, nil
}

// relevance scores a text match: a term found in the title counts 3, in
// the provider, creator, mentor, skills, topics or categories 2, elsewhere
// (the descriptions, where the database found it) 1. title and meta are
// the folded tokens the lean record keeps (relevanceTokens).
func relevance(title, meta string, terms []string) int {
	score := 0
	for _, t := range terms {
		switch {
		case hasTokenPrefix(title, t):
			score += 3
		case hasTokenPrefix(meta, t):
			score += 2
		default:
			score++
		}
	}
	return score
}

// hasTokenPrefix reports whether a token of the space-separated list starts
// with prefix.
func hasTokenPrefix(list, prefix string) bool {
	for i := 0; i+len(prefix) <= len(list); {
		if (i == 0 || list[i-1] == ' ') && strings.HasPrefix(list[i:], prefix) {
			return true
		}
		j := strings.IndexByte(list[i:], ' ')
		if j < 0 {
			return false
		}
		i += j + 1
	}
	return false
}

// relevanceTokens are the folded title and metadata tokens relevance reads,
// computed once at ingestion.
func relevanceTokens(o *Opportunity) (title, meta string) {
	var m []string
	for _, s := range append(append(append([]string{o.ProviderName, o.Creator, o.Mentor}, o.Skills...), o.Topics...), o.Categories...) {
		m = append(m, tokens(s)...)
	}
	return strings.Join(tokens(o.Title), " "), strings.Join(m, " ")
}

// orderFor returns the comparison of an order; ties fall back to the
// newest first, then the id, so pages are stable.
func orderFor(sortBy string) func(a, b *candidate) int {
	tie := func(a, b *candidate) int {
		if c := b.firstSeen.Compare(a.firstSeen); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	}
	// missingLast orders present values before absent ones.
	missingLast := func(aok, bok bool) (int, bool) {
		switch {
		case aok && !bok:
			return -1, true
		case !aok && bok:
			return 1, true
		case !aok && !bok:
			return 0, true
		}
		return 0, false
	}
	switch sortBy {
	case SortNewest:
		return tie
	case SortPrice:
		return func(a, b *candidate) int {
			// Scholarships: the largest award first; otherwise the
			// cheapest first.
			if a.kind == KindScholarship && b.kind == KindScholarship {
				if c, done := missingLast(a.hasAmount, b.hasAmount); done {
					return cmp.Or(c, tie(a, b))
				}
				return cmp.Or(cmp.Compare(b.amount, a.amount), tie(a, b))
			}
			if c, done := missingLast(a.hasPrice, b.hasPrice); done {
				return cmp.Or(c, tie(a, b))
			}
			return cmp.Or(cmp.Compare(a.price, b.price), tie(a, b))
		}
	case SortDuration:
		return func(a, b *candidate) int {
			if c, done := missingLast(a.duration > 0, b.duration > 0); done {
				return cmp.Or(c, tie(a, b))
			}
			return cmp.Or(cmp.Compare(a.duration, b.duration), tie(a, b))
		}
	case SortDeadline:
		return func(a, b *candidate) int {
			if c, done := missingLast(!a.deadline.IsZero(), !b.deadline.IsZero()); done {
				return cmp.Or(c, tie(a, b))
			}
			return cmp.Or(a.deadline.Compare(b.deadline), tie(a, b))
		}
	}
	return func(a, b *candidate) int { return cmp.Or(cmp.Compare(b.score, a.score), tie(a, b)) }
}

// facetCounter counts, per facet, the matching opportunities having each
// value. Values that differ only in case are one value (the first spelling
// seen is shown).
type facetCounter struct {
	names  []string
	counts []map[string]*Facet
}

func newFacetCounter(names []string) *facetCounter {
	fc := &facetCounter{names: names, counts: make([]map[string]*Facet, len(names))}
	for i := range fc.counts {
		fc.counts[i] = map[string]*Facet{}
	}
	return fc
}

// add counts o, whose strings may point into a scratch record: values are
// copied when first seen.
func (fc *facetCounter) add(o *Opportunity) {
	var lower []byte
	for i, name := range fc.names {
		vals := facetValues(name, o)
		for j, v := range vals {
			if j > 0 && slices.ContainsFunc(vals[:j], func(x string) bool { return strings.EqualFold(x, v) }) {
				continue
			}
			lower = appendLower(lower[:0], v)
			if f, ok := fc.counts[i][string(lower)]; ok {
				f.Count++
				continue
			}
			fc.counts[i][string(lower)] = &Facet{Value: strings.Clone(v), Count: 1}
		}
	}
}

// appendLower appends s in lower case (ASCII fast path).
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// result lists each facet's values, the most frequent first, at most 50.
func (fc *facetCounter) result() map[string][]Facet {
	out := make(map[string][]Facet, len(fc.names))
	for i, name := range fc.names {
		fs := make([]Facet, 0, len(fc.counts[i]))
		for _, f := range fc.counts[i] {
			fs = append(fs, *f)
		}
		slices.SortFunc(fs, func(a, b Facet) int { return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value)) })
		if len(fs) > 50 {
			fs = fs[:50]
		}
		out[name] = fs
	}
	return out
}

// Get returns one cached opportunity with its raw provider and item.
func (c *Catalog) Get(ctx context.Context, id string) (*Opportunity, error) {
	docs, err := c.ix.docs(ctx, []string{id}, true)
	if err != nil {
		return nil, err
	}
	o, ok, err := fromDoc(docs[id])
	if err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	if !ok || !o.Expires.After(now) {
		return nil, fmt.Errorf("%w: %q (not cached, or its provider's catalog no longer lists it)", ErrNotFound, id)
	}
	o = o.withAge("cache", now)
	return &o, nil
}

// Counts returns how many opportunities the cache serves now, per kind.
func (c *Catalog) Counts(ctx context.Context) (map[string]int, error) {
	return c.ix.count(ctx, c.cfg.Now())
}
