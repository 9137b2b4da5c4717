package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/catalog"
	"github.com/onest-seeker/seeker/internal/sse"
)

// Discovery. The page answers at once from the catalog cache
// (catalog.Search); the script then opens /discover/stream, which runs
// catalog.Discover: the live search of the network, whose answers (already
// filtered by the same Query, so a learner never sees what a filter
// excludes) replace the results as each provider answers, with "N of M
// providers answered" and the providers that failed. Without script the
// cached page is the answer, and reloading shows what the live search
// added to the cache.

// pageSize is the number of offerings (groups) per page.
const pageSize = 10

// maxQueryText bounds the search text.
const maxQueryText = 200

// filterDef is one filter control of a tab.
type filterDef struct {
	Name string
	// Input is "facet" (a select of the values the results have), "select"
	// (fixed Options), "number" or "date".
	Input   string
	Options []string
}

// kindFilters are the filters ONEST's seeker guide asks for (grade or age,
// duration, topics) and each domain's own, in the order shown.
var kindFilters = map[string][]filterDef{
	"": {
		{Name: "provider", Input: "facet"}, {Name: "language", Input: "facet"}, {Name: "mode", Input: "facet"},
		{Name: "cost", Input: "select", Options: []string{"free", "paid"}}, {Name: "city", Input: "facet"},
	},
	catalog.KindCourse: {
		{Name: "topic", Input: "facet"}, {Name: "language", Input: "facet"}, {Name: "level", Input: "facet"},
		{Name: "mode", Input: "facet"}, {Name: "cost", Input: "select", Options: []string{"free", "paid"}},
		{Name: "provider", Input: "facet"}, {Name: "category", Input: "facet"}, {Name: "grade", Input: "facet"},
		{Name: "age", Input: "number"},
		{Name: "duration_max", Input: "select", Options: []string{"PT5H", "PT20H", "PT50H", "PT100H"}},
	},
	catalog.KindJob: {
		{Name: "city", Input: "facet"}, {Name: "state", Input: "facet"}, {Name: "employment_type", Input: "facet"},
		{Name: "salary_min", Input: "number"}, {Name: "skill", Input: "facet"}, {Name: "experience_max", Input: "number"},
		{Name: "industry", Input: "facet"}, {Name: "mode", Input: "facet"}, {Name: "provider", Input: "facet"},
	},
	catalog.KindScholarship: {
		{Name: "gender", Input: "select", Options: []string{"female", "male", "transgender"}},
		{Name: "social_category", Input: "select", Options: []string{"General", "OBC", "SC", "ST", "EWS", "Minority"}},
		{Name: "income", Input: "number"}, {Name: "class_level", Input: "facet"}, {Name: "amount_min", Input: "number"},
		{Name: "deadline_after", Input: "date"}, {Name: "state", Input: "facet"}, {Name: "provider", Input: "facet"},
	},
	catalog.KindMentorship: {
		{Name: "topic", Input: "facet"}, {Name: "mentor", Input: "facet"}, {Name: "language", Input: "facet"},
		{Name: "start_after", Input: "date"}, {Name: "cost", Input: "select", Options: []string{"free", "paid"}},
		{Name: "provider", Input: "facet"},
	},
}

var sortOrders = []string{catalog.SortRelevance, catalog.SortNewest, catalog.SortPrice, catalog.SortDuration, catalog.SortDeadline}

// discoverQuery is what the learner asked, parsed from the URL.
type discoverQuery struct {
	Q       catalog.Query
	Page    int
	Values  map[string]string
	Ignored []string
}

// parseDiscover reads a discovery URL. The app's URL names filters
// "f.<name>" (so they never collide with q, kind, sort, page) and offers
// per tab the filters of kindFilters; the Query itself is read by
// catalog.ParseQuery, the parser the client API uses. Nothing a visitor
// puts in the URL makes an error page: a parameter ParseQuery refuses is
// dropped and listed (Ignored), so the learner sees which part of a shared
// link did not apply.
func parseDiscover(v url.Values) discoverQuery {
	dq := discoverQuery{Values: map[string]string{}, Page: 1}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 1 && p <= 1000 {
		dq.Page = p
	}
	params := url.Values{}
	if t := truncate(strings.TrimSpace(v.Get("q")), maxQueryText); t != "" {
		params.Set("q", t)
	}
	kind := v.Get("kind")
	if slices.Contains(catalog.Kinds(), kind) {
		params.Set("kind", kind)
	} else {
		kind = ""
	}
	if s := v.Get("sort"); s != "" {
		params.Set("sort", s)
	}
	for _, f := range kindFilters[kind] {
		val := strings.TrimSpace(v.Get("f." + f.Name))
		if val == "" {
			continue
		}
		ok := len(val) <= 100 && (f.Input != "select" || slices.Contains(f.Options, val))
		if f.Input == "number" {
			n, err := strconv.ParseFloat(val, 64)
			ok = ok && err == nil && n >= 0 && !math.IsInf(n, 0) && !math.IsNaN(n)
		}
		if !ok {
			dq.Ignored = append(dq.Ignored, f.Name)
			continue
		}
		params.Set(f.Name, val)
	}
	for k := range v {
		if name, ok := strings.CutPrefix(k, "f."); ok && !slices.ContainsFunc(kindFilters[kind], func(f filterDef) bool { return f.Name == name }) {
			dq.Ignored = append(dq.Ignored, truncate(name, 40))
		}
	}
	var q catalog.Query
	for range 64 {
		var err error
		if q, err = catalog.ParseQuery(params); err == nil {
			break
		}
		var pe *catalog.ParamError
		if !errors.As(err, &pe) || !params.Has(pe.Param) {
			// Not one parameter's fault: search for the text alone.
			q = catalog.Query{Text: params.Get("q"), Kind: kind}
			break
		}
		params.Del(pe.Param)
		if pe.Param != "q" && pe.Param != "kind" {
			dq.Ignored = append(dq.Ignored, pe.Param)
		}
	}
	for _, f := range kindFilters[kind] {
		if val := params.Get(f.Name); val != "" {
			dq.Values[f.Name] = val
		}
		if f.Input == "facet" {
			q.Facets = append(q.Facets, f.Name)
		}
	}
	slices.Sort(dq.Ignored)
	dq.Ignored = slices.Compact(dq.Ignored)
	q.Limit = pageSize
	q.Offset = (dq.Page - 1) * pageSize
	dq.Q = q
	return dq
}

// URL is the discovery URL of dq with some parameters changed.
func (dq discoverQuery) URL(path string, change ...string) string {
	v := url.Values{}
	if dq.Q.Text != "" {
		v.Set("q", dq.Q.Text)
	}
	if dq.Q.Kind != "" {
		v.Set("kind", dq.Q.Kind)
	}
	if dq.Q.Sort != "" {
		v.Set("sort", dq.Q.Sort)
	}
	for k, val := range dq.Values {
		v.Set("f."+k, val)
	}
	if dq.Page > 1 {
		v.Set("page", strconv.Itoa(dq.Page))
	}
	for i := 0; i+1 < len(change); i += 2 {
		if change[i+1] == "" {
			v.Del(change[i])
		} else {
			v.Set(change[i], change[i+1])
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// filterView is one filter control as rendered.
type filterView struct {
	filterDef
	Value  string
	Facets []catalog.Facet
}

// resultsView is the results region (also streamed).
type resultsView struct {
	L       *lang
	Query   discoverQuery
	Groups  []groupView
	Total   int
	Page    int
	Pages   int
	Prev    string
	Next    string
	Loading bool
}

// groupView is one offering.
type groupView struct {
	Best   offerView
	Others []offerView
}

// offerView is one provider's offer.
type offerView struct {
	ID, Title, Provider, Kind, Link string
	Facts                           []string
	Short                           string
}

// progressView is the progress line (also streamed).
type progressView struct {
	L *lang
	// Cached: a broad browse answered from the cache alone (the harvest
	// keeps it fresh), without asking every provider again.
	Cached bool
	// Limited: the visitor started too many live searches in the last
	// minute; the cache answered (limit.go).
	Limited  bool
	Started  bool
	Done     bool
	Answered int
	Expected int
	Failed   []catalog.Failure
}

// discoverView is the discovery page.
type discoverView struct {
	Query    discoverQuery
	Tabs     []string
	Filters  []filterView
	Sorts    []string
	Results  resultsView
	Progress progressView
	Stream   string
	Error    string
}

func (s *Server) catalog() *catalog.Catalog {
	if s.cfg.Catalog == nil {
		return nil
	}
	return s.cfg.Catalog()
}

func (s *Server) discoverPage(rq *request) (result, error) {
	dq := parseDiscover(rq.r.URL.Query())
	v := discoverView{Query: dq, Tabs: append([]string{""}, catalog.Kinds()...), Sorts: sortOrders,
		Progress: progressView{L: rq.lang}, Stream: dq.URL("/discover/stream")}
	var res *catalog.Results
	if c := s.catalog(); c != nil {
		r, err := c.Search(rq.r.Context(), dq.Q)
		if err != nil {
			if rq.r.Context().Err() != nil {
				return result{}, err
			}
			s.log.Warn("searching the catalog cache", "err", err)
			v.Error = rq.lang.T("discover.cache_failed")
		}
		res = r
	} else {
		v.Error = rq.lang.T("discover.no_catalog")
	}
	v.Results = s.resultsView(rq.lang, dq, res, nil)
	v.Results.Loading = true
	if res != nil && res.Total > 0 && strings.TrimSpace(dq.Q.Text) == "" && len(dq.Q.Filters) == 0 {
		// Browsing everything of a tab: the harvested cache is the
		// answer. A live search of every provider per page view would
		// ask the whole network the same broad question again and again.
		v.Stream, v.Results.Loading, v.Progress.Cached = "", false, true
	}
	for _, f := range kindFilters[dq.Q.Kind] {
		fv := filterView{filterDef: f, Value: dq.Values[f.Name]}
		if res != nil && f.Input == "facet" {
			fv.Facets = res.Facets[f.Name]
			if fv.Value != "" && !slices.ContainsFunc(fv.Facets, func(x catalog.Facet) bool { return strings.EqualFold(x.Value, fv.Value) }) {
				fv.Facets = append([]catalog.Facet{{Value: fv.Value}}, fv.Facets...)
			}
			if len(fv.Facets) > 60 {
				fv.Facets = fv.Facets[:60]
			}
		}
		v.Filters = append(v.Filters, fv)
	}
	title := rq.lang.T("discover.title")
	if dq.Q.Text != "" {
		title = rq.lang.T("discover.title_q", dq.Q.Text)
	}
	return result{page: "discover", title: title, data: v}, nil
}

// resultsView builds the results region from a cached page and the live
// offers seen so far (by id): a live offer replaces its cached copy, and
// live offers of groups not on the page are added to the first page
// (providers that ask not to be cached are only ever live).
func (s *Server) resultsView(l *lang, dq discoverQuery, res *catalog.Results, live []catalog.Opportunity) resultsView {
	rv := resultsView{L: l, Query: dq, Page: dq.Page}
	var groups []catalog.Group
	if res != nil {
		groups = res.Groups
		rv.Total = res.Total
	}
	groups, added := mergeLive(groups, live, dq.Page == 1)
	rv.Total += added
	for _, g := range groups {
		if len(g.Offers) == 0 {
			continue
		}
		gv := groupView{Best: offerOf(l, &g.Offers[0])}
		for i := 1; i < len(g.Offers) && i < 20; i++ {
			gv.Others = append(gv.Others, offerOf(l, &g.Offers[i]))
		}
		rv.Groups = append(rv.Groups, gv)
	}
	rv.Pages = max(1, (rv.Total+pageSize-1)/pageSize)
	if dq.Page > 1 {
		rv.Prev = dq.URL("/", "page", strconv.Itoa(dq.Page-1))
	}
	if dq.Page < rv.Pages {
		rv.Next = dq.URL("/", "page", strconv.Itoa(dq.Page+1))
	}
	return rv
}

// mergeLive folds live offers into a page of groups. It returns the groups
// and how many groups it added.
func mergeLive(groups []catalog.Group, live []catalog.Opportunity, firstPage bool) ([]catalog.Group, int) {
	groups = slices.Clone(groups) // the caller's page stays as it was
	added := 0
	for _, o := range live {
		placed := false
		for gi := range groups {
			g := &groups[gi]
			if i := slices.IndexFunc(g.Offers, func(x catalog.Opportunity) bool { return x.ID == o.ID }); i >= 0 {
				g.Offers = slices.Clone(g.Offers)
				g.Offers[i] = o
				placed = true
				break
			}
		}
		if placed {
			continue
		}
		for gi := range groups {
			g := &groups[gi]
			if o.GroupKey != "" && g.Key == o.GroupKey {
				g.Offers = append(slices.Clone(g.Offers), o)
				placed = true
				break
			}
		}
		if placed || !firstPage || len(groups) >= pageSize {
			continue
		}
		groups = append(groups, catalog.Group{Key: o.GroupKey, Offers: []catalog.Opportunity{o}})
		added++
	}
	return groups, added
}

// offerOf is how one opportunity shows in the results.
func offerOf(l *lang, o *catalog.Opportunity) offerView {
	ref := itemRef{Domain: o.Domain, BppID: o.BppID, ProviderID: o.ProviderID, ItemID: o.ItemID}
	ov := offerView{ID: o.ID, Title: truncate(plainText(o.Title), 200), Provider: truncate(plainText(o.ProviderName), 120), Kind: o.Kind,
		Link: "/item?" + ref.Query(), Short: truncate(plainText(o.ShortDesc), 220)}
	if ov.Title == "" {
		ov.Title = l.T("item.title_" + kindOf(o.Domain))
	}
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" && len(ov.Facts) < 7 {
			ov.Facts = append(ov.Facts, truncate(plainText(s), 60))
		}
	}
	switch {
	case o.Kind == catalog.KindScholarship && o.Amount != nil:
		add(l.T("fact.amount", moneyText(o.Amount)))
	case o.Cost == "free":
		add(l.T("item.free"))
	case o.Price != nil:
		add(moneyText(o.Price))
	}
	if o.Salary != nil {
		add(l.T("fact.salary", moneyText(o.Salary)))
	}
	if o.Duration > 0 {
		add(durationText(l, o.Duration))
	}
	if o.Level != "" {
		add(o.Level)
	}
	for i, m := range o.Modes {
		if i < 2 {
			add(l.T("mode." + strings.ToUpper(m)))
		}
	}
	for i, lg := range o.Languages {
		if i < 2 {
			if l.Has("language." + lg) {
				add(l.T("language." + lg))
			} else {
				add(lg)
			}
		}
	}
	if o.City != "" {
		add(o.City)
	}
	if o.EmploymentType != "" {
		add(o.EmploymentType)
	}
	if !o.Deadline.IsZero() {
		add(l.T("fact.deadline", l.Date(o.Deadline)))
	} else if !o.Start.IsZero() && o.Kind == catalog.KindMentorship {
		add(l.DateTime(o.Start))
	}
	return ov
}

// moneyText writes an amount the way the provider meant it.
func moneyText(m *catalog.Money) string {
	if m == nil {
		return ""
	}
	cur := m.Currency
	if cur == "" {
		cur = "INR"
	}
	switch {
	case m.Value != "":
		return cur + " " + groupDigits(m.Value)
	case m.Min != "" && m.Max != "":
		return cur + " " + groupDigits(m.Min) + "–" + groupDigits(m.Max)
	case m.Max != "":
		return cur + " " + groupDigits(m.Max)
	case m.Min != "":
		return cur + " " + groupDigits(m.Min)
	}
	return plainText(m.Text)
}

// durationText is a course or session length as a learner reads it.
func durationText(l *lang, d time.Duration) string {
	switch {
	case d < time.Hour:
		return l.T("dur.minutes", int(d.Minutes()))
	case d < 200*time.Hour:
		return l.T("dur.hours", int(math.Round(d.Hours())))
	}
	return l.T("dur.days", int(d.Hours()/24))
}

// discoverStream runs the live search and streams the results region and
// the progress line as Server-Sent Events.
func (s *Server) discoverStream(w http.ResponseWriter, r *http.Request) {
	rq := &request{r: r, w: w, lang: s.i18n.pick(r)}
	s.loadSession(rq)
	c := s.catalog()
	if c == nil {
		http.Error(w, "discovery is not available", http.StatusServiceUnavailable)
		return
	}
	dq := parseDiscover(r.URL.Query())
	dq.Q.Owner = "web:guest"
	if rq.user != nil {
		dq.Q.Owner = rq.user.Owner()
	}
	es, ok := sse.Open(w, "seeker discovery")
	if !ok {
		return
	}
	ctx := r.Context()
	var cached *catalog.Results
	var live []catalog.Opportunity
	prog := progressView{L: rq.lang, Started: true}
	send := func(event, page, name string, data any) error {
		html, err := s.renderFragment(page, name, data)
		if err != nil {
			return err
		}
		return es.Event("", event, []byte(html))
	}
	if !s.live.allow(visitor(rq), s.cfg.Now()) {
		// Over the visitor's allowance: the cache's answer, said to be
		// one, and no question to the network.
		res, err := c.Search(ctx, dq.Q)
		if err != nil {
			res = nil
		}
		rv := s.resultsView(rq.lang, dq, res, nil)
		if err := send("results", "discover", "results", rv); err != nil {
			return
		}
		_ = send("done", "discover", "progress", progressView{L: rq.lang, Limited: true})
		return
	}
	sendResults := func(final bool) error {
		res := cached
		if final || len(live) > 0 {
			// The live answers were cached as they came: the cache's own
			// ranking, paging and grouping now include them.
			if r, err := c.Search(ctx, dq.Q); err == nil {
				res = r
			}
		}
		rv := s.resultsView(rq.lang, dq, res, live)
		rv.Loading = !final
		return send("results", "discover", "results", rv)
	}
	_, err := c.Discover(ctx, dq.Q, func(u catalog.Update) error {
		prog.Answered, prog.Expected = u.Answered, u.Expected
		switch u.Type {
		case catalog.UpdateCached:
			cached = u.Results
			if err := sendResults(false); err != nil {
				return err
			}
		case catalog.UpdateLive:
			live = append(live, u.Offers...)
			if err := sendResults(false); err != nil {
				return err
			}
		case catalog.UpdateFailed:
			prog.Failed = append(prog.Failed, catalog.Failure{BppID: u.BppID, Reason: u.Failure})
		case catalog.UpdateDone:
			prog.Done = true
			prog.Failed = u.Failed
			if err := sendResults(true); err != nil {
				return err
			}
			return send("done", "discover", "progress", prog)
		}
		return send("progress", "discover", "progress", prog)
	})
	if err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
		s.log.Warn("live discovery", "err", err)
		prog.Done = true
		_ = send("done", "discover", "progress", prog)
	}
}
