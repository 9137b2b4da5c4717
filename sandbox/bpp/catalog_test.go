package bpp

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

var testEpoch = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

var allDomains = []string{domainLearning, domainWork, domainFinancial, domainExpert}

func mustCatalog(t testing.TB, domain string, index int, seed int64) *Catalog {
	t.Helper()
	c, err := GenerateCatalog(domain, index, seed, testEpoch)
	if err != nil {
		t.Fatalf("GenerateCatalog(%s, %d, %d): %v", domain, index, seed, err)
	}
	return c
}

func catalogBytes(t testing.TB, c *Catalog) []byte {
	t.Helper()
	b, err := beckn.Marshal(renderCatalog(c.Name, search(c, &criteria{}, catalogTagGroups(c))))
	if err != nil {
		t.Fatalf("marshal catalog: %v", err)
	}
	return b
}

func TestCatalogDeterministic(t *testing.T) {
	for _, d := range allDomains {
		for _, idx := range []int{0, 3} {
			a := catalogBytes(t, mustCatalog(t, d, idx, 42))
			b := catalogBytes(t, mustCatalog(t, d, idx, 42))
			if !bytes.Equal(a, b) {
				t.Errorf("%s index %d: same seed gave different catalogs", d, idx)
			}
			if idx > 0 {
				continue
			}
			c := catalogBytes(t, mustCatalog(t, d, idx, 43))
			if bytes.Equal(a, c) {
				t.Errorf("%s index %d: seeds 42 and 43 gave identical catalogs", d, idx)
			}
		}
	}
}

func TestCatalogCountsAndUniqueIDs(t *testing.T) {
	for _, d := range allDomains {
		for _, idx := range []int{0, 1} {
			c := mustCatalog(t, d, idx, 7)
			if n := c.ItemCount(); n < 60 {
				t.Errorf("%s index %d: %d items, want at least 60", d, idx, n)
			}
			seen := map[string]bool{}
			for _, p := range c.Providers {
				if seen["p:"+p.ID] {
					t.Errorf("%s index %d: duplicate provider %s", d, idx, p.ID)
				}
				seen["p:"+p.ID] = true
				fids := map[string]bool{}
				for _, f := range p.Fulfillments {
					if fids[f.ID] {
						t.Errorf("%s/%s: duplicate fulfillment %s", d, p.ID, f.ID)
					}
					fids[f.ID] = true
				}
				for _, it := range p.Items {
					if seen[it.ID] {
						t.Errorf("%s index %d: duplicate item id %s", d, idx, it.ID)
					}
					seen[it.ID] = true
					for _, fid := range it.FulfillmentIDs {
						if !fids[fid] {
							t.Errorf("%s/%s item %s: fulfillment %s not declared by the provider", d, p.ID, it.ID, fid)
						}
					}
					for _, lid := range it.LocationIDs {
						if p.location(lid) == nil {
							t.Errorf("%s/%s item %s: location %s not declared", d, p.ID, it.ID, lid)
						}
					}
					for _, cid := range it.CategoryIDs {
						if d != domainWork && p.category(cid) == nil {
							t.Errorf("%s/%s item %s: category %q not declared", d, p.ID, it.ID, cid)
						}
					}
				}
			}
		}
	}
	// Two providers per domain index must not collide across BPPs either.
	for _, d := range []string{domainLearning, domainWork} {
		a, b := mustCatalog(t, d, 0, 7), mustCatalog(t, d, 1, 7)
		for _, p := range b.Providers {
			if a.Provider(p.ID) != nil {
				t.Errorf("%s: provider %s in both BPP 0 and BPP 1", d, p.ID)
			}
		}
	}
}

// distinct counts the distinct values of f over every item of c.
func distinct(c *Catalog, f func(p *Provider, it *Item) []string) map[string]bool {
	m := map[string]bool{}
	for _, p := range c.Providers {
		for _, it := range p.Items {
			for _, v := range f(p, it) {
				m[v] = true
			}
		}
	}
	return m
}

func TestCatalogVariety(t *testing.T) {
	tag := func(g, c string) func(*Provider, *Item) []string {
		return func(_ *Provider, it *Item) []string { return it.TagValues(g, c) }
	}
	modes := func(p *Provider, it *Item) []string { return modeNames(p, it.FulfillmentIDs) }
	price := func(_ *Provider, it *Item) []string {
		if it.Price == 0 {
			return []string{"free"}
		}
		return []string{"priced"}
	}
	cities := func(p *Provider, it *Item) []string {
		var out []string
		for _, id := range it.LocationIDs {
			out = append(out, p.location(id).City)
		}
		return out
	}
	cats := func(_ *Provider, it *Item) []string { return it.CategoryIDs }
	mentorsOf := func(p *Provider, it *Item) []string {
		var out []string
		for _, id := range it.FulfillmentIDs {
			if f := p.fulfillment(id); f != nil && f.Agent != nil {
				out = append(out, f.Agent.Name)
			}
		}
		return out
	}
	openings := func(_ *Provider, it *Item) []string { return []string{strconv.Itoa(it.Quantity)} }
	deadline := func(_ *Provider, it *Item) []string { return []string{it.End.Format("2006-01-02")} }
	amount := func(_ *Provider, it *Item) []string { return []string{strconv.Itoa(it.PriceMax)} }
	slots := func(p *Provider, it *Item) []string {
		var out []string
		for _, id := range it.FulfillmentIDs {
			if f := p.fulfillment(id); f != nil && !f.Start.IsZero() {
				out = append(out, f.Start.Format(time.RFC3339))
			}
		}
		return out
	}
	hindi := func(_ *Provider, it *Item) []string {
		for _, r := range it.Name {
			if r >= 0x0900 && r <= 0x097F {
				return []string{"devanagari"}
			}
		}
		return []string{"latin"}
	}
	cases := []struct {
		domain string
		what   string
		f      func(*Provider, *Item) []string
		min    int
	}{
		{domainLearning, "lang-code", tag("content-metadata", "lang-code"), 3},
		{domainLearning, "learner-level", tag("content-metadata", "learner-level"), 3},
		{domainLearning, "course-duration", tag("content-metadata", "course-duration"), 5},
		{domainLearning, "mode", modes, 3},
		{domainLearning, "free/priced", price, 2},
		{domainLearning, "min-age", tag("content-metadata", "min-age"), 4},
		{domainLearning, "grade", tag("content-metadata", "grade"), 2},
		{domainLearning, "topic", tag("content-metadata", "topic"), 10},
		{domainLearning, "category", cats, 5},
		{domainLearning, "script", hindi, 2},
		{domainWork, "city", cities, 6},
		{domainWork, "employment-type", tag("listing-details", "employment-type"), 4},
		{domainWork, "industry-type", tag("listing-details", "industry-type"), 6},
		{domainWork, "gross-min", tag("salary-info", "gross-min"), 10},
		{domainWork, "req-experience", tag("job-requirements", "req-experience"), 3},
		{domainWork, "req-prof-skill", tag("job-requirements", "req-prof-skill"), 15},
		{domainWork, "mode", modes, 3},
		{domainWork, "script", hindi, 2},
		{domainWork, "openings", openings, 10},
		{domainWork, "application deadline", deadline, 10},
		{domainFinancial, "amount", amount, 10},
		{domainFinancial, "deadline", deadline, 10},
		{domainExpert, "slot start", slots, 20},
		{domainFinancial, "gender-eligibility", tag("background-eligibility", "gender-eligibility"), 3},
		{domainFinancial, "social-eligibility", tag("background-eligibility", "social-eligibility"), 4},
		{domainFinancial, "ann-hh-inc", tag("background-eligibility", "ann-hh-inc"), 5},
		{domainFinancial, "course-name", tag("academic-eligibility", "course-name"), 4},
		{domainFinancial, "mandatory-doc", tag("required-docs", "mandatory-doc"), 8},
		{domainFinancial, "category", cats, 5},
		{domainExpert, "mentor", mentorsOf, 6},
		{domainExpert, "lang-code", tag("content-metadata", "lang-code"), 4},
		{domainExpert, "topic", tag("content-metadata", "topic"), 10},
		{domainExpert, "category", cats, 5},
	}
	for _, tc := range cases {
		c := mustCatalog(t, tc.domain, 0, 1)
		if got := distinct(c, tc.f); len(got) < tc.min {
			t.Errorf("%s: %d distinct %s values %v, want at least %d", tc.domain, len(got), tc.what, keys(got), tc.min)
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestReferenceCatalogHoldsPostmanIDs(t *testing.T) {
	want := map[string][][2]string{ // provider, item
		domainLearning:  {{"", RefCourseItem}, {"unacademy", RefCourseItem}},
		domainWork:      {{"1", RefJobItemSelect}, {"1", RefJobItemInit}, {"", RefJobItemConfirm}},
		domainFinancial: {{RefScholarshipProv, RefScholarshipItem}},
		domainExpert:    {{"", RefSessionSelect}, {"", RefSessionInit}, {"", RefSessionConfirm}},
	}
	for d, pairs := range want {
		c := mustCatalog(t, d, 0, 99)
		for _, pi := range pairs {
			if _, it := c.Lookup(pi[0], pi[1]); it == nil {
				t.Errorf("%s: reference catalog lacks item %s (provider %q)", d, pi[1], pi[0])
			}
		}
	}
	fs := mustCatalog(t, domainFinancial, 0, 99)
	if p, it := fs.Lookup(RefScholarshipProv, RefScholarshipItem); p.fulfillment(RefScholarshipFul) == nil || !contains(it.FulfillmentIDs, RefScholarshipFul) {
		t.Errorf("financial reference item lacks fulfillment %s", RefScholarshipFul)
	}
	ec := mustCatalog(t, domainExpert, 0, 99)
	if p, it := ec.Lookup("", RefSessionInit); p.fulfillment(RefSessionInitSlot) == nil || !contains(it.FulfillmentIDs, RefSessionInitSlot) {
		t.Errorf("expert reference item lacks slot %s", RefSessionInitSlot)
	}
	for _, id := range []string{"unacademy"} {
		if mustCatalog(t, domainLearning, 0, 1).Provider(id) == nil {
			t.Errorf("learning reference catalog lacks provider %s", id)
		}
	}
	for d, id := range map[string]string{domainWork: "naukri.com", domainFinancial: "pmcare", domainExpert: "coursera"} {
		if mustCatalog(t, d, 0, 1).Provider(id) == nil {
			t.Errorf("%s reference catalog lacks provider %s", d, id)
		}
	}
}

func TestGenerateCatalogRejects(t *testing.T) {
	if _, err := GenerateCatalog("dsep:unknown", 0, 1, testEpoch); err == nil {
		t.Error("unknown domain: no error")
	}
	if _, err := GenerateCatalog(domainWork, -1, 1, testEpoch); err == nil {
		t.Error("negative index: no error")
	}
}
