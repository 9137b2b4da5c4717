package bpp

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/onest-seeker/seeker/beckn"
)

// criteria is what a search intent asks for, gathered from every place real
// BAPs put it (core Intent members, the ONEST sandbox's non-core
// intent.location, 0.9-style item.location_id / fulfillment_id). Every
// non-empty criterion must hold for an item to match (AND); lists inside one
// criterion are alternatives (OR). No criteria at all matches everything.
type criteria struct {
	Text         []string // item descriptor name/code and intent descriptor name, as word prefixes
	ProviderID   string
	ProviderName []string
	Categories   []string // id, code or name of a category
	Places       []string // city/state names or codes
	Tags         []tagCriterion
	Gender       string
	Age          int
	Skills       []string
	Mentor       []string // words of fulfillment.agent.person.name
	FulType      string   // fulfillment type (ONLINE, REMOTE, ...)
	LocationID   string   // 0.9 item.location_id
	FulfillID    string   // 0.9 item.fulfillment_id
}

// tagCriterion is one tag of an intent tag group.
type tagCriterion struct {
	Group, Code, Value string
}

// empty reports whether the intent asked for nothing (browse all).
func (c *criteria) empty() bool {
	return len(c.Text) == 0 && c.ProviderID == "" && len(c.ProviderName) == 0 && len(c.Categories) == 0 &&
		len(c.Places) == 0 && len(c.Tags) == 0 && c.Gender == "" && c.Age == 0 && len(c.Skills) == 0 &&
		len(c.Mentor) == 0 && c.FulType == "" && c.LocationID == "" && c.FulfillID == ""
}

// stopwords are dropped from free-text queries: "Courses for teacher"
// means courses and teacher.
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "for": true, "of": true, "in": true, "and": true, "with": true,
	"to": true, "on": true, "at": true, "by": true, "or": true, "&": true,
}

// words splits s into lower-case words; letters, digits and combining marks
// (needed for Devanagari) belong to words, everything else separates them.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// queryTokens turns free text into the tokens that must all match: stop
// words dropped, a plural "s"/"es" trimmed so "courses" finds "course".
func queryTokens(s string) []string {
	var out []string
	for _, w := range words(s) {
		if stopwords[w] {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

func stem(w string) string {
	switch {
	case len(w) > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "xes")):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
}

// allTokensIn reports whether every token is a prefix of some word of text:
// a word match that also finds "developers" for "developer" and
// "management" for "man" (the Postman collection's expert search).
func allTokensIn(tokens []string, text string) bool {
	if len(tokens) == 0 {
		return true
	}
	return allTokensInWords(tokens, words(text))
}

func allTokensInWords(tokens, ws []string) bool {
	for _, t := range tokens {
		found := false
		for _, w := range ws {
			if strings.HasPrefix(w, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// criteriaFrom gathers the criteria of a decoded intent plus the non-core
// extras of the raw message (intent.location, message.location,
// item.location_id, item.fulfillment_id) that lenientIntent extracted.
func criteriaFrom(in *beckn.Intent, extra intentExtras) criteria {
	var c criteria
	if in == nil {
		in = &beckn.Intent{}
	}
	items := []*beckn.Item{}
	if in.Item != nil {
		items = append(items, in.Item)
	}
	for i := range in.ExtraItems {
		items = append(items, &in.ExtraItems[i])
	}
	for _, it := range items {
		if d := it.Descriptor; d != nil {
			c.Text = append(c.Text, queryTokens(d.Name)...)
			c.Text = append(c.Text, queryTokens(d.Code)...)
		}
		c.Tags = append(c.Tags, tagCriteria(it.Tags)...)
		c.Categories = append(c.Categories, it.CategoryIDs...)
	}
	if d := in.Descriptor; d != nil {
		c.Text = append(c.Text, queryTokens(d.Name)...)
	}
	c.Tags = append(c.Tags, tagCriteria(in.Tags)...)
	if p := in.Provider; p != nil {
		c.ProviderID = strings.TrimSpace(p.ID)
		if p.Descriptor != nil {
			c.ProviderName = queryTokens(p.Descriptor.Name)
		}
		for _, cat := range p.Categories {
			c.Categories = append(c.Categories, categoryKeys(&cat)...)
		}
		for _, l := range p.Locations {
			c.Places = append(c.Places, placeKeys(&l)...)
		}
		if p.CategoryID != "" {
			c.Categories = append(c.Categories, p.CategoryID)
		}
	}
	if in.Category != nil {
		c.Categories = append(c.Categories, categoryKeys(in.Category)...)
	}
	if f := in.Fulfillment; f != nil {
		c.FulType = strings.ToUpper(strings.TrimSpace(f.Type))
		if f.Customer != nil && f.Customer.Person != nil {
			pp := f.Customer.Person
			c.Gender = normGender(pp.Gender)
			c.Age = parseAge(string(pp.Age))
			for _, s := range pp.Skills {
				if v := strings.TrimSpace(firstNonBlank(s.Name, s.Code)); v != "" {
					c.Skills = append(c.Skills, v)
				}
			}
			c.Tags = append(c.Tags, tagCriteria(pp.Tags)...)
		}
		if f.Agent != nil && f.Agent.Person != nil {
			c.Mentor = queryTokens(f.Agent.Person.Name)
		}
	}
	for _, l := range extra.Locations {
		c.Places = append(c.Places, placeKeys(&l)...)
	}
	c.LocationID, c.FulfillID = extra.LocationID, extra.FulfillmentID
	return c
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func categoryKeys(cat *beckn.Category) []string {
	var out []string
	if cat.ID != "" {
		out = append(out, cat.ID)
	}
	if d := cat.Descriptor; d != nil {
		if d.Code != "" {
			out = append(out, d.Code)
		}
		if d.Name != "" {
			out = append(out, d.Name)
		}
	}
	return out
}

func placeKeys(l *beckn.Location) []string {
	var out []string
	if l.City != nil {
		out = append(out, l.City.Name, l.City.Code)
	}
	if l.State != nil {
		out = append(out, l.State.Name, l.State.Code)
	}
	if l.Descriptor != nil {
		out = append(out, l.Descriptor.Name)
	}
	var keep []string
	for _, s := range out {
		if strings.TrimSpace(s) != "" {
			keep = append(keep, strings.TrimSpace(s))
		}
	}
	return keep
}

// tagCriteria flattens intent tag groups. A tag without a value stands for
// its code as the value (the Postman "skills" group lists skills as codes).
// The sandbox-fault group is a control channel, not a filter.
func tagCriteria(groups beckn.TagGroups) []tagCriterion {
	var out []tagCriterion
	for i := range groups {
		g := &groups[i]
		gc := strings.ToLower(strings.TrimSpace(g.Code()))
		if gc == faultTagGroup {
			continue
		}
		for j := range g.List {
			t := &g.List[j]
			out = append(out, tagCriterion{Group: gc, Code: strings.ToLower(strings.TrimSpace(t.Code())), Value: strings.TrimSpace(string(t.Value))})
		}
	}
	return out
}

func normGender(g string) string {
	switch strings.ToLower(strings.TrimSpace(g)) {
	case "":
		return ""
	case "m", "male":
		return "Male"
	case "f", "female":
		return "Female"
	case "t", "transgender":
		return "Transgender"
	default:
		return "Other"
	}
}

// parseAge reads "35", "35.5" or an ISO duration "P35Y"; 0 when unreadable.
func parseAge(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && n < 150 {
		return int(n)
	}
	if d, err := beckn.ParseDuration(s); err == nil {
		return int(d.Hours() / 24 / 365.25)
	}
	return 0
}

// tagAliases maps intent tag groups seen in the wild onto catalog tags.
var tagAliases = map[string][2]string{
	"skills":     {"job-requirements", "req-prof-skill"},
	"req-skills": {"job-requirements", "req-prof-skill"},
}

// matches reports whether item it of provider p satisfies c. catalogGroups
// are the tag groups that appear anywhere in the catalog: a group no item
// carries is ignored, as a lenient provider ignores filters it does not
// support.
func (c *criteria) matches(p *Provider, it *Item, catalogGroups map[string]bool) bool {
	if c.ProviderID != "" && !strings.EqualFold(c.ProviderID, p.ID) {
		return false
	}
	if len(c.ProviderName) > 0 && !allTokensIn(c.ProviderName, p.Name) {
		return false
	}
	if len(c.Text) > 0 && !c.textMatch(p, it) {
		return false
	}
	if len(c.Categories) > 0 && !c.categoryMatch(p, it) {
		return false
	}
	if len(c.Places) > 0 && !c.placeMatch(p, it) {
		return false
	}
	if c.LocationID != "" && len(it.LocationIDs) > 0 && !contains(it.LocationIDs, c.LocationID) {
		return false
	}
	if c.FulfillID != "" && !contains(it.FulfillmentIDs, c.FulfillID) {
		return false
	}
	if c.FulType != "" && !c.fulTypeMatch(p, it) {
		return false
	}
	if c.Gender != "" {
		if gs := it.TagValues("background-eligibility", "gender-eligibility"); len(gs) > 0 && !containsFold(gs, c.Gender) {
			return false
		}
	}
	if c.Age > 0 {
		if lo, err := strconv.Atoi(it.TagValue("content-metadata", "min-age")); err == nil && c.Age < lo {
			return false
		}
		if hi, err := strconv.Atoi(it.TagValue("content-metadata", "max-age")); err == nil && c.Age > hi {
			return false
		}
	}
	if len(c.Skills) > 0 {
		if have := it.TagValues("job-requirements", "req-prof-skill"); len(have) > 0 && !anyFold(c.Skills, have) {
			return false
		}
	}
	if len(c.Mentor) > 0 && !c.mentorMatch(p, it) {
		return false
	}
	return c.tagsMatch(it, catalogGroups)
}

func (c *criteria) textMatch(p *Provider, it *Item) bool {
	if it.words != nil {
		return allTokensInWords(c.Text, it.words)
	}
	return allTokensIn(c.Text, searchText(p, it))
}

// searchText is what free text is matched against: names, code, creator,
// provider name, category names and topic-like tags. Long descriptions are
// left out on purpose; they make every query match everything.
func searchText(p *Provider, it *Item) string {
	parts := []string{it.Name, it.Code, it.Creator, p.Name}
	for _, id := range it.CategoryIDs {
		if cat := p.category(id); cat != nil {
			parts = append(parts, cat.Name)
		}
	}
	parts = append(parts, it.TagValues("content-metadata", "topic")...)
	parts = append(parts, it.TagValues("listing-details", "job-role")...)
	parts = append(parts, it.TagValues("job-requirements", "req-prof-skill")...)
	return strings.Join(parts, " | ")
}

func (c *criteria) categoryMatch(p *Provider, it *Item) bool {
	for _, id := range it.CategoryIDs {
		cat := p.category(id)
		if cat == nil {
			continue
		}
		for _, want := range c.Categories {
			if strings.EqualFold(want, cat.ID) || strings.EqualFold(want, cat.Code) || strings.EqualFold(want, cat.Name) ||
				allTokensIn(queryTokens(want), cat.Name) {
				return true
			}
		}
	}
	return false
}

func (c *criteria) placeMatch(p *Provider, it *Item) bool {
	ids := it.LocationIDs
	if len(ids) == 0 {
		ids = locationIDs(p)
	}
	for _, id := range ids {
		l := p.location(id)
		if l == nil {
			continue
		}
		for _, want := range c.Places {
			w := strings.ToUpper(want)
			if strings.EqualFold(want, l.CityCode) || strings.EqualFold(want, l.StateCode) ||
				"IN-"+w == l.StateCode || strings.EqualFold(want, l.State) ||
				allTokensIn(queryTokens(want), l.City) {
				return true
			}
		}
	}
	return false
}

func (c *criteria) fulTypeMatch(p *Provider, it *Item) bool {
	for _, id := range it.FulfillmentIDs {
		if f := p.fulfillment(id); f != nil && strings.EqualFold(f.Type, c.FulType) {
			return true
		}
	}
	return false
}

func (c *criteria) mentorMatch(p *Provider, it *Item) bool {
	for _, id := range it.FulfillmentIDs {
		if f := p.fulfillment(id); f != nil && f.Agent != nil && allTokensIn(c.Mentor, f.Agent.Name) {
			return true
		}
	}
	return allTokensIn(c.Mentor, it.Creator)
}

// tagsMatch applies tag criteria group by group. Numeric codes compare as
// the learner means them: a salary floor against the job's maximum, an
// income against the scholarship's ceiling, experience and marks against
// the minimum asked. Eligibility lists that an item does not state mean
// "open to all".
func (c *criteria) tagsMatch(it *Item, catalogGroups map[string]bool) bool {
	// Tags with the same group and code are alternatives (a list of
	// skills, social categories SC or ST); different codes must all hold.
	type key struct{ group, code string }
	ok := map[key]bool{}
	var order []key
	for _, t := range c.Tags {
		group, code, value := t.Group, t.Code, t.Value
		if a, found := tagAliases[group]; found {
			if value == "" {
				value = code
			}
			group, code = a[0], a[1]
		}
		if !catalogGroups[group] {
			continue
		}
		k := key{group, code}
		if _, seen := ok[k]; !seen {
			order = append(order, k)
			ok[k] = false
		}
		if ok[k] {
			continue
		}
		if value == "" {
			ok[k] = len(it.TagValues(group, code)) > 0 || openEligibility(code)
		} else {
			ok[k] = tagValueMatch(it, group, code, value)
		}
	}
	for _, k := range order {
		if !ok[k] {
			return false
		}
	}
	return true
}

func openEligibility(code string) bool {
	return code == "gender-eligibility" || code == "social-eligibility" || code == "ann-hh-inc"
}

func tagValueMatch(it *Item, group, code, value string) bool {
	num := func(s string) (float64, bool) {
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
		return f, err == nil
	}
	want, wantNum := num(value)
	switch code {
	case "gross-min": // learner's salary floor: the job must pay at least that at its top
		if hi, ok := num(it.TagValue("salary-info", "gross-max")); ok && wantNum {
			return hi >= want
		}
	case "gross-max":
		if lo, ok := num(it.TagValue("salary-info", "gross-min")); ok && wantNum {
			return lo <= want
		}
	case "ann-hh-inc": // applicant's income under the scheme's ceiling
		if ceil, ok := num(it.TagValue(group, code)); ok && wantNum {
			return want <= ceil
		}
		return true
	case "req-experience", "total-experience": // candidate's experience covers the requirement
		if req, ok := num(it.TagValue("job-requirements", "req-experience")); ok && wantNum {
			return want >= req
		}
	case "min-percentage":
		if req, ok := num(it.TagValue(group, code)); ok && wantNum {
			return want >= req
		}
		return true
	case "course-duration": // at most this long
		if d, err := beckn.ParseDuration(value); err == nil {
			if have, err := beckn.ParseDuration(it.TagValue("content-metadata", "course-duration")); err == nil {
				return have <= d
			}
		}
	case "gender-eligibility", "social-eligibility":
		have := it.TagValues(group, code)
		if code == "gender-eligibility" {
			value = normGender(value)
		}
		return len(have) == 0 || containsFold(have, value)
	}
	have := it.TagValues(group, code)
	if containsFold(have, value) {
		return true
	}
	// Free-text tags also match by words; enumerated ones (Class-X is not
	// Class-XII) only exactly.
	if freeTextTags[code] {
		for _, h := range have {
			if allTokensIn(queryTokens(value), h) {
				return true
			}
		}
	}
	return false
}

// freeTextTags are tag codes whose values are prose, matched by words.
var freeTextTags = map[string]bool{
	"req-prof-skill": true, "job-role": true, "topic": true, "responsibility": true, "industry-type": true,
	"department": true, "learning-objective": true, "prerequisite": true, "audience": true,
	"additional-eligibility-criteria": true, "course-specialisation": true,
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func containsFold(xs []string, x string) bool {
	for _, v := range xs {
		if strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(x)) {
			return true
		}
	}
	return false
}

func anyFold(want, have []string) bool {
	for _, w := range want {
		if containsFold(have, w) {
			return true
		}
	}
	return false
}

// catalogTagGroups lists the tag group codes that appear in c.
func catalogTagGroups(c *Catalog) map[string]bool {
	m := map[string]bool{}
	for _, p := range c.Providers {
		for _, it := range p.Items {
			for _, g := range it.Tags {
				m[strings.ToLower(g.Code)] = true
			}
		}
	}
	return m
}

// match is one provider with the items of it that matched.
type match struct {
	Provider *Provider
	Items    []*Item
}

// search returns the matching items per provider, in catalog order.
func search(c *Catalog, crit *criteria, groups map[string]bool) []match {
	var out []match
	for _, p := range c.Providers {
		var items []*Item
		for _, it := range p.Items {
			if crit.matches(p, it, groups) {
				items = append(items, it)
			}
		}
		if len(items) > 0 {
			out = append(out, match{Provider: p, Items: items})
		}
	}
	return out
}
