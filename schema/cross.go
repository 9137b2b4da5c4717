package schema

import (
	"fmt"
	"strings"
)

// ValidateCallback validates callback as the answer to request: the callback
// on its own (as the callback action of the request's action), then the
// consistency ONEST defines error codes for. A callback whose provider,
// items or fulfilments do not match what was asked for gets 30016, 30017 or
// 30018 (ONEST-004: raised by the BAP); an on_status, on_cancel or on_update
// about another order than the one asked for is an error too. A request that
// is not JSON is reported at path "request".
func (v *Validator) ValidateCallback(request, callback []byte, opts ...Option) Result {
	o := applyOptions(opts)
	rt := v.trees.Get().(*tree)
	defer v.release(rt)
	if err := rt.parse(request); err != nil {
		f := syntaxFinding("request", err)
		f.Message = "The request this callback answers is not valid JSON (" + err.Error() + ")."
		res := v.Validate("", callback, opts...)
		res.Findings = append([]Finding{f}, res.Findings...)
		return res
	}
	reqAction := rt.text(rt.at(0, "context", "action"))
	want := ""
	if spec := v.actions[reqAction]; spec != nil && !spec.callback {
		want = spec.pair
	}
	ct := v.trees.Get().(*tree)
	defer v.release(ct)
	res, ok := v.validateTree(ct, want, callback, o)
	if !ok {
		return res
	}
	c := crossCheck{req: rt, cb: ct}
	c.check(reqAction)
	res.Findings = append(res.Findings, c.findings...)
	return res
}

type crossCheck struct {
	req, cb  *tree
	findings []Finding
}

func (c *crossCheck) add(path, rule string, sev Severity, code, msg string) {
	c.findings = append(c.findings, Finding{Path: path, Rule: rule, Severity: sev, Code: code, Message: msg})
}

func (c *crossCheck) check(reqAction string) {
	req, cb := c.req, c.cb
	// Context: the callback continues the request's transaction.
	rtx, ctx := req.text(req.at(0, "context", "transaction_id")), cb.text(cb.at(0, "context", "transaction_id"))
	if rtx != "" && ctx != "" && rtx != ctx {
		c.add("context.transaction_id", "cross.transaction_id", SeverityError, CodeInvalidRequest, fmt.Sprintf(
			"The callback is for transaction %q but the request was %q; a callback keeps the request's transaction_id.", ctx, rtx))
	}
	rmid, cmid := req.text(req.at(0, "context", "message_id")), cb.text(cb.at(0, "context", "message_id"))
	if rmid != "" && cmid != "" && rmid != cmid {
		c.add("context.message_id", "cross.message_id", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
			"The callback's message_id %q is not the request's %q: a solicited callback echoes it (unsolicited ones get a new one).", cmid, rmid))
	}
	for _, m := range []string{"bap_id", "bpp_id"} {
		r, k := req.text(req.at(0, "context", m)), cb.text(cb.at(0, "context", m))
		if r != "" && k != "" && r != k {
			c.add("context."+m, "cross."+m, SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
				"The callback's context.%s is %q but the request's is %q.", m, k, r))
		}
	}

	cbOrder := cb.at(0, "message", "order")
	switch reqAction {
	case "search":
		c.searchProvider()
	case "select", "init", "confirm":
		reqOrder := req.at(0, "message", "order")
		if reqOrder < 0 || cbOrder < 0 {
			return
		}
		c.provider(reqOrder, cbOrder)
		c.items(reqOrder, cbOrder)
		c.fulfillments(reqOrder, cbOrder)
	case "status", "cancel":
		c.orderID(req.text(req.at(0, "message", "order_id")), cbOrder)
	case "update":
		c.orderID(req.text(req.at(0, "message", "order", "id")), cbOrder)
	}
}

// sameID compares ids; a difference in case only is a warning, since real
// providers echo "Agnirva" for "agnirva".
func (c *crossCheck) sameID(path, rule, code, what, asked, got string) {
	switch {
	case asked == "" || got == "" || asked == got:
	case strings.EqualFold(asked, got):
		c.add(path, rule, SeverityWarning, code, fmt.Sprintf(
			"The callback's %s %q differs from the requested %q in case only; ids are case-sensitive.", what, got, asked))
	default:
		c.add(path, rule, SeverityError, code, fmt.Sprintf(
			"The callback's %s is %q but the request asked for %q.", what, got, asked))
	}
}

func (c *crossCheck) provider(reqOrder, cbOrder int32) {
	c.sameID("message.order.provider.id", "cross.provider", CodeProviderMismatch, "provider",
		c.req.text(c.req.at(reqOrder, "provider", "id")), c.cb.text(c.cb.at(cbOrder, "provider", "id")))
}

// ids lists the id members of the elements of array member name of obj.
func ids(t *tree, obj int32, name string) (out []string, present bool) {
	a := t.member(obj, name)
	if a < 0 || t.nodes[a].kind != kArray {
		return nil, false
	}
	for e := t.nodes[a].first; e >= 0; e = t.nodes[e].next {
		out = append(out, t.text(t.member(e, "id")))
	}
	return out, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *crossCheck) items(reqOrder, cbOrder int32) {
	asked, ok1 := ids(c.req, reqOrder, "items")
	got, ok2 := ids(c.cb, cbOrder, "items")
	if !ok1 || !ok2 {
		return
	}
	for k, id := range got {
		if id != "" && !contains(asked, id) {
			c.add(fmt.Sprintf("message.order.items[%d].id", k), "cross.item", SeverityError, CodeItemMismatch, fmt.Sprintf(
				"The callback returns item %q, which the request did not ask for (asked: %s).", id, strings.Join(asked, ", ")))
		}
	}
	for _, id := range asked {
		if id != "" && !contains(got, id) {
			c.add("message.order.items", "cross.item", SeverityError, CodeItemMismatch, fmt.Sprintf(
				"The request asked for item %q but the callback does not return it.", id))
		}
	}
}

func (c *crossCheck) fulfillments(reqOrder, cbOrder int32) {
	asked, ok1 := ids(c.req, reqOrder, "fulfillments")
	got, ok2 := ids(c.cb, cbOrder, "fulfillments")
	if !ok1 || !ok2 {
		return
	}
	for _, id := range asked {
		if id != "" && !contains(got, id) {
			c.add("message.order.fulfillments", "cross.fulfillment", SeverityError, CodeFulfillmentMismatch, fmt.Sprintf(
				"The request chose fulfillment %q but the callback does not carry it (it has: %s).", id, strings.Join(got, ", ")))
		}
	}
}

func (c *crossCheck) orderID(asked string, cbOrder int32) {
	if cbOrder < 0 {
		return
	}
	c.sameID("message.order.id", "cross.order_id", CodeInvalidRequest, "order id", asked, c.cb.text(c.cb.member(cbOrder, "id")))
}

// searchProvider flags an on_search that answers a search for one provider
// (intent.provider.id) with other providers only. It is a warning: the
// intent is a filter, and a gateway fan-out reaches providers that may
// ignore it, but the seeker asked for one provider and should know.
func (c *crossCheck) searchProvider() {
	asked := c.req.text(c.req.at(0, "message", "intent", "provider", "id"))
	got, ok := ids(c.cb, c.cb.at(0, "message", "catalog"), "providers")
	if asked == "" || !ok || len(got) == 0 || contains(got, asked) {
		return
	}
	c.add("message.catalog.providers", "cross.provider", SeverityWarning, CodeProviderMismatch, fmt.Sprintf(
		"The search asked for provider %q but the catalogue has only %s.", asked, strings.Join(got, ", ")))
}
