package schema

import "fmt"

// Items point at objects declared elsewhere by id (core 1.1.0:
// fulfillment_ids → fulfillments, location_ids → provider locations,
// category_ids → provider categories). A dangling id leaves the seeker app
// unable to show how, where or under what an item is offered; real
// providers send them (onest-domain.md §8.4.11: item fulfillment_ids ["4"]
// with the only fulfilment "1"), so they are warnings. A list that is not
// sent at all is not checked: catalogues are often split across callbacks.

// list returns object o's member name when it is an array, or -1.
func (w *walker) list(o int32, name string) int32 {
	a := w.t.member(o, name)
	if a < 0 || w.t.nodes[a].kind != kArray {
		return -1
	}
	return a
}

// declares reports whether any object in objs has array member name.
func (w *walker) declares(name string, objs []int32) bool {
	for _, o := range objs {
		if w.list(o, name) >= 0 {
			return true
		}
	}
	return false
}

// idSet collects the ids of the elements of array member name of each
// object in objs.
func (w *walker) idSet(name string, objs []int32) map[string]bool {
	t := w.t
	ids := map[string]bool{}
	for _, o := range objs {
		a := w.list(o, name)
		if a < 0 {
			continue
		}
		for e := t.nodes[a].first; e >= 0; e = t.nodes[e].next {
			if id := t.bytes(t.member(e, "id")); len(id) > 0 {
				ids[string(id)] = true
			}
		}
	}
	return ids
}

// anyItemHas reports whether an element of array items has member name, so
// that id sets are only built when something refers to them.
func (w *walker) anyItemHas(items int32, name string) bool {
	t := w.t
	for it := t.nodes[items].first; it >= 0; it = t.nodes[it].next {
		if t.member(it, name) >= 0 {
			return true
		}
	}
	return false
}

// checkReferences checks the item references of the catalogue or order in
// message msg.
func (w *walker) checkReferences(msg int32) {
	t := w.t
	w.path = append(w.path[:0], seg{node: msg, index: -1})
	defer func() { w.path = w.path[:0] }()
	if cat := t.member(msg, "catalog"); cat >= 0 && t.nodes[cat].kind == kObject {
		w.push(cat)
		defer w.pop()
		provs := t.member(cat, "providers")
		if provs < 0 || t.nodes[provs].kind != kArray {
			return
		}
		w.push(provs)
		defer w.pop()
		var k int32
		for p := t.nodes[provs].first; p >= 0; p = t.nodes[p].next {
			if t.nodes[p].kind == kObject {
				w.pushIndex(k)
				w.itemRefs(p, []int32{p, cat}, p)
				w.pop()
			}
			k++
		}
		return
	}
	if order := t.member(msg, "order"); order >= 0 && t.nodes[order].kind == kObject {
		w.push(order)
		defer w.pop()
		prov := t.member(order, "provider")
		w.itemRefs(order, []int32{order, prov}, prov)
	}
}

// itemRefs checks the items of holder (the current path) against the
// fulfilments declared in fulfillmentScopes and the locations and categories
// of provider.
func (w *walker) itemRefs(holder int32, fulfillmentScopes []int32, provider int32) {
	t := w.t
	items := t.member(holder, "items")
	if items < 0 || t.nodes[items].kind != kArray {
		return
	}
	checks := []struct {
		member, target, what string
		scopes               []int32
	}{
		{"fulfillment_ids", "fulfillments", "fulfillment", fulfillmentScopes},
		{"location_ids", "locations", "location", []int32{provider}},
		{"category_ids", "categories", "category", []int32{provider}},
	}
	for _, c := range checks {
		// Whether a list is declared takes a look per scope, whether an
		// item refers to it may take a look at every item: without a
		// declared list there is nothing to check against.
		if !w.declares(c.target, c.scopes) || !w.anyItemHas(items, c.member) {
			continue
		}
		ids := w.idSet(c.target, c.scopes)
		w.push(items)
		var k int32
		for it := t.nodes[items].first; it >= 0; it = t.nodes[it].next {
			refs := t.member(it, c.member)
			if refs >= 0 && t.nodes[refs].kind == kArray {
				w.pushIndex(k)
				w.push(refs)
				var j int32
				for r := t.nodes[refs].first; r >= 0; r = t.nodes[r].next {
					if id := t.bytes(r); len(id) > 0 && !ids[string(id)] {
						w.pushIndex(j)
						w.here("onest.reference", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
							"Item refers to %s %q, but no %s with that id is declared; declare it in %s or fix the id.", c.what, id, c.what, c.target))
						w.pop()
					}
					j++
				}
				w.pop()
				w.pop()
			}
			k++
		}
		w.pop()
	}
}
