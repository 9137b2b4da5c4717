package bpp

import (
	"bytes"
	"html/template"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/onest-seeker/seeker/beckn"
)

// Small HTML pages a provider links to from its messages: the payment page
// of payments[].url (ONEST learning flow step 7: after paying, the
// provider sends another on_init with status PAID), the tracking page of
// on_track and the certificate or offer letter of a completed order.

func multipartReader(body []byte, boundary string) *multipart.Reader {
	return multipart.NewReader(bytes.NewReader(body), boundary)
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><h1>{{.Title}}</h1>{{range .Lines}}<p>{{.}}</p>{{end}}
{{if .Action}}<form method="post" action="{{.Action}}"><input type="submit" value="{{.Button}}"></form>{{end}}
</body></html>
`))

type pageView struct {
	Title          string
	Lines          []string
	Action, Button string
}

func writePage(w http.ResponseWriter, status int, v pageView) {
	var buf bytes.Buffer
	_ = pageTemplate.Execute(&buf, v)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// servePay shows the amount due (GET) and takes the payment (POST), which
// triggers an unsolicited on_init with the payment PAID.
func (b *BPP) servePay(w http.ResponseWriter, r *http.Request, txn string) {
	b.mu.Lock()
	a := b.apps[txn]
	if a == nil || a.Item == nil || a.Item.Price == 0 || a.Stage < stageInit {
		b.mu.Unlock()
		writePage(w, http.StatusNotFound, pageView{Title: "Nothing to pay", Lines: []string{"No payment is due for transaction " + txn + "."}})
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		v := pageView{Title: "Pay for " + a.Item.Name, Lines: []string{"Amount due: ₹" + itemPrice(a.Item).Value.String()}}
		if !a.Paid {
			v.Action, v.Button = b.cfg.BaseURL+"/pay/"+txn, "Pay now"
		} else {
			v.Lines = append(v.Lines, "Already paid.")
		}
		b.mu.Unlock()
		writePage(w, http.StatusOK, v)
	case http.MethodPost:
		if a.Paid {
			b.mu.Unlock()
			writePage(w, http.StatusOK, pageView{Title: "Already paid"})
			return
		}
		a.Paid = true
		a.UpdatedAt = b.now()
		msg := beckn.OrderMessage{Order: b.renderOrder(a, b.xinputFor(a))}
		to, ok := a.Ctx, a.HasCtx
		b.mu.Unlock()
		writePage(w, http.StatusOK, pageView{Title: "Payment successful", Lines: []string{"You can close this page and return to your app."}})
		b.unsolicited(to, ok, "on_init", msg)
	default:
		b.mu.Unlock()
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "GET to view, POST to pay", http.StatusMethodNotAllowed)
	}
}

func (b *BPP) serveTrack(w http.ResponseWriter, r *http.Request, orderID string) {
	b.mu.Lock()
	a := b.orders[orderID]
	var v pageView
	if a != nil {
		v = pageView{Title: "Order " + orderID, Lines: []string{a.Item.Name, "Status: " + a.Status, "State: " + a.State}}
	}
	b.mu.Unlock()
	if a == nil {
		writePage(w, http.StatusNotFound, pageView{Title: "Unknown order", Lines: []string{"No order " + orderID + " here."}})
		return
	}
	writePage(w, http.StatusOK, v)
}

func (b *BPP) serveCertificate(w http.ResponseWriter, r *http.Request, orderID string) {
	b.mu.Lock()
	a := b.orders[orderID]
	var v pageView
	ok := a != nil && (a.State == "COMPLETED" || a.State == "OFFER-EXTENDED")
	if ok {
		title := "Certificate of completion"
		if a.State == "OFFER-EXTENDED" {
			title = "Provisional offer letter"
		}
		v = pageView{Title: title, Lines: []string{a.Customer.Name, a.Item.Name, a.Provider.Name, "Order " + a.OrderID}}
	}
	b.mu.Unlock()
	if !ok {
		writePage(w, http.StatusNotFound, pageView{Title: "No certificate", Lines: []string{"Order " + orderID + " has no certificate yet."}})
		return
	}
	writePage(w, http.StatusOK, v)
}

// serveIndex describes the provider to a person who opens its URL: who it
// is, its providers and what it serves (the sandbox's readiness probe also
// uses it).
func (b *BPP) serveIndex(w http.ResponseWriter) {
	v := pageView{Title: b.catalog.Name + " (" + b.cfg.SubscriberID + ")", Lines: []string{
		"ONEST domain " + b.cfg.Domain + "; Beckn core 1.1.0 endpoints: POST /search, /select, /init, /confirm, /status, /update, /cancel, /rating, /support, /track, /get_cancellation_reasons, /get_rating_categories.",
		"Forms at /forms/{transaction_id}/{step}; faults per request with the " + FaultHeader + " header.",
	}}
	if b.cfg.Index == 0 {
		v.Lines = append(v.Lines, "Reference provider of its domain: holds the ids of the ONEST Postman collection.")
	}
	for _, p := range b.catalog.Providers {
		v.Lines = append(v.Lines, p.Name+" ("+p.ID+"): "+strconv.Itoa(len(p.Items))+" items")
	}
	writePage(w, http.StatusOK, v)
}
