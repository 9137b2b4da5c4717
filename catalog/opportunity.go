package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

// The kinds of opportunity, one per ONEST domain. Kind is what a learner
// picks ("courses", "jobs"); Domain is what the network routes on.
const (
	KindCourse      = "course"
	KindJob         = "job"
	KindScholarship = "scholarship"
	KindMentorship  = "mentorship"
)

// Kinds lists the kinds in the order the product shows them.
func Kinds() []string { return []string{KindCourse, KindJob, KindScholarship, KindMentorship} }

var kindOfDomain = map[string]string{
	beckn.DomainLearning:  KindCourse,
	beckn.DomainWork:      KindJob,
	beckn.DomainFinancial: KindScholarship,
	beckn.DomainExpert:    KindMentorship,
}

// KindOf returns the kind of opportunity a domain offers (legacy domain codes
// accepted), or "" for a domain that is not an ONEST one.
func KindOf(domain string) string {
	code, _ := beckn.NormalizeDomain(domain)
	return kindOfDomain[code]
}

// DomainOf returns the ONEST domain code of a kind, or "".
func DomainOf(kind string) string {
	for d, k := range kindOfDomain {
		if k == kind {
			return d
		}
	}
	return ""
}

// Money is an amount as the provider wrote it. Value, Min and Max are exact
// decimal strings (never float64, so "0.10" stays "0.10"); Text keeps a
// free-text price ("Up to ₹1,00,000 per year", seen in real scholarship
// catalogs) from which Value was read, so a learner sees the provider's own
// words while filters and sorting still work.
type Money struct {
	Currency string `json:"currency,omitempty"`
	Value    string `json:"value,omitempty"`
	Min      string `json:"min,omitempty"`
	Max      string `json:"max,omitempty"`
	Text     string `json:"text,omitempty"`
}

// Number returns the amount as a float for ordering and range filters: Value,
// else Max, else Min. ok is false when there is no number at all.
func (m *Money) Number() (f float64, ok bool) {
	if m == nil {
		return 0, false
	}
	for _, s := range []string{m.Value, m.Max, m.Min} {
		if s == "" {
			continue
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

// Upper is the largest amount the money can reach (Max, else Value, else
// Min): what "at least ₹X" filters on scholarship amounts compare with.
func (m *Money) Upper() (float64, bool) {
	if m == nil {
		return 0, false
	}
	for _, s := range []string{m.Max, m.Value, m.Min} {
		if f, err := strconv.ParseFloat(s, 64); err == nil && s != "" {
			return f, true
		}
	}
	return 0, false
}

// Opportunity is one course, job, scholarship or mentoring session offered by
// one provider through one BPP: the normalised form of a catalog item that
// search, filters, facets and the learner's pages work with. The same
// offering from several providers is several Opportunities sharing a
// GroupKey.
//
// Multi-valued facts (languages, cities, modes) are lists; the singular
// fields beside them (City, Mode) hold the first value for display.
type Opportunity struct {
	// ID is stable for (BPP, provider, item): the same item keeps its id
	// across harvests, so links to detail pages survive refreshes.
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Domain string `json:"domain"`

	BppID        string `json:"bpp_id"`
	BppURI       string `json:"bpp_uri,omitempty"`
	ProviderID   string `json:"provider_id"`
	ProviderName string `json:"provider_name,omitempty"`
	ItemID       string `json:"item_id"`
	// Creator is the item's creator: an instructor, an employer, an
	// awarding body.
	Creator string `json:"creator,omitempty"`

	Title     string `json:"title"`
	ShortDesc string `json:"short_desc,omitempty"`
	LongDesc  string `json:"long_desc,omitempty"` // HTML as sent

	// Price is what the learner pays (courses, sessions); Amount is what a
	// scholarship awards. Cost is "free", "paid" or "" (unknown).
	Price  *Money `json:"price,omitempty"`
	Amount *Money `json:"amount,omitempty"`
	Cost   string `json:"cost,omitempty"`

	Duration  time.Duration `json:"duration,omitempty"`  // course or session length
	Languages []string      `json:"languages,omitempty"` // ISO 639-1 codes, lower case
	Level     string        `json:"level,omitempty"`     // Beginner, Intermediate, Advanced
	Mode      string        `json:"mode,omitempty"`
	Modes     []string      `json:"modes,omitempty"` // ONLINE, IN-PERSON, HYBRID, REMOTE, ONSITE, ...

	City    string   `json:"city,omitempty"`
	Cities  []string `json:"cities,omitempty"`
	State   string   `json:"state,omitempty"`
	Country string   `json:"country,omitempty"`

	// ApplyStart..ApplyEnd is the application (or enrolment) window; Start..End
	// the schedule (a course's run, the next mentoring slot). Deadline is
	// ApplyEnd, kept apart so that sorting "by deadline" reads one field.
	ApplyStart time.Time `json:"apply_start,omitzero"`
	ApplyEnd   time.Time `json:"apply_end,omitzero"`
	Start      time.Time `json:"start,omitzero"`
	End        time.Time `json:"end,omitzero"`
	Deadline   time.Time `json:"deadline,omitzero"`

	// Eligibility holds readable lines ("Course name: Class-X").
	Eligibility []string `json:"eligibility,omitempty"`
	Skills      []string `json:"skills,omitempty"`
	Topics      []string `json:"topics,omitempty"`
	Categories  []string `json:"categories,omitempty"`
	Category    string   `json:"category,omitempty"`
	// Tags holds every tag of the item as "group.code" (or "code" for a tag
	// outside a group, or the name where a provider sent no code) → values.
	Tags   map[string][]string `json:"tags,omitempty"`
	Images []string            `json:"images,omitempty"`
	Rating string              `json:"rating,omitempty"`

	// Jobs.
	Salary         *Money `json:"salary,omitempty"`
	EmploymentType string `json:"employment_type,omitempty"`
	Industry       string `json:"industry,omitempty"`
	JobRole        string `json:"job_role,omitempty"`
	Experience     string `json:"experience,omitempty"` // required years, as sent
	Openings       int    `json:"openings,omitempty"`

	// Scholarships.
	Genders          []string `json:"genders,omitempty"`
	SocialCategories []string `json:"social_categories,omitempty"`
	MaxIncome        string   `json:"max_income,omitempty"` // max annual household income
	ClassLevels      []string `json:"class_levels,omitempty"`

	// Mentorship and school content.
	Mentor string `json:"mentor,omitempty"`
	Grade  string `json:"grade,omitempty"`
	MinAge int    `json:"min_age,omitempty"`
	MaxAge int    `json:"max_age,omitempty"`

	// GroupKey is equal for the same offering from several providers.
	GroupKey string `json:"group_key"`
	// FetchedAt is when the provider said this (the callback's arrival);
	// FirstSeen when Seeker first saw the item; Expires when the cached copy
	// stops being served (zero: the provider said nothing and the cache's
	// default lifetime applies). NoCache is set when the provider asked
	// not to be cached (Provider.ttl -1): such items are shown live only.
	FetchedAt time.Time `json:"fetched_at"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	Expires   time.Time `json:"expires,omitzero"`
	NoCache   bool      `json:"no_cache,omitempty"`

	// Source is "cache" or "live" and Age how old the information is when
	// it is handed out (now - FetchedAt); both are set at answer time.
	Source string        `json:"source,omitempty"`
	Age    time.Duration `json:"age,omitempty"`

	// Raw is {"provider": ..., "item": ...} as received (provider without
	// its items), for detail pages and for select. Get returns it; search
	// results and live updates leave it out (several KB per offer).
	Raw json.RawMessage `json:"raw,omitempty"`
}

// opportunityID derives the stable id of (bpp, provider, item). A hash keeps
// ids URL-safe whatever the provider's ids contain (slashes, spaces).
func opportunityID(bpp, provider, item string) string {
	h := sha256.New()
	for _, s := range []string{bpp, provider, item} {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// groupKey groups the same offering across providers: same kind and the
// same title once case, accents, punctuation and spacing are folded.
func groupKey(kind, title string) string {
	return kind + ":" + strings.Join(tokens(title), " ")
}

// withAge returns a copy tagged with its source and age at now.
func (o Opportunity) withAge(source string, now time.Time) Opportunity {
	o.Source = source
	if !o.FetchedAt.IsZero() {
		o.Age = max(now.Sub(o.FetchedAt), 0).Truncate(time.Second)
	}
	return o
}
