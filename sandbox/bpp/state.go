package bpp

import (
	"strings"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

// stage is how far a transaction got with this provider.
type stage int

const (
	stageSelect stage = iota + 1
	stageInit
	stageConfirmed
)

// customer is what the learner told the provider (init, confirm, forms).
type customer struct {
	ID, Name, Gender, Age, DOB, Email, Phone string
	Skills                                   []string
}

func (c customer) any() bool {
	return c.Name != "" || c.Email != "" || c.Phone != "" || c.Gender != "" || c.ID != ""
}

func (c customer) render() *beckn.Customer {
	p := &beckn.Person{Name: c.Name, Gender: c.Gender, Age: beckn.LenientString(c.Age), DOB: c.DOB}
	for _, s := range c.Skills {
		p.Skills = append(p.Skills, beckn.Skill{Name: s})
	}
	bc := &beckn.Customer{Person: p}
	if c.Email != "" || c.Phone != "" {
		bc.Contact = &beckn.Contact{Email: c.Email, Phone: c.Phone}
	}
	return bc
}

// merge fills c from a request's fulfillment customer (non-empty values win).
func (c *customer) merge(f *beckn.Fulfillment) {
	if f == nil || f.Customer == nil {
		return
	}
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	if p := f.Customer.Person; p != nil {
		set(&c.Name, p.Name)
		set(&c.Gender, normGender(p.Gender))
		set(&c.Age, string(p.Age))
		set(&c.DOB, normDate(p.DOB))
		for _, s := range p.Skills {
			if v := firstNonBlank(s.Name, s.Code); v != "" {
				c.Skills = append(c.Skills, v)
			}
		}
	}
	if ct := f.Customer.Contact; ct != nil {
		set(&c.Email, ct.Email)
		set(&c.Phone, ct.Phone)
	}
	if f.Contact != nil { // the sandbox's fulfillments[].contact
		set(&c.Email, f.Contact.Email)
		set(&c.Phone, f.Contact.Phone)
	}
}

// mergeForm fills c from ONEST-001 form fields.
func (c *customer) mergeForm(v map[string]string) {
	for name, dst := range map[string]*string{
		"user-full-name": &c.Name, "user-email": &c.Email, "user-phone-number": &c.Phone, "user-date-of-birth": &c.DOB,
	} {
		if s := strings.TrimSpace(v[name]); s != "" {
			*dst = s
		}
	}
	if g := strings.TrimSpace(v["user-gender"]); g != "" {
		c.Gender = normGender(g)
	}
}

// normDate returns a date of birth as YYYY-MM-DD (core's date format),
// reading the DD-MM-YYYY and DD/MM/YYYY forms Indian senders use; "" when
// unreadable, so nothing malformed is echoed.
func normDate(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02-01-2006", "02/01/2006", "2006/01/02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return ""
}

type cancellation struct {
	ReasonID, Note string
	At             time.Time
}

// application is one transaction with this provider, from select to the
// end of the order's life. Before confirm OrderID is empty.
type application struct {
	TxnID string
	// Ctx is the context of the latest request of the transaction: where
	// unsolicited callbacks go (bap_id, bap_uri) and with which domain.
	Ctx      beckn.Context
	HasCtx   bool
	Provider *Provider
	Item     *Item
	// FulfillmentID is the mode or slot chosen.
	FulfillmentID string
	Customer      customer
	Billing       *beckn.Billing
	Bank          *beckn.PaymentParams
	Stage         stage

	// Forms: Step is the index of the next form step awaited; when it
	// equals the number of steps the application is filled.
	Form        string
	Step        int
	Nonces      map[string]int
	Submissions map[int]string
	FormData    map[string]string
	Paid        bool

	OrderID    string
	Status     string // ACTIVE, COMPLETE, CANCELLED once confirmed
	State      string // fulfillment state code
	StateName  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Cancel     *cancellation
	FulTags    []TagGroup
	Stops      []beckn.Stop
	SlotStart  time.Time
	SlotEnd    time.Time
	Disbursed  bool
	Ratings    map[string]string
	timelineOn bool
}

// formSteps returns the steps of the application's form set (nil = none).
func (a *application) formSteps() []formStep {
	if fs := formSets[a.Form]; fs != nil {
		return fs.Steps
	}
	return nil
}

// filled reports whether every form step has been submitted.
func (a *application) filled() bool { return a.Step >= len(a.formSteps()) }

// setState moves the fulfillment state and stamps the time.
func (a *application) setState(code string, now time.Time) {
	a.State, a.StateName, a.UpdatedAt = code, "", now
}

// cancelReasons are the options of the cancellation_reasons meta callback.
// "12" is the id the ONEST Postman collection cancels with.
var cancelReasons = []struct{ ID, Name string }{
	{"1", "Found a better opportunity elsewhere"},
	{"2", "Schedule does not suit me"},
	{"3", "Fees or costs are too high"},
	{"4", "Personal or family reasons"},
	{"5", "Applied by mistake"},
	{RefCancelReasonID, "No longer interested"},
}

func cancelReasonName(id string) string {
	for _, r := range cancelReasons {
		if r.ID == id {
			return r.Name
		}
	}
	return ""
}

// ratingCategories per domain, as get_rating_categories advertises them:
// core 1.1.0 allows only these values in rating_categories.
var ratingCategories = map[string][]string{
	domainLearning:  {"Item", "Provider", "Fulfillment", "Order", "Support"},
	domainWork:      {"Item", "Provider", "Order", "Support"},
	domainFinancial: {"Item", "Provider", "Order", "Support"},
	domainExpert:    {"Item", "Provider", "Agent", "Fulfillment", "Order", "Support"},
}

// extraRatingCategories are accepted on rating as well (lenient in): the
// ONEST Postman collection rates with them.
var extraRatingCategories = map[string][]string{
	domainLearning:  {"COURSE", "INSTRUCTOR"},
	domainWork:      {"JOB-SEARCH-EXPERIENCE", "EMPLOYER"},
	domainFinancial: {"SCHOLARSHIP-APPLICATION-EXPERIENCE"},
	domainExpert:    {"MENTOR-KNOWLEDGE", "SESSION-QUALITY"},
}

// acceptsRatingCategory reports whether rating accepts category c.
func acceptsRatingCategory(domain, c string) bool {
	return containsFold(ratingCategories[domain], c) || containsFold(extraRatingCategories[domain], c)
}

// initialState is the fulfillment state an application starts in at init.
func initialState(domain string) string {
	switch domain {
	case domainWork, domainFinancial:
		return "APPLICATION-STARTED"
	}
	return ""
}

// filledState is the state once every form is in (WO, FS) or "" where the
// domain has no application states.
func filledState(domain string) string {
	switch domain {
	case domainWork, domainFinancial:
		return "APPLICATION-FILLED"
	}
	return ""
}

// confirmedState is the state right after confirm.
func confirmedState(domain string) string {
	switch domain {
	case domainWork, domainFinancial:
		return "APPLICATION-SUBMITTED"
	case domainExpert:
		return "SCHEDULED"
	}
	return "NOT-STARTED"
}

// cancelledState is the state a cancelled order shows; "" keeps the
// state it had: the ONEST enums of learning, work and financial support
// have no cancelled or withdrawn state (DSEP's "application-withdrawn" is
// not among them), so the order's status CANCELLED says it. Expert connect
// has no enums at all.
func cancelledState(domain string) string {
	if domain == domainExpert {
		return "CANCELLED"
	}
	return ""
}
