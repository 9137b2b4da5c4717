package bpp

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// ItemsPerBPP is the least number of items each generated BPP offers. The
// network runs at least one BPP per domain, so every domain has at least this
// many items across the network (two BPPs for learning and work double it).
const ItemsPerBPP = 64

// providerSeed names a provider before the generator fills it.
type providerSeed struct {
	ID, Name, Short string
	Cities          []string
}

// providerSeeds lists the providers per domain. BPP index i takes the seeds
// [i*perBPP, (i+1)*perBPP) (wrapping, with the index in the id beyond the
// list), and index 0 starts with the reference providers that the ONEST
// Postman collection names (unacademy, naukri.com, "1", pmcare,
// BX213573733, coursera).
var providerSeeds = map[string][]providerSeed{
	domainLearning: {
		{"unacademy", "Unacademy", "Live and recorded courses for school, college and competitive exams", []string{"New Delhi", "Bengaluru"}},
		{"vidya-setu", "Vidya Setu Academy", "School tuition and teacher training in Hindi and English", []string{"Lucknow", "Patna"}},
		{"kaushal-kendra", "Kaushal Kendra Skills", "Vocational courses aligned to NSQF job roles", []string{"Pune", "Indore"}},
		{"shikshak-pathshala", "Shikshak Pathshala", "Professional development for teachers", []string{"Jaipur", "New Delhi"}},
		{"gyan-ganga", "Gyan Ganga Online", "Self-paced courses in Indian languages", []string{"Bhopal", "Kolkata"}},
		{"digital-saksharta", "Digital Saksharta Mission", "Digital literacy for every household", []string{"Guwahati", "Bhubaneswar"}},
		{"codeyatra", "CodeYatra Bootcamps", "Coding bootcamps for first-generation learners", []string{"Hyderabad", "Bengaluru"}},
		{"krishi-vigyan", "Krishi Vigyan Online", "Farming and allied skills for rural youth", []string{"Nagpur", "Chandigarh"}},
	},
	domainWork: {
		{"1", "Akshar Technologies", "Product engineering company hiring across India", []string{"New Delhi", "Bengaluru", "Pune"}},
		{"naukri.com", "Naukri Partner Jobs", "Verified openings from partner employers", []string{"New Delhi", "Mumbai", "Hyderabad"}},
		{"sahayak-logistics", "Sahayak Logistics", "Last-mile delivery and warehousing", []string{"Mumbai", "Ahmedabad", "Lucknow"}},
		{"arogya-hospitals", "Arogya Hospitals", "Multi-speciality hospital network", []string{"Chennai", "Kochi"}},
		{"vastra-textiles", "Vastra Textiles", "Garment manufacturing units", []string{"Jaipur", "Indore"}},
		{"udyog-setu", "Udyog Setu Staffing", "Staffing for retail, BPO and facilities", []string{"Kolkata", "Patna", "Guwahati"}},
		{"shiksha-schools", "Shiksha Public Schools", "Network of affordable private schools", []string{"Bhopal", "Nagpur"}},
		{"surya-solar", "Surya Solar Energy", "Rooftop solar installation", []string{"Ahmedabad", "Hyderabad"}},
		{"bharat-retail", "Bharat Retail Mart", "Supermarket chain", []string{"Chandigarh", "Pune"}},
		{"kisan-agri", "Kisan Agri Services", "Agri input and advisory services", []string{"Bhubaneswar", "Lucknow"}},
	},
	domainFinancial: {
		{"pmcare", "PM Care Scholarship Cell", "Scholarships for undergraduate and school students", []string{"New Delhi"}},
		{"BX213573733", "XYZ Education Foundation", "Scholarships for economically backward students", []string{"Mumbai", "New Delhi"}},
		{"vidyadhan", "Vidyadhan Trust", "Merit scholarships for students from low-income families", []string{"Kochi", "Bengaluru"}},
		{"shiksha-sahayata", "Shiksha Sahayata Foundation", "Financial support for girls and first-generation learners", []string{"Patna", "Lucknow"}},
		{"rashtriya-chhatravritti", "Rashtriya Chhatravritti Board", "Government-aided scholarships and fellowships", []string{"New Delhi", "Hyderabad"}},
	},
	domainExpert: {
		{"coursera", "Coursera Expert Connect", "One-to-one sessions with industry mentors", []string{"New Delhi", "Bengaluru"}},
		{"elevate", "Elevate Mentoring", "Mentoring for teachers and school leaders", []string{"Pune", "Jaipur"}},
		{"margdarshak", "Margdarshak Career Guidance", "Career counselling for students", []string{"Lucknow", "Chennai"}},
		{"saathi", "Saathi Wellbeing Circle", "Student wellbeing and mindfulness", []string{"Kolkata", "Kochi"}},
		{"udyam-mitra", "Udyam Mitra", "Mentors for first-time entrepreneurs", []string{"Ahmedabad", "Hyderabad"}},
	},
}

// catalogNames are the BPPs' catalog names (catalog.descriptor.name), by
// index within the domain, so two providers of a domain are told apart.
var catalogNames = map[string][]string{
	domainLearning:  {"Skill India Learning Hub", "Gyan Setu Courses"},
	domainWork:      {"Rozgar Jobs Network", "Kaam Khoj Jobs"},
	domainFinancial: {"Vidya Sahayata Scholarships", "Chhatravritti Connect"},
	domainExpert:    {"Margdarshan Mentors", "Saathi Sessions"},
}

// providersPerBPP is how many providers one BPP of the domain hosts.
var providersPerBPP = map[string]int{domainLearning: 4, domainWork: 5, domainFinancial: 5, domainExpert: 5}

// gen carries the seeded random source and the clock origin of one catalog.
type gen struct {
	rng    *rand.Rand
	epoch  time.Time
	domain string
	index  int
}

// GenerateCatalog builds the catalog of the BPP number index in domain. The
// same (domain, index, seed, epoch) always gives the same catalog, in the
// same order: tests and demos can rely on ids and names. epoch anchors every
// date (application windows, session slots); New passes midnight UTC of the
// current day so windows are open, tests pass a fixed date.
//
// Index 0 is the domain's reference provider: it also holds every item,
// provider, fulfillment and category the ONEST Postman collection refers to.
func GenerateCatalog(domain string, index int, seed int64, epoch time.Time) (*Catalog, error) {
	seeds, ok := providerSeeds[domain]
	if !ok {
		return nil, fmt.Errorf("bpp: no catalog for domain %q (want one of the four onest: codes)", domain)
	}
	if index < 0 {
		return nil, fmt.Errorf("bpp: index %d is negative", index)
	}
	h := fnv.New64a()
	h.Write([]byte(domain))
	g := &gen{
		rng:    rand.New(rand.NewPCG(uint64(seed), h.Sum64()^uint64(index)*0x9e3779b97f4a7c15)),
		epoch:  epoch.UTC().Truncate(24 * time.Hour),
		domain: domain,
		index:  index,
	}
	per := providersPerBPP[domain]
	c := &Catalog{Domain: domain}
	for k := 0; k < per; k++ {
		n := index*per + k
		ps := seeds[n%len(seeds)]
		if n >= len(seeds) {
			// Beyond the list: a distinct provider with the same profile.
			ps.ID = fmt.Sprintf("%s-%d", ps.ID, n/len(seeds))
			ps.Name = fmt.Sprintf("%s (%s)", ps.Name, ps.Cities[0])
		}
		c.Providers = append(c.Providers, g.provider(ps))
	}
	perProvider := (ItemsPerBPP + per - 1) / per
	for _, p := range c.Providers {
		for n := 1; n <= perProvider; n++ {
			g.addItem(p, n)
		}
	}
	if index == 0 {
		addReferenceItems(g, c)
	}
	for _, p := range c.Providers {
		for _, it := range p.Items {
			it.words = words(searchText(p, it))
		}
	}
	names := catalogNames[domain]
	c.Name = names[index%len(names)]
	if index >= len(names) {
		c.Name += fmt.Sprintf(" %d", index/len(names)+1)
	}
	return c, nil
}

// provider builds the provider shell: categories, locations, fulfillments.
func (g *gen) provider(ps providerSeed) *Provider {
	p := &Provider{
		ID:        ps.ID,
		Name:      ps.Name,
		ShortDesc: ps.Short,
		LongDesc:  ps.Short + ". Registered on the ONEST network.",
		ImageURL:  "https://images.example.org/providers/" + slug(ps.ID) + ".png",
	}
	for i, name := range ps.Cities {
		c := cityByName(name)
		p.Locations = append(p.Locations, Location{
			ID: strconv.Itoa(i + 1), City: c.Name, CityCode: c.Code, State: c.State, StateCode: c.StateCode,
			Country: "India", CountryCode: "IND",
			Address: fmt.Sprintf("%d, %s Road, %s", 10+g.rng.IntN(200), []string{"MG", "Station", "Nehru", "Gandhi", "Ring"}[g.rng.IntN(5)], c.Name),
		})
	}
	switch g.domain {
	case domainLearning:
		p.Categories = append([]Category(nil), leCategories...)
		p.Fulfillments = []Fulfillment{{ID: "F-ONLINE", Type: "ONLINE"}, {ID: "F-IN-PERSON", Type: "IN-PERSON"}, {ID: "F-HYBRID", Type: "HYBRID"}}
	case domainWork:
		// Ids "1".."3" as the DSEP examples and the Postman collection use them.
		p.Fulfillments = []Fulfillment{{ID: "1", Type: "REMOTE"}, {ID: "2", Type: "HYBRID"}, {ID: "3", Type: "ONSITE"}}
	case domainFinancial:
		p.Categories = append([]Category(nil), fsCategories...)
		p.Fulfillments = []Fulfillment{{ID: "FUL-" + strings.ToUpper(slug(ps.ID)), Type: "SCHOLARSHIP"}}
	case domainExpert:
		p.Categories = append([]Category(nil), ecCategories...)
	}
	return p
}

// addItem adds the n-th generated item of p.
func (g *gen) addItem(p *Provider, n int) {
	prefix := map[string]string{domainLearning: "CRS", domainWork: "JOB", domainFinancial: "SCH", domainExpert: "SES"}[g.domain]
	id := fmt.Sprintf("%s-%s-%03d", prefix, strings.ToUpper(slug(p.ID)), n)
	var it *Item
	switch g.domain {
	case domainLearning:
		it = g.course(p, id, courseTopics[g.rng.IntN(len(courseTopics))])
	case domainWork:
		it = g.job(p, id, jobRoles[g.rng.IntN(len(jobRoles))])
	case domainFinancial:
		it = g.scholarship(p, id, scholarshipSchemes[g.rng.IntN(len(scholarshipSchemes))])
	case domainExpert:
		it = g.session(p, id, sessionTopics[g.rng.IntN(len(sessionTopics))], nil)
	}
	p.Items = append(p.Items, it)
}

func (g *gen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// subset returns 1..max distinct elements of xs, in xs order.
func (g *gen) subset(xs []string, max int) []string {
	k := 1 + g.rng.IntN(min(max, len(xs)))
	perm := g.rng.Perm(len(xs))[:k]
	var out []string
	for i, x := range xs {
		for _, j := range perm {
			if i == j {
				out = append(out, x)
			}
		}
	}
	return out
}

func (g *gen) course(p *Provider, id string, t courseTopic) *Item {
	level := t.Level
	if g.rng.IntN(4) == 0 {
		level = g.pick([]string{"Beginner", "Intermediate", "Advanced"})
	}
	lang := t.Lang
	if lang == "en" && g.rng.IntN(5) == 0 {
		lang = "hi" // Hindi-medium batch of an English-titled course
	}
	name := t.Title
	if lang == "hi" && t.Lang == "en" {
		name += " (Hindi medium)"
	}
	hours := []int{4, 6, 8, 10, 12, 20, 30, 40, 60, 90, 120}[g.rng.IntN(11)]
	price := 0
	if g.rng.IntN(10) >= 4 {
		price = []int{199, 499, 999, 1499, 2499, 4999}[g.rng.IntN(6)]
	}
	modes := g.subset([]string{"F-ONLINE", "F-IN-PERSON", "F-HYBRID"}, 2)
	cats := []string{t.Category}
	if hours <= 12 && g.rng.IntN(2) == 0 {
		cats = append(cats, "SELF-PACED-COURSES")
	}
	meta := TagGroup{Code: "content-metadata", Name: "Content metadata", List: []Tag{
		{"learner-level", "Learner level", level},
		{"learning-objective", "Learning objective", t.Objective},
	}}
	if t.Prereq != "" {
		meta.List = append(meta.List, Tag{"prerequisite", "Prerequisite", t.Prereq})
	}
	meta.List = append(meta.List,
		Tag{"lang-code", "Language code", lang},
		Tag{"course-duration", "Course duration", fmt.Sprintf("PT%dH", hours)},
	)
	for _, tp := range t.Topics {
		meta.List = append(meta.List, Tag{"topic", "Topic", tp})
	}
	meta.List = append(meta.List,
		Tag{"min-age", "Minimum age", strconv.Itoa(t.MinAge)},
		Tag{"max-age", "Maximum age", strconv.Itoa(t.MaxAge)},
	)
	if t.Grade != "" {
		meta.List = append(meta.List, Tag{"grade", "Grade", t.Grade})
	}
	instr := g.pick(instructors)
	locs := []string{p.Locations[g.rng.IntN(len(p.Locations))].ID}
	return &Item{
		ID: id, Name: name,
		ShortDesc:      fmt.Sprintf("%s (%s, %d hours)", t.Objective, level, hours),
		LongDesc:       fmt.Sprintf("<p><strong>%s</strong></p><p>%s Taught by %s in %s. Modes: %s.</p>", name, t.Objective, instr, langNames[lang], strings.Join(modeNames(p, modes), ", ")),
		ImageURL:       "https://images.example.org/courses/" + strings.ToLower(id) + ".png",
		MediaURL:       "https://media.example.org/courses/" + strings.ToLower(id) + "/preview.mp4",
		Creator:        instr,
		Price:          price,
		CategoryIDs:    cats,
		LocationIDs:    locs,
		FulfillmentIDs: modes,
		Start:          g.epoch.AddDate(0, 0, -g.rng.IntN(30)),
		End:            g.epoch.AddDate(0, 0, 30+g.rng.IntN(120)),
		Quantity:       50 + g.rng.IntN(450),
		Rating:         fmt.Sprintf("%.1f", 3.5+float64(g.rng.IntN(16))/10),
		Tags:           []TagGroup{meta},
		Form:           formCourse,
	}
}

func modeNames(p *Provider, ids []string) []string {
	var out []string
	for _, id := range ids {
		if f := p.fulfillment(id); f != nil {
			out = append(out, f.Type)
		}
	}
	return out
}

func (g *gen) job(p *Provider, id string, r jobRole) *Item {
	exp := r.MinExp + float64(g.rng.IntN(3))*0.5
	sal := r.SalaryMin + g.rng.IntN(5)*r.SalaryMin/20
	salMax := r.SalaryMax + g.rng.IntN(5)*r.SalaryMax/20
	emp := r.Employment
	if g.rng.IntN(6) == 0 {
		emp = g.pick([]string{"full-time", "part-time", "temporary", "contract", "consultant"})
	}
	var fids []string
	for _, m := range g.subset(r.Modes, 2) {
		for _, f := range p.Fulfillments {
			if f.Type == m {
				fids = append(fids, f.ID)
			}
		}
	}
	locs := g.subset(locationIDs(p), 2)
	req := TagGroup{Code: "job-requirements", Name: "Job requirements", List: []Tag{{"req-experience", "Required experience (years)", trimFloat(exp)}}}
	for _, s := range r.Skills {
		req.List = append(req.List, Tag{"req-prof-skill", "Required professional skill", s})
	}
	resp := TagGroup{Code: "job-responsibilities", Name: "Job responsibilities"}
	for _, s := range r.Responsible {
		resp.List = append(resp.List, Tag{"responsibility", "Responsibility", s})
	}
	tags := []TagGroup{
		{Code: "listing-details", Name: "Listing details", List: []Tag{
			{"industry-type", "Industry type", r.Industry},
			{"department", "Department", r.Department},
			{"employment-type", "Employment type", emp},
			{"job-role", "Job role", r.Role},
		}},
		{Code: "salary-info", Name: "Salary information", List: []Tag{
			{"gross-min", "Gross minimum (annual, INR)", strconv.Itoa(sal)},
			{"gross-max", "Gross maximum (annual, INR)", strconv.Itoa(salMax)},
			{"additional-info", "Additional information", "Annual CTC in INR; PF and ESI as applicable"},
		}},
		req, resp,
		{Code: "academic-eligibility", Name: "Academic eligibility", List: []Tag{
			{"course-name", "Course name", r.Education},
			{"mandatory-eligibility", "Mandatory", "true"},
		}},
	}
	where := []string{}
	for _, l := range locs {
		where = append(where, p.location(l).City)
	}
	start := g.epoch.AddDate(0, 0, -g.rng.IntN(20))
	return &Item{
		ID: id, Name: r.Title,
		ShortDesc:      fmt.Sprintf("%s at %s, %s", r.Role, p.Name, strings.Join(where, " / ")),
		LongDesc:       fmt.Sprintf("<p>%s is hiring a <b>%s</b> (%s) in %s.</p><p>Skills: %s. Experience: %s years.</p>", p.Name, r.Title, emp, strings.Join(where, ", "), strings.Join(r.Skills, ", "), trimFloat(exp)),
		MediaURL:       "https://media.example.org/jobs/" + strings.ToLower(id) + ".mp4",
		Creator:        p.Name,
		LocationIDs:    locs,
		FulfillmentIDs: fids,
		Start:          start,
		End:            g.epoch.AddDate(0, 0, 15+g.rng.IntN(60)),
		Quantity:       1 + g.rng.IntN(40),
		Tags:           tags,
		Form:           formJob,
	}
}

func locationIDs(p *Provider) []string {
	var out []string
	for _, l := range p.Locations {
		out = append(out, l.ID)
	}
	return out
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (g *gen) scholarship(p *Provider, id string, s scholarshipScheme) *Item {
	amount := s.AmountMin
	amountMax := s.AmountMax
	if g.rng.IntN(3) == 0 {
		amountMax += 5000 * g.rng.IntN(4)
	}
	bg := TagGroup{Code: "background-eligibility", Name: "Background eligibility"}
	for _, gd := range s.Genders {
		bg.List = append(bg.List, Tag{"gender-eligibility", "Gender eligibility", gd})
	}
	for _, so := range s.Social {
		bg.List = append(bg.List, Tag{"social-eligibility", "Social eligibility", so})
	}
	if s.Income > 0 {
		bg.List = append(bg.List, Tag{"ann-hh-inc", "Max annual household income (INR)", strconv.Itoa(s.Income)})
	}
	bg.List = append(bg.List, Tag{"additional-eligibility-criteria", "Additional criteria", "Must be an Indian citizen"})
	acad := TagGroup{Code: "academic-eligibility", Name: "Academic eligibility", List: []Tag{
		{"course-name", "Course name", s.Course},
	}}
	if s.MinPct > 0 {
		acad.List = append(acad.List, Tag{"min-percentage", "Minimum percentage", strconv.Itoa(s.MinPct)})
	}
	docs := TagGroup{Code: "required-docs", Name: "Required documents", List: []Tag{
		{"mandatory-doc", "Mandatory document", "Proof of Identity"},
		{"mandatory-doc", "Mandatory document", "Applicant Photo"},
	}}
	for _, d := range s.Docs {
		docs.List = append(docs.List, Tag{"mandatory-doc", "Mandatory document", d})
	}
	docs.List = append(docs.List, Tag{"optional-doc", "Optional document", "Bank Passbook"})
	info := TagGroup{Code: "additional-info", Name: "Additional information", List: []Tag{
		{"faq-url", "FAQ", "https://scholarships.example.org/" + slug(p.ID) + "/faq"},
		{"tnc-url", "Terms and conditions", "https://scholarships.example.org/" + slug(p.ID) + "/tnc"},
		{"additional-info", "Additional information", fmt.Sprintf("Renewable every year subject to %d%% marks.", max(s.MinPct, 50))},
	}}
	deadline := g.epoch.AddDate(0, 0, 10+g.rng.IntN(80))
	return &Item{
		ID: id, Name: s.Title,
		ShortDesc:      fmt.Sprintf("Up to ₹%d per year, apply by %s", amountMax, deadline.Format("2 Jan 2006")),
		LongDesc:       fmt.Sprintf("<p>%s offers the <b>%s</b>: ₹%d to ₹%d per year.</p><p>Eligibility: %s with at least %d%%.</p>", p.Name, s.Title, amount, amountMax, s.Course, s.MinPct),
		Creator:        p.Name,
		Price:          amount,
		PriceMax:       amountMax,
		CategoryIDs:    []string{categoryByCode(p, s.Category)},
		LocationIDs:    []string{p.Locations[g.rng.IntN(len(p.Locations))].ID},
		FulfillmentIDs: []string{p.Fulfillments[0].ID},
		Start:          g.epoch.AddDate(0, 0, -g.rng.IntN(30)),
		End:            deadline,
		Quantity:       10 + g.rng.IntN(490),
		Tags:           []TagGroup{bg, acad, docs, info},
		Form:           formScholarship,
	}
}

func categoryByCode(p *Provider, code string) string {
	for _, c := range p.Categories {
		if c.Code == code {
			return c.ID
		}
	}
	return ""
}

// session builds a mentoring session with 2-3 slots (provider fulfillments).
// slotIDs, when given, fixes the ids of the slots (reference data).
func (g *gen) session(p *Provider, id string, t sessionTopic, slotIDs []string) *Item {
	m := mentors[g.rng.IntN(len(mentors))]
	lang := g.pick(m.Langs)
	nslots := 2 + g.rng.IntN(2)
	if len(slotIDs) > 0 {
		nslots = len(slotIDs)
	}
	var fids []string
	seats := 0
	for k := 0; k < nslots; k++ {
		fid := fmt.Sprintf("%s-S%d", id, k+1)
		if k < len(slotIDs) {
			fid = slotIDs[k]
		}
		// Between 09:00 and 18:00 India time (UTC+05:30), on a day in the
		// next three weeks.
		start := g.epoch.AddDate(0, 0, 1+g.rng.IntN(21)).Add(time.Duration(9+g.rng.IntN(10))*time.Hour - 330*time.Minute)
		n := 1 + g.rng.IntN(25)
		seats += n
		p.Fulfillments = append(p.Fulfillments, Fulfillment{
			ID: fid, Type: "ONLINE", Language: lang, Start: start, End: start.Add(time.Hour), Seats: n,
			Agent: &Person{ID: "mentor-" + slug(m.Name), Name: m.Name, Gender: m.Gender, Languages: m.Langs,
				Email: slug(m.Name) + "@mentors.example.org"},
		})
		fids = append(fids, fid)
	}
	price := 0
	if g.rng.IntN(4) == 0 {
		price = []int{199, 299, 499}[g.rng.IntN(3)]
	}
	meta := TagGroup{Code: "content-metadata", Name: "Session details", List: []Tag{
		{"lang-code", "Language code", lang},
	}}
	for _, tp := range t.Topics {
		meta.List = append(meta.List, Tag{"topic", "Topic", tp})
	}
	meta.List = append(meta.List, Tag{"session-duration", "Session duration", "PT1H"})
	return &Item{
		ID: id, Name: t.Title,
		ShortDesc:      fmt.Sprintf("1-hour session with %s in %s", m.Name, langNames[lang]),
		LongDesc:       fmt.Sprintf("<p>%s mentors %s on %s.</p>", m.Name, t.For, strings.Join(t.Topics, ", ")),
		ImageURL:       "https://images.example.org/mentors/" + slug(m.Name) + ".jpg",
		Creator:        m.Name,
		Price:          price,
		CategoryIDs:    []string{t.Category},
		LocationIDs:    []string{p.Locations[0].ID},
		FulfillmentIDs: fids,
		Quantity:       seats,
		Rating:         fmt.Sprintf("%.1f", 4.0+float64(g.rng.IntN(10))/10),
		Tags: []TagGroup{meta, {Code: "recommended_for", Name: "Recommended for", List: []Tag{
			{"audience", "Audience", t.For},
		}}},
	}
}

// slug lower-cases s and keeps letters, digits and dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
