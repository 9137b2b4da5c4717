package bpp

// Hostile content, for testing what a BAP shows a learner. Real providers
// write HTML into titles and descriptions, sometimes on purpose: a BAP that
// renders provider text as markup lets any provider run script in its
// learners' browsers. AddHostileItem gives one provider of this BPP an item
// whose texts try exactly that (a <script> element, an event handler, a
// style that would cover the page, an endless unbreakable word), while
// staying an ordinary item in every other way: searchable, selectable, with
// the same form and fulfillments as the item it copies. Existing items and
// their ids are left as they are.

// HostileTitle is the title of the item AddHostileItem adds.
const HostileTitle = `<script>document.title="pwned";window.__pwned=1</script><img src=x onerror="window.__pwned=2"> Hostile Sample Offering`

// hostileItemID is the id of the added item.
const hostileItemID = "hostile-sample-offering"

// AddHostileItem adds the hostile item to the first provider (a copy of its
// first item with hostile texts) and returns the provider and item ids.
// Call it before the BPP serves requests: the catalog is otherwise
// read-only.
func (b *BPP) AddHostileItem() (providerID, itemID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.catalog.Providers[0]
	for _, it := range p.Items {
		if it.ID == hostileItemID {
			return p.ID, it.ID
		}
	}
	cp := *p.Items[0]
	cp.ID = hostileItemID
	cp.Code = hostileItemID
	cp.Name = HostileTitle
	cp.ShortDesc = `<style>body{display:none!important}</style><b onmouseover="window.__pwned=3">Hostile</b> ` +
		`Pneumonoultramicroscopicsilicovolcanoconiosis` + "Pneumonoultramicroscopicsilicovolcanoconiosis" + "Pneumonoultramicroscopicsilicovolcanoconiosis"
	cp.LongDesc = `<p>Hostile sample.</p><iframe src="javascript:window.__pwned=4"></iframe><a href="javascript:window.__pwned=5">click</a>` +
		`<div style="position:fixed;inset:0;background:red">covering the page</div>`
	cp.words = words(searchText(p, &cp))
	p.Items = append(p.Items, &cp)
	return p.ID, cp.ID
}
