package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
)

// Query is a search over opportunities: free text, a kind, filters, the
// facets to count, an order and a page. The same Query filters the cache
// (Catalog.Search) and live answers (Matches), and becomes the Beckn intent
// of the live search (Intent), so a learner's filter means the same thing
// wherever a result comes from.
type Query struct {
	// Text must match every term (as a word prefix) in the title,
	// descriptions, provider, creator, mentor, skills, topics or categories.
	Text string
	// Kind is course, job, scholarship or mentorship; "" is every kind.
	Kind string
	// Filters maps a filter name (see FilterNames) to accepted values:
	// values of one name are alternatives (OR), names all apply (AND).
	Filters map[string][]string
	// Facets names the facets to count (see FacetNames); nil counts the
	// default facets of the kind.
	Facets []string
	// Sort is relevance (default), newest, price, duration or deadline.
	Sort   string
	Offset int
	// Limit is the number of groups per page (default 20, at most 100).
	Limit int
	// Now is the time expiry and "open" filters are judged at (default:
	// the time of the call). Tests set it.
	Now time.Time
	// Owner is who a live search (Discover) is recorded for: the API
	// client or user, whose transaction it becomes.
	Owner string
	// Message, when set, is the search message Discover sends as given
	// ({"intent": ...}) instead of the one Intent builds: a protocol
	// client's own intent (POST /v1/search) is sent byte for byte, while
	// the query read from it filters the cached and live answers.
	Message jsontext.Value
}

// Results is one page of a search.
type Results struct {
	// Total is the number of groups (offerings) matching, over all pages.
	Total int `json:"total"`
	// Offers is the number of opportunities matching (Total counts each
	// group once).
	Offers int                `json:"offers"`
	Groups []Group            `json:"groups"`
	Facets map[string][]Facet `json:"facets"`
}

// Group is one offering and every provider's offer of it, best offer
// first: "offered by 3 providers".
type Group struct {
	Key    string        `json:"key"`
	Offers []Opportunity `json:"offers"`
}

// Facet is a value of a facet with the number of matching opportunities
// having it.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Sort orders.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortPrice     = "price"
	SortDuration  = "duration"
	SortDeadline  = "deadline"
)

// listFields are the filters that compare values (case-insensitively) with a
// list the opportunity carries; they are also the facets.
var listFields = map[string]func(o *Opportunity) []string{
	"kind":            func(o *Opportunity) []string { return one(o.Kind) },
	"domain":          func(o *Opportunity) []string { return one(o.Domain) },
	"bpp":             func(o *Opportunity) []string { return one(o.BppID) },
	"provider":        func(o *Opportunity) []string { return one(o.ProviderName) },
	"provider_id":     func(o *Opportunity) []string { return one(o.ProviderID) },
	"creator":         func(o *Opportunity) []string { return one(o.Creator) },
	"language":        func(o *Opportunity) []string { return o.Languages },
	"level":           func(o *Opportunity) []string { return one(o.Level) },
	"mode":            func(o *Opportunity) []string { return o.Modes },
	"city":            func(o *Opportunity) []string { return o.Cities },
	"state":           func(o *Opportunity) []string { return one(o.State) },
	"country":         func(o *Opportunity) []string { return one(o.Country) },
	"category":        func(o *Opportunity) []string { return o.Categories },
	"skill":           func(o *Opportunity) []string { return o.Skills },
	"topic":           func(o *Opportunity) []string { return o.Topics },
	"cost":            func(o *Opportunity) []string { return one(o.Cost) },
	"employment_type": func(o *Opportunity) []string { return one(o.EmploymentType) },
	"industry":        func(o *Opportunity) []string { return one(o.Industry) },
	"job_role":        func(o *Opportunity) []string { return one(o.JobRole) },
	"mentor":          func(o *Opportunity) []string { return one(o.Mentor) },
	"grade":           func(o *Opportunity) []string { return one(o.Grade) },
}

// eligibilityFields describe who may apply: an opportunity that names no
// restriction is open to everyone, so it matches every value.
var eligibilityFields = map[string]func(o *Opportunity) []string{
	"gender":          func(o *Opportunity) []string { return o.Genders },
	"social_category": func(o *Opportunity) []string { return o.SocialCategories },
	"class_level":     func(o *Opportunity) []string { return o.ClassLevels },
}

// rangeFields take one value each.
var rangeFields = map[string]string{
	"price_min":      "number: lowest price",
	"price_max":      "number: highest price (unpriced items do not match)",
	"amount_min":     "number: smallest scholarship amount acceptable",
	"salary_min":     "number: smallest annual salary acceptable",
	"experience_max": "number of years the learner has: jobs asking more do not match",
	"income":         "number: the learner's annual household income: scholarships capped below it do not match",
	"age":            "number: the learner's age: courses for other ages do not match",
	"duration_min":   "ISO 8601 duration (PT10H)",
	"duration_max":   "ISO 8601 duration (PT10H)",
	"deadline_after": "RFC 3339 time or date: applications must still be open then",
	"start_after":    "RFC 3339 time or date",
	"start_before":   "RFC 3339 time or date",
	"open":           "true: only opportunities whose application window is open now",
	"eligibility":    "text found in an eligibility line",
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// FilterNames lists every filter a Query accepts (besides tag.<key>, which
// matches the values of one of Opportunity.Tags).
func FilterNames() []string {
	var out []string
	for k := range listFields {
		out = append(out, k)
	}
	for k := range eligibilityFields {
		out = append(out, k)
	}
	for k := range rangeFields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FacetNames lists the facets a Query may ask for.
func FacetNames() []string {
	var out []string
	for k := range listFields {
		out = append(out, k)
	}
	for k := range eligibilityFields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// defaultFacets are counted when a Query names none.
var defaultFacets = map[string][]string{
	"":              {"kind", "provider", "language", "mode", "city", "cost", "category"},
	KindCourse:      {"provider", "language", "level", "mode", "category", "cost", "topic"},
	KindJob:         {"provider", "city", "mode", "employment_type", "industry", "skill"},
	KindScholarship: {"provider", "gender", "social_category", "class_level", "state", "category"},
	KindMentorship:  {"provider", "language", "mentor", "topic", "cost", "category"},
}

// Validate reports the first thing wrong with q, in words a client can act
// on; Search and Discover call it.
func (q *Query) Validate() error {
	if err := q.validate(); err != nil {
		return err
	}
	return nil
}

// validate is Validate with the *ParamError type kept, so that callers
// holding one do not get a non-nil error interface for a nil pointer.
func (q *Query) validate() *ParamError {
	if q.Kind != "" && DomainOf(q.Kind) == "" {
		return &ParamError{"kind", fmt.Sprintf("kind %q is not one of course, job, scholarship, mentorship", q.Kind)}
	}
	switch q.Sort {
	case "", SortRelevance, SortNewest, SortPrice, SortDuration, SortDeadline:
	default:
		return &ParamError{"sort", fmt.Sprintf("sort %q is not one of relevance, newest, price, duration, deadline", q.Sort)}
	}
	if q.Offset < 0 {
		return &ParamError{"offset", fmt.Sprintf("offset %d is negative", q.Offset)}
	}
	if q.Limit < 0 || q.Limit > 100 {
		return &ParamError{"limit", fmt.Sprintf("limit %d is outside 0..100", q.Limit)}
	}
	for name, vals := range q.Filters {
		if strings.HasPrefix(name, "tag.") && len(name) > 4 {
			continue
		}
		if _, ok := listFields[name]; ok {
			continue
		}
		if _, ok := eligibilityFields[name]; ok {
			continue
		}
		desc, ok := rangeFields[name]
		if !ok {
			return &ParamError{name, fmt.Sprintf("filter %q is unknown; filters are %s and tag.<group>.<code>", name, strings.Join(FilterNames(), ", "))}
		}
		if len(vals) != 1 {
			return &ParamError{name, fmt.Sprintf("filter %s takes exactly one value (%s), got %d", name, desc, len(vals))}
		}
		if _, err := parseRange(name, vals[0]); err != nil {
			return &ParamError{name, fmt.Sprintf("filter %s=%q: %v (want %s)", name, vals[0], err, desc)}
		}
	}
	for _, f := range q.Facets {
		_, a := listFields[f]
		_, b := eligibilityFields[f]
		if !a && !b {
			return &ParamError{"facets", fmt.Sprintf("facet %q is unknown; facets are %s", f, strings.Join(FacetNames(), ", "))}
		}
	}
	return nil
}

// rangeValue is a parsed range filter.
type rangeValue struct {
	num float64
	dur time.Duration
	at  time.Time
	on  bool
	txt string
}

func parseRange(name, v string) (rangeValue, error) {
	v = strings.TrimSpace(v)
	switch name {
	case "duration_min", "duration_max":
		d, err := beckn.ParseDuration(v)
		return rangeValue{dur: d}, err
	case "deadline_after", "start_after", "start_before":
		t := parseTime(v)
		if t.IsZero() {
			return rangeValue{}, fmt.Errorf("not a time")
		}
		return rangeValue{at: t}, nil
	case "open":
		b, err := strconv.ParseBool(v)
		return rangeValue{on: b}, err
	case "eligibility":
		if v == "" {
			return rangeValue{}, fmt.Errorf("empty")
		}
		return rangeValue{txt: strings.ToLower(v)}, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return rangeValue{}, fmt.Errorf("not a number")
	}
	return rangeValue{num: f}, nil
}

func containsFold(list []string, want []string) bool {
	for _, v := range list {
		for _, w := range want {
			if strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(w)) {
				return true
			}
		}
	}
	return false
}

// Matches reports whether o satisfies the query's kind, text and every
// filter. A query that does not Validate matches nothing.
func (q Query) Matches(o *Opportunity) bool {
	if q.Validate() != nil {
		return false
	}
	return q.matchFilters(o, q.now()) && q.matchText(o, queryTerms(q.Text))
}

func (q Query) now() time.Time {
	if q.Now.IsZero() {
		return time.Now()
	}
	return q.Now
}

// matchText reports whether every term is a prefix of a token of o.
func (q Query) matchText(o *Opportunity, terms []string) bool {
	if len(terms) == 0 {
		return true
	}
	doc := strings.Fields(searchText(o))
	for _, t := range terms {
		if !slices.ContainsFunc(doc, func(d string) bool { return strings.HasPrefix(d, t) }) {
			return false
		}
	}
	return true
}

// matchFilters applies kind and filters (not text): the database has
// already matched the text when the cache is searched.
func (q Query) matchFilters(o *Opportunity, now time.Time) bool {
	if q.Kind != "" && o.Kind != q.Kind {
		return false
	}
	for name, vals := range q.Filters {
		if len(vals) == 0 {
			continue
		}
		if f, ok := listFields[name]; ok {
			if !containsFold(f(o), vals) && !(name == "language" && containsFold(f(o), langCodes(vals))) {
				return false
			}
			continue
		}
		if f, ok := eligibilityFields[name]; ok {
			if l := f(o); len(l) > 0 && !containsFold(l, vals) && !containsFold(l, []string{"all", "any"}) {
				return false
			}
			continue
		}
		if strings.HasPrefix(name, "tag.") {
			if !containsFold(o.Tags[name[4:]], vals) {
				return false
			}
			continue
		}
		r, err := parseRange(name, vals[0])
		if err != nil {
			return false
		}
		if !matchRange(name, r, o, now) {
			return false
		}
	}
	return true
}

func langCodes(vals []string) []string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		out = append(out, normLanguage(v))
	}
	return out
}

func matchRange(name string, r rangeValue, o *Opportunity, now time.Time) bool {
	num := func(s string) (float64, bool) {
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && s != ""
	}
	switch name {
	case "price_min":
		n, ok := o.Price.Number()
		return ok && n >= r.num
	case "price_max":
		n, ok := o.Price.Number()
		return ok && n <= r.num
	case "amount_min":
		n, ok := o.Amount.Upper()
		return ok && n >= r.num
	case "salary_min":
		n, ok := o.Salary.Upper()
		return ok && n >= r.num
	case "experience_max":
		n, ok := num(numberIn(o.Experience))
		return !ok || n <= r.num
	case "income":
		n, ok := num(o.MaxIncome)
		return !ok || r.num <= n
	case "age":
		return (o.MinAge == 0 || float64(o.MinAge) <= r.num) && (o.MaxAge == 0 || r.num <= float64(o.MaxAge))
	case "duration_min":
		return o.Duration > 0 && o.Duration >= r.dur
	case "duration_max":
		return o.Duration > 0 && o.Duration <= r.dur
	case "deadline_after":
		return o.ApplyEnd.IsZero() || !o.ApplyEnd.Before(r.at)
	case "start_after":
		return !o.Start.IsZero() && !o.Start.Before(r.at)
	case "start_before":
		return !o.Start.IsZero() && o.Start.Before(r.at)
	case "open":
		isOpen := (o.ApplyStart.IsZero() || !now.Before(o.ApplyStart)) && (o.ApplyEnd.IsZero() || now.Before(o.ApplyEnd))
		return isOpen == r.on
	case "eligibility":
		for _, e := range o.Eligibility {
			if strings.Contains(strings.ToLower(e), r.txt) {
				return true
			}
		}
		return false
	}
	return false
}

// needsRest reports whether q filters on what only the rest record holds:
// eligibility lines and tags.
func (q Query) needsRest() bool {
	for name, vals := range q.Filters {
		if len(vals) > 0 && (name == "eligibility" || strings.HasPrefix(name, "tag.")) {
			return true
		}
	}
	return false
}

// facetNames returns the facets to count for q.
func (q Query) facetNames() []string {
	if q.Facets != nil {
		return q.Facets
	}
	return defaultFacets[q.Kind]
}

func facetValues(name string, o *Opportunity) []string {
	if f, ok := listFields[name]; ok {
		return f(o)
	}
	if f, ok := eligibilityFields[name]; ok {
		return f(o)
	}
	return nil
}

// Intent turns the filters a provider can act on into a Beckn search intent,
// the places ONEST's guides put them: text in item.descriptor.name, the
// provider in provider.descriptor.name, category, locations on the
// provider, the learner's gender, skills and age on
// fulfillment.customer.person, and employment type, industry, level,
// language, social category and class as item tags. Providers may ignore
// any of it; live answers are filtered again with Matches.
func (q Query) Intent() *beckn.Intent {
	in := &beckn.Intent{}
	item := &beckn.Item{}
	f := func(name string) string {
		if v := q.Filters[name]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		item.Descriptor = &beckn.Descriptor{Name: t}
	}
	if v := f("provider"); v != "" {
		in.Provider = &beckn.Provider{Descriptor: &beckn.Descriptor{Name: v}}
	}
	if v := f("provider_id"); v != "" {
		if in.Provider == nil {
			in.Provider = &beckn.Provider{}
		}
		in.Provider.ID = v
	}
	if v := f("category"); v != "" {
		in.Category = &beckn.Category{Descriptor: &beckn.Descriptor{Name: v}}
	}
	var locs []beckn.Location
	for _, c := range q.Filters["city"] {
		locs = append(locs, beckn.Location{City: &beckn.City{Name: c}})
	}
	if v := f("state"); v != "" && len(locs) == 0 {
		locs = append(locs, beckn.Location{State: &beckn.State{Name: v}})
	}
	if len(locs) > 0 {
		if in.Provider == nil {
			in.Provider = &beckn.Provider{}
		}
		in.Provider.Locations = locs
	}
	person := &beckn.Person{}
	if v := f("gender"); v != "" {
		person.Gender = v
	}
	if v := f("age"); v != "" {
		person.Age = beckn.LenientString(v)
	}
	for _, s := range q.Filters["skill"] {
		person.Skills = append(person.Skills, beckn.Skill{Name: s})
	}
	if v := f("experience_max"); v != "" {
		person.Tags = beckn.TagGroups{tagGroup("emp-details", "total-experience", v)}
	}
	if person.Gender != "" || person.Age != "" || len(person.Skills) > 0 || len(person.Tags) > 0 {
		in.Fulfillment = &beckn.Fulfillment{Customer: &beckn.Customer{Person: person}}
	}
	if v := f("mode"); v != "" {
		if in.Fulfillment == nil {
			in.Fulfillment = &beckn.Fulfillment{}
		}
		in.Fulfillment.Type = v
	}
	for _, t := range []struct{ filter, group, code string }{
		{"level", "content-metadata", "learner-level"},
		{"language", "content-metadata", "lang-code"},
		{"employment_type", "listing-details", "employment-type"},
		{"industry", "listing-details", "industry-type"},
		{"social_category", "background-eligibility", "social-eligibility"},
		{"class_level", "academic-eligibility", "course-name"},
	} {
		for _, v := range q.Filters[t.filter] {
			if t.filter == "language" {
				if c := normLanguage(v); c != "" {
					v = c
				}
			}
			item.Tags = append(item.Tags, tagGroup(t.group, t.code, v))
		}
	}
	if item.Descriptor != nil || len(item.Tags) > 0 {
		in.Item = item
	}
	return in
}

func tagGroup(group, code, value string) beckn.TagGroup {
	return beckn.TagGroup{Descriptor: &beckn.Descriptor{Code: group},
		List: []beckn.Tag{{Descriptor: &beckn.Descriptor{Code: code}, Value: beckn.LenientString(value)}}}
}

// QueryFromIntent reads back what a Beckn search intent asks for, so that a
// search sent through the protocol API (POST /v1/search) can be answered
// from the cache at once. It reads the places Intent writes and the
// variants of the ONEST guides (descriptor.name as free text, category and
// provider codes, provider locations).
func QueryFromIntent(domain string, in *beckn.Intent) Query {
	q := Query{Kind: KindOf(domain), Filters: map[string][]string{}}
	if in == nil {
		return q
	}
	add := func(name, v string) {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(q.Filters[name], v) {
			q.Filters[name] = append(q.Filters[name], v)
		}
	}
	var text []string
	if in.Item != nil && in.Item.Descriptor != nil {
		text = append(text, in.Item.Descriptor.Name)
	}
	if in.Descriptor != nil {
		text = append(text, in.Descriptor.Name)
	}
	q.Text = strings.TrimSpace(strings.Join(text, " "))
	if p := in.Provider; p != nil {
		if p.Descriptor != nil {
			add("provider", p.Descriptor.Name)
		}
		add("provider_id", p.ID)
		for _, l := range p.Locations {
			if l.City != nil {
				add("city", l.City.Name)
			}
			if l.State != nil && l.City == nil {
				add("state", l.State.Name)
			}
		}
		for _, c := range p.Categories {
			if c.Descriptor != nil {
				add("category", firstNonEmpty(c.Descriptor.Name, c.Descriptor.Code))
			}
		}
	}
	if c := in.Category; c != nil && c.Descriptor != nil {
		add("category", firstNonEmpty(c.Descriptor.Name, c.Descriptor.Code))
	}
	if f := in.Fulfillment; f != nil {
		if m := normMode(f.Type); m != "" {
			add("mode", m)
		}
		if f.Customer != nil && f.Customer.Person != nil {
			p := f.Customer.Person
			add("gender", p.Gender)
			if _, err := strconv.Atoi(strings.TrimSpace(string(p.Age))); err == nil {
				add("age", string(p.Age))
			}
			for _, s := range p.Skills {
				add("skill", firstNonEmpty(s.Name, s.Code))
			}
		}
	}
	if in.Item != nil {
		for _, t := range []struct{ group, code, filter string }{
			{"content-metadata", "learner-level", "level"},
			{"content-metadata", "lang-code", "language"},
			{"listing-details", "employment-type", "employment_type"},
			{"listing-details", "industry-type", "industry"},
			{"background-eligibility", "social-eligibility", "social_category"},
			{"academic-eligibility", "course-name", "class_level"},
		} {
			for _, v := range in.Item.Tags.Values(t.group, t.code) {
				add(t.filter, v)
			}
		}
	}
	if len(q.Filters) == 0 {
		q.Filters = nil
	}
	return q
}

// broad reports whether q asks for everything of its kind: only such a
// search returns a provider's whole catalog, so only its answers can tell
// that an item disappeared.
func (q Query) broad() bool { return strings.TrimSpace(q.Text) == "" && len(q.Filters) == 0 }
