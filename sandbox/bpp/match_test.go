package bpp

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// matchIDs runs a search message against a catalog and returns the ids of
// the matching items.
func matchIDs(t *testing.T, c *Catalog, msg string) map[string]bool {
	t.Helper()
	in, ex, err := decodeSearch(jsontext.Value(msg))
	if err != nil {
		t.Fatalf("decodeSearch(%s): %v", msg, err)
	}
	crit := criteriaFrom(in, ex)
	ids := map[string]bool{}
	for _, m := range search(c, &crit, catalogTagGroups(c)) {
		for _, it := range m.Items {
			ids[it.ID] = true
		}
	}
	return ids
}

// every checks that pred holds for every matched item and that there is
// at least one.
func every(t *testing.T, c *Catalog, name string, ids map[string]bool, pred func(p *Provider, it *Item) bool) {
	t.Helper()
	if len(ids) == 0 {
		t.Errorf("%s: nothing matched", name)
		return
	}
	for _, p := range c.Providers {
		for _, it := range p.Items {
			if ids[it.ID] && !pred(p, it) {
				t.Errorf("%s: item %s (%s) matched but does not satisfy the criterion", name, it.ID, it.Name)
			}
		}
	}
}

func TestSearchMatching(t *testing.T) {
	le := mustCatalog(t, domainLearning, 0, 5)
	wo := mustCatalog(t, domainWork, 0, 5)
	fs := mustCatalog(t, domainFinancial, 0, 5)
	ec := mustCatalog(t, domainExpert, 0, 5)
	all := func(c *Catalog) int { return c.ItemCount() }

	cases := []struct {
		name string
		c    *Catalog
		msg  string
		pred func(p *Provider, it *Item) bool
		want string // an item id that must be among the matches ("" = none required)
	}{
		{"item name words, case and plural", le, `{"intent":{"item":{"descriptor":{"name":"JAVASCRIPT courses"}}}}`,
			func(p *Provider, it *Item) bool { return strings.Contains(strings.ToLower(it.Name), "javascript") }, RefCourseItem},
		{"intent descriptor name", le, `{"intent":{"descriptor":{"name":"Courses for teacher"}}}`,
			func(p *Provider, it *Item) bool { return allTokensIn([]string{"teacher"}, searchText(p, it)) }, "CRS-UNACADEMY-TEACH"},
		{"provider id", le, `{"intent":{"provider":{"id":"unacademy"}}}`,
			func(p *Provider, it *Item) bool { return p.ID == "unacademy" }, RefCourseItem},
		{"provider name", wo, `{"intent":{"provider":{"descriptor":{"name":"akshar technologies"}}}}`,
			func(p *Provider, it *Item) bool { return p.ID == "1" }, RefJobItemInit},
		{"category name (sandbox)", le, `{"intent":{"category":{"descriptor":{"name":"SCHOOL"}}}}`,
			func(p *Provider, it *Item) bool { return contains(it.CategoryIDs, "SCHOOL") }, ""},
		{"provider categories code", fs, `{"intent":{"provider":{"categories":[{"descriptor":{"code":"ug"}}]}}}`,
			func(p *Provider, it *Item) bool { return contains(it.CategoryIDs, "CAT-UG") }, RefScholarshipItem},
		{"sandbox intent.location city", wo, `{"intent":{"location":{"id":"1","city":{"name":"Delhi"}}}}`,
			func(p *Provider, it *Item) bool { return itemInCity(p, it, "New Delhi") }, RefJobItemSelect},
		{"provider locations state code", wo, `{"intent":{"provider":{"locations":[{"state":{"code":"IN-KA"}}]}}}`,
			func(p *Provider, it *Item) bool { return itemInState(p, it, "IN-KA") }, ""},
		{"provider locations city code", wo, `{"intent":{"provider":{"locations":[{"city":{"code":"std:080"}}]}}}`,
			func(p *Provider, it *Item) bool { return itemInCity(p, it, "Bengaluru") }, ""},
		{"employment type tag", wo, `{"intent":{"item":{"tags":[{"descriptor":{"code":"listing-details"},"list":[{"descriptor":{"code":"employment-type"},"value":"part-time"}]}]}}}`,
			func(p *Provider, it *Item) bool {
				return it.TagValue("listing-details", "employment-type") == "part-time"
			}, ""},
		{"salary floor", wo, `{"intent":{"item":{"tags":[{"descriptor":{"code":"salary-info"},"list":[{"descriptor":{"code":"gross-min"},"value":"1000000"}]}]}}}`,
			func(p *Provider, it *Item) bool { return atoi(it.TagValue("salary-info", "gross-max")) >= 1000000 }, ""},
		{"candidate skills", wo, `{"intent":{"fulfillment":{"customer":{"person":{"skills":[{"code":"flutter","name":"Flutter"}]}}}}}`,
			func(p *Provider, it *Item) bool {
				return containsFold(it.TagValues("job-requirements", "req-prof-skill"), "flutter")
			}, RefJobItemConfirm},
		{"legacy skills group (codes only)", wo, `{"intent":{"item":{"descriptor":{"name":"Developer"},"tags":[{"code":"skills","list":[{"code":"kotlin"},{"code":"nosuchskill"}]}]}}}`,
			func(p *Provider, it *Item) bool {
				return containsFold(it.TagValues("job-requirements", "req-prof-skill"), "kotlin")
			}, RefJobItemConfirm},
		{"0.9 item.location_id and fulfillment_id", wo, `{"intent":{"item":{"descriptor":{"name":"Developer"},"location_id":"1","fulfillment_id":"1"}}}`,
			func(p *Provider, it *Item) bool { return contains(it.FulfillmentIDs, "1") }, RefJobItemSelect},
		{"fulfillment type", le, `{"intent":{"fulfillment":{"type":"IN-PERSON"}}}`,
			func(p *Provider, it *Item) bool { return contains(modeNames(p, it.FulfillmentIDs), "IN-PERSON") }, ""},
		{"learner level and language", le, `{"intent":{"item":{"tags":[{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"learner-level"},"value":"beginner"},{"descriptor":{"code":"lang-code"},"value":"hi"}]}]}}}`,
			func(p *Provider, it *Item) bool {
				return it.TagValue("content-metadata", "learner-level") == "Beginner" && it.TagValue("content-metadata", "lang-code") == "hi"
			}, ""},
		{"learner age", le, `{"intent":{"fulfillment":{"customer":{"person":{"age":"8"}}}}}`,
			func(p *Provider, it *Item) bool { return atoi(it.TagValue("content-metadata", "min-age")) <= 8 }, ""},
		{"gender eligibility (open or listed)", fs, `{"intent":{"fulfillment":{"customer":{"person":{"gender":"Transgender"}}}}}`,
			func(p *Provider, it *Item) bool {
				g := it.TagValues("background-eligibility", "gender-eligibility")
				return len(g) == 0 || containsFold(g, "Transgender")
			}, ""},
		{"social category alternatives", fs, `{"intent":{"item":{"tags":[{"descriptor":{"code":"background-eligibility"},"list":[{"descriptor":{"code":"social-eligibility"},"value":"SC"},{"descriptor":{"code":"social-eligibility"},"value":"ST"}]}]}}}`,
			func(p *Provider, it *Item) bool {
				s := it.TagValues("background-eligibility", "social-eligibility")
				return len(s) == 0 || containsFold(s, "SC") || containsFold(s, "ST")
			}, ""},
		{"household income under the ceiling", fs, `{"intent":{"item":{"tags":[{"descriptor":{"code":"background-eligibility"},"list":[{"descriptor":{"code":"ann-hh-inc"},"value":"700000"}]}]}}}`,
			func(p *Provider, it *Item) bool {
				v := it.TagValue("background-eligibility", "ann-hh-inc")
				return v == "" || atoi(v) >= 700000
			}, ""},
		{"academic course name", fs, `{"intent":{"item":{"tags":[{"descriptor":{"code":"academic-eligibility"},"list":[{"descriptor":{"code":"course-name"},"value":"Class-X"}]}]}}}`,
			func(p *Provider, it *Item) bool {
				return it.TagValue("academic-eligibility", "course-name") == "Class-X"
			}, ""},
		{"mentor name", ec, `{"intent":{"fulfillment":{"agent":{"person":{"name":"Radhika"}}}}}`,
			func(p *Provider, it *Item) bool { return strings.Contains(mentorsOfItem(p, it), "Radhika") }, ""},
		{"word prefix finds management for man", ec, `{"intent":{"item":{"descriptor":{"name":"man"}}}}`,
			func(p *Provider, it *Item) bool { return allTokensIn([]string{"man"}, searchText(p, it)) }, RefSessionSelect},
		{"Hindi title words", le, `{"intent":{"item":{"descriptor":{"name":"कंप्यूटर"}}}}`,
			func(p *Provider, it *Item) bool { return strings.Contains(it.Name, "कंप्यूटर") }, ""},
		{"unknown tag group is ignored", wo, `{"intent":{"item":{"descriptor":{"name":"Flutter"},"tags":[{"descriptor":{"code":"x-custom"},"list":[{"descriptor":{"code":"a"},"value":"b"}]}]}}}`,
			func(p *Provider, it *Item) bool { return true }, RefJobItemConfirm},
	}
	for _, tc := range cases {
		ids := matchIDs(t, tc.c, tc.msg)
		every(t, tc.c, tc.name, ids, tc.pred)
		if tc.want != "" && !ids[tc.want] {
			t.Errorf("%s: %s not among the %d matches", tc.name, tc.want, len(ids))
		}
		if len(ids) == all(tc.c) && tc.name != "unknown tag group is ignored" {
			t.Errorf("%s: matched the whole catalog; the criterion filtered nothing", tc.name)
		}
	}

	// No criteria: everything. Criteria that contradict: nothing.
	if got := matchIDs(t, wo, `{"intent":{}}`); len(got) != wo.ItemCount() {
		t.Errorf("empty intent matched %d of %d", len(got), wo.ItemCount())
	}
	if got := matchIDs(t, wo, `{}`); len(got) != wo.ItemCount() {
		t.Errorf("no intent matched %d of %d", len(got), wo.ItemCount())
	}
	if got := matchIDs(t, wo, `{"intent":{"provider":{"id":"nobody"}}}`); len(got) != 0 {
		t.Errorf("unknown provider matched %d items", len(got))
	}
	if got := matchIDs(t, le, `{"intent":{"item":{"descriptor":{"name":"zzyzx quantum basket weaving"}}}}`); len(got) != 0 {
		t.Errorf("nonsense text matched %d items", len(got))
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func itemInCity(p *Provider, it *Item, city string) bool {
	for _, id := range it.LocationIDs {
		if l := p.location(id); l != nil && l.City == city {
			return true
		}
	}
	return false
}

func itemInState(p *Provider, it *Item, code string) bool {
	for _, id := range it.LocationIDs {
		if l := p.location(id); l != nil && l.StateCode == code {
			return true
		}
	}
	return false
}

func mentorsOfItem(p *Provider, it *Item) string {
	var names []string
	for _, id := range it.FulfillmentIDs {
		if f := p.fulfillment(id); f != nil && f.Agent != nil {
			names = append(names, f.Agent.Name)
		}
	}
	return strings.Join(names, ",") + "," + it.Creator
}

func TestPaginate(t *testing.T) {
	c := mustCatalog(t, domainLearning, 0, 5)
	ms := search(c, &criteria{}, catalogTagGroups(c))
	pages := paginate(ms, 25)
	total, seen := 0, map[string]bool{}
	for i, pg := range pages {
		n := 0
		for _, m := range pg {
			n += len(m.Items)
			for _, it := range m.Items {
				if seen[it.ID] {
					t.Errorf("item %s on two pages", it.ID)
				}
				seen[it.ID] = true
			}
		}
		if n > 25 || (n < 25 && i != len(pages)-1) {
			t.Errorf("page %d has %d items", i, n)
		}
		total += n
	}
	if total != c.ItemCount() || len(pages) < 3 {
		t.Errorf("%d pages with %d items, catalog has %d", len(pages), total, c.ItemCount())
	}
	if got := paginate(nil, 25); len(got) != 1 || len(got[0]) != 0 {
		t.Errorf("no matches must give one empty page, got %d pages", len(got))
	}
}

func TestQueryTokens(t *testing.T) {
	cases := map[string][]string{
		"Courses for teacher":           {"course", "teacher"},
		"The  JavaScript, & classes":    {"javascript", "class"},
		"scholarship for undergraduate": {"scholarship", "undergraduate"},
		"":                              nil,
		"a an the":                      nil,
	}
	for in, want := range cases {
		got := queryTokens(in)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("queryTokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSearchIntent(f *testing.F) {
	for _, s := range []string{
		`{"intent":{"item":{"descriptor":{"name":"javascript courses"}}}}`,
		`{"intent":{"location":{"id":"1","city":{"name":"Delhi"}}}}`,
		`{"intent":{"item":[{"descriptor":{"name":"x"},"tags":[{"code":"skills","list":[{"code":"flutter"}]}]}]}}`,
		`{"intent":{"fulfillment":{"customer":{"person":{"age":"P21Y","gender":"F","skills":[{"code":"go"}]}}}}}`,
		`{"intent":{"item":{"tags":[{"descriptor":{"code":"salary-info"},"list":[{"descriptor":{"code":"gross-min"},"value":"1e9"}]}]}}}`,
		`{"location":{"city":{"code":"std:080"}},"intent":{"item":{"location_id":1}}}`,
	} {
		f.Add(s)
	}
	c := mustCatalog(f, domainWork, 0, 1)
	groups := catalogTagGroups(c)
	f.Fuzz(func(t *testing.T, msg string) {
		in, ex, err := decodeSearch(jsontext.Value(msg))
		if err != nil {
			return
		}
		crit := criteriaFrom(in, ex)
		ms := search(c, &crit, groups)
		n := 0
		for _, m := range ms {
			n += len(m.Items)
		}
		if n > c.ItemCount() {
			t.Fatalf("matched %d items of %d", n, c.ItemCount())
		}
		if crit.empty() && n != c.ItemCount() {
			t.Fatalf("no criteria but only %d of %d matched", n, c.ItemCount())
		}
		_, _, _ = requestFaults("", in, "b")
	})
}
