package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/internal/sse"
	"github.com/onest-seeker/seeker/store"
)

// The journey: select for the detail page, select + init to apply, the
// provider's forms (forms.go), confirm, and the post-order calls. Every call
// goes through the engine exactly as the client API's do, owned by
// "web:<user id>"; the page then waits a bounded time for the answer and
// shows whatever is stored, so a slow provider gives a "still waiting" page
// that fills itself in, never an error.

// sendError is a request the engine refused to send (bySeeker: it breaks
// the network's rules, typically details the provider requires that the
// learner has not shared) or the provider NACKed.
type sendError struct {
	msg      string
	bySeeker bool
}

func (e *sendError) Error() string { return e.msg }

// send sends one Beckn request and waits (bounded by cfg.Wait) for its
// first answer. The answer is read from the store by the pages; wait only
// makes the page that follows show it.
func (s *Server) send(ctx context.Context, owner string, action string, bctx beckn.Context, msg any) (*engine.Dispatch, error) {
	var raw jsontext.Value
	if msg != nil {
		b, err := beckn.Marshal(msg)
		if err != nil {
			return nil, err
		}
		raw = b
	}
	d, err := s.cfg.Engine.Send(ctx, engine.Call{Action: action, Context: bctx, Message: raw, Owner: owner})
	if err != nil {
		var ee *engine.Error
		if errors.As(err, &ee) {
			return nil, &sendError{msg: ee.Message, bySeeker: true}
		}
		return nil, err
	}
	if d.Ack == "NACK" {
		m := "the provider refused the request"
		if d.Error != nil && d.Error.Message != "" {
			m = d.Error.Message
		}
		return d, &sendError{msg: m}
	}
	wctx, cancel := context.WithTimeout(ctx, s.cfg.Wait)
	defer cancel()
	opt := s.cfg.Collect
	opt.Expected = s.cfg.Engine.Expected(ctx, d)
	opt.Quiet = min(max(opt.Quiet, time.Second), 2*time.Second)
	done := errors.New("answered")
	err = s.cfg.Engine.Collect(wctx, d, opt, func(*store.Message) error { return done })
	if err != nil && !errors.Is(err, done) && !errors.Is(err, context.DeadlineExceeded) {
		return d, err
	}
	return d, nil
}

// waitInbound waits (bounded by cfg.Wait) for an acknowledged callback of
// txn after seq that pred accepts: the unsolicited on_init that follows a
// form submission has no request to collect answers for.
func (s *Server) waitInbound(ctx context.Context, txn string, after int64, pred func(*store.Message) bool) (*store.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Wait)
	defer cancel()
	events, stop := s.cfg.Engine.Bus().Subscribe(txn)
	defer stop()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		msgs, err := s.cfg.Store.Messages(ctx, store.MessageFilter{TransactionID: txn, Direction: store.Inbound, AfterSeq: after})
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil
			}
			return nil, err
		}
		for _, m := range msgs {
			after = m.Seq
			if m.AckStatus == "ACK" && pred(m) {
				return m, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, nil
		case <-events:
		case <-tick.C:
		}
	}
}

// itemRef names one item at one provider of one BPP: what select needs.
type itemRef struct {
	Domain, BppID, ProviderID, ItemID, FulfillmentID string
}

func (r itemRef) Query() string {
	q := url.Values{"d": {r.Domain}, "bpp": {r.BppID}, "p": {r.ProviderID}, "i": {r.ItemID}}
	return q.Encode()
}

func refFrom(get func(string) string) (itemRef, error) {
	r := itemRef{Domain: get("d"), BppID: get("bpp"), ProviderID: get("p"), ItemID: get("i"), FulfillmentID: get("f")}
	code, known := beckn.NormalizeDomain(r.Domain)
	if !known || r.BppID == "" || r.ItemID == "" || len(r.BppID)+len(r.ProviderID)+len(r.ItemID)+len(r.FulfillmentID) > 600 {
		return r, problem(http.StatusBadRequest, "error.item_ref")
	}
	r.Domain = code
	return r, nil
}

// orderRef is the order of select, init and confirm: the provider, the
// item and, once chosen, the fulfilment (a mentoring slot, a job's work
// mode), named on the item too as ONEST's confirm asks.
func orderRef(r itemRef) *beckn.Order {
	o := &beckn.Order{Items: []beckn.Item{{ID: r.ItemID}}}
	if r.ProviderID != "" {
		o.Provider = &beckn.Provider{ID: r.ProviderID}
	}
	if r.FulfillmentID != "" {
		o.Fulfillments = []beckn.Fulfillment{{ID: r.FulfillmentID}}
		o.Items[0].FulfillmentIDs = []string{r.FulfillmentID}
	}
	return o
}

// selectedFulfillment is the fulfilment the provider's on_select offers
// for the item (its first), for a learner who chose none: ONEST's work and
// scholarship init name one.
func (s *Server) selectedFulfillment(ctx context.Context, d *engine.Dispatch) string {
	if d == nil {
		return ""
	}
	msgs, err := s.cfg.Store.Messages(ctx, store.MessageFilter{TransactionID: d.Context.TransactionID, Direction: store.Inbound, AfterSeq: d.Seq - 1})
	if err != nil {
		return ""
	}
	for _, m := range msgs {
		if m.RequestSeq != d.Seq || m.AckStatus != "ACK" {
			continue
		}
		env, err := beckn.Decode(m.Raw)
		if err != nil || env.Error != nil {
			continue
		}
		var om beckn.OrderMessage
		if env.DecodeMessage(&om) != nil || om.Order == nil {
			continue
		}
		for _, it := range om.Order.Items {
			if len(it.FulfillmentIDs) > 0 {
				return it.FulfillmentIDs[0]
			}
		}
		for _, f := range om.Order.AllFulfillments() {
			if f.ID != "" {
				return f.ID
			}
		}
	}
	return ""
}

// itemView is the detail page.
type itemView struct {
	Ref          itemRef
	Kind         string
	Title        string
	ProviderName string
	Paragraphs   []string
	Price        string
	Free         bool
	Groups       []tagGroupView
	Start, End   string
	Slots        []slotView
	Images       []string
	Waiting      bool
	Error        string
	Applied      string // txn of the learner's existing application
}

type tagGroupView struct {
	Name string
	Rows []tagRow
}

type tagRow struct{ Name, Value string }

type slotView struct {
	ID, Start, Mentor, Mode string
}

// kindOf is the catalogue key of what an item is in a domain.
func kindOf(domain string) string {
	switch domain {
	case beckn.DomainWork:
		return "job"
	case beckn.DomainFinancial:
		return "scholarship"
	case beckn.DomainExpert:
		return "mentorship"
	}
	return "course"
}

func (s *Server) itemPage(rq *request) (result, error) {
	ref, err := refFrom(rq.r.URL.Query().Get)
	if err != nil {
		return result{}, err
	}
	owner := "web:guest"
	if rq.user != nil {
		owner = rq.user.Owner()
	}
	ctx := rq.r.Context()
	v := itemView{Ref: ref, Kind: kindOf(ref.Domain)}
	d, err := s.send(ctx, owner, beckn.ActionSelect, beckn.Context{Domain: ref.Domain, BppID: ref.BppID}, beckn.OrderMessage{Order: orderRef(itemRef{ItemID: ref.ItemID, ProviderID: ref.ProviderID})})
	if err != nil {
		var se *sendError
		if !errors.As(err, &se) {
			return result{}, err
		}
		v.Error = plainText(se.msg)
	} else {
		msgs, err := s.cfg.Store.Messages(ctx, store.MessageFilter{TransactionID: d.Context.TransactionID, Direction: store.Inbound})
		if err != nil {
			return result{}, err
		}
		v.Waiting = true
		for _, m := range msgs {
			if m.RequestSeq != d.Seq || m.AckStatus != "ACK" {
				continue
			}
			v.Waiting = false
			env, err := beckn.Decode(m.Raw)
			if err != nil {
				v.Error = rq.lang.T("item.unreadable")
				break
			}
			if env.Error != nil {
				v.Error = plainText(firstNonEmpty(env.Error.Message, beckn.ErrorText(string(env.Error.Code))))
				break
			}
			var om beckn.OrderMessage
			if env.DecodeMessage(&om) != nil || om.Order == nil {
				v.Error = rq.lang.T("item.unreadable")
				break
			}
			fillItemView(rq.lang, &v, om.Order)
			break
		}
	}
	if rq.user != nil {
		v.Applied = s.existingApplication(ctx, rq.user, ref)
	}
	title := v.Title
	if title == "" {
		title = rq.lang.T("item.title_" + v.Kind)
	}
	return result{page: "item", title: title, data: v}, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// fillItemView reads an on_select order into the detail page.
func fillItemView(l *lang, v *itemView, o *beckn.Order) {
	if o.Provider != nil && o.Provider.Descriptor != nil {
		v.ProviderName = plainText(o.Provider.Descriptor.Name)
	}
	var it *beckn.Item
	if len(o.Items) > 0 {
		it = &o.Items[0]
	}
	if it != nil {
		if d := it.Descriptor; d != nil {
			v.Title = plainText(d.Name)
			v.Paragraphs = paragraphs(firstNonEmpty(d.LongDesc, d.ShortDesc))
			for _, im := range d.Images {
				if safeURL(im.URL) && len(v.Images) < 1 {
					v.Images = append(v.Images, im.URL)
				}
			}
		}
		if it.Price != nil {
			v.Price = priceText(it.Price)
			v.Free = it.Price.Value == "0" || it.Price.Value == "0.00"
		}
		if it.Time != nil && it.Time.Range != nil {
			v.Start, v.End = it.Time.Range.Start, it.Time.Range.End
		}
		v.Groups = tagGroups(l, it.Tags)
	}
	if o.Quote != nil && o.Quote.Price != nil && v.Price == "" {
		v.Price = priceText(o.Quote.Price)
	}
	fs := o.AllFulfillments()
	if o.Provider != nil {
		fs = append(fs, o.Provider.Fulfillments...)
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if f.ID == "" || seen[f.ID] || it == nil || (len(it.FulfillmentIDs) > 0 && !slices.Contains(it.FulfillmentIDs, f.ID)) {
			continue
		}
		seen[f.ID] = true
		sv := slotView{ID: f.ID, Mode: plainText(f.Type)}
		if f.Agent != nil && f.Agent.Person != nil {
			sv.Mentor = plainText(f.Agent.Person.Name)
		}
		for _, st := range f.Stops {
			if st.Time != nil && st.Time.Range != nil {
				sv.Start = st.Time.Range.Start
			}
		}
		if sv.Start != "" {
			v.Slots = append(v.Slots, sv)
		}
	}
	if len(v.Slots) > 20 {
		v.Slots = v.Slots[:20]
	}
}

// tagGroups turns provider tag groups into rows of text, skipping groups
// and tags the provider marked display:false. Values a learner would not
// read as sent (ISO 8601 durations, language codes) are said in words.
func tagGroups(l *lang, gs beckn.TagGroups) []tagGroupView {
	var out []tagGroupView
	for i := range gs {
		g := &gs[i]
		if g.Display.IsSet() && !g.Display.True() {
			continue
		}
		gv := tagGroupView{Name: plainText(firstNonEmpty(g.Name(), g.Code()))}
		for j := range g.List {
			t := &g.List[j]
			if !t.Shown(g) {
				continue
			}
			val := plainText(string(t.Value))
			if val == "" {
				continue
			}
			if strings.HasPrefix(val, "P") {
				if d, err := beckn.ParseDuration(val); err == nil && d > 0 {
					val = durationText(l, d)
				}
			}
			if c := t.Code(); (c == "lang-code" || c == "language") && l.Has("language."+strings.ToLower(val)) {
				val = l.T("language." + strings.ToLower(val))
			}
			gv.Rows = append(gv.Rows, tagRow{Name: plainText(firstNonEmpty(t.Name(), t.Code())), Value: truncate(val, 400)})
		}
		if len(gv.Rows) > 0 {
			out = append(out, gv)
		}
		if len(out) >= 12 {
			break
		}
	}
	return out
}

// existingApplication finds the learner's open application for the same
// item, so a second "apply" leads back to the first.
func (s *Server) existingApplication(ctx context.Context, u *user, ref itemRef) string {
	for _, txn := range u.Apps {
		var a application
		if s.getJSON(ctx, appKey(txn), &a) == nil && a.BppID == ref.BppID && a.ItemID == ref.ItemID && a.ProviderID == ref.ProviderID {
			return txn
		}
	}
	return ""
}

// customerOf is what init tells the provider about the learner: only with
// consent, and only what the profile holds.
func customerOf(u *user, now time.Time) *beckn.Customer {
	if !u.Consent {
		return nil
	}
	p := u.Profile
	person := &beckn.Person{}
	person.Name, _ = p.Get("user-full-name")
	if g, ok := p.Get("user-gender"); ok {
		person.Gender = strings.ToLower(g)
	}
	if dob, ok := p.Get("user-date-of-birth"); ok {
		if t, err := time.Parse("2006-01-02", dob); err == nil {
			age := now.Year() - t.Year()
			if now.YearDay() < t.YearDay() {
				age--
			}
			if age > 0 && age < 130 {
				person.Age = beckn.LenientString(strconv.Itoa(age))
			}
		}
	}
	c := &beckn.Customer{Person: person}
	phone, _ := p.Get("user-phone-number")
	email, _ := p.Get("user-email")
	if phone != "" || email != "" {
		c.Contact = &beckn.Contact{Phone: phone, Email: email}
	}
	if person.Name == "" && c.Contact == nil {
		return nil
	}
	return c
}

// apply starts an application: select and init in a new transaction owned
// by the learner. The record is stored first, so whatever the provider
// answers (or fails to) is on the learner's applications page.
func (s *Server) apply(rq *request) (result, error) {
	ref, err := refFrom(rq.r.PostFormValue)
	if err != nil {
		return result{}, err
	}
	ctx := rq.r.Context()
	if txn := s.existingApplication(ctx, rq.user, ref); txn != "" {
		return redirect("/applications/" + url.PathEscape(txn)), nil
	}
	if rq.r.PostFormValue("share") == "yes" && !rq.user.Consent {
		// Agreed on the detail page, next to the apply button.
		now := s.cfg.Now().UTC()
		u, err := s.updateUser(ctx, rq.user.ID, func(u *user) error {
			u.Consent, u.ConsentAt = true, now
			return nil
		})
		if err != nil {
			return result{}, err
		}
		rq.user = u
	}
	a := &application{
		Txn: beckn.NewUUID(), UserID: rq.user.ID, Domain: ref.Domain, BppID: ref.BppID,
		ProviderID: ref.ProviderID, ItemID: ref.ItemID, Fulfillment: ref.FulfillmentID,
		Title:        truncate(plainText(rq.r.PostFormValue("title")), 300),
		ProviderName: truncate(plainText(rq.r.PostFormValue("provider")), 200),
		Created:      s.cfg.Now().UTC(),
	}
	if err := s.saveApp(ctx, a); err != nil {
		return result{}, err
	}
	if _, err := s.updateUser(ctx, rq.user.ID, func(u *user) error {
		u.Apps = append([]string{a.Txn}, u.Apps...)
		return nil
	}); err != nil {
		return result{}, err
	}
	bctx := beckn.Context{Domain: a.Domain, BppID: a.BppID, TransactionID: a.Txn}
	d, err := s.send(ctx, rq.user.Owner(), beckn.ActionSelect, bctx, beckn.OrderMessage{Order: orderRef(ref)})
	if err != nil {
		return s.afterSend(rq, a, err)
	}
	if ref.FulfillmentID == "" {
		if ref.FulfillmentID = s.selectedFulfillment(ctx, d); ref.FulfillmentID != "" {
			a.Fulfillment = ref.FulfillmentID
			if err := s.saveApp(ctx, a); err != nil {
				return result{}, err
			}
		}
	}
	o := orderRef(ref)
	if c := customerOf(rq.user, s.cfg.Now()); c != nil {
		if len(o.Fulfillments) == 0 {
			o.Fulfillments = []beckn.Fulfillment{{}}
		}
		o.Fulfillments[0].Customer = c
	}
	_, err = s.send(ctx, rq.user.Owner(), beckn.ActionInit, bctx, beckn.OrderMessage{Order: o})
	return s.afterSend(rq, a, err)
}

// afterSend shows the application page after a request: a refused request
// is reported on it (it is also in the timeline when the provider said
// why), anything else is an internal error.
func (s *Server) afterSend(rq *request, a *application, err error) (result, error) {
	var se *sendError
	if err != nil && !errors.As(err, &se) {
		return result{}, err
	}
	to := "/applications/" + url.PathEscape(a.Txn)
	if se != nil {
		to += "?refused=" + url.QueryEscape(truncate(plainText(se.msg), 300))
		if se.bySeeker {
			to += "&by=seeker"
		}
	}
	return redirect(to), nil
}

// appContext is the context of every call on an application's transaction.
func appContext(a *application) beckn.Context {
	return beckn.Context{Domain: a.Domain, BppID: a.BppID, TransactionID: a.Txn}
}

func (s *Server) confirm(rq *request) (result, error) {
	ctx := rq.r.Context()
	a, v, err := s.requestedApp(rq)
	if err != nil {
		return result{}, err
	}
	if !v.CanConfirm() {
		return redirect("/applications/" + url.PathEscape(a.Txn)), nil
	}
	o := orderRef(itemRef{ProviderID: a.ProviderID, ItemID: a.ItemID, FulfillmentID: a.Fulfillment})
	if c := customerOf(rq.user, s.cfg.Now()); c != nil {
		if len(o.Fulfillments) == 0 {
			o.Fulfillments = []beckn.Fulfillment{{}}
		}
		o.Fulfillments[0].Customer = c
	}
	if v.Order != nil {
		// The payment terms as agreed in on_init, with their status (a
		// paid course's PAID is what the provider's payment page set).
		o.Payments = v.Order.AllPayments()
		o.Billing = v.Order.Billing
	}
	_, err = s.send(ctx, rq.user.Owner(), beckn.ActionConfirm, appContext(a), beckn.OrderMessage{Order: o})
	return s.afterSend(rq, a, err)
}

// orderCall sends a post-order request that needs the order id.
func (s *Server) orderCall(rq *request, action string, build func(a *application, v *appView) (any, error)) (result, error) {
	ctx := rq.r.Context()
	a, v, err := s.requestedApp(rq)
	if err != nil {
		return result{}, err
	}
	if v.OrderID == "" && action != beckn.ActionSupport {
		return redirect("/applications/" + url.PathEscape(a.Txn)), nil
	}
	msg, err := build(a, v)
	if err != nil {
		return result{}, err
	}
	_, err = s.send(ctx, rq.user.Owner(), action, appContext(a), msg)
	return s.afterSend(rq, a, err)
}

func (s *Server) refreshStatus(rq *request) (result, error) {
	return s.orderCall(rq, beckn.ActionStatus, func(a *application, v *appView) (any, error) {
		return beckn.StatusMessage{OrderID: beckn.LenientString(v.OrderID)}, nil
	})
}

func (s *Server) track(rq *request) (result, error) {
	return s.orderCall(rq, beckn.ActionTrack, func(a *application, v *appView) (any, error) {
		return beckn.TrackMessage{OrderID: beckn.LenientString(v.OrderID)}, nil
	})
}

func (s *Server) support(rq *request) (result, error) {
	return s.orderCall(rq, beckn.ActionSupport, func(a *application, v *appView) (any, error) {
		ref := v.OrderID
		if ref == "" {
			ref = a.Txn
		}
		return beckn.SupportMessage{Support: &beckn.Support{RefID: ref}}, nil
	})
}

func (s *Server) cancel(rq *request) (result, error) {
	reason := strings.TrimSpace(rq.r.PostFormValue("reason"))
	note := truncate(strings.TrimSpace(rq.r.PostFormValue("note")), 500)
	return s.orderCall(rq, beckn.ActionCancel, func(a *application, v *appView) (any, error) {
		if reason == "" || len(reason) > 100 {
			return nil, problem(http.StatusBadRequest, "cancel.reason_required")
		}
		m := beckn.CancelMessage{OrderID: beckn.LenientString(v.OrderID), CancellationReasonID: beckn.LenientString(reason)}
		if note != "" {
			m.Descriptor = &beckn.Descriptor{ShortDesc: note}
		}
		return m, nil
	})
}

func (s *Server) rate(rq *request) (result, error) {
	cat := strings.TrimSpace(rq.r.PostFormValue("category"))
	val, err := strconv.Atoi(rq.r.PostFormValue("value"))
	if err != nil || val < 1 || val > 5 || cat == "" || len(cat) > 100 {
		return result{}, problem(http.StatusBadRequest, "rate.invalid")
	}
	return s.orderCall(rq, beckn.ActionRating, func(a *application, v *appView) (any, error) {
		return beckn.RatingMessage{Ratings: []beckn.Rating{{ID: v.OrderID, RatingCategory: cat, Value: beckn.LenientString(strconv.Itoa(val))}}}, nil
	})
}

// update changes the learner's contact details on the order.
func (s *Server) update(rq *request) (result, error) {
	phone := strings.TrimSpace(rq.r.PostFormValue("phone"))
	email := strings.TrimSpace(rq.r.PostFormValue("email"))
	if (phone == "" && email == "") || len(phone) > 20 || len(email) > maxEmail {
		return result{}, problem(http.StatusBadRequest, "update.invalid")
	}
	return s.orderCall(rq, beckn.ActionUpdate, func(a *application, v *appView) (any, error) {
		o := &beckn.Order{ID: v.OrderID, Fulfillments: []beckn.Fulfillment{{Customer: &beckn.Customer{Contact: &beckn.Contact{Phone: phone, Email: email}}}}}
		if fs := v.Order.AllFulfillments(); len(fs) > 0 {
			o.Fulfillments[0].ID = fs[0].ID
		}
		return beckn.UpdateMessage{UpdateTarget: "order.fulfillments[0].customer", Order: o}, nil
	})
}

// metaCall asks the provider for its cancellation reasons or rating
// categories, once per application.
func (s *Server) metaCall(ctx context.Context, u *user, a *application, action string) error {
	_, err := s.send(ctx, u.Owner(), action, appContext(a), nil)
	var se *sendError
	if errors.As(err, &se) {
		return nil // the page says the list is unavailable
	}
	return err
}

// applicationsPage lists the learner's applications with their state.
func (s *Server) applicationsPage(rq *request) (result, error) {
	ctx := rq.r.Context()
	var list []*appView
	for _, txn := range rq.user.Apps {
		a, err := s.loadApp(ctx, rq.user, txn)
		if err != nil {
			continue
		}
		v, err := s.buildView(ctx, a)
		if err != nil {
			return result{}, err
		}
		list = append(list, v)
	}
	return result{page: "applications", title: rq.lang.T("apps.title"), data: list}, nil
}

// appPage is the application page's data.
type appPage struct {
	V       *appView
	Refused string
	// BySeeker: Seeker itself did not send the refused request (it lacked
	// what the network's rules require); the provider never saw it.
	BySeeker bool
	Panel    string // "cancel", "rate", "update" or ""
	// Sent acknowledges what was just sent ("form", "feedback").
	Sent string
	Kind string
}

func (s *Server) applicationPage(rq *request) (result, error) {
	ctx := rq.r.Context()
	a, v, err := s.requestedApp(rq)
	if err != nil {
		return result{}, err
	}
	q := rq.r.URL.Query()
	p := appPage{V: v, Refused: truncate(q.Get("refused"), 300), BySeeker: q.Get("by") == "seeker", Kind: kindOf(a.Domain), Sent: q.Get("sent")}
	if p.Refused != "" {
		v.Pending = "" // a refused request has no answer to wait for
	}
	// The cancel and rate panels offer the provider's own options
	// (cancellation reasons, rating categories): asked for the first time
	// a panel opens, then read from the stored answer.
	ask := func(needed bool, action string) error {
		if !needed {
			return nil
		}
		if err := s.metaCall(ctx, rq.user, a, action); err != nil {
			return err
		}
		p.V, err = s.buildView(ctx, a)
		return err
	}
	switch panel := rq.r.URL.Query().Get("panel"); panel {
	case "cancel":
		if err := ask(v.Active() && len(v.CancelReasons) == 0, beckn.ActionGetCancellationReasons); err != nil {
			return result{}, err
		}
		p.Panel = panel
	case "rate":
		if err := ask(v.Confirmed && len(v.RatingCats) == 0, beckn.ActionGetRatingCategories); err != nil {
			return result{}, err
		}
		p.Panel = panel
	case "update":
		p.Panel = panel
	}
	return result{page: "application", title: firstNonEmpty(a.Title, rq.lang.T("app.title")), data: p}, nil
}

// liveData is what the live region of an application page is rendered
// from, both in the page and in the event stream.
type liveData struct {
	L    *lang
	CSRF string
	Data appPage
}

// applicationEvents streams the live region of an application page as
// Server-Sent Events whenever a callback of its transaction is stored
// (unsolicited status updates, the next form, payment). The script swaps
// it in and announces the new state; without script the page is simply
// reloaded by the learner.
func (s *Server) applicationEvents(w http.ResponseWriter, r *http.Request) {
	rq := &request{r: r, w: w, lang: s.i18n.pick(r)}
	s.loadSession(rq)
	if rq.user == nil {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	ctx := r.Context()
	a, err := s.loadApp(ctx, rq.user, r.PathValue("txn"))
	if err != nil {
		http.Error(w, "no such application", http.StatusNotFound)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		after, _ = strconv.ParseInt(v, 10, 64)
	}
	events, stop := s.cfg.Engine.Bus().Subscribe(a.Txn)
	defer stop()
	es, ok := sse.Open(w, "seeker application events")
	if !ok {
		return
	}
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		v, err := s.buildView(ctx, a)
		if err != nil {
			return
		}
		if v.LastSeq > after {
			after = v.LastSeq
			html, err := s.renderFragment("application", "live", liveData{L: rq.lang, CSRF: rq.csrf, Data: appPage{V: v, Kind: kindOf(a.Domain)}})
			if err != nil {
				s.log.Error("rendering live application", "err", err)
				return
			}
			state := v.StateName
			if v.State != "" && rq.lang.Has("state."+v.State) {
				state = rq.lang.T("state." + v.State)
			}
			// The first data line is the announcement for screen readers,
			// the rest the live region's new HTML.
			announce := strings.ReplaceAll(rq.lang.T("app.announce", state), "\n", " ")
			if err := es.Event(strconv.FormatInt(after, 10), "update", []byte(announce), []byte(html)); err != nil {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-events:
		case <-poll.C:
		case <-heartbeat.C:
			if es.Comment("heartbeat") != nil {
				return
			}
		}
	}
}
