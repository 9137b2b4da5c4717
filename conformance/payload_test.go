package conformance

import "testing"

// FuzzPayloadReaders: whatever a provider sends, reading the item, order,
// form, fulfilment, categories and reasons out of it never panics.
func FuzzPayloadReaders(f *testing.F) {
	f.Add([]byte(`{"context":{"action":"on_search"},"message":{"catalog":{"providers":[{"id":"p","items":[{"id":"i","descriptor":{"name":"n"},"category_ids":["c"]}]}]}}}`))
	f.Add([]byte(`{"context":{"action":"on_init"},"message":{"order":{"id":"o","items":[{"id":"i","fulfillment_ids":["f"],"xinput":{"form":{"url":"http://x/f"}}}],"fulfillments":[{"id":"f"}]}}}`))
	f.Add([]byte(`{"message":{"rating_categories":["a"],"cancellation_reasons":[{"id":"1"}]}}`))
	f.Add([]byte(`{"message":{"order":null,"catalog":7}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, it, _, _ := firstItem(b)
		if it != "" && (p == "" || !hasItem(b, it)) {
			t.Fatalf("firstItem found item %q of provider %q that hasItem does not see", it, p)
		}
		_ = orderIDOf(b)
		_ = xinputOf(b)
		_ = fulfillmentOf(b)
		_ = firstRatingCategory(b)
		_ = firstCancellationReason(b)
	})
}
