package schema

import "testing"

func TestValidateCallback(t *testing.T) {
	v := New()
	initReq := msg(t, validInit, "context.action", "init")
	onInit := func(edits ...any) []byte {
		return msg(t, validInit, append([]any{"context.action", "on_init",
			"message.order.provider.descriptor", map[string]any{"name": "Infosys"},
			"message.order.items.0.descriptor", map[string]any{"name": "Python", "long_desc": "<p>Python</p>"},
			"message.order.items.0.price", map[string]any{"currency": "INR", "value": "150"},
		}, edits...)...)
	}
	statusReq := msg(t, validSelect, "context.action", "status", "message", map[string]any{"order_id": "order-1"})
	onStatus := msg(t, validOnStatus, "context.action", "on_status")

	cases := []struct {
		name     string
		req, cb  []byte
		want     []finding
		wantCode string // code of the first error, when one is expected
		clean    bool
	}{
		{name: "matching on_init", req: initReq, cb: onInit(), clean: true},
		{name: "provider mismatch", req: initReq, cb: onInit("message.order.provider.id", "wipro"),
			want: []finding{{"message.order.provider.id", "cross.provider", SeverityError}}, wantCode: CodeProviderMismatch},
		{name: "provider differs in case only", req: initReq, cb: onInit("message.order.provider.id", "Infosys"),
			want: []finding{{"message.order.provider.id", "cross.provider", SeverityWarning}}},
		{name: "item not asked for", req: initReq, cb: onInit("message.order.items.0.id", "course-2"),
			want:     []finding{{"message.order.items[0].id", "cross.item", SeverityError}, {"message.order.items", "cross.item", SeverityError}},
			wantCode: CodeItemMismatch},
		{name: "fulfillment dropped", req: initReq, cb: onInit("message.order.fulfillments.0.id", "f9"),
			want: []finding{{"message.order.fulfillments", "cross.fulfillment", SeverityError}}, wantCode: CodeFulfillmentMismatch},
		{name: "other transaction", req: initReq, cb: onInit("context.transaction_id", "0c9e8f1a-0000-4000-8000-000000000000"),
			want: []finding{{"context.transaction_id", "cross.transaction_id", SeverityError}}, wantCode: CodeInvalidRequest},
		{name: "unsolicited message id", req: initReq, cb: onInit("context.message_id", "0c9e8f1a-0000-4000-8000-000000000000"),
			want: []finding{{"context.message_id", "cross.message_id", SeverityWarning}}},
		{name: "bpp id drift", req: initReq, cb: onInit("context.bpp_id", "other.example.com"),
			want: []finding{{"context.bpp_id", "cross.bpp_id", SeverityWarning}}},
		{name: "wrong callback action", req: initReq, cb: onInit("context.action", "on_confirm"),
			want: []finding{{"context.action", "core.action", SeverityError}}},
		{name: "on_status for the order asked", req: statusReq, cb: onStatus, clean: true},
		{name: "on_status for another order", req: statusReq,
			cb:   msg(t, validOnStatus, "context.action", "on_status", "message.order.id", "order-2"),
			want: []finding{{"message.order.id", "cross.order_id", SeverityError}}, wantCode: CodeInvalidRequest},
		{name: "on_cancel for another order",
			req:  msg(t, validSelect, "context.action", "cancel", "message", map[string]any{"order_id": "order-1"}),
			cb:   msg(t, validOnStatus, "context.action", "on_cancel", "message.order.id", "order-9"),
			want: []finding{{"message.order.id", "cross.order_id", SeverityError}}},
		{name: "on_update for another order",
			req:  msg(t, validSelect, "context.action", "update", "message", map[string]any{"update_target": "order.fulfillments", "order": map[string]any{"id": "order-1"}}),
			cb:   msg(t, validOnStatus, "context.action", "on_update", "message.order.id", "order-9"),
			want: []finding{{"message.order.id", "cross.order_id", SeverityError}}},
		{name: "on_search with other providers than asked",
			req: msg(t, `{"context": `+validContext+`, "message": {"intent": {"provider": {"id": "acme"}}}}`, "context.action", "search"),
			cb: msg(t, `{"context": `+validContext+`, "message": {"catalog": {"descriptor": {"name": "C"}, "providers": [{"id": "other",
				"descriptor": {"name": "Other"}, "items": [{"id": "i1", "descriptor": {"name": "A", "long_desc": "A"}, "price": {"currency": "INR", "value": "1"}}]}]}}}`,
				"context.action", "on_search"),
			want: []finding{{"message.catalog.providers", "cross.provider", SeverityWarning}}},
		{name: "request not JSON", req: []byte("{"), cb: onInit(),
			want: []finding{{"request", "json.syntax", SeverityError}}},
		{name: "callback not JSON", req: initReq, cb: []byte("nope"),
			want: []finding{{"", "json.syntax", SeverityError}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := v.ValidateCallback(c.req, c.cb)
			for _, w := range c.want {
				if !hasFinding(r, w) {
					t.Errorf("missing %s %s %s in\n%s", w.sev, w.path, w.rule, dump(r))
				}
			}
			if c.clean {
				for _, f := range r.Findings {
					if f.Severity != SeverityInfo {
						t.Errorf("unexpected %s", f)
					}
				}
			}
			if c.wantCode != "" {
				code, paths, message, ok := r.NackError()
				if !ok || code != c.wantCode || paths == "" || message == "" {
					t.Errorf("NackError() = %q, %q, %q, %v; want code %s", code, paths, message, ok, c.wantCode)
				}
			}
		})
	}
}

func TestCallbackActionFollowsRequest(t *testing.T) {
	v := New()
	r := v.ValidateCallback(msg(t, validInit, "context.action", "init"), msg(t, validOnStatus, "context.action", "on_status"))
	if r.Action != "on_init" {
		t.Errorf("callback validated as %q, want on_init", r.Action)
	}
	if !hasFinding(r, finding{"context.action", "core.action", SeverityError}) {
		t.Errorf("an on_status answering init must be flagged:\n%s", dump(r))
	}
}
