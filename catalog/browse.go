package catalog

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Browsing — a query without text — matches every live opportunity of a
// kind, filtered or not, so answering it reads and decodes every cached
// item: about a quarter of a second per 100,000. Yet it is what is asked
// most, and most alike: each learner who opens a tab, each partner app's
// broad search. The matched, sorted groups of recent browses are therefore
// kept for browseTTL and dropped as soon as this instance writes to the
// index; only the page asked for is read from the database each time.
// Another instance's indexer is not seen, so there browseTTL bounds how
// stale an answer gets — far less than the cache's own age.

const (
	browseTTL = 10 * time.Second
	// browseMaxOffers bounds what the kept answers hold, across all of
	// them (a few MB of ids).
	browseMaxOffers = 200_000
)

// answer is everything a search matched, grouped and sorted, before
// paging.
type answer struct {
	offers int
	facets map[string][]Facet
	groups []answerGroup
}

// answerGroup is one offering: its key and its offers' ids, best first.
type answerGroup struct {
	key string
	ids []string
}

// browseCache keeps recent browse answers.
type browseCache struct {
	mu      sync.Mutex
	entries map[string]*keptAnswer
	offers  int // held by all entries
}

type keptAnswer struct {
	*answer
	at  time.Time
	gen uint64
}

// browseKey is the cache key of q, and whether q may be answered from the
// cache at all: only browses (no text terms) judged at the current time
// (a caller that sets Query.Now, as tests do, always gets a fresh answer).
// Paging is not part of the key: every page comes from one answer.
func browseKey(q *Query, terms []string, nowGiven bool) (string, bool) {
	if len(terms) > 0 || nowGiven {
		return "", false
	}
	var b strings.Builder
	b.WriteString(q.Kind)
	b.WriteByte(0)
	b.WriteString(q.Sort)
	b.WriteByte(0)
	if q.Facets != nil {
		b.WriteByte('f')
		for _, f := range q.Facets {
			b.WriteString(f)
			b.WriteByte(1)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(q.Filters)) {
		b.WriteByte(0)
		b.WriteString(name)
		for _, v := range q.Filters[name] {
			b.WriteByte(1)
			b.WriteString(v)
		}
	}
	return b.String(), true
}

// get returns the answer kept for key if it is younger than browseTTL at
// now and the index has not changed since (gen).
func (bc *browseCache) get(key string, gen uint64, now time.Time) *answer {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	k, ok := bc.entries[key]
	if !ok {
		return nil
	}
	if k.gen != gen || now.Sub(k.at) >= browseTTL || now.Before(k.at) {
		bc.drop(key, k)
		return nil
	}
	return k.answer
}

// put keeps a computed for key. gen is the index generation read before a
// was computed, so a write that raced with the computation makes it stale.
func (bc *browseCache) put(key string, gen uint64, now time.Time, a *answer) {
	if a.offers > browseMaxOffers/2 {
		return // one answer would crowd out every other
	}
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.entries == nil {
		bc.entries = map[string]*keptAnswer{}
	}
	if old, ok := bc.entries[key]; ok {
		bc.drop(key, old)
	}
	// Make room: stale entries first, then the oldest.
	for k, e := range bc.entries {
		if e.gen != gen || now.Sub(e.at) >= browseTTL {
			bc.drop(k, e)
		}
	}
	for bc.offers+a.offers > browseMaxOffers && len(bc.entries) > 0 {
		var oldestKey string
		var oldest *keptAnswer
		for k, e := range bc.entries {
			if oldest == nil || e.at.Before(oldest.at) {
				oldestKey, oldest = k, e
			}
		}
		bc.drop(oldestKey, oldest)
	}
	bc.entries[key] = &keptAnswer{answer: a, at: now, gen: gen}
	bc.offers += a.offers
}

func (bc *browseCache) drop(key string, k *keptAnswer) {
	delete(bc.entries, key)
	bc.offers -= k.offers
}

// countingIndex counts the writes to an index: the browse cache's answers
// hold only while the count stays the same.
type countingIndex struct {
	index
	gen atomic.Uint64
}

func (ix *countingIndex) upsert(ctx context.Context, rows []row) error {
	defer ix.gen.Add(1)
	return ix.index.upsert(ctx, rows)
}

func (ix *countingIndex) expireMissing(ctx context.Context, bpp string, harvestSeq int64, now time.Time) (int, error) {
	defer ix.gen.Add(1)
	return ix.index.expireMissing(ctx, bpp, harvestSeq, now)
}

func (ix *countingIndex) purge(ctx context.Context, before time.Time) (int, error) {
	defer ix.gen.Add(1)
	return ix.index.purge(ctx, before)
}
