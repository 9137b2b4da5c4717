package catalog

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

// item is a compact description of a catalog item for tests.
type item struct {
	id, name, desc, lang, level, price, city, duration string
	skills                                             []string
}

// onSearch builds an on_search body of one BPP with one provider.
func onSearch(domain, bpp, provider, providerName string, ttl string, items ...item) []byte {
	var its []string
	for _, it := range items {
		tags := fmt.Sprintf(`{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"lang-code"},"value":%q},{"descriptor":{"code":"learner-level"},"value":%q},{"descriptor":{"code":"course-duration"},"value":%q}]}`,
			it.lang, it.level, it.duration)
		for _, s := range it.skills {
			tags += fmt.Sprintf(`,{"descriptor":{"code":"job-requirements"},"list":[{"descriptor":{"code":"req-prof-skill"},"value":%q}]}`, s)
		}
		price := ""
		if it.price != "" {
			price = fmt.Sprintf(`"price":{"currency":"INR","value":%q},`, it.price)
		}
		its = append(its, fmt.Sprintf(`{"id":%q,"descriptor":{"name":%q,"long_desc":%q},%s"location_ids":["L1"],"tags":[%s]}`,
			it.id, it.name, it.desc, price, tags))
	}
	ttlMember := ""
	if ttl != "" {
		ttlMember = `"ttl":` + ttl + `,`
	}
	city := "Pune"
	if len(items) > 0 && items[0].city != "" {
		city = items[0].city
	}
	return fmt.Appendf(nil, `{"context":{"domain":%q,"action":"on_search","bpp_id":%q,"bpp_uri":"https://%s"},
	"message":{"catalog":{"providers":[{"id":%q,"descriptor":{"name":%q},%s"locations":[{"id":"L1","city":{"name":%q}}],"items":[%s]}]}}}`,
		domain, bpp, bpp, provider, providerName, ttlMember, city, strings.Join(its, ","))
}

func seed(t *testing.T, c *Catalog, at time.Time) {
	t.Helper()
	ctx := context.Background()
	bodies := [][]byte{
		onSearch("onest:learning-experiences", "le1.example", "p1", "Alpha Academy", "",
			item{id: "py", name: "Python for Beginners", desc: "<p>Learn <b>programming</b> with Python</p>", lang: "en", level: "Beginner", price: "0", duration: "PT10H"},
			item{id: "ds", name: "Data Science with Python", desc: "pandas and numpy", lang: "en", level: "Advanced", price: "4999", duration: "PT40H"},
			item{id: "hi", name: "डिजिटल साक्षरता का परिचय", desc: "कंप्यूटर और इंटरनेट की बुनियादी बातें", lang: "hi", level: "Beginner", price: "0", duration: "PT6H"}),
		onSearch("onest:learning-experiences", "le2.example", "p2", "Beta Learning", "",
			item{id: "py2", name: "Python for beginners!", desc: "start coding", lang: "en", level: "beginner", price: "499", duration: "PT12H", city: "Delhi"},
			item{id: "xl", name: "Spreadsheet Skills", desc: "Excel formulas", lang: "hi", level: "Intermediate", price: "199", duration: "PT4H", city: "Delhi"}),
		onSearch("onest:work-opportunities", "wo1.example", "e1", "Gamma Tech", "",
			item{id: "j1", name: "Python Developer", desc: "backend services", skills: []string{"python", "sql"}, city: "Bengaluru"}),
	}
	for _, b := range bodies {
		if _, err := c.IngestOnSearch(ctx, b, at, 0); err != nil {
			t.Fatal(err)
		}
	}
}

func titles(r *Results) []string {
	var out []string
	for _, g := range r.Groups {
		out = append(out, g.Offers[0].Title)
	}
	return out
}

func TestSearch(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := newTestCatalog(t, &now)
	seed(t, c, now.Add(-time.Hour))
	checkSearches(t, c, now)
}

// checkSearches runs the search assertions shared by both backends.
func checkSearches(t *testing.T, c *Catalog, now time.Time) {
	ctx := context.Background()
	search := func(q Query) *Results {
		t.Helper()
		r, err := c.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// Text: prefixes, every term required, HTML not indexed as words.
	r := search(Query{Text: "pyth"})
	if r.Total != 3 || r.Offers != 4 {
		t.Fatalf("pyth: %d groups %d offers %v, want 3 groups of 4 offers", r.Total, r.Offers, titles(r))
	}
	// The same course from two providers is one group with both offers.
	i := slices.IndexFunc(r.Groups, func(g Group) bool { return g.Key == "course:python for beginners" })
	if i < 0 || len(r.Groups[i].Offers) != 2 {
		t.Fatalf("groups %+v, want the two Python for Beginners offers in one group", r.Groups)
	}
	g := r.Groups[i]
	for _, o := range g.Offers {
		if o.Source != "cache" || o.Age != time.Hour || o.Raw != nil || o.LongDesc == "" || o.Level == "" {
			t.Errorf("offer %s: source %q age %v raw %d bytes", o.Title, o.Source, o.Age, len(o.Raw))
		}
	}
	if r := search(Query{Text: "python numpy"}); !slices.Equal(titles(r), []string{"Data Science with Python"}) {
		t.Errorf("python numpy: %v", titles(r))
	}
	if r := search(Query{Text: "strong"}); r.Total != 0 {
		t.Errorf("markup matched: %v", titles(r))
	}
	// Hindi: whole words, prefixes, text in the description.
	for _, q := range []string{"साक्षरता", "डिजि", "इंटरनेट"} {
		if r := search(Query{Text: q}); !slices.Equal(titles(r), []string{"डिजिटल साक्षरता का परिचय"}) {
			t.Errorf("%s: %v", q, titles(r))
		}
	}
	// Filters: kind, language (code or name), level (case-insensitive),
	// city, price range, cost, skill.
	for _, tc := range []struct {
		q    Query
		want []string
	}{
		{Query{Kind: KindJob}, []string{"Python Developer"}},
		{Query{Filters: map[string][]string{"language": {"Hindi"}}, Sort: SortPrice}, []string{"डिजिटल साक्षरता का परिचय", "Spreadsheet Skills"}},
		{Query{Kind: KindCourse, Filters: map[string][]string{"level": {"BEGINNER"}, "city": {"delhi"}}}, []string{"Python for beginners!"}},
		{Query{Kind: KindCourse, Filters: map[string][]string{"price_max": {"500"}, "price_min": {"1"}}, Sort: SortPrice}, []string{"Spreadsheet Skills", "Python for beginners!"}},
		{Query{Kind: KindCourse, Filters: map[string][]string{"cost": {"free"}}, Sort: SortDuration}, []string{"डिजिटल साक्षरता का परिचय", "Python for Beginners"}},
		{Query{Filters: map[string][]string{"skill": {"SQL"}}}, []string{"Python Developer"}},
		{Query{Kind: KindCourse, Filters: map[string][]string{"duration_min": {"PT10H"}}, Sort: SortDuration}, []string{"Python for Beginners", "Data Science with Python"}},
		{Query{Kind: KindCourse, Sort: SortPrice, Limit: 2, Offset: 2}, []string{"Spreadsheet Skills", "Data Science with Python"}},
		{Query{Kind: KindCourse, Sort: SortPrice, Limit: 2, Offset: 4}, nil},
		{Query{Kind: KindCourse, Filters: map[string][]string{"provider": {"beta learning"}}, Sort: SortDuration}, []string{"Spreadsheet Skills", "Python for beginners!"}},
	} {
		if r := search(tc.q); !slices.Equal(titles(r), tc.want) {
			t.Errorf("%+v: %v, want %v", tc.q, titles(r), tc.want)
		}
	}
	// The group's offers are ordered by the sort too: the free one first.
	r = search(Query{Text: "python beginners", Sort: SortPrice})
	if o := r.Groups[0].Offers; len(o) != 2 || o[0].Price.Value != "0" || o[1].Price.Value != "499" {
		t.Errorf("offers of the group: %+v", o)
	}
	// Facets count matching opportunities per value.
	r = search(Query{Kind: KindCourse, Facets: []string{"language", "level", "provider", "cost"}})
	want := map[string][]Facet{
		"language": {{"en", 3}, {"hi", 2}},
		"level":    {{"Beginner", 3}, {"Advanced", 1}, {"Intermediate", 1}},
		"provider": {{"Alpha Academy", 3}, {"Beta Learning", 2}},
		"cost":     {{"paid", 3}, {"free", 2}},
	}
	if !equalJSON(r.Facets, want) {
		t.Errorf("facets %v, want %v", r.Facets, want)
	}
	if _, err := c.Search(ctx, Query{Filters: map[string][]string{"colour": {"red"}}}); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown filter: %v", err)
	}
	if _, err := c.Search(ctx, Query{Sort: "cheapest"}); err == nil {
		t.Error("unknown sort accepted")
	}
}

func TestMatchesAgreesWithSearch(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := newTestCatalog(t, &now)
	seed(t, c, now)
	opps, err := FromOnSearch(onSearch("onest:learning-experiences", "le2.example", "p2", "Beta Learning", "",
		item{id: "py2", name: "Python for beginners!", desc: "start coding", lang: "en", level: "beginner", price: "499", duration: "PT12H", city: "Delhi"}), now)
	if err != nil {
		t.Fatal(err)
	}
	o := &opps[0]
	for _, tc := range []struct {
		q    Query
		want bool
	}{
		{Query{Text: "pyth begin"}, true},
		{Query{Text: "python sql"}, false},
		{Query{Kind: KindJob}, false},
		{Query{Filters: map[string][]string{"city": {"Pune", "Delhi"}}}, true},
		{Query{Filters: map[string][]string{"price_max": {"100"}}}, false},
		{Query{Filters: map[string][]string{"tag.content-metadata.lang-code": {"en"}}}, true},
		{Query{Filters: map[string][]string{"nonsense": {"x"}}}, false},
	} {
		if got := tc.q.Matches(o); got != tc.want {
			t.Errorf("%+v matches = %v, want %v", tc.q, got, tc.want)
		}
		if tc.q.Validate() != nil {
			continue
		}
		tc.q.Now = now
		r, err := c.Search(context.Background(), tc.q)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, g := range r.Groups {
			for _, x := range g.Offers {
				found = found || x.ID == o.ID
			}
		}
		if found != tc.want {
			t.Errorf("%+v: search found it = %v, Matches says %v", tc.q, found, tc.want)
		}
	}
}

func TestExpiry(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := newTestCatalog(t, &now)
	ctx := context.Background()
	count := func() int {
		t.Helper()
		r, err := c.Search(ctx, Query{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Offers
	}
	// Provider ttl -1: never cached; ttl 60: served for a minute.
	if n, err := c.IngestOnSearch(ctx, onSearch("onest:learning-experiences", "b1", "p", "P", "-1", item{id: "a", name: "Secret"}), now, 0); err != nil || n != 0 {
		t.Fatalf("ttl -1 cached %d (%v)", n, err)
	}
	if _, err := c.IngestOnSearch(ctx, onSearch("onest:learning-experiences", "b2", "p", "P", "60", item{id: "a", name: "Brief"}), now, 0); err != nil {
		t.Fatal(err)
	}
	if count() != 1 {
		t.Fatalf("after ingest: %d", count())
	}
	brief := opportunityID("b2", "p", "a")
	if o, err := c.Get(ctx, brief); err != nil || o.Raw == nil || o.Source != "cache" {
		t.Fatalf("get: %+v %v, want the cached offer with its raw item", o, err)
	}
	now = now.Add(61 * time.Second)
	if count() != 0 {
		t.Errorf("a ttl 60 item still served after 61 s")
	}
	if _, err := c.Get(ctx, brief); !errors.Is(err, ErrNotFound) {
		t.Errorf("get after expiry: %v", err)
	}

	// Items missing from a later broad answer expire; a narrow answer
	// says nothing about what is missing.
	h1 := onSearch("onest:learning-experiences", "b3", "p", "P", "", item{id: "x", name: "Kept"}, item{id: "y", name: "Dropped"})
	if _, err := c.IngestOnSearch(ctx, h1, now, 10); err != nil {
		t.Fatal(err)
	}
	h2 := onSearch("onest:learning-experiences", "b3", "p", "P", "", item{id: "x", name: "Kept"})
	if _, err := c.IngestOnSearch(ctx, h2, now.Add(time.Second), 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.ix.expireMissing(ctx, "b3", 10, now); n != 0 || count() != 2 {
		t.Fatalf("expired %d after a narrow answer; %d served", n, count())
	}
	if _, err := c.IngestOnSearch(ctx, h2, now.Add(2*time.Second), 20); err != nil {
		t.Fatal(err)
	}
	if n, err := c.ix.expireMissing(ctx, "b3", 20, now); err != nil || n != 1 {
		t.Fatalf("expireMissing: %d %v, want 1", n, err)
	}
	// The indexer replaying the first harvest's answer revives nothing.
	if _, err := c.IngestOnSearch(ctx, h1, now, 10); err != nil {
		t.Fatal(err)
	}
	r, _ := c.Search(ctx, Query{})
	if !slices.Equal(titles(r), []string{"Kept"}) {
		t.Errorf("served %v, want only Kept", titles(r))
	}
	// A changed item replaces its text in the index.
	h3 := onSearch("onest:learning-experiences", "b3", "p", "P", "", item{id: "x", name: "Renamed"})
	if _, err := c.IngestOnSearch(ctx, h3, now.Add(3*time.Second), 30); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Search(ctx, Query{Text: "kept"}); r.Total != 0 {
		t.Errorf("old title still found: %v", titles(r))
	}
	if r, _ := c.Search(ctx, Query{Text: "renamed"}); r.Total != 1 {
		t.Errorf("new title not found")
	}
	// An older answer replayed after a newer one changes nothing.
	if _, err := c.IngestOnSearch(ctx, h2, now, 0); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Search(ctx, Query{Text: "renamed"}); r.Total != 1 {
		t.Errorf("an older answer overwrote a newer one")
	}
	// Purge deletes long-expired rows.
	if n, err := c.ix.purge(ctx, now.Add(time.Minute)); err != nil || n != 2 {
		t.Errorf("purge: %d %v, want the 2 expired rows", n, err)
	}
}

func TestParseQuery(t *testing.T) {
	q, err := ParseQuery(url.Values{"q": {"python"}, "kind": {"course"}, "language": {"en", "hi"}, "limit": {"5"},
		"facets": {"level, cost"}, "tag.content-metadata.lang-code": {"en"}, "sort": {"price"}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "python" || q.Kind != KindCourse || q.Limit != 5 || q.Sort != SortPrice ||
		!slices.Equal(q.Filters["language"], []string{"en", "hi"}) || !slices.Equal(q.Facets, []string{"level", "cost"}) ||
		len(q.Filters["tag.content-metadata.lang-code"]) != 1 {
		t.Errorf("parsed %+v", q)
	}
	for in, param := range map[string]string{
		"colour=red": "colour", "limit=x": "limit", "kind=pizza": "kind", "price_max=cheap": "price_max",
		"facets=colour": "facets", "price_max=1&price_max=2": "price_max", "limit=500": "limit",
	} {
		v, _ := url.ParseQuery(in)
		_, err := ParseQuery(v)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != param {
			t.Errorf("%s: %v, want an error about %s", in, err, param)
		}
	}
}

// TestIntentRoundTrip checks that the filters Intent puts in a Beckn
// intent, where ONEST's guides put them, are read back by QueryFromIntent.
func TestIntentRoundTrip(t *testing.T) {
	q := Query{Text: "python", Kind: KindJob, Filters: map[string][]string{
		"provider": {"ABC Tech"}, "category": {"IT"}, "city": {"Pune", "Delhi"}, "gender": {"Female"}, "age": {"21"},
		"skill": {"sql"}, "mode": {"REMOTE"}, "level": {"Beginner"}, "language": {"Hindi"}, "employment_type": {"full-time"},
		"industry": {"Software"}, "social_category": {"SC"}, "class_level": {"Class-X"},
	}}
	b, err := intentMessage(q)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"item":{"descriptor":{"name":"python"}`, `"provider":{"descriptor":{"name":"ABC Tech"}`,
		`"person":{"age":"21","gender":"Female","skills":[{"name":"sql"}]}`, `"value":"hi"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("intent %s lacks %s", b, want)
		}
	}
	back := QueryFromIntent("onest:work-opportunities", q.Intent())
	q.Filters["language"] = []string{"hi"}
	if back.Text != q.Text || back.Kind != q.Kind || !equalJSON(back.Filters, q.Filters) {
		t.Errorf("read back\n%+v\nwant\n%+v", back, q)
	}
	if !(Query{}).broad() || back.broad() || !QueryFromIntent("onest:work-opportunities", &beckn.Intent{}).broad() {
		t.Error("broad() is wrong")
	}
}

// TestRestFilters covers the filters that read the rest record (eligibility
// lines, tags) rather than the lean one.
func TestRestFilters(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	c := newTestCatalog(t, &now)
	ctx := context.Background()
	if _, err := c.IngestOnSearch(ctx, fixture(t, "financial-support", "V0.7.0", "search", "on_search.json"), now, 0); err != nil {
		t.Fatal(err)
	}
	seed(t, c, now)
	for _, tc := range []struct {
		filters map[string][]string
		want    int
	}{
		{map[string][]string{"eligibility": {"female"}}, 1},
		{map[string][]string{"eligibility": {"class: 12th"}}, 1},
		{map[string][]string{"eligibility": {"male only"}}, 0},
		{map[string][]string{"tag.docs-reqd": {"10th marksheet"}}, 1},
		{map[string][]string{"tag.content-metadata.lang-code": {"hi"}}, 2},
		{map[string][]string{"tag.content-metadata.lang-code": {"hi"}, "level": {"beginner"}}, 1},
	} {
		r, err := c.Search(ctx, Query{Filters: tc.filters})
		if err != nil {
			t.Fatal(err)
		}
		if r.Offers != tc.want {
			t.Errorf("%v: %d offers %v, want %d", tc.filters, r.Offers, titles(r), tc.want)
		}
	}
	// The detail page has the rest: eligibility and tags.
	r, _ := c.Search(ctx, Query{Kind: KindScholarship})
	o, err := c.Get(ctx, r.Groups[0].Offers[0].ID)
	if err != nil || len(o.Eligibility) == 0 || len(o.Tags) == 0 || o.LongDesc == "" {
		t.Errorf("get: %+v %v", o, err)
	}
}
