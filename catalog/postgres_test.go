package catalog

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store/postgres"
	"github.com/onest-seeker/seeker/store/postgres/pgtest"
)

func newPGCatalog(t *testing.T, now *time.Time) *Catalog {
	t.Helper()
	st, err := postgres.Open(context.Background(), pgtest.FreshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newCatalogOn(t, st, now)
}

// TestPostgresSameResults runs the search assertions on PostgreSQL and
// compares every answer with SQLite's, offer by offer and facet by facet.
func TestPostgresSameResults(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	pg := newPGCatalog(t, &now)
	lite := newTestCatalog(t, &now)
	for _, c := range []*Catalog{pg, lite} {
		seed(t, c, now.Add(-time.Hour))
	}
	checkSearches(t, pg, now)
	for _, c := range []*Catalog{pg, lite} {
		for _, f := range [][]string{{"courses", "search", "on_search.json"}, {"work-opportunities", "search", "on_search response.json"},
			{"financial-support", "V0.7.0", "search", "on_search.json"}, {"expert-connect", "search", "on_search.json"}} {
			if _, err := c.IngestOnSearch(context.Background(), fixture(t, f...), now, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, q := range []Query{
		{}, {Text: "python"}, {Text: "pyth beg"}, {Text: "साक्षर"}, {Text: "development", Kind: KindMentorship},
		{Kind: KindScholarship, Filters: map[string][]string{"gender": {"Female"}}},
		{Sort: SortNewest, Limit: 5}, {Sort: SortDeadline}, {Sort: SortPrice, Offset: 3, Limit: 4},
		{Filters: map[string][]string{"language": {"en"}}, Facets: FacetNames()},
		{Filters: map[string][]string{"eligibility": {"female"}}}, {Filters: map[string][]string{"tag.content-metadata.lang-code": {"hi"}}},
	} {
		a, err := lite.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pg.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Total != b.Total || a.Offers != b.Offers || !equalJSON(a.Facets, b.Facets) || !slices.Equal(offerIDs(a), offerIDs(b)) {
			t.Errorf("%+v:\nsqlite   %d %d %v %v\npostgres %d %d %v %v", q, a.Total, a.Offers, offerIDs(a), a.Facets, b.Total, b.Offers, offerIDs(b), b.Facets)
		}
	}
}

func offerIDs(r *Results) []string {
	var out []string
	for _, g := range r.Groups {
		for _, o := range g.Offers {
			out = append(out, o.ID)
		}
	}
	return out
}

func TestPostgresExpiry(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := newPGCatalog(t, &now)
	ctx := context.Background()
	h1 := onSearch("onest:learning-experiences", "b3", "p", "P", "", item{id: "x", name: "Kept"}, item{id: "y", name: "Dropped"})
	h2 := onSearch("onest:learning-experiences", "b3", "p", "P", "", item{id: "x", name: "Kept"})
	if _, err := c.IngestOnSearch(ctx, h1, now, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := c.IngestOnSearch(ctx, h2, now.Add(time.Second), 20); err != nil {
		t.Fatal(err)
	}
	if n, err := c.ix.expireMissing(ctx, "b3", 20, now); err != nil || n != 1 {
		t.Fatalf("expireMissing: %d %v", n, err)
	}
	// The indexer replaying the first harvest's answer revives nothing.
	if _, err := c.IngestOnSearch(ctx, h1, now, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := c.IngestOnSearch(ctx, onSearch("onest:learning-experiences", "b4", "p", "P", "-1", item{id: "s", name: "Secret"}), now, 0); err != nil {
		t.Fatal(err)
	}
	r, err := c.Search(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(titles(r), []string{"Kept"}) {
		t.Errorf("served %v, want only Kept", titles(r))
	}
	if n, err := c.ix.purge(ctx, now.Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("purge %d %v", n, err)
	}
}
