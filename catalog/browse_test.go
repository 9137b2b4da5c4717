package catalog

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store/sqlite"
)

// TestBrowseCache: a browse (no text) is answered from the matches kept
// for it, every page of one answer agrees, and the answer is dropped as
// soon as this instance writes to the index (a new item shows at once).
// Another instance's write is seen when the answer is browseTTL old, which
// also shows that the answer was kept.
func TestBrowseCache(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "seeker.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, b := newCatalogOn(t, st, &now), newCatalogOn(t, st, &now)
	var items []item
	for i := range 45 {
		items = append(items, item{id: fmt.Sprint("c", i), name: fmt.Sprintf("Course number %d", i), lang: "en"})
	}
	if _, err := a.IngestOnSearch(ctx, onSearch("onest:learning-experiences", "bpp-a", "p", "Provider A", "", items...), now, 0); err != nil {
		t.Fatal(err)
	}
	total := func(c *Catalog, q Query) int {
		t.Helper()
		r, err := c.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return r.Total
	}
	browse := Query{Kind: KindCourse}
	if n := total(a, browse); n != 45 {
		t.Fatalf("browse found %d courses, want 45", n)
	}
	// Pages of one answer: no offering twice, none left out.
	seen := map[string]bool{}
	for off := 0; off < 45; off += 20 {
		r, err := a.Search(ctx, Query{Kind: KindCourse, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range r.Groups {
			if seen[g.Key] {
				t.Fatalf("offering %s is on two pages", g.Key)
			}
			seen[g.Key] = true
		}
	}
	if len(seen) != 45 {
		t.Fatalf("the pages held %d offerings, want 45", len(seen))
	}
	// A caller changing its results does not change the kept answer.
	r, _ := a.Search(ctx, browse)
	for name := range r.Facets {
		r.Facets[name] = nil
	}
	if r2, _ := a.Search(ctx, browse); len(r2.Facets["language"]) == 0 {
		t.Fatalf("a caller's change to its facets reached the next answer: %v", r2.Facets)
	}

	// This instance writes: the next browse sees the new item.
	if _, err := a.IngestOnSearch(ctx, onSearch("onest:learning-experiences", "bpp-b", "p", "Provider B", "", item{id: "n1", name: "Brand new course", lang: "hi"}), now, 0); err != nil {
		t.Fatal(err)
	}
	if n := total(a, browse); n != 46 {
		t.Fatalf("after this instance cached a new course a browse found %d, want 46", n)
	}
	// Another instance writes: seen once the kept answer is browseTTL old.
	if _, err := b.IngestOnSearch(ctx, onSearch("onest:learning-experiences", "bpp-c", "p", "Provider C", "", item{id: "n2", name: "Another new course", lang: "en"}), now, 0); err != nil {
		t.Fatal(err)
	}
	if n := total(a, browse); n != 46 {
		t.Fatalf("a browse within browseTTL found %d; the kept answer (46) should have been used", n)
	}
	if n := total(a, Query{Kind: KindCourse, Now: now}); n != 47 {
		t.Fatalf("a query with its own Now found %d, want 47 (never answered from the browse cache)", n)
	}
	if n := total(a, Query{Kind: KindCourse, Text: "course"}); n != 47 {
		t.Fatalf("a text query found %d, want 47 (never answered from the browse cache)", n)
	}
	now = now.Add(browseTTL)
	if n := total(a, browse); n != 47 {
		t.Fatalf("a browse browseTTL later found %d, want 47", n)
	}
}

// TestBrowseCacheBounds: the kept answers never hold more than
// browseMaxOffers offers, the oldest going first, and an answer too big to
// keep is not kept.
func TestBrowseCacheBounds(t *testing.T) {
	now := time.Now()
	var bc browseCache
	mk := func(n int) *answer { return &answer{offers: n} }
	for i := range 5 {
		bc.put(fmt.Sprint("q", i), 1, now.Add(time.Duration(i)*time.Millisecond), mk(browseMaxOffers/4))
	}
	if bc.offers > browseMaxOffers || len(bc.entries) != 4 {
		t.Fatalf("%d answers hold %d offers; want 4 holding at most %d", len(bc.entries), bc.offers, browseMaxOffers)
	}
	if bc.get("q0", 1, now) != nil || bc.get("q4", 1, now.Add(5*time.Millisecond)) == nil {
		t.Fatal("the oldest answer should have gone first, the newest kept")
	}
	if bc.get("q4", 2, now) != nil {
		t.Fatal("an answer of an older index generation was used")
	}
	bc.put("huge", 2, now, mk(browseMaxOffers/2+1))
	if bc.get("huge", 2, now) != nil {
		t.Fatal("an answer of more than half the budget was kept")
	}
}
