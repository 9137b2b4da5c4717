package catalog

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var fetched = time.Date(2023, 2, 22, 12, 0, 0, 0, time.UTC)

func mapFixture(t *testing.T, parts ...string) []Opportunity {
	t.Helper()
	opps, err := FromOnSearch(fixture(t, parts...), fetched)
	if err != nil {
		t.Fatalf("%v: %v", parts, err)
	}
	return opps
}

func TestMapCoursesFixture(t *testing.T) {
	opps := mapFixture(t, "courses", "search", "on_search.json")
	if len(opps) != 1 {
		t.Fatalf("%d opportunities, want 1", len(opps))
	}
	o := opps[0]
	want := Opportunity{Kind: KindCourse, Domain: "onest:learning-experiences", BppID: "infosys.springboard.io",
		ProviderID: "INFOSYS", ProviderName: "Infosys Springboard", ItemID: "d4975df5-b18c-4772-80ad-368669856d52",
		Title: "Everyday Conversational English", Creator: "Prof. Emma Sullivan", Level: "Beginner", Cost: "free",
		Category: "Language Courses", Rating: "4.5"}
	got := Opportunity{Kind: o.Kind, Domain: o.Domain, BppID: o.BppID, ProviderID: o.ProviderID, ProviderName: o.ProviderName,
		ItemID: o.ItemID, Title: o.Title, Creator: o.Creator, Level: o.Level, Cost: o.Cost, Category: o.Category, Rating: o.Rating}
	if !equalJSON(got, want) {
		t.Errorf("mapped\n%+v\nwant\n%+v", got, want)
	}
	if o.Price == nil || o.Price.Value != "0" || o.Price.Currency != "INR" {
		t.Errorf("price %+v, want INR 0", o.Price)
	}
	// The example writes P20H; ONEST means twenty hours.
	if o.Duration != 20*time.Hour {
		t.Errorf("duration %v, want 20h", o.Duration)
	}
	if !slices.Equal(o.Languages, []string{"en"}) || !slices.Equal(o.Categories, []string{"Language Courses", "Self Paced Courses"}) {
		t.Errorf("languages %v categories %v", o.Languages, o.Categories)
	}
	if len(o.Eligibility) != 2 || !strings.HasPrefix(o.Eligibility[0], "Prerequisite: ") {
		t.Errorf("eligibility %q, want the two prerequisites", o.Eligibility)
	}
	if o.ID == "" || o.GroupKey != "course:everyday conversational english" || !o.FetchedAt.Equal(fetched) {
		t.Errorf("id %q group %q fetched %v", o.ID, o.GroupKey, o.FetchedAt)
	}
	var raw struct {
		Provider struct {
			ID    string `json:"id"`
			Items []any  `json:"items"`
		} `json:"provider"`
		Item struct {
			ID string `json:"id"`
		} `json:"item"`
	}
	if err := json.Unmarshal(o.Raw, &raw); err != nil || raw.Provider.ID != "INFOSYS" || raw.Item.ID != o.ItemID || raw.Provider.Items != nil {
		t.Errorf("raw %s (%v): want the provider without its items and the item", o.Raw, err)
	}
}

func TestMapJobsFixture(t *testing.T) {
	opps := mapFixture(t, "work-opportunities", "search", "on_search response.json")
	if len(opps) != 2 {
		t.Fatalf("%d opportunities, want 2", len(opps))
	}
	o := opps[0]
	if o.Kind != KindJob || o.Title != "Database Engineer" || o.ProviderName != "Affinidi" {
		t.Errorf("got %s %q by %q", o.Kind, o.Title, o.ProviderName)
	}
	// Lower-case and mixed-case fulfillment types are modes all the same.
	if !slices.Equal(o.Modes, []string{"REMOTE", "HYBRID", "ONSITE"}) || o.Mode != "REMOTE" {
		t.Errorf("modes %v mode %q", o.Modes, o.Mode)
	}
	if !slices.Equal(o.Cities, []string{"Pune"}) || o.State != "Maharastra" || opps[1].City != "Thane" {
		t.Errorf("cities %v state %q, second %q", o.Cities, o.State, opps[1].City)
	}
}

func TestMapScholarshipFixtures(t *testing.T) {
	o := mapFixture(t, "financial-support", "V0.7.0", "search", "on_search.json")[0]
	if o.Kind != KindScholarship || o.Domain != "onest:financial-support" {
		t.Fatalf("kind %s domain %s: dsep:scholarships is financial support", o.Kind, o.Domain)
	}
	// A free-text amount keeps the provider's words and still has a number.
	if o.Amount == nil || o.Amount.Value != "1000" || o.Amount.Text != "Upto RS.1000 per year" || o.Price != nil {
		t.Errorf("amount %+v price %+v", o.Amount, o.Price)
	}
	if !slices.Equal(o.Genders, []string{"Female", "Transgender"}) || !slices.Equal(o.SocialCategories, []string{"SC", "ST", "OBC"}) {
		t.Errorf("genders %v social %v", o.Genders, o.SocialCategories)
	}
	if o.MaxIncome != "500000.00" || !slices.Equal(o.ClassLevels, []string{"12th"}) {
		t.Errorf("income %q class %v", o.MaxIncome, o.ClassLevels)
	}
	end := time.Date(2022, 10, 31, 0, 0, 0, 0, time.UTC)
	if !o.ApplyEnd.Equal(end) || !o.Deadline.Equal(end) || o.ApplyStart.IsZero() {
		t.Errorf("window %v..%v deadline %v", o.ApplyStart, o.ApplyEnd, o.Deadline)
	}
	if !slices.Contains(o.Eligibility, "Gender Eligibility: Female") || len(o.Tags["docs-reqd"]) != 4 {
		t.Errorf("eligibility %q tags %v", o.Eligibility, o.Tags)
	}
	// DSEP 0.6 puts the window in APPLICATION-START/END stops.
	o6 := mapFixture(t, "financial-support", "V0.6.0", "search", "on_search-v0.6.0.json")[0]
	if !o6.ApplyEnd.Equal(end) || o6.ApplyStart.IsZero() {
		t.Errorf("0.6 window %v..%v", o6.ApplyStart, o6.ApplyEnd)
	}
}

func TestMapMentoringFixture(t *testing.T) {
	opps := mapFixture(t, "expert-connect", "search", "on_search.json")
	if len(opps) != 8 {
		t.Fatalf("%d opportunities, want 8", len(opps))
	}
	o := opps[0]
	if o.Kind != KindMentorship || o.Mentor != "joffin Mentor Fourteen" || o.Mode != "ONLINE" {
		t.Errorf("kind %s mentor %q mode %q", o.Kind, o.Mentor, o.Mode)
	}
	// The session time and language sit in non-core fulfillment members.
	if o.Start.IsZero() || !slices.Equal(o.Languages, []string{"en"}) {
		t.Errorf("start %v languages %v", o.Start, o.Languages)
	}
	// Tag values carried in names ({code: "qualification", name: "M.Tech ..."}).
	if !slices.Equal(o.Tags["qualification.qualification"], []string{"M.Tech from IIT Kharagpur"}) || !slices.Equal(o.Topics, []string{"Mobile App Development"}) {
		t.Errorf("tags %v topics %v", o.Tags, o.Topics)
	}
	if opps[7].ProviderName != "ShikshalokamEight" {
		t.Errorf("last offer by %q", opps[7].ProviderName)
	}
}

func TestMapRefusesNonCatalogs(t *testing.T) {
	_, err := FromOnSearch(fixture(t, "student-connect", "search", "on_search.json"), fetched)
	if !errors.Is(err, ErrNotCatalog) || !strings.Contains(err.Error(), "dsep:student-connect") {
		t.Errorf("student-connect: %v, want a not-ONEST error naming the domain", err)
	}
	for name, body := range map[string]string{
		"malformed":    `{"context":`,
		"other action": `{"context":{"domain":"onest:learning-experiences","action":"on_select","bpp_id":"b"},"message":{}}`,
		"no bpp":       `{"context":{"domain":"onest:learning-experiences","action":"on_search"},"message":{"catalog":{}}}`,
	} {
		if _, err := FromOnSearch([]byte(body), fetched); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A failed callback without a catalog is no opportunities, not an error.
	opps, err := FromOnSearch([]byte(`{"context":{"domain":"onest:learning-experiences","action":"on_search","bpp_id":"b"},"error":{"code":"30004","message":"no"}}`), fetched)
	if err != nil || len(opps) != 0 {
		t.Errorf("error callback: %v %v", opps, err)
	}
}

// TestMapRealWorldVariants covers what real catalogs send
// (onest-domain.md §5.5, §8): upper-case BPP_ID, a bare lang-code tag,
// Hindi, groups with names but no codes, the fullfillments typo, numbers
// for strings, bare image URLs, free-text prices, rating "NaN", provider
// ttl and catalog exp.
func TestMapRealWorldVariants(t *testing.T) {
	body := `{"context":{"domain":"{{onest_learning_experiences}}","action":"on_search","BPP_ID":"agnirva.example","BPP_URI":"https://agnirva.example","core_version":"1.1.0","city":"std:080"},
	"message":{"catalog":{"exp":"2023-02-23T12:00:00Z","providers":[
	 {"id":"Agnirva","descriptor":{"name":"Agnirva","images":["https://img.example/logo.png"]},"ttl":3600,
	  "fullfillments":[{"id":"f1","type":"online"}],
	  "categories":[{"id":"c1","descriptor":{"name":"Career Advancement"}}],
	  "items":[{"id":101,"descriptor":{"name":"डिजिटल साक्षरता का परिचय","short_desc":"कंप्यूटर की बुनियादी बातें"},
	    "price":{"currency":"INR","value":0},"rating":"NaN","category_ids":"c1","fulfillment_ids":["f1"],
	    "tags":[{"descriptor":{"code":"lang-code"},"value":"hi"},
	            {"descriptor":{"name":"Work Experience"},"list":[{"descriptor":{"name":"Minimum"},"value":"2 years"}]},
	            {"code":"courseInfo","list":[{"code":"minAge","value":14},{"code":"maxAge","value":"18"},{"code":"competency","value":"Digital Literacy, Typing"}]}]}]},
	 {"id":"nocache","descriptor":{"name":"Private"},"ttl":"-1","items":[{"id":"x","descriptor":{"name":"Hidden course"}}]},
	 {"id":"","descriptor":{"name":"Empty"}}]}}}`
	opps, err := FromOnSearch([]byte(body), fetched)
	if err != nil {
		t.Fatal(err)
	}
	if len(opps) != 2 {
		t.Fatalf("%d opportunities, want 2", len(opps))
	}
	o := opps[0]
	if o.Kind != KindCourse || o.BppID != "agnirva.example" || o.ItemID != "101" || o.Title != "डिजिटल साक्षरता का परिचय" {
		t.Errorf("kind %s bpp %q item %q title %q", o.Kind, o.BppID, o.ItemID, o.Title)
	}
	if !slices.Equal(o.Languages, []string{"hi"}) || o.Mode != "ONLINE" || o.Category != "Career Advancement" {
		t.Errorf("languages %v mode %q category %q", o.Languages, o.Mode, o.Category)
	}
	if o.Cost != "free" || o.Rating != "" || !slices.Equal(o.Images, []string{"https://img.example/logo.png"}) {
		t.Errorf("cost %q rating %q images %v", o.Cost, o.Rating, o.Images)
	}
	if o.MinAge != 14 || o.MaxAge != 18 || !slices.Equal(o.Skills, []string{"Digital Literacy", "Typing"}) {
		t.Errorf("ages %d-%d skills %v", o.MinAge, o.MaxAge, o.Skills)
	}
	if !slices.Contains(o.Eligibility, "Minimum: 2 years") || !slices.Equal(o.Tags["Work Experience.Minimum"], []string{"2 years"}) {
		t.Errorf("eligibility %q tags %v", o.Eligibility, o.Tags)
	}
	// Provider ttl (1 h) is sooner than the catalog's exp (24 h).
	if !o.Expires.Equal(fetched.Add(time.Hour)) || o.NoCache {
		t.Errorf("expires %v nocache %v", o.Expires, o.NoCache)
	}
	if !opps[1].NoCache || opps[1].Title != "Hidden course" {
		t.Errorf("ttl -1 provider: %+v", opps[1])
	}
}

func TestNumberIn(t *testing.T) {
	for in, want := range map[string]string{
		"Up to ₹1,00,000 per year": "100000", "Max Family Income - Rs.500000.00": "500000.00",
		"12.5": "12.5", "none": "", "Rs. 2,50,000.50 only": "250000.50", "+7": "7",
	} {
		if got := numberIn(in); got != want {
			t.Errorf("numberIn(%q) = %q, want %q", in, got, want)
		}
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
