package bpp

import (
	"bytes"
	"encoding/json"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

// XInput forms as real providers serve them: HTML over HTTP at
// {BaseURL}/forms/{transaction_id}/{step} (the transaction id in the URL,
// as ONEST asks, so the form is tied to the order lifecycle), with a hidden
// per-fetch nonce, ONEST-001 field names, and — on purpose — a <style>, a
// <script> and inline event handlers, because providers' forms have them
// and the BAP's sanitiser must strip them.
//
// Submission is a POST of the same URL, urlencoded, multipart or JSON. The
// answer is BECKN-007's FormResponse {status, submission_id, errors[{code,
// path, message}]}: 200 on success, 422 with field errors, 403 for a bad
// nonce, 401 for a bad form token or signature, 404 for an unknown
// transaction, 409 for a step out of order or resubmitted where
// form.resubmit is false. A valid submission of step k makes the provider
// send the next unsolicited on_init (new message id) to the transaction's
// BAP: the next form, or after the last one on_init without xinput and the
// state APPLICATION-FILLED.

// xinputFor returns the xinput of the application's current form step, or
// nil when no form is due. Caller holds mu.
func (b *BPP) xinputFor(a *application) *beckn.XInput {
	fs := formSets[a.Form]
	if fs == nil || a.filled() {
		return nil
	}
	step := strconv.Itoa(a.Step)
	var headings beckn.Headings
	for _, s := range fs.Steps {
		headings = append(headings, s.Heading)
	}
	return &beckn.XInput{
		Required: beckn.NewBool(fs.Required),
		Head: &beckn.XInputHead{
			Descriptor: &beckn.Descriptor{Name: fs.Title},
			Index:      &beckn.FormIndex{Min: beckn.IntNumber(0), Cur: beckn.IntNumber(a.Step), Max: beckn.IntNumber(len(fs.Steps) - 1)},
			Headings:   headings,
		},
		Form: &beckn.Form{
			URL:      b.cfg.BaseURL + "/forms/" + url.PathEscape(a.TxnID) + "/" + step,
			MimeType: "text/html",
			Resubmit: beckn.NewBool(fs.Resubmit),
			Auth:     &beckn.FormAuth{Descriptor: &beckn.Descriptor{Code: "jwt"}, Value: b.formToken(a.TxnID, step)},
		},
	}
}

// formResponse is BECKN-007's FormResponse as we send it (errors carry
// "path", the form field name).
type formResponse struct {
	Status       bool         `json:"status"`
	SubmissionID string       `json:"submission_id,omitempty"`
	Errors       []fieldError `json:"errors,omitempty"`
}

func writeFormResponse(w http.ResponseWriter, status int, r formResponse) {
	body, _ := json.Marshal(r)
	writeJSON(w, status, body)
}

func formFail(w http.ResponseWriter, status int, code, path, msg string) {
	writeFormResponse(w, status, formResponse{Errors: []fieldError{{Code: code, Path: path, Message: msg}}})
}

// bearer returns the form token of a request: Authorization: Bearer, or the
// auth / token query parameter.
func bearer(r *http.Request) string {
	if v := r.Header.Get("Authorization"); len(v) > 7 && strings.EqualFold(v[:7], "Bearer ") {
		return strings.TrimSpace(v[7:])
	}
	if v := r.URL.Query().Get("auth"); v != "" {
		return v
	}
	return r.URL.Query().Get("token")
}

// formStepOf resolves the step segment: an index into the form set or
// "feedback".
func formStepOf(a *application, seg string) (set *formSet, idx int, ok bool) {
	if seg == formFeedback {
		return formSets[formFeedback], 0, true
	}
	n, err := strconv.Atoi(seg)
	fs := formSets[a.Form]
	if err != nil || fs == nil || n < 0 || n >= len(fs.Steps) {
		return nil, 0, false
	}
	return fs, n, true
}

func (b *BPP) serveForm(w http.ResponseWriter, r *http.Request, txn, seg string) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		b.getForm(w, r, txn, seg)
	case http.MethodPost:
		b.postForm(w, r, txn, seg)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "forms are fetched with GET and submitted with POST", http.StatusMethodNotAllowed)
	}
}

func (b *BPP) getForm(w http.ResponseWriter, r *http.Request, txn, seg string) {
	if tok := bearer(r); tok != "" {
		if err := b.checkFormToken(tok, txn, seg); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
	}
	b.mu.Lock()
	a := b.apps[txn]
	if a == nil {
		b.mu.Unlock()
		http.Error(w, "no application for transaction "+txn+" at this provider (send init first)", http.StatusNotFound)
		return
	}
	fs, idx, ok := formStepOf(a, seg)
	if !ok {
		b.mu.Unlock()
		http.Error(w, "no form step "+seg+" for transaction "+txn, http.StatusNotFound)
		return
	}
	if seg != formFeedback && idx > a.Step {
		b.mu.Unlock()
		http.Error(w, "complete form step "+strconv.Itoa(a.Step)+" first", http.StatusConflict)
		return
	}
	nonce := beckn.NewUUID()
	key := seg
	a.Nonces[nonce] = stepKey(key)
	view := formView{
		Title: fs.Title, Heading: fs.Steps[idx].Heading, Provider: b.providerName(a),
		Action: b.cfg.BaseURL + "/forms/" + url.PathEscape(txn) + "/" + seg, Nonce: nonce, Txn: txn,
		Step: idx + 1, Steps: len(fs.Steps),
	}
	prefill := a.prefill()
	for _, f := range fs.Steps[idx].Fields {
		view.Fields = append(view.Fields, fieldView{field: f, Value: prefill[f.Name]})
		if f.Kind == kindFile {
			view.Multipart = true
		}
	}
	b.mu.Unlock()
	var buf bytes.Buffer
	if err := formTemplate.Execute(&buf, view); err != nil {
		http.Error(w, "rendering the form: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// stepKey maps a step segment to the key stored with a nonce (-1 feedback).
func stepKey(seg string) int {
	if n, err := strconv.Atoi(seg); err == nil {
		return n
	}
	return -1
}

func (b *BPP) providerName(a *application) string {
	if a.Provider != nil {
		return a.Provider.Name
	}
	return b.catalog.Name
}

// prefill is what the provider already knows of the learner (init data
// and earlier steps), so forms come pre-filled as the DSEP guide describes.
func (a *application) prefill() map[string]string {
	m := map[string]string{}
	for k, v := range a.FormData {
		m[k] = v
	}
	set := func(k, v string) {
		if m[k] == "" && v != "" {
			m[k] = v
		}
	}
	set("user-full-name", a.Customer.Name)
	set("user-email", a.Customer.Email)
	set("user-phone-number", a.Customer.Phone)
	set("user-gender", a.Customer.Gender)
	set("user-date-of-birth", a.Customer.DOB)
	if a.Bank != nil {
		set("user-bank-ifsc", a.Bank.BankCode)
		set("user-bank-acc-no", a.Bank.BankAccountNumber)
		set("user-bank-acc-name", a.Bank.BankAccountName)
	}
	return m
}

// readSubmission parses a form body (urlencoded, multipart or a JSON
// object) into values and the names of file fields that carried a file.
func readSubmission(r *http.Request, body []byte) (map[string]string, map[string]bool, error) {
	values, files := map[string]string{}, map[string]bool{}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		mr := multipartReader(body, params["boundary"])
		form, err := mr.ReadForm(maxFormBody)
		if err != nil {
			return nil, nil, err
		}
		defer form.RemoveAll()
		for k, vs := range form.Value {
			if len(vs) > 0 {
				values[k] = vs[0]
			}
		}
		for k, fhs := range form.File {
			if len(fhs) > 0 && fhs[0].Size > 0 {
				files[k] = true
			}
		}
	case "application/json":
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, nil, err
		}
		for k, v := range m {
			switch x := v.(type) {
			case string:
				values[k] = x
			case float64, bool:
				values[k] = strings.TrimSpace(strings.Trim(mustJSON(x), `"`))
			}
		}
	default: // urlencoded, the HTML default
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, err
		}
		for k, vs := range q {
			if len(vs) > 0 {
				values[k] = vs[0]
			}
		}
	}
	return values, files, nil
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (b *BPP) postForm(w http.ResponseWriter, r *http.Request, txn, seg string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
	if err != nil || len(body) > maxFormBody {
		formFail(w, http.StatusRequestEntityTooLarge, "too-large", "", "the submission is unreadable or over 8 MB")
		return
	}
	// BECKN-007: submissions are signed by the BAP. Verify when signed;
	// many BAPs do not sign yet, and the nonce and token still bind the
	// submission to the form.
	if auth := r.Header.Get(signing.HeaderAuthorization); strings.HasPrefix(strings.TrimSpace(auth), "Signature") {
		if err := b.verifyHeader(r, body, auth, ""); err != nil {
			w.Header().Set(signing.HeaderWWWAuthenticate, signing.Challenge(b.cfg.SubscriberID))
			formFail(w, http.StatusUnauthorized, "bad-signature", "", "Authorization: "+err.Error())
			return
		}
	}
	values, files, err := readSubmission(r, body)
	if err != nil {
		formFail(w, http.StatusBadRequest, "bad-body", "", "cannot read the submission: "+err.Error())
		return
	}
	tok := bearer(r)
	if tok == "" {
		tok = values["auth"]
	}
	if tok != "" {
		if err := b.checkFormToken(tok, txn, seg); err != nil {
			formFail(w, http.StatusUnauthorized, "bad-token", "auth", err.Error())
			return
		}
	}
	b.mu.Lock()
	a := b.apps[txn]
	if a == nil {
		b.mu.Unlock()
		formFail(w, http.StatusNotFound, "unknown-transaction", "", "no application for transaction "+txn)
		return
	}
	fs, idx, ok := formStepOf(a, seg)
	if !ok {
		b.mu.Unlock()
		formFail(w, http.StatusNotFound, "unknown-step", "", "no form step "+seg+" for transaction "+txn)
		return
	}
	nonce := values["nonce"]
	if want, ok := a.Nonces[nonce]; !ok || want != stepKey(seg) {
		b.mu.Unlock()
		formFail(w, http.StatusForbidden, "bad-nonce", "nonce", "the nonce is missing, unknown or for another step: fetch the form again")
		return
	}
	feedback := seg == formFeedback
	if !feedback {
		switch {
		case idx > a.Step:
			b.mu.Unlock()
			formFail(w, http.StatusConflict, "out-of-order", "", "submit form step "+strconv.Itoa(a.Step)+" first")
			return
		case idx < a.Step && !fs.Resubmit:
			b.mu.Unlock()
			formFail(w, http.StatusConflict, "already-submitted", "", "step "+seg+" was already submitted and this form does not allow resubmission")
			return
		case a.Stage == stageConfirmed:
			b.mu.Unlock()
			formFail(w, http.StatusConflict, "already-confirmed", "", "the application is already confirmed")
			return
		}
	}
	if errs := fs.Steps[idx].validate(values, files, b.now()); len(errs) > 0 {
		b.mu.Unlock()
		writeFormResponse(w, http.StatusUnprocessableEntity, formResponse{Errors: errs})
		return
	}
	delete(a.Nonces, nonce)
	sid := beckn.NewUUID()
	for _, f := range fs.Steps[idx].Fields {
		if v := strings.TrimSpace(values[f.Name]); v != "" {
			a.FormData[f.Name] = v
		}
	}
	if feedback {
		b.mu.Unlock()
		writeFormResponse(w, http.StatusOK, formResponse{Status: true, SubmissionID: sid})
		return
	}
	a.Submissions[idx] = sid
	a.Customer.mergeForm(values)
	advanced := idx == a.Step
	if advanced {
		a.Step++
		now := b.now()
		switch {
		case a.filled():
			if st := filledState(b.cfg.Domain); st != "" {
				a.setState(st, now)
			}
		case initialState(b.cfg.Domain) != "":
			a.setState("APPLICATION-IN-PROGRESS", now)
		}
	}
	var msg beckn.OrderMessage
	if advanced {
		msg.Order = b.renderOrder(a, b.xinputFor(a))
	}
	to, hasTo := a.Ctx, a.HasCtx
	b.mu.Unlock()
	writeFormResponse(w, http.StatusOK, formResponse{Status: true, SubmissionID: sid})
	if advanced {
		b.unsolicited(to, hasTo, "on_init", msg)
	}
}

// formView feeds formTemplate.
type formView struct {
	Title, Heading, Provider, Action, Nonce, Txn string
	Step, Steps                                  int
	Multipart                                    bool
	Fields                                       []fieldView
}

type fieldView struct {
	field
	Value string
}

func (f fieldView) InputType() string {
	switch f.Kind {
	case kindEmail, kindDate, kindMonth, kindFile, kindNumber:
		return string(f.Kind)
	case kindPhone:
		return "tel"
	case kindPercent:
		return "number"
	}
	return "text"
}

func (f fieldView) IsSelect() bool   { return f.Kind == kindSelect }
func (f fieldView) IsRadio() bool    { return f.Kind == kindRadio }
func (f fieldView) IsCheck() bool    { return f.Kind == kindCheckbox }
func (f fieldView) IsTextarea() bool { return f.Kind == kindTextarea }
func (f fieldView) IsFile() bool     { return f.Kind == kindFile }

// formTemplate is the provider's form page. The <style>, <script>, inline
// onsubmit/onchange handlers and the <button> are deliberate: real forms
// have them, and a BAP must sanitise them away before showing the form.
var formTemplate = template.Must(template.New("form").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}} – {{.Heading}}</title>
<style>
body { font-family: sans-serif; max-width: 40rem; margin: 2rem auto; }
label { display: block; margin-top: 1rem; font-weight: bold; }
.required::after { content: " *"; color: #b00; }
</style>
<script>
function validateForm(f) {
  var ok = true;
  for (var i = 0; i < f.elements.length; i++) {
    var el = f.elements[i];
    if (el.required && !el.value) { el.style.borderColor = "red"; ok = false; }
  }
  if (!ok) { alert("Please fill in all required fields"); }
  return ok;
}
</script>
</head>
<body>
<h1>{{.Provider}}: {{.Title}}</h1>
<h2>{{.Heading}} (step {{.Step}} of {{.Steps}})</h2>
<form id="xinput-form" action="{{.Action}}" method="post"{{if .Multipart}} enctype="multipart/form-data"{{end}} onsubmit="return validateForm(this)">
<input type="hidden" name="nonce" value="{{.Nonce}}">
<input type="hidden" name="transaction_id" value="{{.Txn}}">
{{range .Fields}}
{{if .IsCheck}}<label><input type="checkbox" name="{{.Name}}" value="on"{{if .Required}} required{{end}}{{if .Value}} checked{{end}}> {{.Label}}</label>
{{else if .IsRadio}}<label class="{{if .Required}}required{{end}}">{{.Label}}</label>
{{$f := .}}{{range .Options}}<label><input type="radio" name="{{$f.Name}}" value="{{.}}"{{if $f.Required}} required{{end}}{{if eq . $f.Value}} checked{{end}}> {{.}}</label>
{{end}}
{{else}}<label for="{{.Name}}" class="{{if .Required}}required{{end}}">{{.Label}}</label>
{{if .IsSelect}}<select id="{{.Name}}" name="{{.Name}}"{{if .Required}} required{{end}} onchange="this.style.borderColor=''">
<option value="">-- choose --</option>
{{$f := .}}{{range .Options}}<option value="{{.}}"{{if eq . $f.Value}} selected{{end}}>{{.}}</option>
{{end}}</select>
{{else if .IsTextarea}}<textarea id="{{.Name}}" name="{{.Name}}"{{if .Required}} required{{end}}>{{.Value}}</textarea>
{{else if .IsFile}}<input type="file" id="{{.Name}}" name="{{.Name}}" accept=".pdf,.jpg,.jpeg,.png"{{if .Required}} required{{end}}>
{{else}}<input type="{{.InputType}}" id="{{.Name}}" name="{{.Name}}" value="{{.Value}}"{{if .Required}} required{{end}} onchange="this.style.borderColor=''">
{{end}}{{end}}
{{end}}
<button type="submit" onclick="this.disabled=false">Submit</button>
</form>
</body>
</html>
`))
