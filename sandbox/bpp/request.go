package bpp

import (
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/beckn"
)

// A lenient real provider accepts the request shapes that circulate (the
// ONEST Postman collection, DSEP examples): singular 0.9-style order.item,
// order.fulfillment and order.payment, the typo "fullfillments", the
// sandbox's non-core intent.location and message.location, and 0.9-style
// item.location_id / item.fulfillment_id in a search intent. Package beckn
// keeps those members as unknown JSON; this file folds them into the core
// shapes the handlers work with.

// rawMessage is the message of a request as raw JSON.
type rawMessage = jsontext.Value

// legacyOrder is the side view of an order's non-core members.
type legacyOrder struct {
	Item          *beckn.Item         `json:"item,omitzero"`
	Fulfillment   *beckn.Fulfillment  `json:"fulfillment,omitzero"`
	Fullfillments []beckn.Fulfillment `json:"fullfillments,omitempty"`
	Payment       *beckn.Payment      `json:"payment,omitzero"`
}

// decodeOrder reads message.order of select/init/confirm/update, folding the
// legacy members in. A message without an order gives an empty order.
func decodeOrder(msg jsontext.Value) (*beckn.Order, error) {
	var m struct {
		Order *beckn.Order `json:"order,omitzero"`
	}
	if len(msg) > 0 {
		if err := beckn.Unmarshal(msg, &m); err != nil {
			return nil, err
		}
	}
	if m.Order == nil {
		m.Order = &beckn.Order{}
	}
	var side struct {
		Order legacyOrder `json:"order,omitzero"`
	}
	if len(msg) > 0 {
		_ = beckn.Unmarshal(msg, &side) // a failure here already failed above
	}
	o := m.Order
	if len(o.Items) == 0 && side.Order.Item != nil {
		o.Items = []beckn.Item{*side.Order.Item}
	}
	if len(o.Fulfillments) == 0 {
		if side.Order.Fulfillment != nil {
			o.Fulfillments = []beckn.Fulfillment{*side.Order.Fulfillment}
		} else {
			o.Fulfillments = side.Order.Fullfillments
		}
	}
	if len(o.Payments) == 0 && side.Order.Payment != nil {
		o.Payments = []beckn.Payment{*side.Order.Payment}
	}
	return o, nil
}

// intentExtras are the non-core search criteria of the sandbox collection.
type intentExtras struct {
	Locations     []beckn.Location
	LocationID    string
	FulfillmentID string
}

// decodeSearch reads message.intent and its non-core extras.
func decodeSearch(msg jsontext.Value) (*beckn.Intent, intentExtras, error) {
	var m beckn.SearchMessage
	var ex intentExtras
	if len(msg) > 0 {
		if err := beckn.Unmarshal(msg, &m); err != nil {
			return nil, ex, err
		}
	}
	var side struct {
		Location *beckn.Location `json:"location,omitzero"`
		Intent   struct {
			Location *beckn.Location `json:"location,omitzero"`
			Item     jsontext.Value  `json:"item,omitzero"`
		} `json:"intent,omitzero"`
	}
	if len(msg) > 0 {
		_ = beckn.Unmarshal(msg, &side)
	}
	for _, l := range []*beckn.Location{side.Intent.Location, side.Location} {
		if l != nil {
			ex.Locations = append(ex.Locations, *l)
		}
	}
	if len(side.Intent.Item) > 0 && side.Intent.Item.Kind() == '{' {
		var it struct {
			LocationID    beckn.LenientString `json:"location_id,omitzero"`
			FulfillmentID beckn.LenientString `json:"fulfillment_id,omitzero"`
		}
		if beckn.Unmarshal(side.Intent.Item, &it) == nil {
			ex.LocationID = strings.TrimSpace(string(it.LocationID))
			ex.FulfillmentID = strings.TrimSpace(string(it.FulfillmentID))
		}
	}
	if m.Intent == nil {
		m.Intent = &beckn.Intent{}
	}
	return m.Intent, ex, nil
}

// requestFaults returns the faults a request asks for: the X-Sandbox-Fault
// header, or (for searches relayed by a gateway, which keeps only the body)
// the intent tag group "sandbox-fault". In the tag group a tag "bpp" names
// the one provider the faults are meant for (a gateway fans the search out
// to every provider of the domain); the others ignore them. self is this
// provider's subscriber id. ok is false when the request names no faults
// for us; err when it names them wrongly.
func requestFaults(header string, intent *beckn.Intent, self string) (f Faults, ok bool, err error) {
	if strings.TrimSpace(header) != "" {
		f, err = ParseFaults(header)
		return f, err == nil, err
	}
	if intent == nil {
		return Faults{}, false, nil
	}
	var parts []string
	target := ""
	for i := range intent.Tags {
		g := &intent.Tags[i]
		if !strings.EqualFold(strings.TrimSpace(g.Code()), faultTagGroup) {
			continue
		}
		for j := range g.List {
			t := &g.List[j]
			code, val := strings.TrimSpace(t.Code()), strings.TrimSpace(string(t.Value))
			switch {
			case strings.EqualFold(code, "bpp"):
				target = val
			case strings.EqualFold(code, "spec"):
				parts = append(parts, val)
			case val == "":
				parts = append(parts, code)
			default:
				parts = append(parts, code+"="+val)
			}
		}
	}
	if len(parts) == 0 || (target != "" && target != self) {
		return Faults{}, false, nil
	}
	f, err = ParseFaults(strings.Join(parts, ","))
	return f, err == nil, err
}
