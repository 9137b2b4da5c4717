package bpp

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/signing"
)

// validValues fills every field of a step with a value its check accepts.
func validValues(s formStep) map[string]string {
	v := map[string]string{}
	for _, f := range s.Fields {
		switch f.Kind {
		case kindEmail:
			v[f.Name] = "asha.verma@example.org"
		case kindPhone:
			v[f.Name] = "+91 98765 43210"
		case kindDate:
			v[f.Name] = "2004-05-06"
		case kindMonth:
			v[f.Name] = "2023-05"
		case kindSelect, kindRadio:
			v[f.Name] = f.Options[0]
		case kindCheckbox:
			v[f.Name] = "on"
		case kindNumber:
			v[f.Name] = "3"
		case kindPercent:
			v[f.Name] = "82.5"
		case kindIFSC:
			v[f.Name] = "SBIN0001234"
		case kindAccount:
			v[f.Name] = "123456789012"
		case kindFile:
			v[f.Name] = "https://files.example.org/" + f.Name + ".pdf"
		default:
			v[f.Name] = "Asha Verma"
		}
	}
	return v
}

// fetchForm GETs a form with its token and returns the HTML and nonce.
func fetchForm(t *testing.T, xi *beckn.XInput) (html, nonce string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, xi.Form.URL, nil)
	req.Header.Set("Authorization", "Bearer "+xi.Form.Auth.Value)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET form %s: %v", xi.Form.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET form %s: HTTP %d %s: %s", xi.Form.URL, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	html = string(b)
	const marker = `name="nonce" value="`
	i := strings.Index(html, marker)
	if i < 0 {
		t.Fatalf("form %s has no hidden nonce:\n%s", xi.Form.URL, html)
	}
	rest := html[i+len(marker):]
	return html, rest[:strings.IndexByte(rest, '"')]
}

// submitForm posts values urlencoded (or multipart with real files) and
// returns the HTTP status and FormResponse.
func submitForm(t *testing.T, formURL string, values map[string]string, multipartFiles bool) (int, formResponse) {
	t.Helper()
	var body bytes.Buffer
	ct := "application/x-www-form-urlencoded"
	if multipartFiles {
		mw := multipart.NewWriter(&body)
		for k, v := range values {
			if strings.HasSuffix(k, "-doc") {
				fw, _ := mw.CreateFormFile(k, k+".pdf")
				fw.Write([]byte("%PDF-1.4 test document"))
				continue
			}
			mw.WriteField(k, v)
		}
		mw.Close()
		ct = mw.FormDataContentType()
	} else {
		q := url.Values{}
		for k, v := range values {
			q.Set(k, v)
		}
		body.WriteString(q.Encode())
	}
	resp, err := http.Post(formURL, ct, &body)
	if err != nil {
		t.Fatalf("POST form: %v", err)
	}
	defer resp.Body.Close()
	var fr formResponse
	raw, _ := io.ReadAll(resp.Body)
	if err := beckn.Unmarshal(raw, &fr); err != nil {
		t.Fatalf("form response is not JSON: %s", raw)
	}
	return resp.StatusCode, fr
}

// fulState returns the fulfillment state code of an order callback.
func fulState(o *beckn.Order) string {
	if o == nil || len(o.Fulfillments) == 0 {
		return ""
	}
	return o.Fulfillments[0].State.Code()
}

// flowCase describes one domain's expected journey.
type flowCase struct {
	domain      string
	query       string // search text
	provider    string
	item        string
	forms       int    // forms in sequence at init
	formsNeeded bool   // xinput.required
	initState   string // state in the first on_init
	filledState string
	confirmed   string
	timeline    []string // states of unsolicited callbacks after confirm
}

var flowCases = []flowCase{
	{domainLearning, "javascript courses", "unacademy", RefCourseItem, 1, false, "", "", "NOT-STARTED", []string{"IN-PROGRESS", "COMPLETED"}},
	{domainWork, "Flutter Developer", "1", RefJobItemConfirm, 1, true, "APPLICATION-STARTED", "APPLICATION-FILLED", "APPLICATION-SUBMITTED", []string{"ASSESSMENT-IN-PROGRESS", "OFFER-EXTENDED"}},
	{domainFinancial, "scholarship for economically backward female", RefScholarshipProv, RefScholarshipItem, 4, true, "APPLICATION-STARTED", "APPLICATION-FILLED", "APPLICATION-SUBMITTED", []string{"APPLICATION-APPROVED", "AMOUNT-DISBURSED"}},
	{domainExpert, "time management", "coursera", RefSessionSelect, 0, false, "", "", "SCHEDULED", []string{"RESCHEDULED"}},
}

func TestOrderFlowPerDomain(t *testing.T) {
	for _, fc := range flowCases {
		t.Run(strings.TrimPrefix(fc.domain, "onest:"), func(t *testing.T) {
			h := newHarness(t, fc.domain, 0)
			txn := beckn.NewUUID()

			// search finds the item by words of its name.
			mid := h.call("search", txn, `{"intent":{"item":{"descriptor":{"name":`+strconv.Quote(fc.query)+`}}}}`, nil)
			c := h.waitFor("on_search", mid)
			cat := decode[beckn.CatalogMessage](t, c)
			found := false
			for _, p := range cat.Catalog.Providers {
				for _, it := range p.Items {
					found = found || (p.ID == fc.provider && it.ID == fc.item)
				}
			}
			if !found {
				t.Fatalf("search %q did not return %s/%s in its (single) page", fc.query, fc.provider, fc.item)
			}

			// select: full details and a quote.
			mid = h.call("select", txn, `{"order":{"provider":{"id":"`+fc.provider+`"},"items":[{"id":"`+fc.item+`"}]}}`, nil)
			sel := decode[beckn.OrderMessage](t, h.waitFor("on_select", mid))
			if sel.Order.Quote == nil || sel.Order.Quote.Price == nil || sel.Order.Items[0].ID != fc.item || sel.Order.Provider.ID != fc.provider {
				t.Fatalf("on_select lacks quote or echoes the wrong item: %+v", sel.Order)
			}

			// init: the first form (or none).
			mid = h.call("init", txn, `{"order":{"provider":{"id":"`+fc.provider+`"},"items":[{"id":"`+fc.item+`"}],
				"fulfillments":[{"customer":{"person":{"name":"Asha Verma","age":"21","gender":"female"},"contact":{"phone":"+91-9876543210","email":"asha@example.org"}}}],
				"payments":[{"params":{"bank_code":"SBIN0001234","bank_account_number":"123456789012","bank_account_name":"Asha Verma"}}]}}`, nil)
			cb := h.waitFor("on_init", mid)
			ini := decode[beckn.OrderMessage](t, cb)
			if got := fulState(ini.Order); got != fc.initState {
				t.Errorf("first on_init state %q, want %q", got, fc.initState)
			}
			seen := map[string]bool{mid: true}
			for step := 0; step < fc.forms; step++ {
				xi := ini.Order.Items[0].XInput
				if xi == nil || xi.Form == nil || xi.Head == nil || xi.Head.Index == nil {
					t.Fatalf("step %d: on_init carries no xinput form with head.index", step)
				}
				if xi.Head.Index.Cur.Int(-1) != step || xi.Head.Index.Max.Int(-1) != fc.forms-1 || len(xi.Head.Headings) != fc.forms {
					t.Errorf("step %d: head.index %s/%s headings %v", step, xi.Head.Index.Cur, xi.Head.Index.Max, xi.Head.Headings)
				}
				if xi.Required.Or(true) != fc.formsNeeded {
					t.Errorf("step %d: xinput.required %v, want %v", step, xi.Required.Or(true), fc.formsNeeded)
				}
				if xi.Form.Auth == nil || xi.Form.Auth.Descriptor.Code != "jwt" || strings.Count(xi.Form.Auth.Value, ".") != 2 {
					t.Errorf("step %d: form.auth is not a JWT: %+v", step, xi.Form.Auth)
				}
				if !strings.Contains(xi.Form.URL, txn) {
					t.Errorf("step %d: form URL %s does not carry the transaction id", step, xi.Form.URL)
				}
				html, nonce := fetchForm(t, xi)
				for _, want := range []string{"<script>", "<style>", "onsubmit=", `name="user-`} {
					if step == 0 && !strings.Contains(html, want) {
						t.Errorf("form HTML lacks %s", want)
					}
				}
				steps := formSets[h.bpp.catalog.mustItem(fc.item).Form].Steps
				vals := validValues(steps[step])
				vals["nonce"] = nonce
				status, fr := submitForm(t, xi.Form.URL, vals, step%2 == 1)
				if status != 200 || !fr.Status || fr.SubmissionID == "" {
					t.Fatalf("step %d: submission refused: HTTP %d %+v", step, status, fr)
				}
				// The next on_init is unsolicited: same transaction, new message id.
				next := h.wait("unsolicited on_init after step "+strconv.Itoa(step), func(c captured) bool {
					return c.Action == "on_init" && c.Ctx.TransactionID == txn && !seen[c.Ctx.MessageID]
				})
				seen[next.Ctx.MessageID] = true
				ini = decode[beckn.OrderMessage](t, next)
				if fc.initState != "" && step < fc.forms-1 && fulState(ini.Order) != "APPLICATION-IN-PROGRESS" {
					t.Errorf("after step %d: state %q, want APPLICATION-IN-PROGRESS", step, fulState(ini.Order))
				}
			}
			if xi := ini.Order.Items[0].XInput; xi != nil {
				t.Fatalf("after all forms on_init still carries a form: %+v", xi.Form)
			}
			if fc.filledState != "" && fulState(ini.Order) != fc.filledState {
				t.Errorf("after the forms: state %q, want %q", fulState(ini.Order), fc.filledState)
			}

			// confirm: an order id and the domain's state; then the timeline.
			mid = h.call("confirm", txn, `{"order":{"provider":{"id":"`+fc.provider+`"},"items":[{"id":"`+fc.item+`"}]}}`, nil)
			conf := decode[beckn.OrderMessage](t, h.waitFor("on_confirm", mid))
			orderID := conf.Order.ID
			if orderID == "" || fulState(conf.Order) != fc.confirmed || conf.Order.Status != "ACTIVE" {
				t.Fatalf("on_confirm: id %q state %q status %q, want an id, %q, ACTIVE", orderID, fulState(conf.Order), conf.Order.Status, fc.confirmed)
			}
			for _, want := range fc.timeline {
				c := h.wait("unsolicited state "+want, func(c captured) bool {
					if (c.Action != "on_status" && c.Action != "on_update") || c.Ctx.TransactionID != txn || c.Ctx.MessageID == mid || c.Env == nil || c.Env.Error != nil {
						return false
					}
					var m beckn.OrderMessage
					return c.Env.DecodeMessage(&m) == nil && fulState(m.Order) == want
				})
				if c.VerifyErr != nil {
					t.Errorf("unsolicited %s: signature: %v", want, c.VerifyErr)
				}
			}

			// status reflects the last state; track, support, meta and rating answer.
			mid = h.call("status", txn, `{"order_id":"`+orderID+`"}`, nil)
			st := decode[beckn.OrderMessage](t, h.waitFor("on_status", mid))
			if last := fc.timeline[len(fc.timeline)-1]; fulState(st.Order) != last {
				t.Errorf("on_status state %q, want %q", fulState(st.Order), last)
			}
			mid = h.call("track", txn, `{"order_id":"`+orderID+`"}`, nil)
			if tr := decode[beckn.TrackingMessage](t, h.waitFor("on_track", mid)); tr.Tracking == nil || tr.Tracking.URL == "" {
				t.Errorf("on_track without a tracking URL")
			}
			mid = h.call("support", txn, `{"support":{"ref_id":"`+orderID+`"}}`, nil)
			if sp := decode[beckn.SupportMessage](t, h.waitFor("on_support", mid)); sp.Support == nil || sp.Support.Phone == "" {
				t.Errorf("on_support without a phone")
			}
			mid = h.call("get_rating_categories", txn, ``, nil)
			cats := decode[beckn.RatingCategoriesMessage](t, h.waitFor("rating_categories", mid))
			mid = h.call("rating", txn, `{"ratings":[{"id":"`+orderID+`","rating_category":"`+cats.RatingCategories[0]+`","value":"5"}]}`, nil)
			fb := decode[beckn.FeedbackMessage](t, h.waitFor("on_rating", mid))
			if fb.FeedbackForm == nil || fb.FeedbackForm.Form == nil {
				t.Fatalf("on_rating without a feedback form")
			}
			_, nonce := fetchForm(t, &beckn.XInput{Form: &beckn.Form{URL: fb.FeedbackForm.Form.URL, Auth: &beckn.FormAuth{Value: h.bpp.formToken(txn, formFeedback)}}})
			if status, fr := submitForm(t, fb.FeedbackForm.Form.URL, map[string]string{"nonce": nonce, "feedback-score": "9"}, false); status != 200 || !fr.Status {
				t.Errorf("feedback submission: HTTP %d %+v", status, fr)
			}

			// Strict out: every callback has a complete 1.1.0 context.
			for _, c := range h.all(func(captured) bool { return true }) {
				x := c.Ctx
				_, terr := x.Time()
				if x.Version != "1.1.0" || x.Domain != fc.domain || x.Action != c.Action || x.BppID != h.bppID || x.BppURI != h.srv.URL ||
					x.BapID != testBAPID || x.TransactionID != txn || x.Location == nil || x.Location.City == nil || x.TTL == "" || terr != nil ||
					x.CoreVersion() != "1.1.0" || bytes.Contains(c.Body, []byte(`"core_version"`)) {
					t.Errorf("%s: incomplete or legacy context %+v", c.Action, x)
				}
			}
		})
	}
}

// mustItem finds an item by id in any provider (test helper).
func (c *Catalog) mustItem(id string) *Item {
	_, it := c.Lookup("", id)
	if it == nil {
		panic("no item " + id)
	}
	return it
}

// A browse-all search is answered in pages: several on_search with the
// request's message id, each a valid catalog, together the whole catalog.
func TestSearchPagesOverHTTP(t *testing.T) {
	h := newHarness(t, domainLearning, 1)
	mid := h.call("search", beckn.NewUUID(), `{"intent":{}}`, nil)
	want := h.bpp.catalog.ItemCount()
	pages := (want + 24) / 25
	h.wait("all pages", func(c captured) bool {
		return len(h.allLocked(func(c captured) bool { return c.Ctx.MessageID == mid })) >= pages
	})
	seen := map[string]bool{}
	for _, c := range h.all(func(c captured) bool { return c.Ctx.MessageID == mid }) {
		cat := decode[beckn.CatalogMessage](t, c)
		if cat.Catalog.Descriptor == nil || cat.Catalog.Descriptor.Name == "" {
			t.Errorf("page without catalog.descriptor.name")
		}
		for _, p := range cat.Catalog.Providers {
			if p.ID == "" || p.Descriptor == nil || len(p.Fulfillments) == 0 {
				t.Errorf("page with an incomplete provider %q", p.ID)
			}
			for _, it := range p.Items {
				if seen[it.ID] {
					t.Errorf("item %s on two pages", it.ID)
				}
				seen[it.ID] = true
			}
		}
	}
	if len(seen) != want {
		t.Errorf("pages carried %d items, the catalog has %d", len(seen), want)
	}
}

// Many transactions at once, with faults changing under them: every
// request is ACKed, every confirm gets its own order, and the race
// detector sees no unguarded state.
func TestConcurrentTransactions(t *testing.T) {
	h := newHarness(t, domainFinancial, 0)
	const n = 12
	s := signing.Signer{SubscriberID: testBAPID, KeyID: "bapkey", Key: h.bapKey}
	errs := make(chan error, n*4)
	var wg sync.WaitGroup
	txns := make([]string, n)
	for i := range n {
		txns[i] = beckn.NewUUID()
		wg.Add(1)
		go func(txn string) {
			defer wg.Done()
			for _, step := range []struct{ action, msg string }{
				{"search", `{"intent":{"fulfillment":{"customer":{"person":{"gender":"Female"}}}}}`},
				{"select", `{"order":{"provider":{"id":"` + RefScholarshipProv + `"},"items":[{"id":"` + RefScholarshipItem + `"}]}}`},
				{"init", `{"order":{"items":[{"id":"` + RefScholarshipItem + `"}]}}`},
				{"confirm", `{"order":{"items":[{"id":"` + RefScholarshipItem + `"}]}}`},
			} {
				body := h.body(h.ctx(step.action, txn), step.msg)
				req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/"+step.action, bytes.NewReader(body))
				req.Header.Set("Authorization", s.SignNow(body, time.Minute))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if ack, err := beckn.ParseAckResponse(raw); err != nil || !ack.Acked() {
					errs <- fmt.Errorf("%s: %s", step.action, raw)
				}
			}
		}(txns[i])
	}
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				h.bpp.SetFaults(Faults{Duplicates: 1})
				h.bpp.SetFaults(Faults{})
			}
		}
	}()
	wg.Wait()
	close(stop)
	h.bpp.SetFaults(Faults{})
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	orders := map[string]bool{}
	for _, txn := range txns {
		c := h.wait("on_confirm of "+txn, func(c captured) bool { return c.Action == "on_confirm" && c.Ctx.TransactionID == txn })
		o := decode[beckn.OrderMessage](t, c)
		if o.Order.ID == "" || orders[o.Order.ID] {
			t.Errorf("transaction %s: order id %q empty or shared", txn, o.Order.ID)
		}
		orders[o.Order.ID] = true
	}
}
