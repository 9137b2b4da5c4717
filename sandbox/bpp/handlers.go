package bpp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/onest-seeker/seeker/beckn"
)

// handleSearch answers a search: the matching items in pages of PageSize
// items, one on_search per page with the request's message id (as a
// gateway fan-out produces several on_search per message on real
// networks). No criteria means the whole catalog.
func (b *BPP) handleSearch(ctx beckn.Context, in *beckn.Intent, ex intentExtras, f Faults) []outbound {
	if f.LargeCatalog {
		return []outbound{{Action: "on_search", Message: beckn.CatalogMessage{Catalog: b.largeCatalog()}}}
	}
	crit := criteriaFrom(in, ex)
	ms := search(b.catalog, &crit, b.groups)
	var out []outbound
	for _, page := range paginate(ms, b.cfg.PageSize) {
		out = append(out, outbound{Action: "on_search", Message: beckn.CatalogMessage{Catalog: renderCatalog(b.catalog.Name, page)}})
	}
	return out
}

// largeCatalogMin is the size the LargeCatalog fault exceeds.
const largeCatalogMin = 5 << 20

// largeCatalog renders the whole catalog repeated with fresh item ids until
// its JSON is over 5 MB; built once and reused.
func (b *BPP) largeCatalog() *beckn.Catalog {
	b.large.Do(func() {
		all := search(b.catalog, &criteria{}, b.groups)
		one := renderCatalog(b.catalog.Name, all)
		raw, _ := beckn.Marshal(one)
		copies := largeCatalogMin/max(len(raw), 1) + 1
		cat := &beckn.Catalog{Descriptor: one.Descriptor}
		for c := 0; c < copies; c++ {
			for _, p := range one.Providers {
				p.ID = fmt.Sprintf("%s-copy%d", p.ID, c)
				items := make([]beckn.Item, len(p.Items))
				for i, it := range p.Items {
					it.ID = fmt.Sprintf("%s-copy%d", it.ID, c)
					items[i] = it
				}
				p.Items = items
				cat.Providers = append(cat.Providers, p)
			}
		}
		b.largeCat = cat
	})
	return b.largeCat
}

// errCallback is a callback that carries only an error.
func errCallback(action, code, path, msg string) []outbound {
	return []outbound{{Action: action, Error: beckn.NewError(code, path, msg)}}
}

// handle answers every request but search. A non-nil *beckn.Error is a
// synchronous NACK (the request is malformed); lookups that fail become
// callbacks with an error.
func (b *BPP) handle(ctx beckn.Context, action string, msg rawMessage) ([]outbound, *beckn.Error) {
	cb := beckn.CallbackAction(action)
	switch action {
	case "select", "init", "confirm":
		o, err := decodeOrder(msg)
		if err != nil {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message.order", err.Error())
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.orderFlow(ctx, action, o), nil
	case "status":
		var m beckn.StatusMessage
		if err := beckn.Unmarshal(msg, &m); err != nil {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message", err.Error())
		}
		if m.ID() == "" {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message.order_id", "status needs message.order_id")
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		a := b.orderFor(ctx, m.ID())
		if a == nil {
			return errCallback(cb, beckn.CodeOrderNotFound, "message.order_id", "no order "+strconv.Quote(m.ID())+" at this provider"), nil
		}
		return []outbound{{Action: cb, Message: beckn.OrderMessage{Order: b.renderOrder(a, nil)}}}, nil
	case "update":
		var m beckn.UpdateMessage
		if err := beckn.Unmarshal(msg, &m); err != nil {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message", err.Error())
		}
		if m.Order == nil || m.Order.ID == "" {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message.order.id", "update needs message.order.id")
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.update(ctx, &m, msg), nil
	case "cancel":
		var m beckn.CancelMessage
		if err := beckn.Unmarshal(msg, &m); err != nil {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message", err.Error())
		}
		if m.OrderID == "" {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message.order_id", "cancel needs message.order_id")
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.cancelOrder(ctx, &m), nil
	case "rating":
		var m beckn.RatingMessage
		if err := beckn.Unmarshal(msg, &m); err != nil {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message", err.Error())
		}
		if len(m.Ratings) == 0 {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message.ratings", "rating needs message.ratings[{id, rating_category, value}]")
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.rate(ctx, m.Ratings), nil
	case "support":
		var m beckn.SupportMessage
		if err := beckn.Unmarshal(msg, &m); err != nil {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message", err.Error())
		}
		if m.Support == nil {
			m.Support = &beckn.Support{}
		}
		if m.Support.RefID == "" {
			// DSEP examples name the order as support.order_id (or flat).
			var side struct {
				OrderID beckn.LenientString `json:"order_id,omitzero"`
				Support struct {
					OrderID beckn.LenientString `json:"order_id,omitzero"`
				} `json:"support,omitzero"`
			}
			_ = beckn.Unmarshal(msg, &side)
			m.Support.RefID = firstNonBlank(string(side.Support.OrderID), string(side.OrderID))
		}
		if m.Support.RefID == "" {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message.support.ref_id", "support needs message.support.ref_id (an order or transaction id)")
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.support(ctx, m.Support), nil
	case "track":
		var m beckn.TrackMessage
		if err := beckn.Unmarshal(msg, &m); err != nil {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message", err.Error())
		}
		if m.OrderID == "" {
			return nil, beckn.NewError(beckn.CodeInvalidRequest, "message.order_id", "track needs message.order_id")
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		a := b.orderFor(ctx, string(m.OrderID))
		if a == nil {
			return errCallback(cb, beckn.CodeOrderNotFound, "message.order_id", "no order "+strconv.Quote(string(m.OrderID))+" at this provider"), nil
		}
		status := "active"
		if a.Status != "ACTIVE" {
			status = "inactive"
		}
		return []outbound{{Action: cb, Message: beckn.TrackingMessage{Tracking: &beckn.Tracking{
			ID: a.OrderID, URL: b.cfg.BaseURL + "/track/" + a.OrderID, Status: status}}}}, nil
	case "get_cancellation_reasons":
		var opts []beckn.Option
		for _, r := range cancelReasons {
			opts = append(opts, beckn.Option{ID: r.ID, Descriptor: &beckn.Descriptor{Code: r.ID, Name: r.Name}})
		}
		return []outbound{{Action: cb, Message: beckn.CancellationReasonsMessage{CancellationReasons: opts}}}, nil
	case "get_rating_categories":
		return []outbound{{Action: cb, Message: beckn.RatingCategoriesMessage{RatingCategories: ratingCategories[b.cfg.Domain]}}}, nil
	}
	return nil, beckn.NewError(beckn.CodeActionNotApplicable, "context.action", action+" is not offered by this provider")
}

// orderFor finds an order by id and remembers ctx as where the BAP that
// asked about it listens (unsolicited updates go there). Caller holds mu.
func (b *BPP) orderFor(ctx beckn.Context, id string) *application {
	a := b.orders[strings.TrimSpace(id)]
	if a != nil {
		a.Ctx, a.HasCtx = ctx, true
	}
	return a
}

// orderFlow handles select, init and confirm. Caller holds mu.
func (b *BPP) orderFlow(ctx beckn.Context, action string, o *beckn.Order) []outbound {
	cb := beckn.CallbackAction(action)
	a := b.apps[ctx.TransactionID]
	pid := ""
	if o.Provider != nil {
		pid = strings.TrimSpace(o.Provider.ID)
	}
	if pid != "" && b.catalog.Provider(pid) == nil {
		return errCallback(cb, beckn.CodeProviderNotFound, "message.order.provider.id", "no provider "+strconv.Quote(pid)+" at this BPP")
	}
	var p *Provider
	var it *Item
	if len(o.Items) > 0 {
		iid := strings.TrimSpace(o.Items[0].ID)
		p, it = b.catalog.Lookup(pid, iid)
		if it == nil {
			where := "this BPP"
			if pid != "" {
				where = "provider " + strconv.Quote(pid)
			}
			return errCallback(cb, beckn.CodeItemNotFound, "message.order.items[0].id", "no item "+strconv.Quote(iid)+" at "+where)
		}
	} else if a != nil && a.Item != nil {
		p, it = a.Provider, a.Item
	} else {
		return errCallback(cb, beckn.CodeItemNotFound, "message.order.items", "the order names no item and the transaction has none selected")
	}
	now := b.now()
	if a == nil || a.Item != it {
		if a != nil && a.Stage == stageConfirmed {
			// A confirmed transaction keeps its order; a new item starts a
			// new application on the same transaction id.
			delete(b.apps, ctx.TransactionID)
		}
		a = &application{TxnID: ctx.TransactionID, Provider: p, Item: it, Form: it.Form,
			Nonces: map[string]int{}, Submissions: map[int]string{}, FormData: map[string]string{}}
		b.apps[ctx.TransactionID] = a
	}
	a.Ctx, a.HasCtx = ctx, true
	if len(o.Fulfillments) > 0 {
		if fid := strings.TrimSpace(o.Fulfillments[0].ID); fid != "" {
			if !contains(it.FulfillmentIDs, fid) {
				return errCallback(cb, beckn.CodeFulfillmentUnavailable, "message.order.fulfillments[0].id",
					fmt.Sprintf("fulfillment %q is not offered for item %q (offered: %s)", fid, it.ID, strings.Join(it.FulfillmentIDs, ", ")))
			}
			a.FulfillmentID = fid
		}
		for i := range o.Fulfillments {
			a.Customer.merge(&o.Fulfillments[i])
		}
	}
	if a.FulfillmentID == "" {
		a.FulfillmentID = firstOr(it.FulfillmentIDs, "")
	}
	if o.Billing != nil {
		a.Billing = o.Billing
		if a.Customer.Name == "" {
			a.Customer.Name = o.Billing.Name
		}
	}
	if len(o.Payments) > 0 && o.Payments[0].Params != nil && o.Payments[0].Params.BankAccountNumber != "" {
		pp := *o.Payments[0].Params
		a.Bank = &pp
	}
	if action == "confirm" && len(o.Payments) > 0 && strings.EqualFold(o.Payments[0].Status, "PAID") {
		// The learning guide's confirm carries the payment the learner made
		// at our payment URL; a sandbox takes the BAP's word for it.
		a.Paid = true
	}
	if a.Stage == stageConfirmed {
		// confirm (or init) again on a confirmed transaction: answer with
		// the order as it stands, idempotently.
		return []outbound{{Action: cb, Message: beckn.OrderMessage{Order: b.renderOrder(a, nil)}}}
	}
	switch action {
	case "select":
		if a.Stage < stageSelect {
			a.Stage = stageSelect
		}
		return []outbound{{Action: cb, Message: beckn.OrderMessage{Order: b.renderOrder(a, nil)}}}
	case "init":
		if a.Stage < stageInit {
			a.Stage = stageInit
			a.Step = 0
			if st := initialState(b.cfg.Domain); st != "" {
				a.setState(st, now)
			}
			if a.filled() {
				if st := filledState(b.cfg.Domain); st != "" {
					a.setState(st, now)
				}
			}
		}
		return []outbound{{Action: cb, Message: beckn.OrderMessage{Order: b.renderOrder(a, b.xinputFor(a))}}}
	default: // confirm
		a.Stage = stageConfirmed
		a.OrderID = b.nextID()
		a.Status = "ACTIVE"
		a.CreatedAt = now
		a.setState(confirmedState(b.cfg.Domain), now)
		b.delivery(a)
		b.orders[a.OrderID] = a
		b.startTimeline(a)
		return []outbound{{Action: cb, Message: beckn.OrderMessage{Order: b.renderOrder(a, nil)}}}
	}
}

// delivery adds what on_confirm delivers per domain: the course playlist
// (stops in play order) for learning, the join link for a mentoring slot.
func (b *BPP) delivery(a *application) {
	switch b.cfg.Domain {
	case domainLearning:
		base := "https://media.example.org/courses/" + strings.ToLower(a.Item.ID)
		for i, part := range []struct{ name, mime, file string }{
			{"Introduction", "video/mp4", "intro.mp4"},
			{"Module 1 notes", "application/pdf", "module-1.pdf"},
			{"Module 1 quiz", "text/html", "quiz-1.html"},
		} {
			a.Stops = append(a.Stops, beckn.Stop{ID: strconv.Itoa(i + 1), Type: "BAP-CUSTOM-PLAYER",
				Instructions: &beckn.Descriptor{Name: part.name, Media: []beckn.MediaFile{{MimeType: part.mime, URL: base + "/" + part.file}}}})
		}
	case domainExpert:
		if f := a.Provider.fulfillment(a.FulfillmentID); f != nil && !f.Start.IsZero() {
			a.SlotStart, a.SlotEnd = f.Start, f.End
		}
		a.FulTags = append(a.FulTags, TagGroup{Code: "join-link", Name: "Join link", List: []Tag{
			{"url", "Session URL", "https://meet.example.org/" + strings.ToLower(a.OrderID)},
		}})
	}
}

// update applies update_target to an order. Caller holds mu.
func (b *BPP) update(ctx beckn.Context, m *beckn.UpdateMessage, raw rawMessage) []outbound {
	const cb = "on_update"
	a := b.orderFor(ctx, m.Order.ID)
	if a == nil {
		return errCallback(cb, beckn.CodeOrderNotFound, "message.order.id", "no order "+strconv.Quote(m.Order.ID)+" at this provider")
	}
	if a.Status == "CANCELLED" {
		return errCallback(cb, beckn.CodeUpdationNotPossible, "message.order.id", "order "+a.OrderID+" is cancelled")
	}
	targets := strings.Split(m.UpdateTarget, ",")
	now := b.now()
	for _, t := range targets {
		t = strings.TrimSpace(t)
		lt := strings.ToLower(t)
		var f *beckn.Fulfillment
		if len(m.Order.Fulfillments) > 0 {
			f = &m.Order.Fulfillments[0]
		}
		switch {
		case t == "":
			return errCallback(cb, beckn.CodeInvalidUpdateTarget, "message.update_target", "update_target is empty")
		case strings.HasSuffix(lt, ".state") || lt == "state":
			code := ""
			if f != nil {
				code = f.State.Code()
			}
			if code == "" {
				code = itemFulfillmentState(raw)
			}
			if code == "" {
				return errCallback(cb, beckn.CodeUpdateInconsistency, "message.order.fulfillments[0].state", "update_target names the state but no state code was sent")
			}
			if code == "COMPLETED" {
				b.complete(a, now)
			} else {
				a.setState(code, now)
			}
		case strings.Contains(lt, "customer") || strings.Contains(lt, "contact"):
			if f == nil {
				return errCallback(cb, beckn.CodeUpdateInconsistency, "message.order.fulfillments", "update_target "+t+" but no fulfillment was sent")
			}
			a.Customer.merge(f)
		case strings.HasSuffix(lt, ".time") || strings.Contains(lt, "stops"):
			start, end, ok := newSlot(raw)
			if !ok {
				return errCallback(cb, beckn.CodeUpdateInconsistency, "message.order.fulfillments[0].time.range", "give the new slot as time.range {start, end}")
			}
			a.SlotStart, a.SlotEnd = start, end
			a.StateName = "Session rescheduled"
			a.State, a.UpdatedAt = "RESCHEDULED", now
		case strings.Contains(lt, "payments"):
			if len(m.Order.Payments) == 0 || m.Order.Payments[0].Params == nil {
				return errCallback(cb, beckn.CodeUpdateInconsistency, "message.order.payments[0].params", "update_target names payments but no params were sent")
			}
			pp := *m.Order.Payments[0].Params
			a.Bank = &pp
		case strings.Contains(lt, "billing"):
			if m.Order.Billing == nil {
				return errCallback(cb, beckn.CodeUpdateInconsistency, "message.order.billing", "update_target names billing but none was sent")
			}
			a.Billing = m.Order.Billing
		default:
			return errCallback(cb, beckn.CodeInvalidUpdateTarget, "message.update_target",
				fmt.Sprintf("%q cannot be updated; this provider updates customer, contact, state, time, payments and billing", t))
		}
	}
	a.UpdatedAt = now
	return []outbound{{Action: cb, Message: beckn.OrderMessage{Order: b.renderOrder(a, nil)}}}
}

// cancelOrder cancels an order; cancelling a cancelled order answers with
// it unchanged (the collection cancels the same order every run).
func (b *BPP) cancelOrder(ctx beckn.Context, m *beckn.CancelMessage) []outbound {
	const cb = "on_cancel"
	a := b.orderFor(ctx, string(m.OrderID))
	if a == nil {
		return errCallback(cb, beckn.CodeOrderNotFound, "message.order_id", "no order "+strconv.Quote(string(m.OrderID))+" at this provider")
	}
	rid := strings.TrimSpace(string(m.CancellationReasonID))
	if rid != "" && cancelReasonName(rid) == "" {
		return errCallback(cb, beckn.CodeInvalidCancellationReason, "message.cancellation_reason_id",
			fmt.Sprintf("%q is not a cancellation reason of this provider; ask get_cancellation_reasons", rid))
	}
	if a.Status == "COMPLETE" {
		return errCallback(cb, beckn.CodeCancellationNotPossible, "message.order_id", "order "+a.OrderID+" is already complete")
	}
	if a.Status != "CANCELLED" {
		now := b.now()
		note := ""
		if m.Descriptor != nil {
			note = firstNonBlank(m.Descriptor.ShortDesc, m.Descriptor.Name, m.Descriptor.LongDesc)
		}
		a.Status = "CANCELLED"
		if st := cancelledState(b.cfg.Domain); st != "" {
			a.setState(st, now)
		}
		a.UpdatedAt = now
		a.Cancel = &cancellation{ReasonID: rid, Note: note, At: now}
	}
	return []outbound{{Action: cb, Message: beckn.OrderMessage{Order: b.renderOrder(a, nil)}}}
}

// rate records ratings and answers with the feedback form. Errors keep an
// (empty) message: core 1.1.0 requires one in on_rating.
func (b *BPP) rate(ctx beckn.Context, rs []beckn.Rating) []outbound {
	const cb = "on_rating"
	errCallback := func(action, code, path, msg string) []outbound {
		return []outbound{{Action: action, Message: beckn.FeedbackMessage{}, Error: beckn.NewError(code, path, msg)}}
	}
	for i, r := range rs {
		path := fmt.Sprintf("message.ratings[%d]", i)
		if !acceptsRatingCategory(b.cfg.Domain, r.RatingCategory) {
			return errCallback(cb, beckn.CodeUnsupportedRatingCategory, path+".rating_category",
				fmt.Sprintf("%q is not a rating category here (%s)", r.RatingCategory, strings.Join(ratingCategories[b.cfg.Domain], ", ")))
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(string(r.Value)), 64)
		if err != nil || v < 1 || v > 5 {
			return errCallback(cb, beckn.CodeInvalidRatingValue, path+".value", fmt.Sprintf("rating value %q is not a number from 1 to 5", r.Value))
		}
		if !b.rateable(r.ID) {
			return errCallback(cb, beckn.CodeEntityToRateNotFound, path+".id", "nothing with id "+strconv.Quote(r.ID)+" to rate here")
		}
		if a := b.orders[r.ID]; a != nil {
			if a.Ratings == nil {
				a.Ratings = map[string]string{}
			}
			a.Ratings[r.RatingCategory] = string(r.Value)
		}
	}
	a := b.apps[ctx.TransactionID]
	if a == nil {
		a = &application{TxnID: ctx.TransactionID, Nonces: map[string]int{}, Submissions: map[int]string{}, FormData: map[string]string{}}
		b.apps[ctx.TransactionID] = a
	}
	a.Ctx, a.HasCtx = ctx, true
	return []outbound{{Action: cb, Message: beckn.FeedbackMessage{FeedbackForm: &beckn.XInput{
		Required: beckn.NewBool(false),
		Form: &beckn.Form{URL: b.cfg.BaseURL + "/forms/" + ctx.TransactionID + "/" + formFeedback, MimeType: "text/html",
			Resubmit: beckn.NewBool(true)},
	}}}}
}

// rateable reports whether id names an order, provider, item or fulfillment.
func (b *BPP) rateable(id string) bool {
	if id == "" {
		return false
	}
	if b.orders[id] != nil || b.catalog.Provider(id) != nil {
		return true
	}
	for _, p := range b.catalog.Providers {
		if p.item(id) != nil || p.fulfillment(id) != nil {
			return true
		}
	}
	return false
}

// support answers with the provider's support channels for an order,
// transaction or item.
func (b *BPP) support(ctx beckn.Context, s *beckn.Support) []outbound {
	const cb = "on_support"
	ref := strings.TrimSpace(s.RefID)
	known := b.orderFor(ctx, ref) != nil || b.apps[ref] != nil || b.rateable(ref)
	if !known {
		return errCallback(cb, beckn.CodeOrderNotFound, "message.support.ref_id", "no order, transaction or item "+strconv.Quote(ref)+" at this provider")
	}
	host := strings.TrimPrefix(strings.TrimPrefix(b.cfg.BaseURL, "http://"), "https://")
	return []outbound{{Action: cb, Message: beckn.SupportMessage{Support: &beckn.Support{
		RefID: ref, Phone: "+91-80-4000-1234", CallbackPhone: firstNonBlank(s.CallbackPhone, "+91-80-4000-1234"),
		Email: "support@" + slug(b.cfg.SubscriberID) + ".example.org", URL: "http://" + host + "/track/" + ref,
	}}}}
}

// itemFulfillmentState reads order.items[0].fulfillments[0].state's code,
// where DSEP's course-progress update puts it (update_target
// "order.items[0].fulfillments[0].state"; not a core path).
func itemFulfillmentState(raw rawMessage) string {
	var m struct {
		Order struct {
			Items []struct {
				Fulfillments []beckn.Fulfillment `json:"fulfillments,omitempty"`
			} `json:"items,omitempty"`
		} `json:"order"`
	}
	if beckn.Unmarshal(raw, &m) != nil || len(m.Order.Items) == 0 || len(m.Order.Items[0].Fulfillments) == 0 {
		return ""
	}
	return m.Order.Items[0].Fulfillments[0].State.Code()
}
