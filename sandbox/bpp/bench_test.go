package bpp

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/beckn"
)

// Search is the provider's hot path: every gateway fan-out reaches every
// BPP of the domain.

func BenchmarkSearchMatch(b *testing.B) {
	c := mustCatalog(b, domainWork, 0, 1)
	groups := catalogTagGroups(c)
	in, ex, err := decodeSearch(jsontext.Value(`{"intent":{"item":{"descriptor":{"name":"developer"},"tags":[{"descriptor":{"code":"listing-details"},"list":[{"descriptor":{"code":"employment-type"},"value":"full-time"}]}]},"provider":{"locations":[{"city":{"name":"Bengaluru"}}]}}}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		crit := criteriaFrom(in, ex)
		_ = search(c, &crit, groups)
	}
}

func BenchmarkRenderCatalogPage(b *testing.B) {
	c := mustCatalog(b, domainLearning, 0, 1)
	pages := paginate(search(c, &criteria{}, catalogTagGroups(c)), 25)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := beckn.Marshal(beckn.CatalogMessage{Catalog: renderCatalog(c.Name, pages[0])}); err != nil {
			b.Fatal(err)
		}
	}
}
