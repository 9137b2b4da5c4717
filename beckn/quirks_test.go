package beckn

import (
	"strings"
	"testing"
)

// realWorldOnConfirm combines the deviations reference/onest-domain.md §8.4
// lists from real verification logs in one callback: an unresolved Postman
// domain, upper-case BPP keys beside 0.9 flat city/country, a timestamp with
// a leading space, the "fullfillments" typo, a state code "1", media with an
// upper-case URL, a bare Tag, a group known only by name, rating "NaN",
// free-text and range prices, a free-form additional_desc, nested headings,
// a numeric submission id and a numeric provider id.
const realWorldOnConfirm = `{
 "context": {"domain": "{{onest_learning_experiences}}", "action": "on_confirm", "version": "1.1.0",
  "bap_id": "bap.trycloudflare.com", "bap_uri": "https://bap.trycloudflare.com",
  "BPP_ID": "onest.scholarlify.com", "BPP_URI": "https://onest.scholarlify.com",
  "country": "IND", "city": "std:080",
  "transaction_id": "a9aaecca-10b7-4d19-b640-b047a7c62196", "message_id": "m-1",
  "timestamp": " 2024-05-10T12:05:53Z", "ttl": "PT30S"},
 "message": {"order": {
  "provider": {"id": 471, "descriptor": {"name": "Agnirva", "additional_desc": {"opportunity_type": "Scholarship"}}},
  "items": [{"id": "c1", "rating": "NaN",
    "descriptor": {"name": "Career course", "images": ["https://a/c1.png"]},
    "price": {"currency": "INR", "value": "Up to ₹1,00,000 per year", "minimum_value": 1000, "maximum_value": "100000"},
    "tags": [{"descriptor": {"code": "lang-code"}, "value": "hi"},
             {"descriptor": {"name": "Work Experience"}, "list": [{"descriptor": {"name": "Years"}, "value": 2}]}],
    "xinput": {"required": "true", "head": {"index": {"min": 0, "cur": 1, "max": 2}, "headings": [["Personal", "Bank"]]},
               "form": {"url": "https://bpp/form1.html?t=a9aa", "submission_id": 12345}}}],
  "fullfillments": [{"id": "1", "state": {"descriptor": {"code": "1", "name": "ONLINE"}},
    "stops": [{"type": "start", "instructions": {"media": [{"mimetype": "text/uri-list", "URL": "https://agnirva/c1"}]}}]}],
  "add-ons": [{"id": "outline"}]
 }}
}`

func TestRealWorldQuirks(t *testing.T) {
	env, err := Decode([]byte(realWorldOnConfirm))
	if err != nil {
		t.Fatal(err)
	}
	c := env.Context
	if d, known := c.NormalizedDomain(); d != DomainLearning || !known {
		t.Errorf("domain %q %v", d, known)
	}
	if c.BPPID() != "onest.scholarlify.com" || c.BPPURI() != "https://onest.scholarlify.com" || c.City() != "std:080" || c.Country() != "IND" {
		t.Errorf("context accessors: %q %q %q %q", c.BPPID(), c.BPPURI(), c.City(), c.Country())
	}
	if _, err := c.Expires(); err != nil {
		t.Errorf("timestamp with a leading space: %v", err)
	}
	msg, err := env.TypedMessage()
	if err != nil {
		t.Fatal(err)
	}
	o := msg.(*OrderMessage).Order
	if o.Provider.ID != "471" {
		t.Errorf("numeric provider id %q", o.Provider.ID)
	}
	it := o.Items[0]
	if it.Rating != "NaN" || it.Descriptor.Images[0].URL != "https://a/c1.png" {
		t.Errorf("item %+v", it)
	}
	if it.Price.Value.Valid() || it.Price.MinimumValue != "1000" || !it.Price.MaximumValue.Valid() {
		t.Errorf("price %+v", it.Price)
	}
	if v, _ := it.Tags.Value("", "lang-code"); v != "hi" {
		t.Errorf("bare tag lang-code %q", v)
	}
	if v, _ := it.Tags.Value("Work Experience", "Years"); v != "2" {
		t.Errorf("tag by name %q", v)
	}
	x := it.XInput
	if !x.Required.Or(false) || x.Head.Index.Cur.Int(-1) != 1 || strings.Join(x.Head.Headings, ",") != "Personal,Bank" || x.Form.SubmissionID != "12345" {
		t.Errorf("xinput %+v %+v %+v", x.Required, x.Head, x.Form)
	}
	fs := o.AllFulfillments()
	if len(fs) != 1 || fs[0].State.Code() != "1" || fs[0].Stops[0].Instructions.Media[0].Link() != "https://agnirva/c1" {
		t.Errorf("fulfillments %+v", fs)
	}
	// Nothing was lost: the strict re-encoding keeps every value (the
	// fixture rules of expectedAfterRoundTrip apply).
	enc, err := Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	out := *env
	out.Message = enc
	got, err := Marshal(&out)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := parseTree([]byte(realWorldOnConfirm))
	gotTree, _ := parseTree(got)
	if d := diffTrees(expectedAfterRoundTrip(ActionOnConfirm, want), gotTree); len(d) > 0 {
		t.Fatalf("round trip changed the body:\n  %s", strings.Join(d, "\n  "))
	}
}
