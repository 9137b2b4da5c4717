package beckn

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Order is the contract being built from select through confirm, and the
// object every post-order callback carries. Core 1.1.0 has arrays
// fulfillments/payments; the 0.9 singular forms survive in Unknown.
type Order struct {
	ID                string             `json:"id,omitzero"`
	RefOrderIDs       []string           `json:"ref_order_ids,omitempty"`
	Status            string             `json:"status,omitzero"`
	Type              string             `json:"type,omitzero"`
	Provider          *Provider          `json:"provider,omitzero"`
	Items             []Item             `json:"items,omitempty"`
	AddOns            []AddOn            `json:"add_ons,omitempty"`
	Offers            []Offer            `json:"offers,omitempty"`
	Billing           *Billing           `json:"billing,omitzero"`
	Fulfillments      []Fulfillment      `json:"fulfillments,omitempty"`
	Cancellation      *Cancellation      `json:"cancellation,omitzero"`
	CancellationTerms []CancellationTerm `json:"cancellation_terms,omitempty"`
	RefundTerms       []RefundTerm       `json:"refund_terms,omitempty"`
	ReplacementTerms  []ReplacementTerm  `json:"replacement_terms,omitempty"`
	ReturnTerms       []ReturnTerm       `json:"return_terms,omitempty"`
	Quote             *Quotation         `json:"quote,omitzero"`
	Payments          []Payment          `json:"payments,omitempty"`
	CreatedAt         string             `json:"created_at,omitzero"`
	UpdatedAt         string             `json:"updated_at,omitzero"`
	XInput            *XInput            `json:"xinput,omitzero"`
	Tags              TagGroups          `json:"tags,omitempty"`

	// Members of senders that deviate from core 1.1.0, kept so the
	// accessors can fall back to them: Scholarlify's "fullfillments" typo
	// and the 0.9 singular fulfillment and payment. They are raw so that an
	// odd shape there can never fail the decoding of the whole order.
	MisspeltFulfillments jsontext.Value `json:"fullfillments,omitzero"`
	LegacyFulfillment    jsontext.Value `json:"fulfillment,omitzero"`
	LegacyPayment        jsontext.Value `json:"payment,omitzero"`

	Unknown jsontext.Value `json:",embed"`
}

// AllFulfillments returns the order's fulfillments: fulfillments, else the
// misspelt "fullfillments", else the 0.9 singular fulfillment (an object or
// a list each; an undecodable one is skipped and stays raw).
func (o *Order) AllFulfillments() []Fulfillment {
	if len(o.Fulfillments) > 0 {
		return o.Fulfillments
	}
	for _, raw := range []jsontext.Value{o.MisspeltFulfillments, o.LegacyFulfillment} {
		var fs []Fulfillment
		if len(raw) > 0 && Unmarshal(raw, &fs) == nil && len(fs) > 0 {
			return fs
		}
	}
	return nil
}

// AllPayments returns payments, else the 0.9 singular payment (an object
// or a list).
func (o *Order) AllPayments() []Payment {
	if len(o.Payments) > 0 {
		return o.Payments
	}
	var ps []Payment
	if len(o.LegacyPayment) > 0 && Unmarshal(o.LegacyPayment, &ps) == nil {
		return ps
	}
	return nil
}

// Quotation is the price the BPP quotes for an order, with its breakup.
type Quotation struct {
	ID      string             `json:"id,omitzero"`
	Price   *Price             `json:"price,omitzero"`
	Breakup []QuotationBreakup `json:"breakup,omitempty"`
	TTL     LenientString      `json:"ttl,omitzero"`
	Unknown jsontext.Value     `json:",embed"`
}

// QuotationBreakup is one line of a quote.
type QuotationBreakup struct {
	Item    *Item          `json:"item,omitzero"`
	Title   string         `json:"title,omitzero"`
	Price   *Price         `json:"price,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Price is an amount in a currency; every value is a [Decimal] so that a
// number sent by a BPP keeps its exact digits. Ranges use MinimumValue and
// MaximumValue.
type Price struct {
	Currency       string         `json:"currency,omitzero"`
	Value          Decimal        `json:"value,omitzero"`
	EstimatedValue Decimal        `json:"estimated_value,omitzero"`
	ComputedValue  Decimal        `json:"computed_value,omitzero"`
	ListedValue    Decimal        `json:"listed_value,omitzero"`
	OfferedValue   Decimal        `json:"offered_value,omitzero"`
	MinimumValue   Decimal        `json:"minimum_value,omitzero"`
	MaximumValue   Decimal        `json:"maximum_value,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// Payment is a payment term; an empty URL means pay offline.
type Payment struct {
	ID          string         `json:"id,omitzero"`
	CollectedBy LenientString  `json:"collected_by,omitzero"`
	URL         string         `json:"url,omitzero"`
	Params      *PaymentParams `json:"params,omitzero"`
	Type        string         `json:"type,omitzero"`
	Status      string         `json:"status,omitzero"`
	Time        *Time          `json:"time,omitzero"`
	Tags        TagGroups      `json:"tags,omitempty"`
	Unknown     jsontext.Value `json:",embed"`
}

// PaymentParams are the details of a payment. BankAccountName is an ONEST
// addition (scholarship disbursal) outside core 1.1.0.
type PaymentParams struct {
	TransactionID               string         `json:"transaction_id,omitzero"`
	Amount                      Decimal        `json:"amount,omitzero"`
	Currency                    string         `json:"currency,omitzero"`
	BankCode                    string         `json:"bank_code,omitzero"`
	BankAccountNumber           string         `json:"bank_account_number,omitzero"`
	BankAccountName             string         `json:"bank_account_name,omitzero"`
	VirtualPaymentAddress       string         `json:"virtual_payment_address,omitzero"`
	SourceBankCode              string         `json:"source_bank_code,omitzero"`
	SourceBankAccountNumber     string         `json:"source_bank_account_number,omitzero"`
	SourceVirtualPaymentAddress string         `json:"source_virtual_payment_address,omitzero"`
	Unknown                     jsontext.Value `json:",embed"`
}

// Billing is who pays (or, for scholarships, the applicant's institution).
type Billing struct {
	Name         string         `json:"name,omitzero"`
	Organization *Organization  `json:"organization,omitzero"`
	Address      string         `json:"address,omitzero"`
	State        *State         `json:"state,omitzero"`
	City         *City          `json:"city,omitzero"`
	Email        string         `json:"email,omitzero"`
	Phone        string         `json:"phone,omitzero"`
	Time         *Time          `json:"time,omitzero"`
	TaxID        string         `json:"tax_id,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// Cancellation records who cancelled an order and why.
type Cancellation struct {
	Time                  string         `json:"time,omitzero"`
	CancelledBy           string         `json:"cancelled_by,omitzero"`
	Reason                *Option        `json:"reason,omitzero"`
	AdditionalDescription *Descriptor    `json:"additional_description,omitzero"`
	Unknown               jsontext.Value `json:",embed"`
}

// CancellationTerm is a cancellation policy, possibly with a form.
type CancellationTerm struct {
	FulfillmentState *FulfillmentState `json:"fulfillment_state,omitzero"`
	ReasonRequired   Bool              `json:"reason_required,omitzero"`
	CancelBy         *Time             `json:"cancel_by,omitzero"`
	CancellationFee  *Fee              `json:"cancellation_fee,omitzero"`
	XInput           *XInput           `json:"xinput,omitzero"`
	ExternalRef      *MediaFile        `json:"external_ref,omitzero"`
	Unknown          jsontext.Value    `json:",embed"`
}

// Fee is a percentage or an amount.
type Fee struct {
	Percentage Decimal        `json:"percentage,omitzero"`
	Amount     *Price         `json:"amount,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// RefundTerm is a refund policy.
type RefundTerm struct {
	FulfillmentState *State         `json:"fulfillment_state,omitzero"`
	RefundEligible   Bool           `json:"refund_eligible,omitzero"`
	RefundWithin     *Time          `json:"refund_within,omitzero"`
	RefundAmount     *Price         `json:"refund_amount,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

// ReplacementTerm is a replacement policy.
type ReplacementTerm struct {
	FulfillmentState *State         `json:"fulfillment_state,omitzero"`
	ReplaceWithin    *Time          `json:"replace_within,omitzero"`
	ExternalRef      *MediaFile     `json:"external_ref,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

// ReturnTerm is a return policy.
type ReturnTerm struct {
	FulfillmentState     *State         `json:"fulfillment_state,omitzero"`
	ReturnEligible       Bool           `json:"return_eligible,omitzero"`
	ReturnTime           *Time          `json:"return_time,omitzero"`
	ReturnLocation       *Location      `json:"return_location,omitzero"`
	FulfillmentManagedBy string         `json:"fulfillment_managed_by,omitzero"`
	Unknown              jsontext.Value `json:",embed"`
}

// Option is an id with a descriptor: a cancellation or return reason.
type Option struct {
	ID         string         `json:"id,omitzero"`
	Descriptor *Descriptor    `json:"descriptor,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// Support is how to reach the provider's support about an object. DSEP
// examples add order_id and docs; they survive in Unknown.
type Support struct {
	RefID         string         `json:"ref_id,omitzero"`
	CallbackPhone string         `json:"callback_phone,omitzero"`
	Phone         string         `json:"phone,omitzero"`
	Email         string         `json:"email,omitzero"`
	URL           string         `json:"url,omitzero"`
	Unknown       jsontext.Value `json:",embed"`
}

// Rating rates an entity. Value is a string in core (it may contain
// operators); numbers are accepted.
type Rating struct {
	RatingCategory string         `json:"rating_category,omitzero"`
	ID             string         `json:"id,omitzero"`
	Value          LenientString  `json:"value,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// Intent is what a learner is looking for (search.message.intent). Free
// text goes in Item.Descriptor.Name or Descriptor.Name.
type Intent struct {
	Descriptor  *Descriptor    `json:"descriptor,omitzero"`
	Provider    *Provider      `json:"provider,omitzero"`
	Fulfillment *Fulfillment   `json:"fulfillment,omitzero"`
	Payment     *Payment       `json:"payment,omitzero"`
	Category    *Category      `json:"category,omitzero"`
	Offer       *Offer         `json:"offer,omitzero"`
	Item        *Item          `json:"item,omitzero"`
	Tags        TagGroups      `json:"tags,omitempty"`
	Unknown     jsontext.Value `json:",embed"`

	// ExtraItems holds the second and later items when a sender put an
	// array in intent.item (seen in the DSEP "search based on skills"
	// example); core allows one item, so only Item is encoded.
	ExtraItems []Item `json:"-"`
}

// UnmarshalJSONFrom decodes an Intent, accepting an array for item.
func (in *Intent) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain Intent
	var w struct {
		plain
		Item jsontext.Value `json:"item,omitzero"`
	}
	if err := json.UnmarshalDecode(dec, &w); err != nil {
		return err
	}
	*in = Intent(w.plain)
	in.Item = nil
	if len(w.Item) == 0 {
		return nil
	}
	var items []Item
	if err := decodeOneOrMany(jsontext.NewDecoder(bytesReader(w.Item), dec.Options()), &items); err != nil {
		return err
	}
	if len(items) > 0 {
		in.Item = &items[0]
		in.ExtraItems = items[1:]
	}
	return nil
}
