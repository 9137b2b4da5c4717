package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/onest-seeker/seeker/beckn"
)

// ErrNotCatalog is wrapped by FromOnSearch errors about bodies that are not
// an ONEST on_search at all (another action, an unknown domain, no BPP id),
// as opposed to catalogs with sloppy content, which are mapped leniently.
var ErrNotCatalog = errors.New("not an ONEST on_search catalog")

// FromOnSearch maps an on_search body to Opportunities: one per item, with
// its provider's name, locations, categories and fulfillments resolved. It
// is pure (no I/O, no clock: fetched is when the body arrived) so that the
// indexer, the live search and tests share it.
//
// Input is read leniently, as Seeker reads every callback (package beckn):
// legacy domain codes, 0.9 and upper-case context keys, numbers for strings,
// bare image URLs, tag groups without codes, bare tags, the "fullfillments"
// typo, free-text prices. A callback that carries an error and no catalog
// maps to no opportunities and no error. Errors are returned only for what
// cannot be a catalog: malformed JSON, another action, a domain that is not
// ONEST, no bpp_id.
func FromOnSearch(body []byte, fetched time.Time) ([]Opportunity, error) {
	env, err := beckn.Decode(body)
	if err != nil {
		return nil, fmt.Errorf("catalog: reading on_search: %w", err)
	}
	c := env.Context
	if a := strings.TrimSpace(c.Action); a != "" && a != beckn.ActionOnSearch {
		return nil, fmt.Errorf("catalog: context.action is %q, want on_search: %w", a, ErrNotCatalog)
	}
	domain, known := c.NormalizedDomain()
	kind := kindOfDomain[domain]
	if !known || kind == "" {
		return nil, fmt.Errorf("catalog: context.domain %q is not one of the ONEST domains (%s): %w", c.Domain, strings.Join(beckn.Domains(), ", "), ErrNotCatalog)
	}
	bpp := c.BPPID()
	if bpp == "" {
		return nil, fmt.Errorf("catalog: context.bpp_id is missing, so the items cannot be attributed to a provider platform: %w", ErrNotCatalog)
	}
	var msg beckn.CatalogMessage
	if err := env.DecodeMessage(&msg); err != nil {
		return nil, fmt.Errorf("catalog: reading message.catalog: %w", err)
	}
	cat := msg.Catalog
	if cat == nil {
		return nil, nil
	}
	m := mapper{kind: kind, domain: domain, bpp: bpp, bppURI: c.BPPURI(), fetched: fetched.UTC()}
	m.catalogExpires = minTime(parseTime(cat.Exp), ttlExpiry(string(cat.TTL), m.fetched))
	var out []Opportunity
	for i := range cat.Providers {
		p := &cat.Providers[i]
		if len(p.Items) == 0 {
			continue
		}
		mp, err := m.provider(p, cat)
		if err != nil {
			return nil, err
		}
		for j := range p.Items {
			if o, ok := mp.item(&p.Items[j]); ok {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

type mapper struct {
	kind, domain, bpp, bppURI string
	fetched                   time.Time
	catalogExpires            time.Time
}

// providerMapper holds what every item of one provider shares.
type providerMapper struct {
	*mapper
	p            *beckn.Provider
	name         string
	fulfillments map[string]*beckn.Fulfillment
	fulfillList  []*beckn.Fulfillment
	locations    map[string]*beckn.Location
	categories   map[string]string
	expires      time.Time
	noCache      bool
	rawProvider  []byte
	images       []string
}

func (m *mapper) provider(p *beckn.Provider, cat *beckn.Catalog) (*providerMapper, error) {
	pm := &providerMapper{mapper: m, p: p, fulfillments: map[string]*beckn.Fulfillment{},
		locations: map[string]*beckn.Location{}, categories: map[string]string{}}
	pm.name = strings.TrimSpace(descName(p.Descriptor))
	if pm.name == "" {
		pm.name = p.ID
	}
	if p.Descriptor != nil {
		pm.images = imageURLs(p.Descriptor.Images)
	}
	add := func(fs []beckn.Fulfillment) {
		for i := range fs {
			f := &fs[i]
			pm.fulfillList = append(pm.fulfillList, f)
			if _, dup := pm.fulfillments[f.ID]; !dup {
				pm.fulfillments[f.ID] = f
			}
		}
	}
	add(p.Fulfillments)
	add(misspeltFulfillments(p.Unknown))
	add(cat.Fulfillments)
	add(misspeltFulfillments(cat.Unknown))
	for i := range p.Locations {
		pm.locations[p.Locations[i].ID] = &p.Locations[i]
	}
	for _, c := range p.Categories {
		name := strings.TrimSpace(descName(c.Descriptor))
		if name == "" && c.Descriptor != nil {
			name = c.Descriptor.Code
		}
		if name == "" {
			name = c.ID
		}
		pm.categories[c.ID] = name
		if c.Descriptor != nil && c.Descriptor.Code != "" {
			pm.categories[c.Descriptor.Code] = name
		}
	}
	// Provider.ttl is an integer of seconds in core; -1 asks not to cache.
	if ttl, err := p.TTL.Int64(); err == nil && p.TTL != "" {
		switch {
		case ttl < 0:
			pm.noCache = true
		case ttl > 0:
			pm.expires = m.fetched.Add(time.Duration(ttl) * time.Second)
		}
	}
	pm.expires = minTime(minTime(pm.expires, parseTime(p.Exp)), m.catalogExpires)
	shell := *p
	shell.Items = nil
	raw, err := beckn.Marshal(&shell)
	if err != nil {
		return nil, fmt.Errorf("catalog: encoding provider %q: %w", p.ID, err)
	}
	pm.rawProvider = raw
	return pm, nil
}

// misspeltFulfillments reads "fullfillments" (a typo real providers send for
// fulfillments) from an object's unknown members.
func misspeltFulfillments(unknown []byte) []beckn.Fulfillment {
	if len(unknown) == 0 || !bytes.Contains(unknown, []byte(`"fullfillments"`)) {
		return nil
	}
	var v struct {
		F []beckn.Fulfillment `json:"fullfillments"`
	}
	if err := beckn.Unmarshal(unknown, &v); err != nil {
		return nil
	}
	return v.F
}

// fulfillmentExtras are members of a fulfillment that core 1.1.0 does not
// have but DSEP mentoring catalogs send: the session's time and languages.
type fulfillmentExtras struct {
	Time     *beckn.Time `json:"time"`
	Language []string    `json:"language"`
}

// legacyFulfillment reads fulfillmentExtras from a fulfillment's unknown
// members, or nil when there are none (or they are unreadable).
func legacyFulfillment(unknown []byte) *fulfillmentExtras {
	if len(unknown) == 0 || (!bytes.Contains(unknown, []byte(`"time"`)) && !bytes.Contains(unknown, []byte(`"language"`))) {
		return nil
	}
	var v fulfillmentExtras
	if err := beckn.Unmarshal(unknown, &v); err != nil {
		return nil
	}
	return &v
}

func descName(d *beckn.Descriptor) string {
	if d == nil {
		return ""
	}
	return d.Name
}

func imageURLs(ims []beckn.Image) []string {
	var out []string
	for _, im := range ims {
		if u := strings.TrimSpace(im.URL); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// tagIndex is an item's tags read once: every value by "group.code", by code
// alone, and by group alone (groups such as DSEP's soc-elg list bare values).
type tagIndex struct {
	full   map[string][]string
	byCode map[string][]string
	byGrp  map[string][]string
	elig   []string
}

func eligibilityGroup(g string) bool {
	g = strings.ToLower(g)
	return strings.Contains(g, "elig") || strings.Contains(g, "elg") || strings.Contains(g, "qualification") ||
		g == "work experience" || g == "edu_qual" || g == "gender" || g == "age"
}

func (ti *tagIndex) addGroups(gs beckn.TagGroups) {
	for i := range gs {
		g := &gs[i]
		gkey := strings.TrimSpace(g.Code())
		if gkey == "" {
			gkey = strings.TrimSpace(g.Name())
		}
		for j := range g.List {
			t := &g.List[j]
			code := strings.TrimSpace(t.Code())
			name := strings.TrimSpace(t.Name())
			val := strings.TrimSpace(string(t.Value))
			if val == "" {
				// DSEP mentoring catalogs put the content in the tag's
				// name ({code: "qualification", name: "M.Tech ..."}).
				val = name
				if val == code {
					continue
				}
			}
			if val == "" {
				continue
			}
			if code == "" {
				code = name
			}
			key := gkey
			switch {
			case gkey == "":
				key = code
			case code != "":
				key = gkey + "." + code
			}
			ti.full[key] = append(ti.full[key], val)
			if code != "" {
				lc := strings.ToLower(code)
				ti.byCode[lc] = append(ti.byCode[lc], val)
			}
			if gkey != "" {
				lg := strings.ToLower(gkey)
				ti.byGrp[lg] = append(ti.byGrp[lg], val)
			}
			if eligibilityGroup(gkey) {
				label := name
				if label == "" || label == val {
					label = code
				}
				if label == "" || label == val {
					label = g.Name()
				}
				line := val
				if label != "" && label != val {
					line = label + ": " + val
				}
				ti.elig = append(ti.elig, line)
			}
		}
	}
}

// codes returns the values of every tag whose code is one of cs.
func (ti *tagIndex) codes(cs ...string) []string {
	var out []string
	for _, c := range cs {
		out = append(out, ti.byCode[c]...)
	}
	return out
}

func (ti *tagIndex) first(cs ...string) string {
	if v := ti.codes(cs...); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (ti *tagIndex) groups(gs ...string) []string {
	var out []string
	for _, g := range gs {
		out = append(out, ti.byGrp[g]...)
	}
	return out
}

func (pm *providerMapper) item(it *beckn.Item) (Opportunity, bool) {
	d := it.Descriptor
	if d == nil {
		d = &beckn.Descriptor{}
	}
	o := Opportunity{
		Kind: pm.kind, Domain: pm.domain, BppID: pm.bpp, BppURI: pm.bppURI,
		ProviderID: strings.TrimSpace(pm.p.ID), ProviderName: pm.name, ItemID: strings.TrimSpace(it.ID),
		Title:     strings.TrimSpace(d.Name),
		ShortDesc: strings.TrimSpace(d.ShortDesc), LongDesc: strings.TrimSpace(d.LongDesc),
		Images:    imageURLs(d.Images),
		Rating:    ratingText(string(it.Rating)),
		FetchedAt: pm.fetched, NoCache: pm.noCache,
	}
	if o.ItemID == "" && o.Title == "" {
		return o, false // nothing to show or to select
	}
	if o.ItemID == "" {
		o.ItemID = o.Title
	}
	if o.Title == "" {
		o.Title = firstNonEmpty(d.Code, o.ItemID)
	}
	if len(o.Images) == 0 {
		o.Images = pm.images
	}
	o.ID = opportunityID(o.BppID, o.ProviderID, o.ItemID)
	if it.Creator != nil {
		o.Creator = strings.TrimSpace(descName(it.Creator.Descriptor))
	}

	ti := &tagIndex{full: map[string][]string{}, byCode: map[string][]string{}, byGrp: map[string][]string{}}
	ti.addGroups(it.Tags)

	// Fulfillments: modes, mentors, session slots and their tags.
	var fs []*beckn.Fulfillment
	for _, id := range it.FulfillmentIDs {
		if f, ok := pm.fulfillments[id]; ok {
			fs = append(fs, f)
		}
	}
	if len(it.FulfillmentIDs) == 0 && len(pm.fulfillList) == 1 {
		fs = pm.fulfillList
	}
	var slotTags tagIndex
	slotTags = tagIndex{full: map[string][]string{}, byCode: map[string][]string{}, byGrp: map[string][]string{}}
	var langs []string
	for _, f := range fs {
		if m := normMode(f.Type); m != "" && !slices.Contains(o.Modes, m) {
			o.Modes = append(o.Modes, m)
		}
		slotTags.addGroups(f.Tags)
		if f.Agent != nil && f.Agent.Person != nil {
			if o.Mentor == "" && pm.kind == KindMentorship {
				o.Mentor = strings.TrimSpace(f.Agent.Person.Name)
			}
			for _, l := range f.Agent.Person.Languages {
				langs = append(langs, firstNonEmpty(l.Code, l.Name))
			}
		}
		pm.fulfillmentTimes(&o, f)
		if legacy := legacyFulfillment(f.Unknown); legacy != nil {
			langs = append(langs, legacy.Language...)
			if legacy.Time != nil {
				pm.fulfillmentTimes(&o, &beckn.Fulfillment{Stops: []beckn.Stop{{Time: legacy.Time}}})
			}
		}
	}
	if len(o.Modes) > 0 {
		o.Mode = o.Modes[0]
	}

	// Languages: the item's own first, then the session's, then the mentor's.
	for _, l := range append(append(ti.codes("lang-code", "language", "lang", "languages"), slotTags.codes("lang-code", "language")...), langs...) {
		for _, part := range strings.Split(l, ",") {
			if c := normLanguage(part); c != "" && !slices.Contains(o.Languages, c) {
				o.Languages = append(o.Languages, c)
			}
		}
	}
	o.Level = titleCase(ti.first("learner-level", "level"))
	durText := firstNonEmpty(ti.first("course-duration", "session-duration", "duration"))
	if it.Time != nil && durText == "" {
		durText = it.Time.Duration
	}
	if dur, err := beckn.ParseDuration(durText); err == nil {
		o.Duration = dur
	}

	// Locations: the item's, else every location of its provider.
	locs := it.LocationIDs
	if len(locs) == 0 {
		for _, l := range pm.p.Locations {
			locs = append(locs, l.ID)
		}
	}
	for _, id := range locs {
		l, ok := pm.locations[id]
		if !ok {
			continue
		}
		if l.City != nil {
			if c := strings.TrimSpace(firstNonEmpty(l.City.Name, l.City.Code)); c != "" && !slices.Contains(o.Cities, c) {
				o.Cities = append(o.Cities, c)
			}
		}
		if o.State == "" && l.State != nil {
			o.State = strings.TrimSpace(firstNonEmpty(l.State.Name, l.State.Code))
		}
		if o.Country == "" && l.Country != nil {
			o.Country = strings.TrimSpace(firstNonEmpty(l.Country.Name, l.Country.Code))
		}
	}
	if len(o.Cities) > 0 {
		o.City = o.Cities[0]
	}

	for _, id := range it.CategoryIDs {
		name := pm.categories[id]
		if name == "" {
			name = strings.TrimSpace(id)
		}
		if name != "" && !slices.Contains(o.Categories, name) {
			o.Categories = append(o.Categories, name)
		}
	}
	if len(o.Categories) > 0 {
		o.Category = o.Categories[0]
	}

	// Item time: the application window for jobs and scholarships (and a
	// course's "enrolment window"), otherwise the schedule.
	if it.Time != nil && it.Time.Range != nil {
		s, e := parseTime(it.Time.Range.Start), parseTime(it.Time.Range.End)
		label := strings.ToLower(it.Time.Label)
		if pm.kind == KindJob || pm.kind == KindScholarship || strings.Contains(label, "appl") ||
			strings.Contains(label, "enrol") || strings.Contains(label, "regist") {
			o.ApplyStart, o.ApplyEnd = s, e
		} else {
			o.Start, o.End = s, e
		}
	}
	if it.Time != nil && it.Time.Timestamp != "" && o.Start.IsZero() {
		o.Start = parseTime(it.Time.Timestamp)
	}
	if o.ApplyEnd.IsZero() {
		o.ApplyEnd = parseTime(ti.first("deadline", "last-date", "application-deadline"))
	}
	o.Deadline = o.ApplyEnd

	// Money.
	money := priceMoney(it.Price)
	if pm.kind == KindScholarship {
		o.Amount = money
		if o.Amount == nil {
			if v := ti.first("scholarship-amount", "amount"); v != "" {
				o.Amount = textMoney(v, "")
			}
		}
	} else {
		o.Price = money
		if n, ok := money.Number(); ok {
			hi, _ := money.Upper()
			if n == 0 && hi == 0 {
				o.Cost = "free"
			} else {
				o.Cost = "paid"
			}
		}
	}

	// Domain facts from the ONEST tags and the variants real providers send.
	o.Eligibility = append(o.Eligibility, ti.elig...)
	for _, pre := range ti.codes("prerequisite") {
		o.Eligibility = append(o.Eligibility, "Prerequisite: "+pre)
	}
	o.Skills = uniq(splitList(ti.codes("req-prof-skill", "req-skills", "skill", "skills", "competency", "func_skills")))
	o.Topics = uniq(splitList(ti.codes("topic", "topics", "themes", "domain", "specialist_in", "subject")))
	o.EmploymentType = strings.ToLower(ti.first("employment-type", "emp-type", "emp-duration-type"))
	o.Industry = ti.first("industry-type", "industry")
	o.JobRole = ti.first("job-role", "role")
	o.Experience = ti.first("req-experience", "experience", "total-experience")
	if gmin, gmax := ti.first("gross-min", "salary-min", "min-salary"), ti.first("gross-max", "salary-max", "max-salary"); gmin != "" || gmax != "" {
		o.Salary = &Money{Min: numberIn(gmin), Max: numberIn(gmax)}
		if o.Salary.Min == "" && o.Salary.Max == "" {
			o.Salary = nil
		}
	}
	if it.Quantity != nil && it.Quantity.Available != nil {
		o.Openings = it.Quantity.Available.Count.Int(0)
	}
	for _, g := range append(ti.codes("gender-eligibility", "gender"), ti.groups("gen-elg")...) {
		for _, part := range strings.Split(g, ",") {
			if v := titleCase(part); v != "" && !slices.Contains(o.Genders, v) {
				o.Genders = append(o.Genders, v)
			}
		}
	}
	o.SocialCategories = uniq(splitList(append(ti.codes("social-eligibility", "social-category", "caste"), ti.groups("soc-elg")...)))
	for _, v := range append(ti.codes("ann-hh-inc", "annual-income", "family-income", "max-income"), ti.groups("fin-elg")...) {
		if n := numberIn(v); n != "" {
			o.MaxIncome = n
			break
		}
	}
	o.ClassLevels = uniq(ti.codes("course-name", "class", "course-level", "edu_qual", "grade"))
	o.Grade = ti.first("grade", "class-level")
	o.MinAge = atoi(ti.first("min-age", "minage"))
	o.MaxAge = atoi(ti.first("max-age", "maxage"))
	if pm.kind == KindMentorship && o.Mentor == "" {
		o.Mentor = o.Creator
	}
	if len(ti.full) > 0 {
		o.Tags = ti.full
	}
	o.GroupKey = groupKey(o.Kind, o.Title)

	// Expiry: the item's own ttl, the provider's, the catalog's.
	o.Expires = minTime(ttlExpiry(string(it.TTL), pm.fetched), pm.expires)

	itemRaw, err := beckn.Marshal(it)
	if err == nil {
		raw := make([]byte, 0, len(pm.rawProvider)+len(itemRaw)+22)
		raw = append(raw, `{"provider":`...)
		raw = append(raw, pm.rawProvider...)
		raw = append(raw, `,"item":`...)
		raw = append(raw, itemRaw...)
		o.Raw = append(raw, '}')
	}
	return o, true
}

// fulfillmentTimes reads the times a fulfillment carries: a mentoring
// slot's stops[].time.range (the next slot becomes Start..End) and the DSEP
// 0.6 APPLICATION-START / APPLICATION-END stops of scholarships.
func (pm *providerMapper) fulfillmentTimes(o *Opportunity, f *beckn.Fulfillment) {
	for _, s := range f.Stops {
		if s.Time == nil {
			continue
		}
		switch strings.ToUpper(s.Type) {
		case "APPLICATION-START":
			o.ApplyStart = parseTime(s.Time.Timestamp)
			continue
		case "APPLICATION-END":
			o.ApplyEnd = parseTime(s.Time.Timestamp)
			continue
		}
		var start, end time.Time
		if s.Time.Range != nil {
			start, end = parseTime(s.Time.Range.Start), parseTime(s.Time.Range.End)
		} else {
			start = parseTime(s.Time.Timestamp)
		}
		if start.IsZero() {
			continue
		}
		// The next slot from when the catalog was fetched, else the latest.
		better := o.Start.IsZero() ||
			(!start.Before(pm.fetched) && (o.Start.Before(pm.fetched) || start.Before(o.Start))) ||
			(start.Before(pm.fetched) && o.Start.Before(pm.fetched) && start.After(o.Start))
		if better {
			o.Start, o.End = start, end
		}
	}
}

// priceMoney maps a Beckn price. A value that is not a decimal is kept as
// Text and the first number in it becomes Value.
func priceMoney(pr *beckn.Price) *Money {
	if pr == nil {
		return nil
	}
	m := &Money{Currency: strings.TrimSpace(pr.Currency)}
	for _, v := range []struct {
		src beckn.Decimal
		dst *string
	}{{pr.Value, &m.Value}, {pr.MinimumValue, &m.Min}, {pr.MaximumValue, &m.Max}} {
		s := strings.TrimSpace(string(v.src))
		if s == "" {
			continue
		}
		if beckn.Decimal(s).Valid() {
			*v.dst = strings.TrimPrefix(s, "+")
			continue
		}
		if m.Text == "" {
			m.Text = s
		}
		*v.dst = numberIn(s)
	}
	if m.Value == "" && m.Min == "" && m.Max == "" && m.Text == "" {
		return nil
	}
	return m
}

func textMoney(s, currency string) *Money {
	m := &Money{Currency: currency, Value: numberIn(s)}
	if !beckn.Decimal(s).Valid() {
		m.Text = s
	}
	return m
}

// numberIn returns the first number in free text with Indian or Western
// digit grouping removed ("Up to ₹1,00,000 per year" → "100000",
// "Max Family Income - Rs.500000.00" → "500000.00"), or "".
func numberIn(s string) string {
	s = strings.TrimSpace(s)
	if beckn.Decimal(s).Valid() {
		return strings.TrimPrefix(s, "+")
	}
	start := -1
	var b strings.Builder
	for i, r := range s {
		isDigit := r >= '0' && r <= '9'
		switch {
		case isDigit:
			if start < 0 {
				start = i
			}
			b.WriteRune(r)
		case start >= 0 && r == ',' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
		case start >= 0 && r == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' && !strings.Contains(b.String(), "."):
			b.WriteRune(r)
		case start >= 0:
			return b.String()
		}
	}
	return b.String()
}

func ratingText(s string) string {
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseFloat(s, 64); err != nil || strings.EqualFold(s, "nan") {
		return "" // Kahani sends "NaN"
	}
	return s
}

// parseTime reads an RFC 3339 timestamp (surrounding spaces tolerated, as
// in real logs), a timestamp without zone (UTC assumed) or a date; anything
// else is the zero time.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// ttlExpiry reads a catalog or item ttl: seconds (core writes "3600", some
// BPPs a number) or an ISO 8601 duration. -1, zero, unreadable: no expiry.
func ttlExpiry(ttl string, from time.Time) time.Time {
	ttl = strings.TrimSpace(ttl)
	if ttl == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(ttl, 10, 64); err == nil {
		if n <= 0 || n > 10*365*24*3600 {
			return time.Time{}
		}
		return from.Add(time.Duration(n) * time.Second)
	}
	if d, err := beckn.ParseDuration(ttl); err == nil && d > 0 {
		return from.Add(d)
	}
	return time.Time{}
}

// minTime is the earlier of two times, a zero time meaning "no limit".
func minTime(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	case b.Before(a):
		return b
	}
	return a
}

var modes = map[string]string{
	"ONLINE": "ONLINE", "VIRTUAL": "ONLINE", "VIRTUAL-MEET": "ONLINE", "DIGITAL": "ONLINE",
	"IN-PERSON": "IN-PERSON", "INPERSON": "IN-PERSON", "OFFLINE": "IN-PERSON", "PHYSICAL-MEET": "IN-PERSON", "CLASSROOM": "IN-PERSON",
	"HYBRID": "HYBRID", "BLENDED": "HYBRID",
	"REMOTE": "REMOTE", "WORK-FROM-HOME": "REMOTE", "WFH": "REMOTE",
	"ONSITE": "ONSITE", "ON-SITE": "ONSITE", "OFFICE": "ONSITE",
}

// normMode maps a fulfillment type to a delivery mode, or "" when the type
// is not one (a scholarship's "SCHOLARSHIP" fulfillment).
func normMode(t string) string {
	t = strings.ToUpper(strings.TrimSpace(t))
	t = strings.NewReplacer(" ", "-", "_", "-").Replace(t)
	return modes[t]
}

var languageCodes = map[string]string{
	"english": "en", "hindi": "hi", "हिंदी": "hi", "हिन्दी": "hi", "bengali": "bn", "bangla": "bn", "tamil": "ta",
	"telugu": "te", "marathi": "mr", "gujarati": "gu", "kannada": "kn", "malayalam": "ml",
	"punjabi": "pa", "odia": "or", "oriya": "or", "assamese": "as", "urdu": "ur", "sanskrit": "sa",
}

// normLanguage maps a language code or name to a lower-case ISO 639-1 code
// ("en", "en-IN" → "en"; "Hindi" → "hi"), or "" when unrecognisable.
func normLanguage(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if c, ok := languageCodes[s]; ok {
		return c
	}
	if base, _, ok := strings.Cut(s, "-"); ok {
		s = base
	} else if base, _, ok := strings.Cut(s, "_"); ok {
		s = base
	}
	if len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' {
		return s
	}
	if len(s) == 3 && s == "eng" {
		return "en"
	}
	if len(s) == 3 && s == "hin" {
		return "hi"
	}
	return ""
}

// titleCase writes "BEGINNER", "beginner" as "Beginner".
func titleCase(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	r := []rune(strings.ToLower(s))
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

func uniq(vs []string) []string {
	var out []string
	for _, v := range vs {
		v = strings.TrimSpace(v)
		if v != "" && !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, v) }) {
			out = append(out, v)
		}
	}
	return out
}

func atoi(s string) int {
	n, err := strconv.Atoi(numberIn(s))
	if err != nil || strings.Contains(numberIn(s), ".") {
		return 0
	}
	return n
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
