package schema

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// msg builds a test message from a JSON template and edits: each edit sets
// (or, with a nil value, deletes) the member at a dotted path; numeric
// segments index arrays.
func msg(t testing.TB, template string, edits ...any) []byte {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(template), &doc); err != nil {
		t.Fatalf("bad template: %v", err)
	}
	for i := 0; i+1 < len(edits); i += 2 {
		setPath(t, doc, edits[i].(string), edits[i+1])
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// deleted marks an edit that removes the member.
type deletedT struct{}

var deleted = deletedT{}

func setPath(t testing.TB, doc any, path string, val any) {
	t.Helper()
	parts := strings.Split(path, ".")
	cur := doc
	for k, p := range parts {
		last := k == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if val == deleted {
					delete(c, p)
				} else {
					c[p] = val
				}
				return
			}
			if c[p] == nil {
				c[p] = map[string]any{}
			}
			cur = c[p]
		case []any:
			idx, err := strconv.Atoi(p)
			if err != nil || idx < 0 || idx >= len(c) {
				t.Fatalf("bad index %q in %s", p, path)
			}
			if last {
				c[idx] = val
				return
			}
			cur = c[idx]
		default:
			t.Fatalf("cannot descend into %T at %q of %s", cur, p, path)
		}
	}
}

const validContext = `{
	"domain": "onest:learning-experiences", "action": "select", "version": "1.1.0",
	"bap_id": "bap.example.com", "bap_uri": "https://bap.example.com/beckn",
	"bpp_id": "bpp.example.com", "bpp_uri": "https://bpp.example.com/beckn",
	"transaction_id": "a9aaecca-10b7-4d19-b640-b047a7c62196",
	"message_id": "bb579fb8-cb82-4824-be12-fcbc405b6608",
	"timestamp": "2024-05-08T10:00:00.000Z", "ttl": "PT30S"}`

const validSelect = `{"context": ` + validContext + `,
	"message": {"order": {"provider": {"id": "infosys"}, "items": [{"id": "course-1"}],
	"payments": [{"type": "PRE-ORDER", "status": "NOT-PAID", "collected_by": "bpp"}]}}}`

const validInit = `{"context": ` + validContext + `,
	"message": {"order": {"provider": {"id": "infosys"}, "items": [{"id": "course-1"}],
	"fulfillments": [{"id": "f1", "type": "ONLINE", "customer": {"person": {"name": "Asha", "gender": "Female", "age": "22",
	"tags": [{"descriptor": {"code": "professional-details"}, "list": [{"descriptor": {"code": "profession"}, "value": "student"}]}]},
	"contact": {"phone": "+91 98450 00000", "email": "asha@example.com"}}}]}}}`

const validOnStatus = `{"context": ` + validContext + `,
	"message": {"order": {"id": "order-1", "provider": {"id": "infosys", "descriptor": {"name": "Infosys"}},
	"items": [{"id": "course-1", "price": {"currency": "INR", "value": "150.00"}}],
	"fulfillments": [{"id": "f1", "state": {"descriptor": {"code": "COMPLETED"}, "updated_at": "2024-05-08T10:00:00Z"},
	"customer": {"person": {"name": "Asha"}, "contact": {"email": "asha@example.com"}}}]}}}`

type finding struct {
	path, rule string
	sev        Severity
}

func TestRules(t *testing.T) {
	v := New()
	cases := []struct {
		name   string
		action string
		body   []byte
		opts   []Option
		want   []finding // each must be present
		absent []finding // each must not be present
		clean  bool      // no findings of severity error or warning at all
	}{
		{name: "valid select", action: "select", body: msg(t, validSelect), clean: true},
		{name: "valid init", action: "init", body: msg(t, validInit, "context.action", "init"), clean: true},
		{name: "valid on_status", action: "on_status", body: msg(t, validOnStatus, "context.action", "on_status"), clean: true},
		{name: "action taken from context", action: "", body: msg(t, validSelect), clean: true},
		{name: "number where a string is due", action: "select",
			body: msg(t, validSelect, "message.order.items.0.id", 42),
			want: []finding{{"message.order.items[0].id", "core.type", SeverityError}}},
		{name: "null where an object is due", action: "select",
			body: msg(t, validSelect, "message.order.provider", nil),
			want: []finding{{"message.order.provider", "core.type", SeverityError}}},
		{name: "object where an array is due", action: "select",
			body: msg(t, validSelect, "message.order.items", map[string]any{"id": "x"}),
			want: []finding{{"message.order.items", "core.type", SeverityError}}},
		{name: "bad core enum", action: "select",
			body: msg(t, validSelect, "message.order.payments.0.status", "UNPAID"),
			want: []finding{{"message.order.payments[0].status", "core.enum", SeverityError}}},
		{name: "bad timestamp", action: "select",
			body: msg(t, validSelect, "context.timestamp", "2024-05-98T14:00:41.161Z"),
			want: []finding{{"context.timestamp", "core.format", SeverityError}}},
		{name: "timestamp with a leading space", action: "select",
			body: msg(t, validSelect, "context.timestamp", " 2024-05-10T12:05:53Z"),
			want: []finding{{"context.timestamp", "core.format", SeverityError}}},
		{name: "transaction id not a uuid", action: "select",
			body: msg(t, validSelect, "context.transaction_id", "txn-1"),
			want: []finding{{"context.transaction_id", "core.format", SeverityError}}},
		{name: "relative bap_uri", action: "select",
			body: msg(t, validSelect, "context.bap_uri", "bap.example.com/beckn"),
			want: []finding{{"context.bap_uri", "core.format", SeverityError}}},
		{name: "ttl not ISO 8601", action: "select",
			body: msg(t, validSelect, "context.ttl", "10 minutes"),
			want: []finding{{"context.ttl", "core.format", SeverityError}}},
		{name: "price as a number", action: "on_status",
			body: msg(t, validOnStatus, "context.action", "on_status", "message.order.items.0.price.value", 150.5),
			want: []finding{{"message.order.items[0].price.value", "core.type", SeverityError}}},
		{name: "price as free text", action: "on_status",
			body: msg(t, validOnStatus, "context.action", "on_status", "message.order.items.0.price.value", "1,000"),
			want: []finding{{"message.order.items[0].price.value", "core.format", SeverityError}}},
		{name: "count below minimum", action: "select",
			body: msg(t, validSelect, "message.order.items.0.quantity", map[string]any{"maximum": map[string]any{"count": 0}}),
			want: []finding{{"message.order.items[0].quantity.maximum.count", "core.range", SeverityError}}},
		{name: "count not an integer", action: "select",
			body: msg(t, validSelect, "message.order.items.0.quantity", map[string]any{"selected": map[string]any{"count": 1.5}}),
			want: []finding{{"message.order.items[0].quantity.selected.count", "core.type", SeverityError}}},
		{name: "action does not match endpoint", action: "init", body: msg(t, validSelect),
			want: []finding{{"context.action", "core.action", SeverityError}}},
		{name: "misspelt action", action: "", body: msg(t, validSelect, "context.action", "on_comfirm"),
			want: []finding{{"context.action", "core.action", SeverityError}}},
		{name: "unknown endpoint", action: "purchase", body: msg(t, validSelect),
			want: []finding{{"", "core.action", SeverityError}}},
		{name: "context.action missing", action: "select", body: msg(t, validSelect, "context.action", deleted),
			want: []finding{{"context.action", "core.required", SeverityError}}},
		{name: "context missing", action: "select", body: msg(t, validSelect, "context", deleted),
			want: []finding{{"context", "core.required", SeverityError}}},
		{name: "order missing", action: "select", body: msg(t, validSelect, "message.order", deleted),
			want: []finding{{"message.order", "core.required", SeverityError}}},
		{name: "message missing in a request", action: "select", body: msg(t, validSelect, "message", deleted),
			want: []finding{{"message", "core.required", SeverityError}}},
		{name: "status with order.id instead of order_id", action: "status",
			body: msg(t, validSelect, "context.action", "status", "message", map[string]any{"order": map[string]any{"id": "o1"}}),
			want: []finding{{"message.order_id", "core.required", SeverityError}}},
		{name: "misspelt member", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.fullfillments", []any{}),
			want: []finding{{"message.order.fullfillments", "core.unknown-member", SeverityWarning}}},
		{name: "0.9 singular fulfillment", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.fulfillment", map[string]any{}),
			want: []finding{{"message.order.fulfillment", "core.unknown-member", SeverityWarning}}},
		{name: "callback with error and no message", action: "on_select",
			body: msg(t, `{"context": `+validContext+`, "error": {"code": "30004", "message": "Item not found"}}`, "context.action", "on_select"),
			want: []finding{{"error", "core.error", SeverityInfo}}, clean: true},
		{name: "callback with neither message nor error", action: "on_status",
			body: msg(t, `{"context": `+validContext+`}`, "context.action", "on_status"),
			want: []finding{{"message", "onest.empty-callback", SeverityWarning}}},
		{name: "protocol-server wrapper", action: "",
			body: msg(t, `{"context": `+validContext+`, "responses": []}`),
			want: []finding{{"responses", "core.envelope", SeverityError}}},
		// ONEST policy.
		{name: "legacy domain", action: "select", body: msg(t, validSelect, "context.domain", "dsep:courses"),
			want: []finding{{"context.domain", "onest.domain-legacy", SeverityWarning}}},
		{name: "not an ONEST domain", action: "select", body: msg(t, validSelect, "context.domain", "dsep:student-connect"),
			want: []finding{{"context.domain", "onest.domain", SeverityError}}},
		{name: "unresolved domain variable", action: "select", body: msg(t, validSelect, "context.domain", "{{onest_learning_experiences}}"),
			want: []finding{{"context.domain", "onest.placeholder", SeverityError}}},
		{name: "unknown template variable as domain", action: "select", body: msg(t, validSelect, "context.domain", "{{domain}}"),
			want: []finding{{"context.domain", "onest.placeholder", SeverityError}}},
		{name: "domain in upper case", action: "select", body: msg(t, validSelect, "context.domain", "ONEST:LEARNING-EXPERIENCES"),
			want: []finding{{"context.domain", "onest.domain-legacy", SeverityWarning}}},
		{name: "placeholder domain keeps its policy", action: "select",
			body: msg(t, validSelect, "context.domain", "{{onest_learning_experiences}}", "message.order.provider.id", ""),
			want: []finding{{"context.domain", "onest.placeholder", SeverityError}, {"message.order.provider.id", "onest.mandatory", SeverityError}}},
		{name: "unresolved version variable", action: "select", body: msg(t, validSelect, "context.version", "{{core_version}}"),
			want: []finding{{"context.version", "onest.placeholder", SeverityError}, {"context.version", "onest.version", SeverityError}}},
		{name: "domain override", action: "select", body: msg(t, validSelect, "context.domain", "dsep:student-connect"),
			opts: []Option{WithDomain(DomainLearning)}, clean: true},
		{name: "DSEP version", action: "select", body: msg(t, validSelect, "context.version", "0.7.0"),
			want: []finding{{"context.version", "onest.version", SeverityError}}},
		{name: "0.9 context members", action: "select", body: msg(t, validSelect, "context.core_version", "0.9.4", "context.city", "std:080"),
			want: []finding{{"context.core_version", "core.unknown-member", SeverityWarning}, {"context.city", "core.unknown-member", SeverityWarning}}},
		{name: "0.9 fulfillment start", action: "search",
			body: msg(t, `{"context": `+validContext+`, "message": {"intent": {"fulfillment": {"start": {}}}}}`, "context.action", "search"),
			want: []finding{{"message.intent.fulfillment.start", "core.unknown-member", SeverityWarning}}},
		{name: "flat rating", action: "rating",
			body: msg(t, `{"context": `+validContext+`, "message": {"id": "i1", "rating_category": "Item", "value": "4"}}`, "context.action", "rating"),
			want: []finding{{"message.id", "core.unknown-member", SeverityWarning}, {"message.value", "core.unknown-member", SeverityWarning}}},
		{name: "bpp_id missing on a non-search call", action: "select", body: msg(t, validSelect, "context.bpp_id", deleted),
			want: []finding{{"context.bpp_id", "onest.mandatory", SeverityError}}},
		{name: "bpp_id not needed on search", action: "search",
			body: msg(t, `{"context": `+validContext+`, "message": {"intent": {"item": {"descriptor": {"name": "python"}}}}}`,
				"context.action", "search", "context.bpp_id", deleted, "context.bpp_uri", deleted), clean: true},
		{name: "search without action in context", action: "search",
			body: msg(t, `{"context": `+validContext+`, "message": {"intent": {}}}`, "context.action", deleted),
			want: []finding{{"context.action", "onest.mandatory", SeverityError}}},
		{name: "mandatory provider id", action: "select", body: msg(t, validSelect, "message.order.provider.id", ""),
			want: []finding{{"message.order.provider.id", "onest.mandatory", SeverityError}}},
		{name: "mandatory items", action: "select", body: msg(t, validSelect, "message.order.items", []any{}),
			want: []finding{{"message.order.items", "onest.mandatory", SeverityError}}},
		{name: "phone or email", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.fulfillments.0.customer.contact", map[string]any{"jcard": map[string]any{}}),
			want: []finding{{"message.order.fulfillments[0].customer.contact", "onest.mandatory", SeverityError}}},
		{name: "email alone is enough in learning init", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.fulfillments.0.customer.contact.phone", deleted), clean: true},
		{name: "work opportunities confirm needs phone and email", action: "confirm",
			body: msg(t, validInit, "context.action", "confirm", "context.domain", DomainWork,
				"message.order.fulfillments.0.type", "REMOTE", "message.order.fulfillments.0.customer.person.tags", []any{},
				"message.order.fulfillments.0.customer.contact.phone", deleted),
			want: []finding{{"message.order.fulfillments[0].customer.contact.phone", "onest.mandatory", SeverityError}}},
		{name: "gender in lower case", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.fulfillments.0.customer.person.gender", "female"),
			want: []finding{{"message.order.fulfillments[0].customer.person.gender", "onest.enum-case", SeverityWarning}}},
		{name: "gender outside the list", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.fulfillments.0.customer.person.gender", "M"),
			want: []finding{{"message.order.fulfillments[0].customer.person.gender", "onest.enum", SeverityError}}},
		{name: "fulfilment type of another domain", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.fulfillments.0.type", "REMOTE"),
			want: []finding{{"message.order.fulfillments[0].type", "onest.enum", SeverityError}}},
		{name: "fulfilment type in lower case", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.fulfillments.0.type", "online"),
			want: []finding{{"message.order.fulfillments[0].type", "onest.enum-case", SeverityWarning}}},
		{name: "fulfilment state outside the list", action: "on_status",
			body: msg(t, validOnStatus, "context.action", "on_status", "message.order.fulfillments.0.state.descriptor.code", "course-cancelled"),
			want: []finding{{"message.order.fulfillments[0].state.descriptor.code", "onest.enum", SeverityError}}},
		{name: "financial-support on_select needs a ttl", action: "on_select",
			body: msg(t, validOnStatus, "context.action", "on_select", "context.domain", DomainFinancial, "context.ttl", deleted),
			want: []finding{{"context.ttl", "onest.mandatory", SeverityError}}},
		{name: "state of the financial-support list", action: "on_status",
			body: msg(t, validOnStatus, "context.action", "on_status", "context.domain", DomainFinancial,
				"message.order.fulfillments.0.state.descriptor.code", "APPLICATION-APPROVED"),
			absent: []finding{{"message.order.fulfillments[0].state.descriptor.code", "onest.enum", SeverityError}},
			want:   []finding{{"message.order.fulfillments[0].customer.person.age", "onest.mandatory", SeverityError}}},
		{name: "collected_by in upper case", action: "select",
			body: msg(t, validSelect, "message.order.payments.0.collected_by", "BPP"), clean: true},
		{name: "collected_by outside bap/bpp", action: "select",
			body: msg(t, validSelect, "message.order.payments.0.collected_by", "seeker"),
			want: []finding{{"message.order.payments[0].collected_by", "onest.enum", SeverityError}}},
		{name: "tag group outside the recommended list", action: "select",
			body: msg(t, validSelect, "message.order.items.0.tags", []any{map[string]any{"descriptor": map[string]any{"code": "courseInfo"}}}),
			want: []finding{{"message.order.items[0].tags[0]", "onest.tag", SeverityInfo}}, clean: true},
		{name: "tag outside its group's list", action: "select",
			body: msg(t, validSelect, "message.order.items.0.tags", []any{map[string]any{"descriptor": map[string]any{"code": "content-metadata"},
				"list": []any{map[string]any{"descriptor": map[string]any{"code": "minAge"}, "value": "5"}}}}),
			want: []finding{{"message.order.items[0].tags[0].list", "onest.tag", SeverityInfo}}, clean: true},
		{name: "tag group code at the top level", action: "select",
			body: msg(t, validSelect, "message.order.items.0.tags", []any{map[string]any{"code": "content-metadata", "list": []any{}}}),
			want: []finding{{"message.order.items[0].tags[0].code", "onest.tag-shape", SeverityWarning}}},
		{name: "bare tag instead of a group", action: "select",
			body: msg(t, validSelect, "message.order.items.0.tags", []any{map[string]any{"descriptor": map[string]any{"code": "lang-code"}, "value": "hi"}}),
			want: []finding{{"message.order.items[0].tags[0]", "onest.tag-shape", SeverityWarning}}},
		{name: "item refers to an undeclared fulfillment", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.items.0.fulfillment_ids", []any{"f1", "f4"}),
			want: []finding{{"message.order.items[0].fulfillment_ids[1]", "onest.reference", SeverityWarning}}},
		{name: "item refers to a declared fulfillment", action: "init",
			body: msg(t, validInit, "context.action", "init", "message.order.items.0.fulfillment_ids", []any{"f1"}), clean: true},
		{name: "catalogue item refers to an undeclared location", action: "on_search",
			body: msg(t, `{"context": `+validContext+`, "message": {"catalog": {"descriptor": {"name": "Jobs"}, "providers": [{"id": "p1",
				"descriptor": {"name": "Acme"}, "locations": [{"id": "blr"}], "fulfillments": [{"id": "f1", "type": "REMOTE"}],
				"items": [{"id": "i1", "descriptor": {"name": "Welder", "long_desc": "Welding"}, "location_ids": ["blr", "del"], "fulfillment_ids": ["f1"]}]}]}}}`,
				"context.action", "on_search", "context.domain", DomainWork),
			want: []finding{{"message.catalog.providers[0].items[0].location_ids[1]", "onest.reference", SeverityWarning}}},
		{name: "undeclared categories are not checked", action: "on_search",
			body: msg(t, `{"context": `+validContext+`, "message": {"catalog": {"descriptor": {"name": "Jobs"}, "providers": [{"id": "p1",
				"descriptor": {"name": "Acme"}, "fulfillments": [{"id": "f1", "type": "ONSITE"}],
				"items": [{"id": "i1", "descriptor": {"name": "Welder", "long_desc": "Welding"}, "category_ids": ["c9"], "fulfillment_ids": ["f1"]}]}]}}}`,
				"context.action", "on_search", "context.domain", DomainWork), clean: true},
		// Meta APIs.
		{name: "get_cancellation_reasons has only a context", action: "get_cancellation_reasons",
			body: msg(t, `{"context": `+validContext+`}`, "context.action", "get_cancellation_reasons"), clean: true},
		{name: "cancellation_reasons needs its list", action: "cancellation_reasons",
			body: msg(t, `{"context": `+validContext+`, "message": {}}`, "context.action", "cancellation_reasons"),
			want: []finding{{"message.cancellation_reasons", "core.required", SeverityError}}},
		{name: "rating categories from the core list", action: "rating_categories",
			body: msg(t, `{"context": `+validContext+`, "message": {"rating_categories": ["Item", "COURSE"]}}`, "context.action", "rating_categories"),
			want: []finding{{"message.rating_categories[1]", "core.enum", SeverityError}}},
		// Raw JSON details.
		{name: "escaped member names", action: "select",
			body: []byte(strings.Replace(string(msg(t, validSelect)), `"provider":{"id"`, `"provider":{"\u0069d"`, 1)), clean: true},
		{name: "duplicate member", action: "select",
			body: []byte(strings.Replace(string(msg(t, validSelect)), `"provider":{"id":"infosys"}`, `"provider":{"id":"infosys","id":"wipro"}`, 1)),
			want: []finding{{"message.order.provider.id", "json.duplicate-member", SeverityError}}},
		{name: "duplicate member spelt with an escape", action: "select",
			body: []byte(strings.Replace(string(msg(t, validSelect)), `"provider":{"id":"infosys"}`, `"provider":{"id":"infosys","\u0069d":"wipro"}`, 1)),
			want: []finding{{"message.order.provider.id", "json.duplicate-member", SeverityError}}},
		{name: "duplicate message", action: "select",
			body: []byte(strings.Replace(string(msg(t, validSelect)), `{"context":`, `{"message":{},"context":`, 1)),
			want: []finding{{"message", "json.duplicate-member", SeverityError}}},
		// Real-world deviations (onest-domain.md §8.4).
		{name: "upper-case URL member", action: "select",
			body: msg(t, validSelect, "message.order.items.0.descriptor", map[string]any{"media": []any{map[string]any{"URL": "https://x.example.com/a.mp4"}}}),
			want: []finding{{"message.order.items[0].descriptor.media[0].URL", "core.unknown-member", SeverityWarning}}},
		{name: "upper-case BPP_ID", action: "select",
			body: msg(t, validSelect, "context.bpp_id", deleted, "context.BPP_ID", "bpp.example.com"),
			want: []finding{{"context.BPP_ID", "core.unknown-member", SeverityWarning}, {"context.bpp_id", "onest.mandatory", SeverityError}}},
		{name: "rating NaN is a string", action: "select",
			body: msg(t, validSelect, "message.order.items.0.rating", "NaN"), clean: true},
		{name: "underscore state code", action: "on_status",
			body: msg(t, validOnStatus, "context.action", "on_status", "context.domain", DomainFinancial,
				"message.order.fulfillments.0.state.descriptor.code", "APPLICATION_RECEIVED"),
			want: []finding{{"message.order.fulfillments[0].state.descriptor.code", "onest.enum", SeverityError}}},
		{name: "array body", action: "select", body: []byte(`[]`),
			want: []finding{{"", "core.type", SeverityError}}},
		{name: "not JSON", action: "select", body: []byte(`{"context": {`),
			want: []finding{{"", "json.syntax", SeverityError}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := v.Validate(c.action, c.body, c.opts...)
			for _, w := range c.want {
				if !hasFinding(r, w) {
					t.Errorf("missing %s %s %s in\n%s", w.sev, w.path, w.rule, dump(r))
				}
			}
			for _, a := range c.absent {
				if hasFinding(r, a) {
					t.Errorf("unexpected %s %s %s in\n%s", a.sev, a.path, a.rule, dump(r))
				}
			}
			if c.clean {
				for _, f := range r.Findings {
					if f.Severity != SeverityInfo {
						t.Errorf("unexpected %s", f)
					}
				}
			}
			for _, f := range r.Findings {
				if f.Rule == "" || f.Code == "" || f.Message == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

func hasFinding(r Result, w finding) bool {
	for _, f := range r.Findings {
		if f.Path == w.path && f.Rule == w.rule && f.Severity == w.sev {
			return true
		}
	}
	return false
}

func dump(r Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString("  ")
		b.WriteString(f.String())
		b.WriteString("\n")
	}
	return b.String()
}

// The messages must tell a developer what would be right, not only what is
// wrong.
func TestMessagesSayWhatIsRight(t *testing.T) {
	v := New()
	cases := []struct {
		body []byte
		want string
	}{
		{msg(t, validSelect, "message.order.items.0.id", 42), `write "42"`},
		{msg(t, validSelect, "context.action", "on_comfirm"), "did you mean on_confirm"},
		{msg(t, validSelect, "context.domain", "onest:courses"), `ONEST uses "onest:learning-experiences"`},
		{msg(t, validSelect, "context.ttl", "P20H"), "hours and minutes need the T"},
		{msg(t, validSelect, "message.order.payments.0.status", "paid"), `case-sensitive: write "PAID"`},
		{msg(t, validSelect, "context.action", "status", "message", map[string]any{"order": map[string]any{"id": "o1"}}), "not message.order.id"},
	}
	for _, c := range cases {
		r := v.Validate("", c.body)
		found := false
		for _, f := range r.Findings {
			if strings.Contains(f.Message, c.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no message contains %q:\n%s", c.want, dump(r))
		}
	}
}

func TestCompileRejectsBadRules(t *testing.T) {
	bad := []string{
		"Thing member:str",           // no colon after the type name
		"Thing: member",              // member without kind
		"Thing: member:Unknown",      // unresolved type
		"Thing: a:str a:str",         // duplicate member
		"Thing: a:str\nThing: b:str", // duplicate type
		"Thing: a:int>=x",            // bad minimum
		"E = A|B\nE = C",             // duplicate enum
		"Thing: list:[Nope]",         // unresolved element
		"Thing: data:{Nope}",         // unresolved map value
	}
	for _, src := range bad {
		if _, err := compileTypes(src); err == nil {
			t.Errorf("compileTypes(%q) succeeded", src)
		}
	}
	for _, r := range []string{"a..b", "a.x|y.b", ""} {
		if _, err := parseRequirement(r); err == nil {
			t.Errorf("parseRequirement(%q) succeeded", r)
		}
	}
}

func TestEveryActionHasAMessageRule(t *testing.T) {
	v := New()
	for _, a := range coreActions {
		ca := v.actions[a.name]
		if ca == nil {
			t.Fatalf("%s not compiled", a.name)
		}
		if a.message != "" && ca.msg == nil {
			t.Errorf("%s: message type %s missing", a.name, a.message)
		}
		if p := v.actions[a.pair]; p == nil || p.pair != a.name {
			t.Errorf("%s: pair %s does not point back", a.name, a.pair)
		}
	}
	if got := len(v.Actions()); got != len(coreActions) {
		t.Errorf("Actions() has %d entries, want %d", got, len(coreActions))
	}
}

// lookup must find exactly the declared members, as the map does.
func TestMemberLookupAgreesWithTheMap(t *testing.T) {
	types, err := compileTypes(coreObjects)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		for name, want := range ty.members {
			if got, ok := ty.lookup([]byte(name)); !ok || got != want {
				t.Fatalf("%s.lookup(%q) = %+v, %v; want %+v", ty.name, name, got, ok, want)
			}
			for _, other := range []string{"", name + "x", name[:len(name)-1], strings.ToUpper(name)} {
				_, declared := ty.members[other]
				if _, ok := ty.lookup([]byte(other)); ok != declared {
					t.Fatalf("%s.lookup(%q) found = %v, declared = %v", ty.name, other, ok, declared)
				}
			}
		}
	}
}

// lookup reads short keys as words through the body past their end; it must
// agree with the map whatever follows the key, and where the body ends too
// soon for that.
func TestMemberLookupInPlace(t *testing.T) {
	types, err := compileTypes(coreObjects)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		for name := range ty.members {
			for _, other := range []string{name, name + "x", name[:len(name)-1], strings.ToUpper(name)} {
				_, declared := ty.members[other]
				for _, tail := range []string{`":"value"}`, `"`, strings.Repeat(name, 3)} {
					body := []byte(other + tail)
					if _, ok := ty.lookup(body[:len(other)]); ok != declared {
						t.Fatalf("%s.lookup(%q followed by %q) found = %v, declared = %v", ty.name, other, tail, ok, declared)
					}
				}
			}
		}
	}
}

// A requirement with alternatives ("p or q") is met when any alternative is
// present anywhere it applies; when none is, only the first is reported.
// No published list uses one yet, so the test installs its own.
func TestMandatoryAlternatives(t *testing.T) {
	v := New()
	var reqs []requirement
	for _, s := range []string{"order.provider.id or order.items[].descriptor.name", "order.items[].id"} {
		r, err := parseRequirement(s)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, r)
	}
	m, err := mergeRequirements(reqs)
	if err != nil {
		t.Fatal(err)
	}
	v.policies[DomainLearning].mandatory["select"] = m
	mandatory := func(r Result) (paths []string) {
		for _, f := range r.Findings {
			if f.Rule == "onest.mandatory" {
				paths = append(paths, f.Path)
			}
		}
		return paths
	}
	cases := []struct {
		body []byte
		want []string
	}{
		{msg(t, validSelect), nil},
		{msg(t, validSelect, "message.order.provider.id", deleted, "message.order.items.0.descriptor", map[string]any{"name": "Python"}), nil},
		{msg(t, validSelect, "message.order.provider.id", deleted, "message.order.items.0.id", deleted),
			[]string{"message.order.provider", "message.order.items[0].id"}}, // provider is left empty
	}
	for i, c := range cases {
		if got := mandatory(v.Validate("select", c.body)); !slices.Equal(got, c.want) {
			t.Errorf("case %d: onest.mandatory at %q, want %q", i, got, c.want)
		}
	}
}
