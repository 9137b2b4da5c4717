package bpp

import (
	"strconv"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

// render.go turns the provider's model into core 1.1.0 wire objects of
// package beckn. Everything a BPP sends goes through here, so "strict out"
// holds in one place.

func ts(t time.Time) string { return beckn.Timestamp(t) }

func tagGroups(gs []TagGroup) beckn.TagGroups {
	if len(gs) == 0 {
		return nil
	}
	out := make(beckn.TagGroups, 0, len(gs))
	for _, g := range gs {
		bg := beckn.TagGroup{Display: beckn.NewBool(true), Descriptor: &beckn.Descriptor{Code: g.Code, Name: g.Name}}
		for _, t := range g.List {
			bg.List = append(bg.List, beckn.Tag{Descriptor: &beckn.Descriptor{Code: t.Code, Name: t.Name}, Value: beckn.LenientString(t.Value)})
		}
		out = append(out, bg)
	}
	return out
}

func inr(v int) *beckn.Price {
	return &beckn.Price{Currency: "INR", Value: beckn.Decimal(strconv.Itoa(v))}
}

// itemPrice renders a fixed price or, for "up to" amounts, a range with
// the upper bound as value.
func itemPrice(it *Item) *beckn.Price {
	if it.PriceMax > it.Price {
		p := inr(it.PriceMax)
		p.MinimumValue = beckn.Decimal(strconv.Itoa(it.Price))
		p.MaximumValue = beckn.Decimal(strconv.Itoa(it.PriceMax))
		return p
	}
	return inr(it.Price)
}

func renderLocation(l *Location) beckn.Location {
	return beckn.Location{
		ID:      l.ID,
		Address: l.Address,
		City:    &beckn.City{Name: l.City, Code: l.CityCode},
		State:   &beckn.State{Name: l.State, Code: l.StateCode},
		Country: &beckn.Country{Name: l.Country, Code: l.CountryCode},
	}
}

// renderFulfillment renders a provider-level fulfillment: a mode, or for
// expert connect a session slot whose time sits in stops[0].time.range
// (core 1.1.0 has no Fulfillment.time) and whose mentor is the agent.
func renderFulfillment(f *Fulfillment) beckn.Fulfillment {
	bf := beckn.Fulfillment{ID: f.ID, Type: f.Type}
	if f.Agent != nil {
		p := &beckn.Person{ID: f.Agent.ID, Name: f.Agent.Name, Gender: f.Agent.Gender}
		for _, l := range f.Agent.Languages {
			p.Languages = append(p.Languages, beckn.Language{Code: l, Name: langNames[l]})
		}
		bf.Agent = &beckn.Agent{Person: p, Contact: &beckn.Contact{Email: f.Agent.Email}}
	}
	if !f.Start.IsZero() {
		bf.Stops = []beckn.Stop{{ID: f.ID + "-slot", Type: "start", Time: &beckn.Time{
			Label: "Session Timing", Range: &beckn.TimeRange{Start: ts(f.Start), End: ts(f.End)}}}}
		bf.Tags = tagGroups([]TagGroup{{Code: "session-slot", Name: "Session slot", List: []Tag{
			{"lang-code", "Language code", f.Language},
			{"available-seats", "Available seats", strconv.Itoa(f.Seats)},
		}}})
	}
	return bf
}

// renderItem renders an item as catalogs and orders carry it.
func renderItem(p *Provider, it *Item) beckn.Item {
	bi := beckn.Item{
		ID: it.ID,
		Descriptor: &beckn.Descriptor{
			Name: it.Name, Code: it.Code, ShortDesc: it.ShortDesc, LongDesc: it.LongDesc,
		},
		Price:          itemPrice(it),
		CategoryIDs:    it.CategoryIDs,
		FulfillmentIDs: it.FulfillmentIDs,
		LocationIDs:    it.LocationIDs,
		Rating:         beckn.LenientString(it.Rating),
		Rateable:       beckn.NewBool(true),
		Tags:           tagGroups(it.Tags),
	}
	if it.ImageURL != "" {
		bi.Descriptor.Images = []beckn.Image{{URL: it.ImageURL, SizeType: "sm"}}
	}
	if it.MediaURL != "" {
		bi.Descriptor.Media = []beckn.MediaFile{{MimeType: "video/mp4", URL: it.MediaURL}}
	}
	if it.Creator != "" {
		bi.Creator = &beckn.Organization{Descriptor: &beckn.Descriptor{Name: it.Creator}}
	}
	if it.Quantity > 0 {
		bi.Quantity = &beckn.ItemQuantity{Available: &beckn.Quantity{Count: beckn.IntNumber(it.Quantity)}}
	}
	if !it.End.IsZero() {
		label := "Application window"
		if it.Form == formCourse {
			label = "Enrolment window"
		}
		bi.Time = &beckn.Time{Label: label, Range: &beckn.TimeRange{Start: ts(it.Start), End: ts(it.End)}}
	}
	return bi
}

// renderProvider renders p with the given items; fulfillments are limited
// to those the items use (expert connect providers have one per slot).
func renderProvider(p *Provider, items []*Item) beckn.Provider {
	bp := beckn.Provider{
		ID: p.ID,
		Descriptor: &beckn.Descriptor{Name: p.Name, ShortDesc: p.ShortDesc, LongDesc: p.LongDesc,
			Images: []beckn.Image{{URL: p.ImageURL, SizeType: "sm"}}},
		Rateable: beckn.NewBool(true),
	}
	for _, c := range p.Categories {
		bp.Categories = append(bp.Categories, beckn.Category{ID: c.ID, Descriptor: &beckn.Descriptor{Code: c.Code, Name: c.Name}})
	}
	for i := range p.Locations {
		bp.Locations = append(bp.Locations, renderLocation(&p.Locations[i]))
	}
	used := map[string]bool{}
	for _, it := range items {
		for _, id := range it.FulfillmentIDs {
			used[id] = true
		}
	}
	for i := range p.Fulfillments {
		if used[p.Fulfillments[i].ID] {
			bp.Fulfillments = append(bp.Fulfillments, renderFulfillment(&p.Fulfillments[i]))
		}
	}
	for _, it := range items {
		bp.Items = append(bp.Items, renderItem(p, it))
	}
	return bp
}

// renderCatalog renders one on_search page.
func renderCatalog(name string, ms []match) *beckn.Catalog {
	bc := &beckn.Catalog{Descriptor: &beckn.Descriptor{Name: name}}
	for _, m := range ms {
		bc.Providers = append(bc.Providers, renderProvider(m.Provider, m.Items))
	}
	if bc.Providers == nil {
		bc.Providers = []beckn.Provider{}
	}
	return bc
}

// paginate splits matches into pages of at most size items, keeping each
// page a valid catalog (providers repeated across pages as needed).
func paginate(ms []match, size int) [][]match {
	var pages [][]match
	var cur []match
	n := 0
	for _, m := range ms {
		items := m.Items
		for len(items) > 0 {
			take := min(size-n, len(items))
			cur = append(cur, match{Provider: m.Provider, Items: items[:take]})
			items = items[take:]
			n += take
			if n == size {
				pages = append(pages, cur)
				cur, n = nil, 0
			}
		}
	}
	if len(cur) > 0 || len(pages) == 0 {
		pages = append(pages, cur)
	}
	return pages
}

// stateNames gives display names for the fulfillment state codes we send.
var stateNames = map[string]string{
	"NOT-STARTED": "Not Started", "IN-PROGRESS": "In Progress", "COMPLETED": "Completed",
	"APPLICATION-STARTED": "Application started", "APPLICATION-IN-PROGRESS": "Application in progress",
	"APPLICATION-FILLED": "Application filled", "APPLICATION-SUBMITTED": "Application submitted",
	"APPLICATION-APPROVED": "Application approved", "APPLICATION-REJECTED": "Application rejected",
	"AMOUNT-DISBURSED": "Amount disbursed", "ASSESSMENT-IN-PROGRESS": "Shortlisted: assessment in progress",
	"OFFER-EXTENDED": "Offer extended",
	"CANCELLED":      "Cancelled", "SCHEDULED": "Session scheduled", "RESCHEDULED": "Session rescheduled",
}

// renderOrder renders an application or order for on_select, on_init,
// on_confirm, on_status, on_update and on_cancel. xi is the form to ask
// for (nil = none).
func (b *BPP) renderOrder(a *application, xi *beckn.XInput) *beckn.Order {
	p, it := a.Provider, a.Item
	bi := renderItem(p, it)
	bi.XInput = xi
	// The provider with the fulfillments the item offers (ONEST lists
	// provider.fulfillments among on_select's mandatory fields).
	bp := renderProvider(p, []*Item{it})
	bp.Items = nil
	o := &beckn.Order{
		ID:       a.OrderID,
		Status:   a.Status,
		Provider: &bp,
		Items:    []beckn.Item{bi},
		Billing:  a.Billing,
	}
	if !a.CreatedAt.IsZero() {
		o.CreatedAt, o.UpdatedAt = ts(a.CreatedAt), ts(a.UpdatedAt)
	}
	// The fulfillment the learner chose, with state, customer and, for a
	// mentoring slot, mentor and time.
	fid := a.FulfillmentID
	var bf beckn.Fulfillment
	if f := p.fulfillment(fid); f != nil {
		bf = renderFulfillment(f)
		if !a.SlotStart.IsZero() && len(bf.Stops) > 0 {
			bf.Stops[0].Time.Range = &beckn.TimeRange{Start: ts(a.SlotStart), End: ts(a.SlotEnd)}
		}
	} else {
		bf = beckn.Fulfillment{ID: fid}
	}
	bf.Tracking = beckn.NewBool(a.Status == "ACTIVE")
	if a.State != "" {
		name := a.StateName
		if name == "" {
			name = stateNames[a.State]
		}
		bf.State = &beckn.FulfillmentState{Descriptor: &beckn.Descriptor{Code: a.State, Name: name}, UpdatedAt: ts(a.UpdatedAt), UpdatedBy: b.cfg.SubscriberID}
	}
	if a.Customer.any() {
		bf.Customer = a.Customer.render()
	}
	bf.Tags = append(bf.Tags, tagGroups(a.FulTags)...)
	if a.Stops != nil {
		bf.Stops = append(bf.Stops, a.Stops...)
	}
	o.Fulfillments = []beckn.Fulfillment{bf}

	// Quote and payments per domain.
	switch b.cfg.Domain {
	case domainFinancial:
		total := it.PriceMax
		if total == 0 {
			total = it.Price
		}
		o.Quote = &beckn.Quotation{Price: inr(total), Breakup: []beckn.QuotationBreakup{
			{Title: "Tuition fee", Price: inr(total * 6 / 10)},
			{Title: "Hostel fee", Price: inr(total * 2 / 10)},
			{Title: "Books", Price: inr(total - total*6/10 - total*2/10)},
		}}
		if a.Bank != nil || a.Disbursed {
			pay := beckn.Payment{Type: "POST-FULFILLMENT", CollectedBy: "bpp", Status: "NOT-PAID", Params: &beckn.PaymentParams{Currency: "INR", Amount: beckn.Decimal(strconv.Itoa(total))}}
			if a.Bank != nil {
				pay.Params.BankCode, pay.Params.BankAccountNumber, pay.Params.BankAccountName = a.Bank.BankCode, a.Bank.BankAccountNumber, a.Bank.BankAccountName
			}
			if a.Disbursed {
				pay.Status = "PAID"
				pay.Params.TransactionID = "DISB-" + strings.ToUpper(a.OrderID)
			}
			o.Payments = []beckn.Payment{pay}
		}
	default:
		if it.Price > 0 {
			o.Quote = &beckn.Quotation{Price: inr(it.Price), Breakup: []beckn.QuotationBreakup{
				{Title: "Base fee", Price: inr(it.Price - it.Price*18/118)},
				{Title: "GST", Price: inr(it.Price * 18 / 118)},
			}}
			if a.Stage >= stageInit {
				pay := beckn.Payment{Type: "PRE-ORDER", CollectedBy: "bpp", Status: "NOT-PAID",
					URL: b.cfg.BaseURL + "/pay/" + a.TxnID, Params: &beckn.PaymentParams{Amount: beckn.Decimal(strconv.Itoa(it.Price)), Currency: "INR"}}
				if a.Paid {
					pay.Status = "PAID"
					pay.URL = ""
					pay.Params.TransactionID = "PAY-" + strings.ToUpper(a.TxnID[:min(8, len(a.TxnID))])
				}
				o.Payments = []beckn.Payment{pay}
			}
		} else {
			o.Quote = &beckn.Quotation{Price: inr(0)}
		}
	}
	if a.Cancel != nil {
		o.Cancellation = &beckn.Cancellation{Time: ts(a.Cancel.At), CancelledBy: "CONSUMER",
			Reason: &beckn.Option{ID: a.Cancel.ReasonID, Descriptor: &beckn.Descriptor{Name: cancelReasonName(a.Cancel.ReasonID), ShortDesc: a.Cancel.Note}}}
	}
	return o
}
