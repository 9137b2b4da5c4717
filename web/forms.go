package web

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/xinput"
)

// Provider forms inside the app. The provider's HTML is fetched and read by
// package xinput (controls and labels only; its script, style and handlers
// are never looked at), and this file renders the app's own controls from
// that list: one template, one look, labels on every control, errors next
// to their field. Hidden provider fields (nonces) stay on the server and are
// sent back as the provider set them; the learner's browser never sees
// them.
//
// Sending is two steps: the answers are checked (by xinput.Check, then the
// learner) on a review page that lists exactly what the provider will
// receive; only "Send" submits them, signed, to the provider. Between the
// two the answers (and attached files) wait in the store for half an hour.

const (
	formTTL     = 2 * time.Hour
	pendingTTL  = 30 * time.Minute
	maxFileSize = 5 << 20
	// maxAnswer bounds one typed answer.
	maxAnswer = 5000
)

// fetchedForm is a provider form as fetched for one step, kept so that the
// submission goes to the same action with the same nonce.
type fetchedForm struct {
	Which  string        `json:"which"`
	XInput *beckn.XInput `json:"xinput"`
	Form   *xinput.Form  `json:"form"`
	Step   int           `json:"step"`
}

// pendingAnswers are answers checked and waiting for the learner's review.
type pendingAnswers struct {
	Answers url.Values    `json:"answers"`
	Files   []xinput.File `json:"files,omitempty"`
}

func formKey(txn, which string) string    { return "web:form:" + txn + ":" + which }
func pendingKey(txn, which string) string { return "web:pending:" + txn + ":" + which }

// fieldView is one control as the template renders it.
type fieldView struct {
	ID       string
	Name     string
	Type     string
	Label    string
	Value    string
	Values   []string
	Required bool
	Options  []xinput.Option
	Accept   string
	Min, Max string
	Error    string
	Shared   bool
	FileName string
	DocLink  string
}

// Checked reports whether an option is among the answers.
func (f fieldView) Checked(v string) bool { return slices.Contains(f.Values, v) || f.Value == v }

// formView is the form page and its review.
type formView struct {
	App     *application
	Step    *formStep
	Which   string
	Title   string
	Fields  []fieldView
	Shared  []string
	Consent bool
	Review  bool
	// ProviderErrors are errors the provider gave that name no field.
	ProviderErrors []string
	Error          string
}

// inputTypes are the input types rendered as such; anything else a
// provider declares becomes a text box.
var inputTypes = map[string]bool{
	"text": true, "email": true, "tel": true, "date": true, "month": true, "number": true, "url": true,
	"textarea": true, "select": true, "radio": true, "checkbox": true, "file": true, "datetime-local": true, "time": true,
}

// formFields builds the controls of form with answers, marking the fields
// the profile filled and attaching errors.
func formFields(form *xinput.Form, answers url.Values, shared []string, errs map[string]string, files map[string]string, profile xinput.Profile) []fieldView {
	var out []fieldView
	for i, fl := range form.Fields {
		if fl.Hidden {
			continue
		}
		typ := strings.ToLower(fl.Type)
		if !inputTypes[typ] {
			typ = "text"
		}
		fv := fieldView{
			ID: "f" + strconv.Itoa(i), Name: fl.Name, Type: typ,
			Label:    truncate(plainText(firstNonEmpty(fl.Label, fl.Name)), 200),
			Value:    truncate(answers.Get(fl.Name), maxAnswer),
			Values:   answers[fl.Name],
			Required: fl.Required, Accept: fl.Accept, Min: fl.Min, Max: fl.Max,
			Error: errs[fl.Name], Shared: slices.Contains(shared, fl.Name), FileName: files[fl.Name],
		}
		for _, o := range fl.Options {
			if len(fv.Options) >= 200 {
				break
			}
			fv.Options = append(fv.Options, xinput.Option{Value: o.Value, Label: truncate(plainText(firstNonEmpty(o.Label, o.Value)), 200)})
		}
		if typ == "checkbox" && len(fv.Options) == 1 && (fv.Options[0].Label == "" || fv.Options[0].Label == fv.Label) {
			fv.Options[0].Label = fv.Label
		}
		if typ == "file" && profile != nil {
			if link := profile[fl.Name]; safeURL(link) {
				fv.DocLink = link
			}
		}
		out = append(out, fv)
	}
	return out
}

// whichForm resolves the form a request is about: the current step, an
// answered step the provider lets the learner resubmit ("step-N"), or the
// feedback form of on_rating.
func whichForm(v *appView, which string) (*beckn.XInput, *formStep, error) {
	switch {
	case which == "" || which == "current":
		if v.Form == nil {
			return nil, nil, problem(http.StatusNotFound, "form.none")
		}
		return v.Form.XInput, v.Form, nil
	case which == "feedback":
		if v.Feedback == nil {
			return nil, nil, problem(http.StatusNotFound, "form.none")
		}
		return v.Feedback, &formStep{XInput: v.Feedback, Count: 1, Index: 0}, nil
	case strings.HasPrefix(which, "step-"):
		i, err := strconv.Atoi(strings.TrimPrefix(which, "step-"))
		if err != nil || !slices.Contains(v.Resubmittable, i) {
			return nil, nil, problem(http.StatusNotFound, "form.none")
		}
		st := v.App.Steps[strconv.Itoa(i)]
		fs := newFormStep(st.XInput)
		return st.XInput, fs, nil
	}
	return nil, nil, problem(http.StatusNotFound, "form.none")
}

func normWhich(w string) string {
	if w == "" {
		return "current"
	}
	return w
}

// loadForm fetches the provider form (or reuses the copy fetched for this
// step, whose nonce the provider expects back).
func (s *Server) loadForm(ctx context.Context, a *application, v *appView, which string, fresh bool) (*fetchedForm, *formStep, error) {
	xi, step, err := whichForm(v, which)
	if err != nil {
		return nil, nil, err
	}
	key := formKey(a.Txn, which)
	var ff fetchedForm
	if !fresh && s.getJSON(ctx, key, &ff) == nil && ff.XInput != nil && ff.XInput.Form != nil && ff.XInput.Form.URL == xi.Form.URL {
		return &ff, step, nil
	}
	form, err := s.cfg.Forms.Fetch(ctx, xi)
	if err != nil {
		s.log.Warn("fetching a provider form", "txn", a.Txn, "err", err)
		return nil, step, problem(http.StatusBadGateway, "form.fetch_failed")
	}
	ff = fetchedForm{Which: which, XInput: xi, Form: form, Step: step.Index}
	if err := s.putJSON(ctx, key, ff, s.cfg.Now().Add(formTTL)); err != nil {
		return nil, step, err
	}
	return &ff, step, nil
}

func (s *Server) formPage(rq *request) (result, error) {
	ctx := rq.r.Context()
	a, v, err := s.requestedApp(rq)
	if err != nil {
		return result{}, err
	}
	which := normWhich(rq.r.URL.Query().Get("which"))
	ff, step, err := s.loadForm(ctx, a, v, which, false)
	if err != nil {
		return result{}, err
	}
	var answers url.Values
	var shared []string
	files := map[string]string{}
	var pa pendingAnswers
	if rq.r.URL.Query().Get("edit") == "1" && s.getJSON(ctx, pendingKey(a.Txn, which), &pa) == nil {
		answers = pa.Answers
		for _, f := range pa.Files {
			files[f.Field] = f.Name
		}
	} else if rq.user.Consent {
		answers, shared = xinput.Prefill(ff.Form, rq.user.Profile)
	} else {
		answers, _ = xinput.Prefill(ff.Form, nil)
	}
	fv := formView{App: a, Step: step, Which: which, Title: firstNonEmpty(step.Heading(), plainText(ff.Form.Title)),
		Fields: formFields(ff.Form, answers, shared, nil, files, rq.user.Profile), Consent: rq.user.Consent}
	for _, f := range fv.Fields {
		if f.Shared {
			fv.Shared = append(fv.Shared, f.Label)
		}
	}
	return result{page: "form", title: fv.Title, data: fv}, nil
}

// giveConsent records the learner's agreement to pre-fill forms from the
// profile, asked on the form page itself, and returns to the form.
func (s *Server) giveConsent(rq *request) (result, error) {
	ctx := rq.r.Context()
	a, err := s.loadApp(ctx, rq.user, rq.r.PathValue("txn"))
	if err != nil {
		return result{}, err
	}
	now := s.cfg.Now().UTC()
	if _, err := s.updateUser(ctx, rq.user.ID, func(u *user) error {
		if !u.Consent {
			u.Consent, u.ConsentAt = true, now
		}
		return nil
	}); err != nil {
		return result{}, err
	}
	return redirect("/applications/" + url.PathEscape(a.Txn) + "/form?which=" + url.QueryEscape(normWhich(rq.r.PostFormValue("which")))), nil
}

// answersFrom reads the learner's answers to form from a POST: only the
// form's own visible fields, bounded, hidden fields from the provider's
// copy. files are the attachments, and attached names the file fields
// that have one.
func answersFrom(form *xinput.Form, post url.Values, mf *multipart.Form) (answers url.Values, files []xinput.File, err error) {
	answers = url.Values{}
	for _, fl := range form.Fields {
		if fl.Hidden {
			if fl.Value != "" {
				answers.Set(fl.Name, fl.Value)
			}
			continue
		}
		if fl.Type == "file" {
			if mf == nil {
				continue
			}
			hs := mf.File[fl.Name]
			if len(hs) == 0 || hs[0].Size == 0 {
				continue
			}
			h := hs[0]
			if h.Size > maxFileSize {
				return nil, nil, &fileError{field: fl.Name}
			}
			f, err := h.Open()
			if err != nil {
				return nil, nil, err
			}
			data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
			f.Close()
			if err != nil {
				return nil, nil, err
			}
			if len(data) > maxFileSize {
				return nil, nil, &fileError{field: fl.Name}
			}
			name := truncate(strings.Map(func(r rune) rune {
				if r < 32 || r == '"' || r == '\\' || r == '/' {
					return '_'
				}
				return r
			}, h.Filename), 120)
			files = append(files, xinput.File{Field: fl.Name, Name: name, ContentType: h.Header.Get("Content-Type"), Data: data})
			continue
		}
		for _, v := range post[fl.Name] {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if utf8.RuneCountInString(v) > maxAnswer || !utf8.ValidString(v) {
				return nil, nil, &fileError{field: fl.Name, tooLong: true}
			}
			answers.Add(fl.Name, v)
			if fl.Type != "checkbox" {
				break
			}
		}
	}
	return answers, files, nil
}

// fileError is an attachment or answer over the limits.
type fileError struct {
	field   string
	tooLong bool
}

func (e *fileError) Error() string { return "answer to " + e.field + " is too large" }

// submitForm handles the three buttons of a form: review (check and show
// what will be sent), edit (back to the form) and send.
func (s *Server) submitForm(rq *request) (result, error) {
	ctx := rq.r.Context()
	a, v, err := s.requestedApp(rq)
	if err != nil {
		return result{}, err
	}
	which := normWhich(rq.r.PostFormValue("which"))
	ff, step, err := s.loadForm(ctx, a, v, which, false)
	if err != nil {
		return result{}, err
	}
	base := "/applications/" + url.PathEscape(a.Txn) + "/form?which=" + url.QueryEscape(which)
	fv := formView{App: a, Step: step, Which: which, Title: firstNonEmpty(step.Heading(), plainText(ff.Form.Title)), Consent: rq.user.Consent}
	switch rq.r.PostFormValue("action") {
	case "edit":
		return redirect(base + "&edit=1"), nil
	case "send":
		return s.sendForm(rq, a, v, ff, fv)
	}
	// Review: check, keep, show.
	answers, files, err := answersFrom(ff.Form, rq.r.PostForm, rq.r.MultipartForm)
	var fe *fileError
	if errors.As(err, &fe) {
		msg := rq.lang.T("form.file_too_large", maxFileSize>>20)
		if fe.tooLong {
			msg = rq.lang.T("form.answer_too_long", maxAnswer)
		}
		fv.Fields = formFields(ff.Form, answers, nil, map[string]string{fe.field: msg}, nil, rq.user.Profile)
		return result{page: "form", status: http.StatusUnprocessableEntity, title: fv.Title, data: fv}, nil
	}
	if err != nil {
		return result{}, err
	}
	// Attachments made before an "edit" stay unless replaced.
	var prev pendingAnswers
	if s.getJSON(ctx, pendingKey(a.Txn, which), &prev) == nil {
		for _, pf := range prev.Files {
			if !slices.ContainsFunc(files, func(f xinput.File) bool { return f.Field == pf.Field }) {
				files = append(files, pf)
			}
		}
	}
	attached := map[string]bool{}
	names := map[string]string{}
	for _, f := range files {
		attached[f.Field] = true
		names[f.Field] = f.Name
	}
	_, shared := xinput.Prefill(ff.Form, profileIf(rq.user))
	if errs := xinput.Check(ff.Form, answers, attached); len(errs) > 0 {
		fv.Fields = formFields(ff.Form, answers, shared, s.fieldErrors(rq.lang, ff.Form, errs), names, rq.user.Profile)
		fv.Error = rq.lang.T("form.fix_errors", len(errs))
		if err := s.putJSON(ctx, pendingKey(a.Txn, which), pendingAnswers{Answers: answers, Files: files}, s.cfg.Now().Add(pendingTTL)); err != nil {
			return result{}, err
		}
		return result{page: "form", status: http.StatusUnprocessableEntity, title: fv.Title, data: fv}, nil
	}
	if err := s.putJSON(ctx, pendingKey(a.Txn, which), pendingAnswers{Answers: answers, Files: files}, s.cfg.Now().Add(pendingTTL)); err != nil {
		return result{}, err
	}
	fv.Fields = formFields(ff.Form, answers, sharedStill(shared, ff.Form, answers, rq.user), nil, names, nil)
	fv.Review = true
	for _, f := range fv.Fields {
		if f.Shared {
			fv.Shared = append(fv.Shared, f.Label)
		}
	}
	return result{page: "form", title: fv.Title, data: fv}, nil
}

// profileIf is the profile when the learner agreed to pre-filling.
func profileIf(u *user) xinput.Profile {
	if u.Consent {
		return u.Profile
	}
	return nil
}

// sharedStill keeps the fields whose answer is still the profile's value:
// a pre-filled answer the learner changed is no longer "from the profile".
func sharedStill(shared []string, form *xinput.Form, answers url.Values, u *user) []string {
	if !u.Consent {
		return nil
	}
	pre, _ := xinput.Prefill(form, u.Profile)
	var out []string
	for _, n := range shared {
		if answers.Get(n) == pre.Get(n) {
			out = append(out, n)
		}
	}
	return out
}

// fieldErrors turns xinput's (or the provider's) field errors into texts
// by field: the catalogue's wording for Seeker's own checks, the
// provider's words (as text) for the provider's.
func (s *Server) fieldErrors(l *lang, form *xinput.Form, errs []xinput.FieldError) map[string]string {
	out := map[string]string{}
	for _, e := range errs {
		msg := plainText(e.Message)
		switch e.Code {
		case "required", "format", "pattern", "option":
			if l.Has("form.err_" + e.Code) {
				msg = l.T("form.err_" + e.Code)
			}
		}
		if prev, ok := out[e.Field]; ok {
			msg = prev + " " + msg
		}
		out[e.Field] = truncate(msg, 300)
	}
	return out
}

// sendForm submits the reviewed answers to the provider and waits for its
// next step (the unsolicited on_init a valid submission triggers).
func (s *Server) sendForm(rq *request, a *application, v *appView, ff *fetchedForm, fv formView) (result, error) {
	ctx := rq.r.Context()
	var pa pendingAnswers
	if err := s.getJSON(ctx, pendingKey(a.Txn, ff.Which), &pa); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return redirect("/applications/" + url.PathEscape(a.Txn) + "/form?which=" + url.QueryEscape(ff.Which)), nil
		}
		return result{}, err
	}
	fr, err := s.cfg.Forms.Submit(ctx, ff.Form, ff.XInput, pa.Answers, pa.Files)
	if err != nil {
		var se *xinput.SubmitError
		if !errors.As(err, &se) {
			return result{}, err
		}
		names := map[string]string{}
		for _, f := range pa.Files {
			names[f.Field] = f.Name
		}
		byField := map[string]string{}
		var loose []string
		for _, fe := range se.Errors {
			if ff.Form.Field(fe.Field) != nil {
				byField[fe.Field] = strings.TrimSpace(byField[fe.Field] + " " + truncate(plainText(fe.Message), 300))
			} else {
				loose = append(loose, truncate(plainText(fe.Message), 300))
			}
		}
		if len(se.Errors) == 0 {
			loose = append(loose, rq.lang.T("form.provider_refused"))
		}
		// A refused nonce or token: fetch the form afresh for the retry.
		if se.Status == http.StatusForbidden || se.Status == http.StatusUnauthorized {
			_ = s.cfg.Store.PutKV(ctx, formKey(a.Txn, ff.Which), []byte("{}"), s.cfg.Now().Add(-time.Second))
		}
		fv.Fields = formFields(ff.Form, pa.Answers, nil, byField, names, rq.user.Profile)
		fv.ProviderErrors = loose
		fv.Error = rq.lang.T("form.provider_errors")
		return result{page: "form", status: http.StatusUnprocessableEntity, title: fv.Title, data: fv}, nil
	}
	sub := ""
	if fr != nil {
		sub = string(fr.SubmissionID)
	}
	if ff.Which != "feedback" {
		if a.Steps == nil {
			a.Steps = map[string]submittedStep{}
		}
		a.Steps[strconv.Itoa(ff.Step)] = submittedStep{SubmissionID: sub, At: s.cfg.Now().UTC(), Heading: fv.Title, XInput: ff.XInput}
		if err := s.saveApp(ctx, a); err != nil {
			return result{}, err
		}
	}
	for _, k := range []string{formKey(a.Txn, ff.Which), pendingKey(a.Txn, ff.Which)} {
		_ = s.cfg.Store.PutKV(ctx, k, []byte("{}"), s.cfg.Now().Add(-time.Second))
	}
	to := "/applications/" + url.PathEscape(a.Txn)
	if ff.Which == "feedback" {
		a.FeedbackSent = true
		if err := s.saveApp(ctx, a); err != nil {
			return result{}, err
		}
		return redirect(to + "?sent=feedback"), nil
	}
	if ff.Which != "current" {
		// A resubmitted step: the application goes on where it was.
		return redirect(to + "?sent=form"), nil
	}
	// The provider answers a valid step with the next on_init.
	m, err := s.waitInbound(ctx, a.Txn, v.LastSeq, func(m *store.Message) bool { return m.Action == beckn.ActionOnInit })
	if err != nil {
		return result{}, err
	}
	if m != nil {
		if nv, err := s.buildView(ctx, a); err == nil && nv.Form != nil && nv.Form.Index != ff.Step {
			return redirect(to + "/form"), nil
		}
	}
	return redirect(to + "?sent=form"), nil
}
