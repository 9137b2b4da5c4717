package xinput

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

// page is a provider form as real ones come: ONEST-001 names, a script and a
// style that must be ignored, labels three ways, a radio group, a select, a
// file input and a hidden nonce.
const page = `<!doctype html><html><head><title>Scholarship application — Personal details</title>
<style>body{display:none}</style><script>document.cookie="steal"</script></head>
<body><form action="/forms/txn-1/0?x=1" method="post" enctype="multipart/form-data" onsubmit="evil()">
<input type="hidden" name="nonce" value="n-123">
<label for="fn">Full name *</label><input id="fn" name="user-full-name" required>
<label>E-mail <input type="email" name="user-email" required></label>
<input type="tel" name="user-phone-number" placeholder="Phone number">
<fieldset><legend>Gender</legend>
<label><input type="radio" name="user-gender" value="Male"> Male</label>
<label><input type="radio" name="user-gender" value="Female"> Female</label>
</fieldset>
<select name="user-social-category"><option value="">Choose</option><option value="SC">Scheduled Caste</option><option value="OC" selected>Open</option></select>
<textarea name="statement">I want to study</textarea>
<input type="file" name="resume-doc" accept=".pdf" required>
<script>var x = '<input name="injected">';</script>
<button type="submit">Send</button><input type="submit" value="Go">
</form></body></html>`

func parsed(t *testing.T) *Form {
	t.Helper()
	base, _ := url.Parse("http://bpp.example/forms/txn-1/0")
	f, err := Parse([]byte(page), base)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseReadsControlsAndIgnoresScripts(t *testing.T) {
	f := parsed(t)
	if f.Action != "http://bpp.example/forms/txn-1/0?x=1" || f.Enctype != "multipart/form-data" || !strings.HasPrefix(f.Title, "Scholarship application") {
		t.Fatalf("form = %+v", f)
	}
	var names []string
	for _, fl := range f.Fields {
		names = append(names, fl.Name)
	}
	want := "nonce user-full-name user-email user-phone-number user-gender user-social-category statement resume-doc"
	if strings.Join(names, " ") != want {
		t.Fatalf("fields %v, want %s", names, want)
	}
	cases := map[string]Field{
		"nonce":                {Type: "hidden", Value: "n-123", Hidden: true},
		"user-full-name":       {Type: "text", Label: "Full name", Required: true},
		"user-email":           {Type: "email", Label: "E-mail", Required: true},
		"user-phone-number":    {Type: "tel", Label: "Phone number"},
		"user-social-category": {Type: "select", Value: "OC"},
		"statement":            {Type: "textarea", Value: "I want to study"},
		"resume-doc":           {Type: "file", Required: true, Accept: ".pdf"},
	}
	for name, w := range cases {
		g := f.Field(name)
		if g.Type != w.Type || g.Value != w.Value || g.Required != w.Required || g.Hidden != w.Hidden || (w.Label != "" && g.Label != w.Label) || g.Accept != w.Accept {
			t.Errorf("%s = %+v, want %+v", name, *g, w)
		}
	}
	g := f.Field("user-gender")
	if g.Label != "Gender" || len(g.Options) != 2 || g.Options[1].Value != "Female" || g.Options[1].Label != "Female" {
		t.Errorf("radio group = %+v", *g)
	}
	if len(f.Field("user-social-category").Options) != 3 {
		t.Errorf("select options = %+v", f.Field("user-social-category").Options)
	}
}

func TestParseRejects(t *testing.T) {
	for name, html := range map[string]string{
		"no form":     `<p>hello</p>`,
		"get form":    `<form method="get"><input name="a"></form>`,
		"no controls": `<form><input type="submit"></form>`,
		"js action":   `<form action="javascript:alert(1)"><input name="a"></form>`,
	} {
		base, _ := url.Parse("http://bpp.example/f")
		if _, err := Parse([]byte(html), base); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPrefillFromProfileAndReview(t *testing.T) {
	f := parsed(t)
	answers, shared := Prefill(f, Profile{
		"user-first-name": "Meera", "user-last-name": "Iyer", "user-email": "meera@example.org",
		"user-gender": "female", "user-social-category": "Tribe", "resume-doc": "https://docs.example/resume.pdf",
	})
	if answers.Get("user-full-name") != "Meera Iyer" || answers.Get("user-gender") != "Female" || answers.Get("nonce") != "n-123" {
		t.Fatalf("answers = %v", answers)
	}
	if answers.Get("user-social-category") != "OC" {
		t.Fatalf("a value the provider does not offer replaced its default: %v", answers)
	}
	if strings.Join(shared, ",") != "user-full-name,user-email,user-gender" {
		t.Fatalf("shared = %v (hidden, file and unmatched fields must not be listed)", shared)
	}
}

func TestCheck(t *testing.T) {
	f := parsed(t)
	answers := url.Values{"user-email": {"not-an-email"}, "user-phone-number": {"12"}, "user-gender": {"Robot"}}
	errs := Check(f, answers, nil)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Field] = e.Code
	}
	want := map[string]string{"user-full-name": "required", "user-email": "format", "user-phone-number": "format", "user-gender": "option", "resume-doc": "required"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q (all: %v)", k, got[k], v, errs)
		}
	}
	ok := url.Values{"user-full-name": {"Meera"}, "user-email": {"m@example.org"}, "user-phone-number": {"+91 98765 43210"}, "user-gender": {"Male"}}
	if errs := Check(f, ok, map[string]bool{"resume-doc": true}); len(errs) != 0 {
		t.Errorf("valid answers refused: %v", errs)
	}
}

func TestSubmitSignsMultipartAndReportsFieldErrors(t *testing.T) {
	keys, _ := signing.GenerateKeys()
	signer := &signing.Signer{SubscriberID: "seeker.test", KeyID: keys.UniqueKeyID, Key: keys.SigningPrivate}
	var refuse bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h, err := signing.ParseHeader(r.Header.Get("Authorization"))
		if err == nil {
			err = signing.Verifier{}.Verify(body, h, keys.SigningPublic)
		}
		if err != nil || r.URL.Query().Get("auth") != "jwt-1" {
			w.WriteHeader(401)
			io.WriteString(w, `{"status":false,"errors":[{"code":"bad-signature","message":"bad"}]}`)
			return
		}
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(strings.NewReader(string(body)), params["boundary"])
		form, err := mr.ReadForm(1 << 20)
		if err != nil || form.Value["user-full-name"][0] != "Meera Iyer" || len(form.File["resume-doc"]) != 1 {
			w.WriteHeader(400)
			io.WriteString(w, `{"status":false,"errors":[{"code":"bad","message":"bad body"}]}`)
			return
		}
		if refuse {
			w.WriteHeader(422)
			io.WriteString(w, `{"status":false,"errors":[{"code":"format","paths":"user-email","message":"not an e-mail"}]}`)
			return
		}
		io.WriteString(w, `{"status":true,"submission_id":42}`)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL + "/forms/t/0")
	f, err := Parse([]byte(page), base)
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{Signer: signer, AllowPrivate: true}
	xi := &beckn.XInput{Form: &beckn.Form{URL: base.String(), Auth: &beckn.FormAuth{Value: "jwt-1"}}}
	answers := url.Values{"user-full-name": {"Meera Iyer"}, "user-email": {"m@example.org"}}
	files := []File{{Field: "resume-doc", Name: "resume.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}
	fr, err := c.Submit(context.Background(), f, xi, answers, files)
	if err != nil || fr.SubmissionID != "42" {
		t.Fatalf("submit: %+v %v", fr, err)
	}
	refuse = true
	_, err = c.Submit(context.Background(), f, xi, answers, files)
	se, ok := err.(*SubmitError)
	if !ok || len(se.Errors) != 1 || se.Errors[0].Field != "user-email" || se.Status != 422 {
		t.Fatalf("refusal = %#v", err)
	}
	if _, err := c.Submit(context.Background(), f, xi, answers, []File{{Field: "user-email", Data: []byte("x")}}); err == nil {
		t.Fatal("a file for a non-file field was sent")
	}
}

func TestFetchRefusesInternalAddressesByDefault(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page)
	}))
	defer srv.Close()
	xi := &beckn.XInput{Form: &beckn.Form{URL: srv.URL + "/f", MimeType: "text/html"}}
	if _, err := (&Client{}).Fetch(context.Background(), xi); err == nil {
		t.Fatal("fetched a loopback form URL without AllowPrivate")
	}
	f, err := (&Client{AllowPrivate: true}).Fetch(context.Background(), xi)
	if err != nil || f.Action != srv.URL+"/forms/txn-1/0?x=1" {
		t.Fatalf("fetch = %+v, %v", f, err)
	}
	xi.Form.MimeType = "application/xml"
	if _, err := (&Client{AllowPrivate: true}).Fetch(context.Background(), xi); err == nil {
		t.Fatal("an XForms form was accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(page))
	f.Add([]byte(`<form action="x"><input name=a><select name=b><option>1</select></form>`))
	f.Add([]byte(`<form><fieldset><legend>q<input type=radio name=r></fieldset>`))
	base, _ := url.Parse("http://bpp.example/f")
	f.Fuzz(func(t *testing.T, b []byte) {
		form, err := Parse(b, base)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if len(form.Fields) == 0 || !strings.HasPrefix(form.Action, "http") {
			t.Fatalf("accepted form without fields or with action %q", form.Action)
		}
		answers, _ := Prefill(form, Profile{"user-full-name": "A B"})
		_ = Check(form, answers, nil)
	})
}

// TestRadioGroupQuestion: the question of a radio group is its fieldset's
// legend or the loose label written before the first option, never the
// first answer; a label that belongs to another control is not taken.
func TestRadioGroupQuestion(t *testing.T) {
	page := `<form action="/submit">
<label for="name">Full name</label><input id="name" name="name">
<label class="required">Gender</label>
<label><input type="radio" name="gender" value="Male"> Male</label>
<label><input type="radio" name="gender" value="Female"> Female</label>
<fieldset><legend>Category</legend>
<label><input type="radio" name="category" value="GEN"> General</label>
<label><input type="radio" name="category" value="OBC"> OBC</label></fieldset>
<label><input type="radio" name="mode" value="online"> Online</label>
<label><input type="radio" name="mode" value="offline"> Offline</label>
</form>`
	base, _ := url.Parse("http://bpp.example/f")
	f, err := Parse([]byte(page), base)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"name": "Full name", "gender": "Gender", "category": "Category", "mode": "Online"}
	for _, fl := range f.Fields {
		if w, ok := want[fl.Name]; ok && fl.Label != w {
			t.Errorf("field %s labelled %q, want %q", fl.Name, fl.Label, w)
		}
		if fl.Name == "gender" && (len(fl.Options) != 2 || fl.Options[0].Label != "Male" || fl.Options[1].Label != "Female") {
			t.Errorf("gender options = %+v, want Male and Female", fl.Options)
		}
	}
}
