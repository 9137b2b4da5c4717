package bpp

import (
	"strings"
	"time"
)

// The types in this file are the reference provider's own "database": what a
// real provider keeps about its offerings before it renders them as Beckn
// objects. They are deliberately not wire types (those live in package
// beckn); render.go turns them into core 1.1.0 shapes, and match.go filters
// them, so neither has to walk JSON trees.

// Provider is one organisation offering items on a BPP (a university, an
// employer, a scholarship trust, a mentoring platform).
type Provider struct {
	ID        string
	Name      string
	ShortDesc string
	LongDesc  string
	ImageURL  string
	// Categories are declared at provider level; items refer to them by id.
	Categories []Category
	// Locations are the provider's offices or centres (job cities for work
	// opportunities, campuses for courses).
	Locations []Location
	// Fulfillments are the modes (ONLINE/IN-PERSON/HYBRID,
	// REMOTE/HYBRID/ONSITE, SCHOLARSHIP) or, for expert connect, the
	// session slots with their mentor.
	Fulfillments []Fulfillment
	Items        []*Item
}

// Category is a provider category, matched by id, code or name.
type Category struct {
	ID, Code, Name string
}

// Location is a provider location. Codes follow ONEST usage: city codes are
// STD codes ("std:011"), state codes ISO 3166-2 ("IN-DL").
type Location struct {
	ID                   string
	City, CityCode       string
	State, StateCode     string
	Country, CountryCode string
	Address              string
}

// Person is a mentor, a course instructor or a provider contact.
type Person struct {
	ID, Name, Gender string
	Languages        []string // ISO 639-1 codes
	Email, Phone     string
}

// Fulfillment is a provider-level fulfillment. For expert connect it is a
// bookable session slot: Agent is the mentor, Start/End the slot, Seats the
// places left.
type Fulfillment struct {
	ID       string
	Type     string
	Agent    *Person
	Language string
	Start    time.Time
	End      time.Time
	Seats    int
}

// Tag is one tag of a TagGroup: code, display name and string value.
type Tag struct {
	Code, Name, Value string
}

// TagGroup mirrors the ONEST tag groups of onest-domain.md §5; values are
// strings as the spec says (numbers as decimal strings).
type TagGroup struct {
	Code, Name string
	List       []Tag
}

// Item is one offering: a course, a job, a scholarship or a mentoring session.
type Item struct {
	ID        string
	Code      string
	Name      string
	ShortDesc string
	LongDesc  string
	ImageURL  string
	MediaURL  string
	// Creator is the instructor, employer brand or mentor shown on the item.
	Creator string
	// Price is in whole rupees; 0 means free. PriceMax > Price makes a range
	// (scholarships "up to").
	Price, PriceMax int
	CategoryIDs     []string
	LocationIDs     []string
	FulfillmentIDs  []string
	// Start and End are the application window (jobs, scholarships) or the
	// enrolment window (courses); zero when not applicable.
	Start, End time.Time
	// Quantity is openings (jobs), seats (sessions) or awards
	// (scholarships); 0 = not stated.
	Quantity int
	Rating   string
	Tags     []TagGroup
	// Form names the XInput form set init will ask for ("" = none).
	Form string

	// words is searchText split into words, computed once by
	// GenerateCatalog (the catalog is read-only afterwards).
	words []string
}

// TagValues returns every value of tag code in group (case-insensitive codes),
// so repeatable tags such as prerequisite or req-prof-skill come back whole.
func (it *Item) TagValues(group, code string) []string {
	var out []string
	for _, g := range it.Tags {
		if !strings.EqualFold(g.Code, group) {
			continue
		}
		for _, t := range g.List {
			if strings.EqualFold(t.Code, code) {
				out = append(out, t.Value)
			}
		}
	}
	return out
}

// TagValue returns the first value of group/code, or "".
func (it *Item) TagValue(group, code string) string {
	if v := it.TagValues(group, code); len(v) > 0 {
		return v[0]
	}
	return ""
}

// fulfillment returns the provider fulfillment with id, or nil.
func (p *Provider) fulfillment(id string) *Fulfillment {
	for i := range p.Fulfillments {
		if p.Fulfillments[i].ID == id {
			return &p.Fulfillments[i]
		}
	}
	return nil
}

// location returns the provider location with id, or nil.
func (p *Provider) location(id string) *Location {
	for i := range p.Locations {
		if p.Locations[i].ID == id {
			return &p.Locations[i]
		}
	}
	return nil
}

// category returns the provider category with id, or nil.
func (p *Provider) category(id string) *Category {
	for i := range p.Categories {
		if p.Categories[i].ID == id {
			return &p.Categories[i]
		}
	}
	return nil
}

// item returns the provider's item with id, or nil.
func (p *Provider) item(id string) *Item {
	for _, it := range p.Items {
		if it.ID == id {
			return it
		}
	}
	return nil
}

// Catalog is everything one BPP offers, in a fixed order (the order is part
// of the determinism promise: same seed, same bytes).
type Catalog struct {
	Domain    string
	Name      string
	Providers []*Provider
}

// Lookup finds an item by id across providers; the provider id narrows the
// search when the request names one (core), and is optional because the
// ONEST sandbox's select omits it.
func (c *Catalog) Lookup(providerID, itemID string) (*Provider, *Item) {
	for _, p := range c.Providers {
		if providerID != "" && p.ID != providerID {
			continue
		}
		if it := p.item(itemID); it != nil {
			return p, it
		}
	}
	return nil, nil
}

// Provider returns the provider with id, or nil.
func (c *Catalog) Provider(id string) *Provider {
	for _, p := range c.Providers {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// ItemCount is the number of items over all providers.
func (c *Catalog) ItemCount() int {
	n := 0
	for _, p := range c.Providers {
		n += len(p.Items)
	}
	return n
}
