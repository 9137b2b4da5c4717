package catalog

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/internal/testutil"
)

var (
	benchSubjects = []string{"Python", "Java", "Data Science", "Excel", "Tally", "English Speaking", "Hindi Grammar", "Digital Marketing",
		"Organic Farming", "Electrician", "Plumbing", "Nursing", "Retail Sales", "Graphic Design", "Web Development", "Accounting",
		"Mathematics", "Physics", "Chemistry", "Biology", "Mobile Repair", "Welding", "Tailoring", "Beauty Care", "Driving",
		"Cyber Security", "Cloud Computing", "Machine Learning", "Entrepreneurship", "Communication", "डिजिटल साक्षरता",
		"कंप्यूटर कौशल", "जैविक खेती", "हिंदी व्याकरण", "Carpentry", "Photography", "Animation", "Banking", "Insurance", "Logistics"}
	benchLevels = []string{"Beginner", "Intermediate", "Advanced"}
	benchLangs  = []string{"en", "hi", "ta", "mr", "bn"}
	benchCities = []string{"Pune", "Delhi", "Mumbai", "Bengaluru", "Chennai", "Kolkata", "Lucknow", "Jaipur", "Patna", "Bhopal"}
	benchDescs  = []string{
		"<p>Learn %s at the %s level with practical projects, weekly mentoring and a certificate.</p>",
		"<p>A %[2]s programme in %[1]s: video lessons, quizzes and a final assessment, in your own time.</p>",
		"<p>Hands-on %s training for %s candidates, with placement support from our partners across India.</p>",
		"<p>Build real skills in %s. This %s track covers the fundamentals and the tools employers ask for.</p>",
		"<p>%s (%s): classroom sessions twice a week, practice material and doubt clearing with experts.</p>",
	}
	benchDoms = []string{"onest:learning-experiences", "onest:learning-experiences", "onest:work-opportunities", "onest:financial-support", "onest:expert-connect"}
)

// benchCatalog is one BPP's on_search with n items, the kind of catalog a
// harvest brings: varied titles (some offered by several providers),
// descriptions, languages, levels, prices, cities and skills.
func benchCatalog(rng *rand.Rand, bppIndex, n int) []byte {
	dom := benchDoms[bppIndex%len(benchDoms)]
	items := make([]item, n)
	for i := range items {
		subj := benchSubjects[rng.IntN(len(benchSubjects))]
		lvl := benchLevels[rng.IntN(len(benchLevels))]
		name := fmt.Sprintf("%s %s %d", subj, lvl, rng.IntN(400))
		price := ""
		if rng.IntN(3) > 0 {
			price = fmt.Sprint([]int{0, 199, 499, 999, 2499}[rng.IntN(5)])
		}
		items[i] = item{
			id: fmt.Sprintf("item-%d", i), name: name,
			desc: fmt.Sprintf(benchDescs[rng.IntN(len(benchDescs))], subj, strings.ToLower(lvl)),
			lang: benchLangs[rng.IntN(len(benchLangs))], level: lvl, price: price,
			city: benchCities[rng.IntN(len(benchCities))], duration: fmt.Sprintf("PT%dH", 2+rng.IntN(60)),
			skills: []string{strings.ToLower(subj)},
		}
	}
	return onSearch(dom, fmt.Sprintf("bpp-%d.example", bppIndex), fmt.Sprintf("prov-%d", bppIndex), fmt.Sprintf("Provider %d", bppIndex), "", items...)
}

// reportP95 reports the wall-time percentiles the targets are
// stated in; cpu-ns/op beside them is the work itself, which an
// oversubscribed machine does not inflate.
func reportP95(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkIngest1000 caches a 1,000-item on_search into a catalog that
// already holds 10,000 opportunities (issue target: under 150 ms). Each
// iteration is a new BPP's catalog, so every item is an insert with its
// full-text entry, the expensive case; a refresh of unchanged items only
// rewrites their times.
func BenchmarkIngest1000(b *testing.B) {
	c := newTestCatalog(b, nil)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 10 {
		if _, err := c.IngestOnSearch(ctx, benchCatalog(rng, 1000+i, 1000), time.Now(), 0); err != nil {
			b.Fatal(err)
		}
	}
	bodies := make([][]byte, 0, 64)
	for i := range 64 {
		bodies = append(bodies, benchCatalog(rng, i, 1000))
	}
	var took []time.Duration
	i := 0
	cpu := testutil.ProcessCPU()
	for b.Loop() {
		start := time.Now()
		if _, err := c.IngestOnSearch(ctx, bodies[i%len(bodies)], time.Now(), 0); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		i++
	}
	testutil.ReportCPU(b, cpu)
	reportP95(b, took)
}

// catalog100k is a cache of 100 providers' catalogs of 1,000 items each.
func catalog100k(b *testing.B) *Catalog {
	c := newTestCatalog(b, nil)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 100 {
		if _, err := c.IngestOnSearch(context.Background(), benchCatalog(rng, i, 1000), time.Now(), 0); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

// BenchmarkSearch100k answers a filtered full-text query with facets over
// 100,000 cached opportunities (issue target: p95 under 30 ms).
func BenchmarkSearch100k(b *testing.B) {
	c, ctx := catalog100k(b), context.Background()
	queries := []Query{
		{Text: "python", Kind: KindCourse, Filters: map[string][]string{"language": {"en", "hi"}}},
		{Text: "data science", Filters: map[string][]string{"level": {"Beginner"}}, Sort: SortPrice},
		{Text: "साक्षरता", Kind: KindCourse, Filters: map[string][]string{"cost": {"free"}}},
		{Text: "electrician", Kind: KindJob, Filters: map[string][]string{"city": {"Pune", "Delhi"}}, Facets: []string{"city", "mode", "provider", "skill"}},
		{Text: "mach learn", Filters: map[string][]string{"price_max": {"999"}}, Sort: SortDuration},
	}
	if r, err := c.Search(ctx, queries[0]); err != nil || r.Total == 0 || len(r.Facets) == 0 {
		b.Fatalf("the benchmark query finds nothing: %v %+v", err, r)
	}
	var took []time.Duration
	i := 0
	cpu := testutil.ProcessCPU()
	for b.Loop() {
		start := time.Now()
		if _, err := c.Search(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		i++
	}
	testutil.ReportCPU(b, cpu)
	reportP95(b, took)
}

// BenchmarkBrowse100k opens the courses tab of a 100,000-item cache: every
// course matches, so a fresh answer reads and decodes each one ("fresh");
// a learner who opens it after another within browseTTL gets the kept
// answer and only the page is read ("kept").
func BenchmarkBrowse100k(b *testing.B) {
	c, ctx := catalog100k(b), context.Background()
	for _, bc := range []struct {
		name  string
		fresh bool
	}{{"fresh", true}, {"kept", false}} {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			cpu := testutil.ProcessCPU()
			for b.Loop() {
				q := Query{Kind: KindCourse}
				if bc.fresh {
					q.Now = time.Now() // a query with its own clock is never answered from the browse cache
				}
				start := time.Now()
				r, err := c.Search(ctx, q)
				if err != nil || r.Total == 0 {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			testutil.ReportCPU(b, cpu)
			reportP95(b, took)
		})
	}
}
