package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/store"
)

// An application (an enrolment, a job or scholarship application, a
// mentoring booking) is one Beckn transaction. The app keeps a small record
// of it (what was applied for, which form steps were answered); everything
// the provider said is read from the transaction's stored messages each
// time, so the page is always what the network said, including the
// unsolicited updates that arrived while nobody was looking.

// application is the stored record of one application.
type application struct {
	Txn          string    `json:"txn"`
	UserID       string    `json:"user_id"`
	Domain       string    `json:"domain"`
	BppID        string    `json:"bpp_id"`
	BppURI       string    `json:"bpp_uri,omitempty"`
	ProviderID   string    `json:"provider_id"`
	ItemID       string    `json:"item_id"`
	Fulfillment  string    `json:"fulfillment_id,omitempty"`
	Title        string    `json:"title"`
	ProviderName string    `json:"provider_name"`
	Created      time.Time `json:"created"`
	// Steps are the form steps answered: index → what was submitted.
	Steps map[string]submittedStep `json:"steps,omitempty"`
	// FeedbackSent: the on_rating feedback form was answered.
	FeedbackSent bool `json:"feedback_sent,omitempty"`
}

// submittedStep is one answered form step, kept so a step the provider
// lets the learner resubmit can be opened again.
type submittedStep struct {
	SubmissionID string        `json:"submission_id"`
	At           time.Time     `json:"at"`
	Heading      string        `json:"heading,omitempty"`
	XInput       *beckn.XInput `json:"xinput,omitempty"`
}

func appKey(txn string) string { return "web:app:" + txn }

// loadApp returns the learner's application txn; another learner's is
// "not found", never "forbidden", so ids cannot be probed.
func (s *Server) loadApp(ctx context.Context, u *user, txn string) (*application, error) {
	var a application
	if len(txn) > 100 {
		return nil, problem(http.StatusNotFound, "error.app_not_found")
	}
	if err := s.getJSON(ctx, appKey(txn), &a); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, problem(http.StatusNotFound, "error.app_not_found")
		}
		return nil, err
	}
	if a.UserID != u.ID {
		return nil, problem(http.StatusNotFound, "error.app_not_found")
	}
	return &a, nil
}

func (s *Server) saveApp(ctx context.Context, a *application) error {
	return s.putJSON(ctx, appKey(a.Txn), a, time.Time{})
}

// event is one entry of an application's timeline.
type event struct {
	At          time.Time
	Code        string // fulfillment state code, or an action for non-state events
	Name        string // the provider's own label of the state
	Kind        string // "state", "error", "payment", "cancelled"
	Unsolicited bool
	Detail      string
}

// docLink is a document, certificate or course link the provider gave.
type docLink struct {
	Label string
	URL   string
}

// formStep is the form the provider currently asks for.
type formStep struct {
	XInput   *beckn.XInput
	Index    int // 0-based step
	Count    int
	Headings []string
	Title    string
	Required bool
	Resubmit bool
}

// Heading is the heading of the current step.
func (f *formStep) Heading() string {
	if f.Index >= 0 && f.Index < len(f.Headings) {
		return f.Headings[f.Index]
	}
	return f.Title
}

// appView is an application as the pages show it.
type appView struct {
	App       *application
	Order     *beckn.Order
	Timeline  []event
	State     string
	StateName string
	Status    string
	OrderID   string
	Initiated bool
	Confirmed bool
	Cancelled bool
	Completed bool
	// Form is the step the provider asks for now (nil when none).
	Form *formStep
	// Resubmittable are answered steps the provider lets the learner
	// change, by index.
	Resubmittable []int
	PaymentURL    string
	PaymentStatus string
	PaymentDue    bool
	Price         string
	Docs          []docLink
	Support       *beckn.Support
	TrackURL      string
	CancelReasons []beckn.Option
	RatingCats    []string
	Feedback      *beckn.XInput
	Rated         bool
	// Errors are the provider's error callbacks, latest first.
	Errors []string
	// Pending is the action of a request still waiting for its answer.
	Pending string
	Slot    string
	Mentor  string
	LastSeq int64
}

// CanConfirm reports whether the confirm button is offered: the forms the
// provider requires are done, nothing is due to be paid first.
func (v *appView) CanConfirm() bool {
	return v.Initiated && !v.Confirmed && !v.Cancelled && (v.Form == nil || !v.Form.Required) && !v.PaymentDue
}

// Active reports whether post-order actions (cancel, update) make sense.
func (v *appView) Active() bool { return v.Confirmed && !v.Cancelled && !v.Completed }

// requestedApp is the signed-in learner's application named by the
// request's {txn} path value, with its view built from the stored messages:
// what every page and action on one application starts from.
func (s *Server) requestedApp(rq *request) (*application, *appView, error) {
	ctx := rq.r.Context()
	a, err := s.loadApp(ctx, rq.user, rq.r.PathValue("txn"))
	if err != nil {
		return nil, nil, err
	}
	v, err := s.buildView(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	return a, v, nil
}

// buildView reads the transaction's messages into an appView.
func (s *Server) buildView(ctx context.Context, a *application) (*appView, error) {
	msgs, err := s.cfg.Store.Messages(ctx, store.MessageFilter{TransactionID: a.Txn})
	if err != nil {
		return nil, err
	}
	v := &appView{App: a}
	answered := map[int64]bool{}
	var lastOut *store.Message
	for _, m := range msgs {
		v.LastSeq = max(v.LastSeq, m.Seq)
		if m.Direction == store.Outbound {
			lastOut = m
			continue
		}
		if m.AckStatus != "ACK" {
			continue
		}
		answered[m.RequestSeq] = true
		env, err := beckn.Decode(m.Raw)
		if err != nil {
			continue
		}
		at := m.CreatedAt
		unsol := m.Correlation == store.Unsolicited
		if env.Error != nil {
			msg := env.Error.Message
			if msg == "" {
				msg = beckn.ErrorText(string(env.Error.Code))
			}
			v.Errors = append([]string{plainText(msg)}, v.Errors...)
			v.Timeline = append(v.Timeline, event{At: at, Kind: "error", Code: m.Action, Detail: plainText(msg)})
			continue
		}
		switch m.Action {
		case beckn.ActionOnSelect, beckn.ActionOnInit, beckn.ActionOnConfirm, beckn.ActionOnStatus, beckn.ActionOnUpdate, beckn.ActionOnCancel:
			var om beckn.OrderMessage
			if env.DecodeMessage(&om) != nil || om.Order == nil {
				continue
			}
			s.applyOrder(v, m.Action, om.Order, at, unsol)
		case "cancellation_reasons":
			var cm beckn.CancellationReasonsMessage
			if env.DecodeMessage(&cm) == nil {
				v.CancelReasons = cm.CancellationReasons
			}
		case "rating_categories":
			var rm beckn.RatingCategoriesMessage
			if env.DecodeMessage(&rm) == nil {
				v.RatingCats = rm.RatingCategories
			}
		case beckn.ActionOnRating:
			var fm beckn.FeedbackMessage
			v.Rated = true
			if env.DecodeMessage(&fm) == nil && fm.FeedbackForm != nil && fm.FeedbackForm.Form != nil {
				v.Feedback = fm.FeedbackForm
			}
			v.Timeline = append(v.Timeline, event{At: at, Kind: "rated", Code: m.Action})
		case beckn.ActionOnSupport:
			var sm beckn.SupportMessage
			if env.DecodeMessage(&sm) == nil && sm.Support != nil {
				v.Support = sm.Support
			}
		case beckn.ActionOnTrack:
			var tm beckn.TrackingMessage
			if env.DecodeMessage(&tm) == nil && tm.Tracking != nil && safeURL(tm.Tracking.URL) {
				v.TrackURL = tm.Tracking.URL
			}
		}
	}
	if lastOut != nil && !answered[lastOut.Seq] && s.cfg.Now().Before(lastOut.Deadline) {
		v.Pending = lastOut.Action
	}
	// Nothing answered can be changed after confirm.
	if !v.Confirmed {
		for k, st := range a.Steps {
			if st.XInput != nil && st.XInput.Form != nil && st.XInput.Form.Resubmit.True() {
				if i, err := strconv.Atoi(k); err == nil && (v.Form == nil || i != v.Form.Index) {
					v.Resubmittable = append(v.Resubmittable, i)
				}
			}
		}
		slices.Sort(v.Resubmittable)
	}
	slices.Reverse(v.Timeline)
	return v, nil
}

// applyOrder folds one order callback into the view.
func (s *Server) applyOrder(v *appView, action string, o *beckn.Order, at time.Time, unsolicited bool) {
	v.Order = o
	if o.ID != "" {
		v.OrderID = o.ID
	}
	if o.Status != "" {
		v.Status = o.Status
	}
	switch action {
	case beckn.ActionOnInit:
		v.Initiated = true
		v.Form = nil
		if xi := orderXInput(o); xi != nil && !v.Confirmed {
			v.Form = newFormStep(xi)
		}
	case beckn.ActionOnConfirm:
		v.Confirmed = true
		v.Form = nil
	case beckn.ActionOnCancel:
		v.Cancelled = true
	}
	if strings.EqualFold(o.Status, "CANCELLED") {
		v.Cancelled = true
	}
	if strings.EqualFold(o.Status, "COMPLETE") || strings.EqualFold(o.Status, "COMPLETED") {
		v.Completed = true
	}
	if q := o.Quote; q != nil && q.Price != nil {
		v.Price = priceText(q.Price)
	}
	for _, p := range o.AllPayments() {
		if p.URL != "" && safeURL(p.URL) {
			v.PaymentURL = p.URL
		}
		if p.Status != "" {
			if v.PaymentStatus != "" && v.PaymentStatus != p.Status && p.Status == "PAID" {
				v.Timeline = append(v.Timeline, event{At: at, Kind: "payment", Code: "PAID", Unsolicited: unsolicited})
			}
			v.PaymentStatus = p.Status
		}
		v.PaymentDue = p.URL != "" && strings.EqualFold(p.Type, "PRE-ORDER") && !strings.EqualFold(p.Status, "PAID")
	}
	fs := o.AllFulfillments()
	for _, f := range fs {
		if code := f.State.Code(); code != "" {
			name := ""
			if f.State.Descriptor != nil {
				name = plainText(f.State.Descriptor.Name)
			}
			if code != v.State || action == beckn.ActionOnCancel {
				v.Timeline = append(v.Timeline, event{At: at, Kind: "state", Code: code, Name: name, Unsolicited: unsolicited})
			}
			v.State, v.StateName = code, name
		}
		if f.Agent != nil && f.Agent.Person != nil && f.Agent.Person.Name != "" {
			v.Mentor = plainText(f.Agent.Person.Name)
		}
		for _, st := range f.Stops {
			if st.Time != nil && st.Time.Range != nil && st.Time.Range.Start != "" {
				v.Slot = st.Time.Range.Start
			}
		}
		v.Docs = mergeDocs(v.Docs, docsOf(f.Tags))
		for _, st := range f.Stops {
			if st.Instructions != nil {
				for _, m := range st.Instructions.Media {
					if u := m.Link(); safeURL(u) {
						v.Docs = mergeDocs(v.Docs, []docLink{{Label: plainText(st.Instructions.Name), URL: u}})
					}
				}
			}
		}
	}
	if action == beckn.ActionOnCancel && len(fs) == 0 {
		v.Timeline = append(v.Timeline, event{At: at, Kind: "cancelled", Code: "CANCELLED", Unsolicited: unsolicited})
	}
	v.Docs = mergeDocs(v.Docs, docsOf(o.Tags))
}

// docsOf finds document and certificate links in tag groups: any tag whose
// value is an http(s) URL, labelled by its group or the tag before it.
func docsOf(gs beckn.TagGroups) []docLink {
	var out []docLink
	for _, g := range gs {
		label := plainText(g.Name())
		for _, t := range g.List {
			val := strings.TrimSpace(string(t.Value))
			if safeURL(val) && (strings.HasPrefix(val, "http://") || strings.HasPrefix(val, "https://")) {
				l := label
				for _, t2 := range g.List {
					if c := t2.Code(); c == "doc-type" || c == "type" || c == "credential-type" {
						l = plainText(string(t2.Value))
					}
				}
				if l == "" {
					l = plainText(t.Name())
				}
				out = append(out, docLink{Label: l, URL: val})
			}
		}
	}
	return out
}

func mergeDocs(have, more []docLink) []docLink {
	for _, d := range more {
		if !slices.ContainsFunc(have, func(h docLink) bool { return h.URL == d.URL }) {
			have = append(have, d)
		}
	}
	return have
}

// orderXInput is the form of an on_init: on the first item (where ONEST
// puts it) or on the order.
func orderXInput(o *beckn.Order) *beckn.XInput {
	for _, it := range o.Items {
		if it.XInput != nil && it.XInput.Form != nil && it.XInput.Form.URL != "" {
			return it.XInput
		}
	}
	if o.XInput != nil && o.XInput.Form != nil && o.XInput.Form.URL != "" {
		return o.XInput
	}
	return nil
}

func newFormStep(xi *beckn.XInput) *formStep {
	f := &formStep{XInput: xi, Count: 1, Required: xi.Required.Or(true), Resubmit: xi.Form.Resubmit.True()}
	if h := xi.Head; h != nil {
		if h.Descriptor != nil {
			f.Title = plainText(h.Descriptor.Name)
		}
		for _, hd := range h.Headings {
			f.Headings = append(f.Headings, plainText(hd))
		}
		if h.Index != nil {
			lo := h.Index.Min.Int(0)
			f.Index = h.Index.Cur.Int(lo) - lo
			f.Count = h.Index.Max.Int(lo) - lo + 1
		}
	}
	f.Count = max(f.Count, len(f.Headings), f.Index+1, 1)
	if f.Count > 50 {
		f.Count = 50
	}
	return f
}

// safeURL accepts only http(s) URLs for links the app shows; html/template
// would neutralise javascript: anyway, this keeps broken links out too.
func safeURL(u string) bool {
	return (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) && len(u) < 2048 && !strings.ContainsAny(u, " \n\r\t<>\"")
}

// priceText is a price as a learner reads it ("INR 1,499", "up to INR 50,000").
func priceText(p *beckn.Price) string {
	if p == nil {
		return ""
	}
	cur := p.Currency
	if cur == "" {
		cur = "INR"
	}
	switch {
	case p.Value != "":
		return cur + " " + groupDigits(string(p.Value))
	case p.MaximumValue != "" && p.MinimumValue != "":
		return cur + " " + groupDigits(string(p.MinimumValue)) + "–" + groupDigits(string(p.MaximumValue))
	case p.MaximumValue != "":
		return cur + " " + groupDigits(string(p.MaximumValue))
	case p.ListedValue != "":
		return cur + " " + groupDigits(string(p.ListedValue))
	}
	return ""
}

// groupDigits writes an amount the Indian way (12,34,567), dropping ".00".
func groupDigits(s string) string {
	s = strings.TrimSpace(s)
	intPart, frac, _ := strings.Cut(s, ".")
	if strings.Trim(frac, "0") == "" {
		frac = ""
	}
	if _, err := strconv.ParseInt(intPart, 10, 64); err != nil || strings.HasPrefix(intPart, "-") {
		return s
	}
	var b strings.Builder
	n := len(intPart)
	for i, c := range intPart {
		rest := n - i
		if i > 0 && (rest == 3 || (rest > 3 && (rest-3)%2 == 0)) {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		return b.String() + "." + frac
	}
	return b.String()
}

// stateTime parses a slot or state time for display.
func stateTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Code is the state shown for the application: the provider's state code,
// else what the app knows from the flow.
func (v *appView) Code() string {
	switch {
	case v.Cancelled && (v.State == "" || !strings.Contains(v.State, "CANCEL")):
		return "CANCELLED"
	case v.State != "":
		return v.State
	case v.Completed:
		return "COMPLETED"
	case v.Confirmed:
		return "CONFIRMED"
	case v.Form != nil:
		return "FORM-DUE"
	case v.Initiated:
		return "READY-TO-CONFIRM"
	case v.Pending != "":
		return "WAITING"
	}
	return "STARTED"
}

// Tone colours a state badge: good news, bad news, or neutral progress.
func (v *appView) Tone() string {
	c := v.Code()
	switch {
	case strings.Contains(c, "CANCEL") || strings.Contains(c, "REJECT") || strings.Contains(c, "FAIL"):
		return "bad"
	case strings.Contains(c, "COMPLETE") || strings.Contains(c, "APPROVED") || strings.Contains(c, "OFFER") ||
		strings.Contains(c, "DISBURSED") || c == "CONFIRMED" || strings.Contains(c, "SCHEDULED") || strings.Contains(c, "SUBMITTED"):
		return "good"
	case c == "FORM-DUE" || c == "READY-TO-CONFIRM":
		return "todo"
	}
	return "info"
}
