package conformance

import "github.com/onest-seeker/seeker/beckn"

// decode reads a callback's message into v; false when it does not decode.
func decode(body []byte, v any) bool {
	env, err := beckn.Decode(body)
	if err != nil {
		return false
	}
	return env.DecodeMessage(v) == nil
}

// firstItem is the first provider with an item in an on_search, the item
// the flow goes on with, with its name and first category.
func firstItem(body []byte) (provider, item, name, category string) {
	var m beckn.CatalogMessage
	if !decode(body, &m) || m.Catalog == nil {
		return "", "", "", ""
	}
	for _, p := range m.Catalog.Providers {
		for _, it := range p.Items {
			if p.ID != "" && it.ID != "" {
				if it.Descriptor != nil {
					name = it.Descriptor.Name
				}
				if len(it.CategoryIDs) > 0 {
					category = it.CategoryIDs[0]
				}
				return p.ID, it.ID, name, category
			}
		}
	}
	return "", "", "", ""
}

// hasItem says whether an on_search lists the item id.
func hasItem(body []byte, id string) bool {
	var m beckn.CatalogMessage
	if !decode(body, &m) || m.Catalog == nil {
		return false
	}
	for _, p := range m.Catalog.Providers {
		for _, it := range p.Items {
			if it.ID == id {
				return true
			}
		}
	}
	return false
}

func orderOf(body []byte) *beckn.Order {
	var m beckn.OrderMessage
	if !decode(body, &m) {
		return nil
	}
	return m.Order
}

// orderIDOf is message.order.id of an order callback.
func orderIDOf(body []byte) string {
	if o := orderOf(body); o != nil {
		return o.ID
	}
	return ""
}

// xinputOf is the form an on_init asks for, if any.
func xinputOf(body []byte) *beckn.XInput {
	o := orderOf(body)
	if o == nil {
		return nil
	}
	for _, it := range o.Items {
		if it.XInput != nil {
			return it.XInput
		}
	}
	return nil
}

// firstRatingCategory is the first category a provider rates by.
func firstRatingCategory(body []byte) string {
	var m beckn.RatingCategoriesMessage
	if decode(body, &m) && len(m.RatingCategories) > 0 {
		return m.RatingCategories[0]
	}
	return ""
}

// firstCancellationReason is the id of the first reason a provider lists.
func firstCancellationReason(body []byte) string {
	var m beckn.CancellationReasonsMessage
	if decode(body, &m) {
		for _, o := range m.CancellationReasons {
			if o.ID != "" {
				return o.ID
			}
		}
	}
	return ""
}

// fulfillmentOf is the fulfilment an on_select offers for the order: the
// first fulfilment id of the order, else of its first item. Some domains
// (work opportunities) require init to name it.
func fulfillmentOf(body []byte) string {
	o := orderOf(body)
	if o == nil {
		return ""
	}
	for _, f := range o.Fulfillments {
		if f.ID != "" {
			return f.ID
		}
	}
	for _, it := range o.Items {
		if len(it.FulfillmentIDs) > 0 {
			return it.FulfillmentIDs[0]
		}
	}
	return ""
}
