package beckn

// expectedAfterRoundTrip rewrites a parsed original body into the shape the
// strict encoder must produce from it. Each rule is a leniency of the
// decoder; every value of the original must still be present after the
// rewrite, so a rule may move a value to where core 1.1.0 keeps it but never
// drop one. The comparison itself (diffTrees) adds rule 0 (empty values may
// be absent) and the scalar representation rule (a number may come back as
// a string with the same text, "none"/"block"/"true" as a boolean).
//
//  1. images: a bare URL string at images/N is the object {"url": ...}.
//  2. tags: a bare Tag (an object with "value" and no "list") at tags/N is
//     the TagGroup {"list": [tag]}; a bare string is {"list": [{"value": s}]}.
//  3. city/state given as a string in a Location, Organization or Billing
//     are {"name": ...}; country is {"code": ...} (the context keeps its
//     flat 0.9 keys as they are, and an Order's non-core "state" is an
//     unknown member kept verbatim).
//  4. A quantity (allocated, available, maximum, minimum, selected,
//     unitized) given as a bare number is {"count": n}.
//  5. creds given as one object is a one-element array.
//  6. headings nested in arrays are flattened in order.
//  7. An error's "path" is "paths".
//  8. rating: "ratings" as an object, "rating" as an object or the Rating
//     members flat in the message are message.ratings[...].
//  9. support: Support members flat in the message are message.support.
//  10. The singular "cancellation_reason" is "cancellation_reasons".
//  11. intent.item given as an array of one item is that item.
func expectedAfterRoundTrip(action string, body any) any {
	root, ok := body.(jObject)
	if !ok {
		return body
	}
	if msg, ok := root["message"].(jObject); ok {
		rewriteMessage(action, msg)
		root["message"] = rewriteTree(msg, "message")
	}
	if e, ok := root["error"].(jObject); ok {
		root["error"] = rewriteTree(e, "error")
	}
	return root
}

func rewriteMessage(action string, msg jObject) {
	switch action {
	case ActionRating:
		var ratings jArray
		for _, k := range []string{"ratings", "rating"} {
			switch r := msg[k].(type) {
			case jArray:
				ratings = append(ratings, r...)
			case jObject:
				ratings = append(ratings, r)
			}
			delete(msg, k)
		}
		flat := jObject{}
		for _, k := range []string{"id", "rating_category", "value"} {
			if v, ok := msg[k]; ok {
				flat[k] = v
				delete(msg, k)
			}
		}
		if len(flat) > 0 {
			ratings = append(ratings, flat)
		}
		if len(ratings) > 0 {
			msg["ratings"] = ratings
		}
	case ActionSupport, ActionOnSupport:
		sup, _ := msg["support"].(jObject)
		for _, k := range []string{"ref_id", "callback_phone", "phone", "email", "url"} {
			if v, ok := msg[k]; ok {
				if sup == nil {
					sup = jObject{}
					msg["support"] = sup
				}
				if _, has := sup[k]; !has {
					sup[k] = v
				}
				delete(msg, k)
			}
		}
	}
	if r, ok := msg["cancellation_reason"]; ok {
		delete(msg, "cancellation_reason")
		if arr, ok := r.(jArray); ok {
			existing, _ := msg["cancellation_reasons"].(jArray)
			msg["cancellation_reasons"] = append(existing, arr...)
		}
	}
	if in, ok := msg["intent"].(jObject); ok {
		if arr, ok := in["item"].(jArray); ok && len(arr) == 1 {
			in["item"] = arr[0]
		}
	}
}

var quantityKeys = map[string]bool{
	"allocated": true, "available": true, "maximum": true,
	"minimum": true, "selected": true, "unitized": true,
}

// rewriteTree applies rules 1–7 below a member named key.
func rewriteTree(v any, key string) any {
	switch x := v.(type) {
	case jObject:
		if key == "error" || key == "errors" {
			if p, ok := x["path"]; ok {
				if _, has := x["paths"]; !has {
					x["paths"] = p
					delete(x, "path")
				}
			}
		}
		for k, c := range x {
			x[k] = rewriteMember(key, k, c)
		}
		return x
	case jArray:
		for i, c := range x {
			x[i] = rewriteTree(c, key)
		}
		return x
	}
	return v
}

// cityHolders are the members whose objects have typed city/state/country
// members (Location, Organization, Billing).
var cityHolders = map[string]bool{
	"location": true, "locations": true, "return_location": true,
	"organization": true, "creator": true, "billing": true,
}

func rewriteMember(parent, k string, c any) any {
	switch {
	case k == "images":
		if arr, ok := c.(jArray); ok {
			for i, e := range arr {
				if s, ok := e.(string); ok {
					arr[i] = jObject{"url": s}
				}
			}
		}
	case k == "tags":
		if arr, ok := c.(jArray); ok {
			for i, e := range arr {
				if s, ok := e.(string); ok {
					arr[i] = jObject{"list": jArray{jObject{"value": s}}}
				}
				if o, ok := e.(jObject); ok {
					_, hasValue := o["value"]
					_, hasList := o["list"]
					if hasValue && !hasList {
						arr[i] = jObject{"list": jArray{o}}
					}
				}
			}
		}
	case (k == "city" || k == "state") && cityHolders[parent]:
		if s, ok := c.(string); ok {
			return jObject{"name": s}
		}
	case k == "country" && cityHolders[parent]:
		if s, ok := c.(string); ok {
			return jObject{"code": s}
		}
	case quantityKeys[k]:
		switch c.(type) {
		case numLit, string:
			return jObject{"count": c}
		}
	case k == "creds":
		if o, ok := c.(jObject); ok {
			c = jArray{o}
		}
	case k == "headings":
		if arr, ok := c.(jArray); ok {
			return flattenArray(arr)
		}
	}
	return rewriteTree(c, k)
}

func flattenArray(arr jArray) jArray {
	var out jArray
	for _, e := range arr {
		if sub, ok := e.(jArray); ok {
			out = append(out, flattenArray(sub)...)
		} else {
			out = append(out, e)
		}
	}
	return out
}
