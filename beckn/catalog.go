package beckn

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Catalog is what a BPP returns in on_search: its providers and their items
// (courses, jobs, scholarships, mentors).
type Catalog struct {
	Descriptor   *Descriptor   `json:"descriptor,omitzero"`
	Fulfillments []Fulfillment `json:"fulfillments,omitempty"`
	Payments     []Payment     `json:"payments,omitempty"`
	Offers       []Offer       `json:"offers,omitempty"`
	Providers    []Provider    `json:"providers,omitempty"`
	Exp          string        `json:"exp,omitzero"`
	// TTL is the cache lifetime in seconds (a string in core, a number from
	// some BPPs).
	TTL     LenientString  `json:"ttl,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Provider is an organisation offering items: a university, an employer, a
// scholarship body, a mentoring platform.
type Provider struct {
	ID           string        `json:"id,omitzero"`
	Descriptor   *Descriptor   `json:"descriptor,omitzero"`
	CategoryID   string        `json:"category_id,omitzero"`
	Rating       LenientString `json:"rating,omitzero"`
	Time         *Time         `json:"time,omitzero"`
	Categories   []Category    `json:"categories,omitempty"`
	Fulfillments []Fulfillment `json:"fulfillments,omitempty"`
	Payments     []Payment     `json:"payments,omitempty"`
	Locations    []Location    `json:"locations,omitempty"`
	Offers       []Offer       `json:"offers,omitempty"`
	Items        []Item        `json:"items,omitempty"`
	Exp          string        `json:"exp,omitzero"`
	Rateable     Bool          `json:"rateable,omitzero"`
	// TTL is an integer number of seconds; -1 means "do not cache".
	TTL     Number         `json:"ttl,omitzero"`
	Tags    TagGroups      `json:"tags,omitempty"`
	Unknown jsontext.Value `json:",embed"`
}

// Item is one opportunity: a course, a job, a scholarship, a mentoring
// session. The *_ids members reference objects declared on the Provider.
type Item struct {
	ID                 string             `json:"id,omitzero"`
	ParentItemID       string             `json:"parent_item_id,omitzero"`
	ParentItemQuantity *ItemQuantity      `json:"parent_item_quantity,omitzero"`
	Descriptor         *Descriptor        `json:"descriptor,omitzero"`
	Creator            *Organization      `json:"creator,omitzero"`
	Price              *Price             `json:"price,omitzero"`
	Quantity           *ItemQuantity      `json:"quantity,omitzero"`
	CategoryIDs        []string           `json:"category_ids,omitempty"`
	FulfillmentIDs     []string           `json:"fulfillment_ids,omitempty"`
	LocationIDs        []string           `json:"location_ids,omitempty"`
	PaymentIDs         []string           `json:"payment_ids,omitempty"`
	AddOns             []AddOn            `json:"add_ons,omitempty"`
	CancellationTerms  []CancellationTerm `json:"cancellation_terms,omitempty"`
	RefundTerms        []RefundTerm       `json:"refund_terms,omitempty"`
	ReplacementTerms   []ReplacementTerm  `json:"replacement_terms,omitempty"`
	ReturnTerms        []ReturnTerm       `json:"return_terms,omitempty"`
	XInput             *XInput            `json:"xinput,omitzero"`
	Time               *Time              `json:"time,omitzero"`
	Rateable           Bool               `json:"rateable,omitzero"`
	Rating             LenientString      `json:"rating,omitzero"`
	Matched            Bool               `json:"matched,omitzero"`
	Related            Bool               `json:"related,omitzero"`
	Recommended        Bool               `json:"recommended,omitzero"`
	// TTL is the cache lifetime in seconds, as a string.
	TTL     LenientString  `json:"ttl,omitzero"`
	Tags    TagGroups      `json:"tags,omitempty"`
	Unknown jsontext.Value `json:",embed"`
}

// Category groups items (e.g. "Class 6-12", "Career Advancement").
type Category struct {
	ID               string         `json:"id,omitzero"`
	ParentCategoryID string         `json:"parent_category_id,omitzero"`
	Descriptor       *Descriptor    `json:"descriptor,omitzero"`
	Time             *Time          `json:"time,omitzero"`
	TTL              LenientString  `json:"ttl,omitzero"`
	Tags             TagGroups      `json:"tags,omitempty"`
	Unknown          jsontext.Value `json:",embed"`
}

// Offer is a discount or promotion on items.
type Offer struct {
	ID          string         `json:"id,omitzero"`
	Descriptor  *Descriptor    `json:"descriptor,omitzero"`
	LocationIDs []string       `json:"location_ids,omitempty"`
	CategoryIDs []string       `json:"category_ids,omitempty"`
	ItemIDs     []string       `json:"item_ids,omitempty"`
	Time        *Time          `json:"time,omitzero"`
	Tags        TagGroups      `json:"tags,omitempty"`
	Unknown     jsontext.Value `json:",embed"`
}

// AddOn is an optional extra sold with an item.
type AddOn struct {
	ID         string         `json:"id,omitzero"`
	Descriptor *Descriptor    `json:"descriptor,omitzero"`
	Price      *Price         `json:"price,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// ItemQuantity describes how many of an item exist, are available or are
// selected.
type ItemQuantity struct {
	Allocated *Quantity      `json:"allocated,omitzero"`
	Available *Quantity      `json:"available,omitzero"`
	Maximum   *Quantity      `json:"maximum,omitzero"`
	Minimum   *Quantity      `json:"minimum,omitzero"`
	Selected  *Quantity      `json:"selected,omitzero"`
	Unitized  *Quantity      `json:"unitized,omitzero"`
	Unknown   jsontext.Value `json:",embed"`
}

// Quantity is a count with an optional measure. A bare number (seen as
// "maximum": 1) decodes as the count.
type Quantity struct {
	Count   Number         `json:"count,omitzero"`
	Measure *Scalar        `json:"measure,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// UnmarshalJSONFrom accepts a Quantity object or a bare count.
func (q *Quantity) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case '0', '"':
		var n Number
		if err := n.UnmarshalJSONFrom(dec); err != nil {
			return err
		}
		*q = Quantity{Count: n}
		return nil
	}
	type plain Quantity
	return json.UnmarshalDecode(dec, (*plain)(q))
}

// Scalar is a measured value with a unit.
type Scalar struct {
	Type           string         `json:"type,omitzero"`
	Value          Decimal        `json:"value,omitzero"`
	EstimatedValue Decimal        `json:"estimated_value,omitzero"`
	ComputedValue  Decimal        `json:"computed_value,omitzero"`
	Range          *ScalarRange   `json:"range,omitzero"`
	Unit           string         `json:"unit,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// ScalarRange bounds a Scalar.
type ScalarRange struct {
	Min     Decimal        `json:"min,omitzero"`
	Max     Decimal        `json:"max,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Time is a point, a duration, a range or a schedule. ONEST jobs and
// scholarships carry their application window in Range.
type Time struct {
	Label     string         `json:"label,omitzero"`
	Timestamp string         `json:"timestamp,omitzero"`
	Duration  string         `json:"duration,omitzero"`
	Range     *TimeRange     `json:"range,omitzero"`
	Days      string         `json:"days,omitzero"`
	Schedule  *Schedule      `json:"schedule,omitzero"`
	Unknown   jsontext.Value `json:",embed"`
}

// TimeRange is a start and an end (RFC 3339 date-times, kept as sent).
type TimeRange struct {
	Start   string         `json:"start,omitzero"`
	End     string         `json:"end,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Schedule is a recurring time.
type Schedule struct {
	Frequency string         `json:"frequency,omitzero"`
	Holidays  []string       `json:"holidays,omitempty"`
	Times     []string       `json:"times,omitempty"`
	Unknown   jsontext.Value `json:",embed"`
}
