package server_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/catalog"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/sandbox/bpp"
)

// TestCatalogHarvestAndSearch harvests the sandbox network (one BPP of
// each domain sending its catalogs in the sloppy shapes real providers
// use), checks what each domain's catalog maps to, then answers searches
// from the cache and merges a live search into the cached answer.
func TestCatalogHarvestAndSearch(t *testing.T) {
	s := startStack(t, sandbox.Options{}, func(c *config.Config) { c.Catalog.HarvestInterval = 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cat := s.seeker.Catalog()
	for _, d := range []string{"onest:learning-experiences", "onest:work-opportunities", "onest:financial-support", "onest:expert-connect"} {
		id, _ := s.network.ReferenceBPP(d)
		s.network.BPP(id).SetFaults(bpp.Faults{Sloppy: true})
	}

	rep, err := cat.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rep.Domains {
		if d.Error != "" || len(d.Answered) == 0 || d.Cached < 64 || len(d.Failed) > 0 {
			t.Errorf("harvest of %s: %+v", d.Domain, d)
		}
	}
	counts, err := cat.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range catalog.Kinds() {
		if counts[k] < 64 {
			t.Errorf("%d %s cached, want every item of the harvested catalogs (%v)", counts[k], k, counts)
		}
	}

	// What each domain's sandbox catalog maps to, sloppy or not.
	first := func(q catalog.Query) catalog.Opportunity {
		t.Helper()
		q.Limit = 100
		r, err := cat.Search(ctx, q)
		if err != nil || len(r.Groups) == 0 {
			t.Fatalf("%+v: %v %+v", q, err, r)
		}
		return r.Groups[0].Offers[0]
	}
	course := first(catalog.Query{Kind: catalog.KindCourse, Filters: map[string][]string{"level": {"Beginner"}, "language": {"hi"}}})
	if course.Duration == 0 || course.Price == nil || course.Mode == "" || len(course.Languages) == 0 || course.ProviderName == "" || course.City == "" {
		t.Errorf("course mapped without duration, price, mode, language, provider or city: %+v", course)
	}
	job := first(catalog.Query{Kind: catalog.KindJob})
	if job.Salary == nil || job.EmploymentType == "" || len(job.Cities) == 0 || len(job.Modes) == 0 || job.Deadline.IsZero() || len(job.Skills) == 0 {
		t.Errorf("job mapped without salary, employment type, cities, modes, deadline or skills: %+v", job)
	}
	sch := first(catalog.Query{Kind: catalog.KindScholarship, Filters: map[string][]string{"gender": {"Female"}}})
	if sch.Amount == nil || sch.Deadline.IsZero() || len(sch.ClassLevels) == 0 || len(sch.Eligibility) == 0 {
		t.Errorf("scholarship mapped without amount, deadline, class or eligibility: %+v", sch)
	}
	mentor := first(catalog.Query{Kind: catalog.KindMentorship})
	if mentor.Mentor == "" || mentor.Start.IsZero() || len(mentor.Languages) == 0 || len(mentor.Topics) == 0 {
		t.Errorf("session mapped without mentor, slot, language or topics: %+v", mentor)
	}
	// Hindi text in the sandbox's catalogs is searchable.
	if r, err := cat.Search(ctx, catalog.Query{Text: "जैविक खेती"}); err != nil || r.Total == 0 {
		t.Errorf("Hindi search: %v %+v", err, r)
	}

	// Discover: the cached answer first, then live answers of the same
	// items, tagged live, then done.
	var updates []catalog.Update
	txn, err := cat.Discover(ctx, catalog.Query{Text: "data", Kind: catalog.KindCourse, Owner: "test"}, func(u catalog.Update) error {
		updates = append(updates, u)
		return nil
	})
	if err != nil || txn == "" {
		t.Fatalf("discover: %q %v", txn, err)
	}
	if len(updates) < 3 || updates[0].Type != catalog.UpdateCached || updates[len(updates)-1].Type != catalog.UpdateDone {
		t.Fatalf("updates %+v: want cached first and done last", types(updates))
	}
	cached := map[string]bool{}
	for _, g := range updates[0].Results.Groups {
		for _, o := range g.Offers {
			cached[o.ID] = true
			if o.Source != "cache" {
				t.Errorf("cached offer with source %q", o.Source)
			}
		}
	}
	if len(cached) == 0 || updates[1].Type != catalog.UpdateProgress || updates[1].Expected == 0 || len(updates[1].TransactionIDs) != 1 {
		t.Fatalf("cached answer %+v, then %+v: want the cached groups, then the live search with the providers expected", updates[0], updates[1])
	}
	live := 0
	for _, u := range updates {
		if u.Type != catalog.UpdateLive {
			continue
		}
		for _, o := range u.Offers {
			live++
			if o.Source != "live" || !cached[o.ID] || !strings.Contains(strings.ToLower(o.Title+o.ShortDesc+o.LongDesc+strings.Join(o.Skills, " ")+strings.Join(o.Topics, " ")), "data") {
				t.Errorf("live offer %q (%s, source %s) is not a cached match of the query", o.Title, o.ID, o.Source)
			}
		}
	}
	done := updates[len(updates)-1]
	if live == 0 || done.Answered != done.Expected || len(done.Failed) != 0 {
		t.Errorf("%d live offers; done %+v", live, done)
	}

	// A provider that acknowledges and never answers is reported at the
	// end; the others' answers still come.
	silent := "le-bpp-2.sandbox.local"
	s.network.BPP(silent).SetFaults(bpp.Faults{Silent: true})
	updates = nil
	if _, err := cat.Discover(ctx, catalog.Query{Kind: catalog.KindCourse, Owner: "test"}, func(u catalog.Update) error {
		updates = append(updates, u)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	done = updates[len(updates)-1]
	if done.Type != catalog.UpdateDone || done.Expected != 2 || done.Answered != 1 || len(done.Failed) != 1 || done.Failed[0].BppID != silent {
		t.Errorf("with %s silent: done %+v", silent, done)
	}
}

func types(us []catalog.Update) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Type)
	}
	return out
}

// TestCatalogClientAPI drives the catalog through the client API: a
// protocol search fills the cache through the indexer (no harvest), the
// next one answers from the cache at once, the catalog search and detail
// routes, and the merged stream of POST /v1/search.
func TestCatalogClientAPI(t *testing.T) {
	s := startStack(t, sandbox.Options{}, func(c *config.Config) { c.Catalog.HarvestInterval = 0 })
	base := s.seeker.ClientURL()
	do := func(method, path, accept, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+apiKey)
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	search := `{"domain":"onest:work-opportunities","intent":{"item":{"descriptor":{"name":"developer"}}}}`
	status, b := do("POST", "/v1/search", "", search)
	if status != http.StatusAccepted {
		t.Fatalf("search: %d %s", status, b)
	}
	var first struct {
		TransactionID string           `json:"transaction_id"`
		Cached        *catalog.Results `json:"cached"`
	}
	if err := json.Unmarshal(b, &first); err != nil || first.Cached == nil || first.Cached.Total != 0 {
		t.Fatalf("first search answer %s (%v): want an empty cached answer", b, err)
	}
	// The indexer follows the message log: the answers to that search
	// become searchable without any harvest.
	var res catalog.Results
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, b = do("GET", "/v1/catalog/search?"+url.Values{"q": {"developer"}, "kind": {"job"}, "facets": {"city,employment_type"}}.Encode(), "", "")
		if status != http.StatusOK {
			t.Fatalf("catalog search: %d %s", status, b)
		}
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		if res.Total > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if res.Total == 0 || len(res.Facets["city"]) == 0 {
		t.Fatalf("the indexer cached nothing of the search's answers: %s", b)
	}
	o := res.Groups[0].Offers[0]
	if o.Source != "cache" || o.Raw != nil {
		t.Errorf("offer %+v", o)
	}
	status, b = do("GET", "/v1/opportunities/"+o.ID, "", "")
	if status != http.StatusOK || !strings.Contains(string(b), `"item"`) || !strings.Contains(string(b), `"age_seconds"`) {
		t.Errorf("detail: %d %s", status, b)
	}
	if status, b = do("GET", "/v1/opportunities/nope", "", ""); status != http.StatusNotFound {
		t.Errorf("unknown id: %d %s", status, b)
	}
	if status, b = do("GET", "/v1/catalog/search?colour=red", "", ""); status != http.StatusBadRequest || !strings.Contains(string(b), "colour") {
		t.Errorf("unknown filter: %d %s", status, b)
	}
	// The same protocol search now answers from the cache at once.
	status, b = do("POST", "/v1/search", "", search)
	if err := json.Unmarshal(b, &first); status != http.StatusAccepted || err != nil || first.Cached == nil || first.Cached.Total == 0 {
		t.Fatalf("second search: %d %s", status, b)
	}
	// The merged stream: cached, then live answers, then done.
	status, b = do("POST", "/v1/search", "application/x-ndjson", search)
	if status != http.StatusOK {
		t.Fatalf("stream: %d %s", status, b)
	}
	var kinds []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var u catalog.Update
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			t.Fatalf("stream line %q: %v", sc.Text(), err)
		}
		kinds = append(kinds, u.Type)
		if u.Type == catalog.UpdateCached && (u.Results == nil || u.Results.Total == 0) {
			t.Errorf("cached update without the cached answer")
		}
	}
	if len(kinds) < 3 || kinds[0] != "cached" || kinds[len(kinds)-1] != "done" || !slices.Contains(kinds, "live") {
		t.Errorf("stream updates %v, want cached, live..., done", kinds)
	}
	// The same as Server-Sent Events from the discover route.
	status, b = do("GET", "/v1/catalog/discover?"+url.Values{"q": {"developer"}, "kind": {"job"}, "city": {"Bengaluru", "Pune"}}.Encode(), "", "")
	var events []string
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "event: "); ok {
			events = append(events, name)
		}
	}
	if status != http.StatusOK || len(events) < 3 || events[0] != "cached" || events[len(events)-1] != "done" {
		t.Errorf("discover: %d, events %v", status, events)
	}
	// A harvest on demand through the API.
	status, b = do("POST", "/v1/catalog/refresh", "", `{"kinds":["scholarship"]}`)
	if status != http.StatusOK || !strings.Contains(string(b), `"onest:financial-support"`) {
		t.Errorf("refresh: %d %s", status, b)
	}
	if status, b = do("POST", "/v1/catalog/refresh", "", `{"kinds":["pizza"]}`); status != http.StatusBadRequest {
		t.Errorf("refresh of an unknown kind: %d %s", status, b)
	}
}
