package bpp

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

func TestFieldChecks(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f := func(kind fieldKind, req bool, opts ...string) field { return field{"x", "X", kind, req, opts} }
	cases := []struct {
		f       field
		v       string
		hasFile bool
		code    string // "" = valid
	}{
		{f(kindText, true), "", false, "required"},
		{f(kindText, false), "", false, ""},
		{f(kindEmail, true), "asha@example.org", false, ""},
		{f(kindEmail, true), "asha@localhost", false, "invalid-email"},
		{f(kindEmail, true), "Asha <asha@example.org>", false, "invalid-email"},
		{f(kindEmail, true), "not an address", false, "invalid-email"},
		{f(kindPhone, true), "+91 98765-43210", false, ""},
		{f(kindPhone, true), "09876543210", false, ""},
		{f(kindPhone, true), "919876543210", false, ""},
		{f(kindPhone, true), "12345", false, "invalid-phone"},
		{f(kindPhone, true), "5876543210", false, "invalid-phone"},
		{f(kindDate, true), "2004-02-29", false, ""},
		{f(kindDate, true), "29-02-2004", false, "invalid-date"},
		{f(kindDate, true), "2030-01-01", false, "invalid-date"},
		{f(kindMonth, true), "2024-13", false, "invalid-value"},
		{f(kindMonth, true), "2024-04", false, ""},
		{f(kindSelect, true, "Male", "Female"), "female", false, ""},
		{f(kindRadio, true, "Male", "Female"), "Robot", false, "invalid-value"},
		{f(kindCheckbox, true), "on", false, ""},
		{f(kindCheckbox, true), "no", false, "invalid-value"},
		{f(kindNumber, true), "-1", false, "invalid-number"},
		{f(kindNumber, true), "2.5", false, ""},
		{f(kindPercent, true), "101", false, "invalid-number"},
		{f(kindPercent, true), "88%", false, ""},
		{f(kindIFSC, true), "sbin0001234", false, ""},
		{f(kindIFSC, true), "SBIN1001234", false, "invalid-ifsc"},
		{f(kindAccount, true), "12345678", false, "invalid-value"},
		{f(kindAccount, true), "123456789", false, ""},
		{f(kindFile, true), "", true, ""},
		{f(kindFile, true), "https://files.example.org/a.pdf", false, ""},
		{f(kindFile, true), "", false, "required"},
		{f(kindFile, false), "C:\\resume.pdf", false, "invalid-value"},
	}
	for _, c := range cases {
		e := c.f.check(c.v, c.hasFile, now)
		got := ""
		if e != nil {
			got = e.Code
			if e.Path != "x" || !strings.HasPrefix(e.Message, "X: ") {
				t.Errorf("%s %q: error must name the field: %+v", c.f.Kind, c.v, e)
			}
		}
		if got != c.code {
			t.Errorf("%s %q: code %q, want %q", c.f.Kind, c.v, got, c.code)
		}
	}
}

// startApplication runs select+init for item and returns the first on_init.
func startApplication(t *testing.T, h *harness, provider, item string) (txn string, o *beckn.Order) {
	t.Helper()
	txn = beckn.NewUUID()
	mid := h.call("init", txn, `{"order":{"provider":{"id":"`+provider+`"},"items":[{"id":"`+item+`"}],
		"fulfillments":[{"customer":{"person":{"name":"Ravi Kumar","gender":"M"},"contact":{"email":"ravi@example.org","phone":"9123456780"}}}]}}`, nil)
	m := decode[beckn.OrderMessage](t, h.waitFor("on_init", mid))
	return txn, m.Order
}

func TestFormRenderAndErrors(t *testing.T) {
	h := newHarness(t, domainFinancial, 0)
	txn, o := startApplication(t, h, RefScholarshipProv, RefScholarshipItem)
	xi := o.Items[0].XInput
	html, nonce := fetchForm(t, xi)

	// Real-world HTML that a BAP must sanitise, ONEST-001 names, prefill.
	for _, want := range []string{"<script>", "<style>", `onsubmit="return validateForm(this)"`, "onchange=", "<button",
		`name="user-full-name"`, `name="user-date-of-birth"`, `name="user-gender"`, `name="user-email"`, `name="user-phone-number"`,
		`value="Ravi Kumar"`, `value="ravi@example.org"`, `type="hidden" name="nonce"`, `name="transaction_id" value="` + txn + `"`,
		"step 1 of 4", "Personal Details"} {
		if !strings.Contains(html, want) {
			t.Errorf("form HTML lacks %s", want)
		}
	}
	if !strings.Contains(html, `value="Male" required checked`) {
		t.Errorf("gender radio not prefilled from init (M → Male)")
	}

	steps := formSets[formScholarship].Steps
	post := func(vals map[string]string, hdr map[string]string, u string) (int, formResponse) {
		q := url.Values{}
		for k, v := range vals {
			q.Set(k, v)
		}
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(q.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var fr formResponse
		if err := beckn.Unmarshal(raw, &fr); err != nil {
			t.Fatalf("not a FormResponse: %s", raw)
		}
		if fr.Status != (resp.StatusCode == 200) {
			t.Errorf("FormResponse.status %v with HTTP %d", fr.Status, resp.StatusCode)
		}
		return resp.StatusCode, fr
	}
	u0 := xi.Form.URL

	// Field errors: every missing required field and the bad e-mail, by path.
	bad := validValues(steps[0])
	bad["nonce"] = nonce
	delete(bad, "user-full-name")
	delete(bad, "user-address")
	bad["user-email"] = "ravi at example"
	status, fr := post(bad, nil, u0)
	paths := map[string]string{}
	for _, e := range fr.Errors {
		paths[e.Path] = e.Code
	}
	if status != 422 || paths["user-full-name"] != "required" || paths["user-address"] != "required" || paths["user-email"] != "invalid-email" || len(paths) != 3 {
		t.Errorf("invalid submission: HTTP %d errors %+v", status, fr.Errors)
	}
	// Nonce: absent or for another step is refused; the form token is checked.
	good := validValues(steps[0])
	if status, fr := post(good, nil, u0); status != 403 || fr.Errors[0].Code != "bad-nonce" {
		t.Errorf("no nonce: HTTP %d %+v", status, fr)
	}
	good["nonce"] = nonce
	if status, fr := post(good, map[string]string{"Authorization": "Bearer " + h.bpp.formToken(txn, "1")}, u0); status != 401 || fr.Errors[0].Code != "bad-token" {
		t.Errorf("token of another step: HTTP %d %+v", status, fr)
	}
	if status, fr := post(good, map[string]string{"Authorization": "Bearer x.y.z"}, u0); status != 401 {
		t.Errorf("forged token: HTTP %d %+v", status, fr)
	}
	// A signed submission must verify; an unsigned one is accepted (BECKN-007 says
	// BAPs sign; many do not yet).
	s := signing.Signer{SubscriberID: testBAPID, KeyID: "bapkey", Key: h.bapKey}
	if status, fr := post(good, map[string]string{"Authorization": s.SignNow([]byte("other body"), time.Minute)}, u0); status != 401 || fr.Errors[0].Code != "bad-signature" {
		t.Errorf("badly signed submission: HTTP %d %+v", status, fr)
	}
	// Step 2 before step 1 is out of order.
	u1 := strings.TrimSuffix(u0, "/0") + "/1"
	if status, fr := post(validValues(steps[1]), nil, u1); status != 403 && status != 409 {
		t.Errorf("out of order: HTTP %d %+v", status, fr)
	}
	resp, _ := http.Get(u1)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("GET of a later step: HTTP %d, want 409", resp.StatusCode)
	}
	resp.Body.Close()

	// Properly signed JSON submission succeeds.
	body := []byte(`{"nonce":"` + nonce + `"`)
	for k, v := range good {
		if k != "nonce" {
			body = append(body, []byte(`,`+strconv.Quote(k)+`:`+strconv.Quote(v))...)
		}
	}
	body = append(body, '}')
	req, _ := http.NewRequest(http.MethodPost, u0, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", s.SignNow(body, time.Minute))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("signed JSON submission: %v %d %s", err, resp.StatusCode, raw)
	}
	resp.Body.Close()
	// The nonce is single-use, and this form does not allow resubmission.
	if status, _ := post(good, nil, u0); status != 403 {
		t.Errorf("reused nonce: HTTP %d, want 403", status)
	}
	_, nonce2 := fetchForm(t, xi)
	good["nonce"] = nonce2
	if status, fr := post(good, nil, u0); status != 409 || fr.Errors[0].Code != "already-submitted" {
		t.Errorf("resubmission where form.resubmit is false: HTTP %d %+v", status, fr)
	}
	// Unknown transaction and step.
	if status, _ := post(good, nil, h.srv.URL+"/forms/no-such-txn/0"); status != 404 {
		t.Errorf("unknown transaction: HTTP %d", status)
	}
	resp, _ = http.Get(h.srv.URL + "/forms/" + txn + "/9")
	if resp.StatusCode != 404 {
		t.Errorf("unknown step: HTTP %d", resp.StatusCode)
	}
	resp.Body.Close()
	req, _ = http.NewRequest(http.MethodGet, u0, nil)
	req.Header.Set("Authorization", "Bearer "+h.bpp.formToken("other-txn", "0"))
	resp, _ = http.DefaultClient.Do(req)
	if resp.StatusCode != 401 {
		t.Errorf("GET with another transaction's token: HTTP %d", resp.StatusCode)
	}
	resp.Body.Close()
}

// The course form is optional and may be resubmitted; paying on the
// provider's page sends another on_init with the payment PAID.
func TestCourseFormResubmitAndPayment(t *testing.T) {
	h := newHarness(t, domainLearning, 0)
	var paid *Item
	for _, p := range h.bpp.catalog.Providers {
		for _, it := range p.Items {
			if it.Price > 0 && paid == nil {
				paid = it
			}
		}
	}
	prov, _ := h.bpp.catalog.Lookup("", paid.ID)
	txn, o := startApplication(t, h, prov.ID, paid.ID)
	xi := o.Items[0].XInput
	if xi == nil || xi.Required.Or(true) || !xi.Form.Resubmit.True() {
		t.Fatalf("course on_init: want an optional resubmittable form, got %+v", xi)
	}
	if len(o.Payments) != 1 || o.Payments[0].Status != "NOT-PAID" || o.Payments[0].URL == "" || o.Payments[0].Type != "PRE-ORDER" {
		t.Fatalf("course on_init payment terms: %+v", o.Payments)
	}
	for i := 0; i < 2; i++ {
		_, nonce := fetchForm(t, xi)
		v := validValues(formSets[formCourse].Steps[0])
		v["nonce"] = nonce
		if status, fr := submitForm(t, xi.Form.URL, v, false); status != 200 || !fr.Status {
			t.Fatalf("course form submission %d: HTTP %d %+v", i+1, status, fr)
		}
	}
	resp, err := http.Post(o.Payments[0].URL, "application/x-www-form-urlencoded", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("paying: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	c := h.wait("on_init with PAID", func(c captured) bool {
		if c.Action != "on_init" || c.Ctx.TransactionID != txn || c.Env == nil {
			return false
		}
		var m beckn.OrderMessage
		return c.Env.DecodeMessage(&m) == nil && len(m.Order.Payments) == 1 && m.Order.Payments[0].Status == "PAID"
	})
	if c.VerifyErr != nil {
		t.Errorf("payment on_init signature: %v", c.VerifyErr)
	}
}

func TestServeHTTPRoutes(t *testing.T) {
	h := newHarness(t, domainWork, 0)
	for path, want := range map[string]int{
		"/track/" + RefOrderTrack:          200,
		"/track/nope":                      404,
		"/certificates/" + RefOrderTrack:   404,
		"/pay/nothing":                     404,
		"/nowhere":                         404,
		"/":                                200,
		"//status":                         405,
		"/forms/x":                         404,
		"/forms/" + RefOrderTrack + "/0/x": 404,
	} {
		resp, err := http.Get(h.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: HTTP %d, want %d", path, resp.StatusCode, want)
		}
	}
	// After Close every request is 503.
	h.bpp.Close()
	rec := httptest.NewRecorder()
	h.bpp.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/search", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("after Close: HTTP %d", rec.Code)
	}
}

func FuzzFormSubmission(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", []byte("nonce=1&user-email=a%40b.co&user-gender=Female"))
	f.Add("application/json", []byte(`{"nonce":"1","user-ann-hh-inc":120000,"user-declaration":true}`))
	f.Add("multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=\"resume-doc\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--xyz--\r\n"))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/forms/t/0", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		values, files, err := readSubmission(r, body)
		if err != nil {
			return
		}
		for _, set := range formSets {
			for _, st := range set.Steps {
				for _, e := range st.validate(values, files, now) {
					if e.Code == "" || e.Path == "" || e.Message == "" {
						t.Fatalf("field error without code, path or message: %+v", e)
					}
				}
			}
		}
	})
}

func FuzzFormToken(f *testing.F) {
	h := &BPP{cfg: Config{SubscriberID: "b", Now: time.Now}, jwtKey: []byte("0123456789abcdef0123456789abcdef")}
	f.Add(h.formToken("txn", "0"), "txn", "0")
	f.Add("a.b.c", "txn", "1")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, tok, txn, step string) {
		if h.checkFormToken(tok, txn, step) == nil && tok != h.formToken(txn, step) {
			// Only tokens we issued verify; tokens issued at another second
			// differ in exp, so compare the claims instead of the bytes.
			parts := strings.Split(tok, ".")
			if len(parts) != 3 || !strings.HasPrefix(h.formToken(txn, step), parts[0]+".") {
				t.Fatalf("a token we did not issue verified: %q for %q/%q", tok, txn, step)
			}
		}
		if !utf8.ValidString(txn) || !utf8.ValidString(step) {
			return // JSON claims cannot carry invalid UTF-8; ids in URLs are UUIDs
		}
		if err := h.checkFormToken(h.formToken(txn, step), txn, step); err != nil {
			t.Fatalf("our own token for %q/%q does not verify: %v", txn, step, err)
		}
	})
}

func FuzzDecodeOrder(f *testing.F) {
	for _, s := range []string{
		`{"order":{"item":{"id":"1"},"fulfillment":{"customer":{"person":{"name":"S","gender":"M","creds":{"id":"x"}}}}}}`,
		`{"order":{"items":[{"id":"a"}],"fullfillments":[{"id":"1"}],"payment":{"params":{"bank_code":"X"}}}}`,
		`{"order":{"provider":{"id":7},"items":[{"id":"b","quantity":{"selected":{"count":"2"}}}]}}`,
		`{}`,
		`{"order":{"id":"o","fulfillments":[{"time":{"range":{"start":"2023-02-20T23:23:16","end":"2023-02-21T01:23:16"}}}]}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		o, err := decodeOrder(jsontext.Value(msg))
		if err != nil {
			return
		}
		if o == nil {
			t.Fatal("nil order without error")
		}
		var c customer
		for i := range o.Fulfillments {
			c.merge(&o.Fulfillments[i])
		}
		if _, err := beckn.Marshal(o); err != nil {
			t.Fatalf("a decoded order does not encode again: %v", err)
		}
		if start, end, ok := newSlot(jsontext.Value(msg)); ok && !end.After(start) {
			t.Fatalf("newSlot accepted a slot that ends before it starts: %v %v", start, end)
		}
	})
}
