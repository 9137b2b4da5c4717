package beckn

import (
	"errors"
	"strings"
	"testing"
)

// decodeEncode decodes in into a fresh T and returns the strict encoding.
func decodeEncode[T any](t *testing.T, in string) (*T, string) {
	t.Helper()
	v := new(T)
	if err := Unmarshal([]byte(in), v); err != nil {
		t.Fatalf("Unmarshal(%s): %v", in, err)
	}
	out, err := Marshal(v)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return v, string(out)
}

func TestLenientScalars(t *testing.T) {
	tests := []struct {
		name, in, want string
		check          func(t *testing.T, p *Price)
	}{
		{"string value", `{"currency":"INR","value":"1200.50"}`, `{"currency":"INR","value":"1200.50"}`, nil},
		{"number value keeps literal", `{"value":1200.50}`, `{"value":"1200.50"}`, nil},
		{"big number never through float64", `{"value":12345678901234567890.1230}`, `{"value":"12345678901234567890.1230"}`, nil},
		{"exponent kept", `{"value":1e3}`, `{"value":"1e3"}`, nil},
		{"negative", `{"value":-0.10}`, `{"value":"-0.10"}`, nil},
		{"free text kept", `{"value":"Up to ₹1,00,000 per year"}`, `{"value":"Up to ₹1,00,000 per year"}`, func(t *testing.T, p *Price) {
			if p.Value.Valid() {
				t.Error("free text must not be a valid DecimalValue")
			}
		}},
		{"range", `{"minimum_value":0,"maximum_value":"5000"}`, `{"minimum_value":"0","maximum_value":"5000"}`, nil},
		{"null is absent", `{"value":null}`, `{}`, nil},
		{"unknown member survives", `{"value":"1","x-fee":{"a":[1,2]}}`, `{"value":"1","x-fee":{"a":[1,2]}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, got := decodeEncode[Price](t, tt.in)
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestDecimalValid(t *testing.T) {
	for s, want := range map[Decimal]bool{
		"0": true, "1200.50": true, "+1": true, "-0.5": true, ".5": true,
		"": false, "1.": false, "1,000": false, "abc": false, "1e3": false, "-": false, "1.2.3": false,
	} {
		if got := s.Valid(); got != want {
			t.Errorf("Decimal(%q).Valid() = %v, want %v", s, got, want)
		}
	}
}

func TestLenientTypeErrors(t *testing.T) {
	tests := []struct {
		name, in, pointer string
	}{
		{"object for decimal", `{"value":{"a":1}}`, "/value"},
		{"array for decimal", `{"currency":"INR","value":[1]}`, "/value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Price
			err := Unmarshal([]byte(tt.in), &p)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			var te *TypeError
			if !errors.As(err, &te) || te.Want != "decimal value" {
				t.Fatalf("err = %v, want a *TypeError for a decimal value", err)
			}
			if de.Pointer != tt.pointer || de.Offset <= 0 {
				t.Fatalf("pointer %q offset %d, want %q and a positive offset", de.Pointer, de.Offset, tt.pointer)
			}
		})
	}
}

func TestLenientPersonRatingTTL(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"person age number", func(t *testing.T) {
			p, got := decodeEncode[Person](t, `{"name":"A","age":35}`)
			if p.Age != "35" || got != `{"name":"A","age":"35"}` {
				t.Errorf("age %q, encoded %s", p.Age, got)
			}
		}},
		{"rating value number", func(t *testing.T) {
			r, got := decodeEncode[Rating](t, `{"id":"i","rating_category":"Item","value":4.5}`)
			if r.Value != "4.5" || !strings.Contains(got, `"value":"4.5"`) {
				t.Errorf("value %q, encoded %s", r.Value, got)
			}
		}},
		{"rating NaN kept", func(t *testing.T) {
			it, _ := decodeEncode[Item](t, `{"id":"c","rating":"NaN"}`)
			if it.Rating != "NaN" {
				t.Errorf("rating %q", it.Rating)
			}
		}},
		{"catalog ttl number", func(t *testing.T) {
			c, got := decodeEncode[Catalog](t, `{"ttl":3600}`)
			if c.TTL != "3600" || got != `{"ttl":"3600"}` {
				t.Errorf("ttl %q, encoded %s", c.TTL, got)
			}
		}},
		{"provider ttl int stays int", func(t *testing.T) {
			p, got := decodeEncode[Provider](t, `{"id":"p","ttl":-1}`)
			if n, err := p.TTL.Int64(); err != nil || n != -1 || got != `{"id":"p","ttl":-1}` {
				t.Errorf("ttl %q (%v), encoded %s", p.TTL, err, got)
			}
		}},
		{"provider ttl string number becomes int", func(t *testing.T) {
			_, got := decodeEncode[Provider](t, `{"ttl":"300"}`)
			if got != `{"ttl":300}` {
				t.Errorf("encoded %s", got)
			}
		}},
		{"provider ttl odd string survives", func(t *testing.T) {
			_, got := decodeEncode[Provider](t, `{"ttl":"PT30S"}`)
			if got != `{"ttl":"PT30S"}` {
				t.Errorf("encoded %s", got)
			}
		}},
		{"quantity bare number", func(t *testing.T) {
			q, got := decodeEncode[ItemQuantity](t, `{"maximum":3,"available":{"count":"2"}}`)
			if q.Maximum.Count.Int(0) != 3 || q.Available.Count.Int(0) != 2 {
				t.Errorf("quantity %+v", q)
			}
			if got != `{"available":{"count":2},"maximum":{"count":3}}` {
				t.Errorf("encoded %s", got)
			}
		}},
		{"creds single object", func(t *testing.T) {
			p, got := decodeEncode[Person](t, `{"creds":{"type":"VerifiableCredential","url":"https://c"}}`)
			if len(p.Creds) != 1 || got != `{"creds":[{"type":"VerifiableCredential","url":"https://c"}]}` {
				t.Errorf("creds %+v, encoded %s", p.Creds, got)
			}
		}},
		{"location city and state strings", func(t *testing.T) {
			l, got := decodeEncode[Location](t, `{"id":"L1","city":"Pune","state":"Maharastra","country":"IND"}`)
			if l.City.Name != "Pune" || l.State.Name != "Maharastra" || l.Country.Code != "IND" {
				t.Errorf("location %+v", l)
			}
			if got != `{"id":"L1","city":{"name":"Pune"},"state":{"name":"Maharastra"},"country":{"code":"IND"}}` {
				t.Errorf("encoded %s", got)
			}
		}},
		{"intent item array", func(t *testing.T) {
			in, got := decodeEncode[Intent](t, `{"item":[{"descriptor":{"name":"flutter"}},{"id":"2"}]}`)
			if in.Item == nil || in.Item.Descriptor.Name != "flutter" || len(in.ExtraItems) != 1 || in.ExtraItems[0].ID != "2" {
				t.Errorf("intent %+v", in)
			}
			if got != `{"item":{"descriptor":{"name":"flutter"}}}` {
				t.Errorf("encoded %s", got)
			}
		}},
		{"intent item object", func(t *testing.T) {
			_, got := decodeEncode[Intent](t, `{"item":{"descriptor":{"name":"Engineer"}},"location":{"city":{"name":"Delhi"}}}`)
			if got != `{"item":{"descriptor":{"name":"Engineer"}},"location":{"city":{"name":"Delhi"}}}` {
				t.Errorf("encoded %s", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

func TestLenientImages(t *testing.T) {
	d, got := decodeEncode[Descriptor](t, `{"name":"n","images":["https://a/1.png",{"url":"https://a/2.png","size_type":"sm","width":64},null]}`)
	if len(d.Images) != 3 || d.Images[0].URL != "https://a/1.png" || d.Images[1].Width != "64" {
		t.Fatalf("images %+v", d.Images)
	}
	want := `{"name":"n","images":[{"url":"https://a/1.png"},{"url":"https://a/2.png","size_type":"sm","width":"64"},{}]}`
	if got != want {
		t.Fatalf("encoded %s\nwant    %s", got, want)
	}
}

func TestLenientBool(t *testing.T) {
	tests := []struct {
		in      string
		set, to bool
		wantErr bool
	}{
		{`true`, true, true, false},
		{`false`, true, false, false},
		{`"true"`, true, true, false},
		{`"FALSE"`, true, false, false},
		{`"none"`, true, false, false},
		{`"block"`, true, true, false},
		{`"yes"`, true, true, false},
		{`1`, true, true, false},
		{`0`, true, false, false},
		{`null`, false, false, false},
		{`""`, false, false, false},
		{`"maybe"`, false, false, true},
		{`{}`, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var x struct {
				B Bool `json:"b,omitzero"`
			}
			err := Unmarshal([]byte(`{"b":`+tt.in+`}`), &x)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if x.B.IsSet() != tt.set || x.B.Or(!tt.to) != tt.to && tt.set {
				t.Fatalf("got set=%v value=%v, want set=%v value=%v", x.B.IsSet(), x.B.Or(false), tt.set, tt.to)
			}
			out, _ := Marshal(&x)
			want := `{}`
			if tt.set {
				want = `{"b":` + map[bool]string{true: "true", false: "false"}[tt.to] + `}`
			}
			if string(out) != want {
				t.Fatalf("encoded %s, want %s", out, want)
			}
		})
	}
}

func TestXInputLeniency(t *testing.T) {
	in := `{"required":"false","head":{"descriptor":{"name":"Application Form"},"index":{"min":0,"cur":"1","max":3},` +
		`"headings":[["Personal Details","Educational Details"],"Review"]},` +
		`"form":{"mime_type":"text/html","url":"https://bpp/f","resubmit":false,"submission_id":12345,"data":{"exp-years":3,"sop":"x"},` +
		`"auth":{"descriptor":{"code":"jwt"},"value":"eyJ"}}}`
	x, got := decodeEncode[XInput](t, in)
	if !x.Required.IsSet() || x.Required.Or(true) {
		t.Errorf("required %+v, want present false", x.Required)
	}
	if x.Head.Index.Cur.Int(-1) != 1 || x.Head.Index.Max.Int(-1) != 3 || x.Head.Index.Min.Int(-1) != 0 {
		t.Errorf("index %+v", x.Head.Index)
	}
	if strings.Join(x.Head.Headings, "|") != "Personal Details|Educational Details|Review" {
		t.Errorf("headings %q", x.Head.Headings)
	}
	if x.Form.SubmissionID != "12345" || x.Form.Data["exp-years"] != "3" || x.Form.Auth.Value != "eyJ" || x.Form.Resubmit.Or(true) {
		t.Errorf("form %+v", x.Form)
	}
	want := `{"head":{"descriptor":{"name":"Application Form"},"index":{"min":0,"cur":1,"max":3},` +
		`"headings":["Personal Details","Educational Details","Review"]},` +
		`"form":{"url":"https://bpp/f","data":{"exp-years":"3","sop":"x"},"mime_type":"text/html","submission_id":"12345","resubmit":false,` +
		`"auth":{"descriptor":{"code":"jwt"},"value":"eyJ"}},"required":false}`
	if got != want {
		t.Errorf("encoded %s\nwant    %s", got, want)
	}
	var defaults XInput
	if !defaults.Required.Or(true) {
		t.Error("absent required must default to true")
	}
}

func TestFormResponse(t *testing.T) {
	tests := []struct {
		in     string
		ok     bool
		subID  string
		nerr   int
		errMsg string
	}{
		{`{"status":true,"submission_id":"8203501c"}`, true, "8203501c", 0, ""},
		{`{"submission_id":42}`, true, "42", 0, ""},
		{`{"status":false,"errors":[{"code":30000,"path":"user-email","message":"bad e-mail"}]}`, false, "", 1, "bad e-mail"},
		{`{"status":"true"}`, true, "", 0, ""},
	}
	for _, tt := range tests {
		r, err := ParseFormResponse([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if r.OK() != tt.ok || string(r.SubmissionID) != tt.subID || len(r.Errors) != tt.nerr {
			t.Errorf("%s: got %+v", tt.in, r)
		}
		if tt.nerr > 0 && (r.Errors[0].Message != tt.errMsg || r.Errors[0].Paths != "user-email" || r.Errors[0].Code != "30000") {
			t.Errorf("%s: error %+v", tt.in, r.Errors[0])
		}
	}
	if _, err := ParseFormResponse([]byte(`<html>`)); err == nil {
		t.Error("HTML must not parse as a FormResponse")
	}
}

func TestLenientPlainStrings(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"numeric id", `{"id":471}`, `{"id":"471"}`},
		{"numeric ids in a list", `{"category_ids":[1,"2",3.5]}`, `{"category_ids":["1","2","3.5"]}`},
		{"numeric and boolean codes", `{"descriptor":{"code":7,"name":true}}`, `{"descriptor":{"name":"true","code":"7"}}`},
		{"inside a custom decoder", `{"tags":[{"descriptor":{"code":5},"list":[{"descriptor":{"code":6},"value":1}]}]}`,
			`{"tags":[{"descriptor":{"code":"5"},"list":[{"descriptor":{"code":"6"},"value":"1"}]}]}`},
		{"null leaves it empty", `{"id":null}`, `{}`},
		{"one id where a list is due", `{"fulfillment_ids":"f1","location_ids":7}`, `{"fulfillment_ids":["f1"],"location_ids":["7"]}`},
		{"one object where a list is due", `{"add_ons":{"id":"a"},"cancellation_terms":{"reason_required":true}}`,
			`{"add_ons":[{"id":"a"}],"cancellation_terms":[{"reason_required":true}]}`},
		{"one image URL where a list is due", `{"descriptor":{"images":"https://i/1.png","media":{"url":"https://m"}}}`,
			`{"descriptor":{"media":[{"url":"https://m"}],"images":[{"url":"https://i/1.png"}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := decodeEncode[Item](t, tt.in); got != tt.want {
				t.Fatalf("encoded %s, want %s", got, tt.want)
			}
		})
	}
	var it Item
	err := Unmarshal([]byte(`{"id":{"a":1}}`), &it)
	var de *DecodeError
	if !errors.As(err, &de) || de.Pointer != "/id" {
		t.Fatalf("an object for a string must fail at /id, got %v", err)
	}
	var o Order
	if err := Unmarshal([]byte(`{"fulfillments":{"id":"f1"},"payments":{"id":"p"},"provider":{"locations":{"id":"L"}}}`), &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Fulfillments) != 1 || o.Fulfillments[0].ID != "f1" || len(o.Payments) != 1 || o.Provider.Locations[0].ID != "L" {
		t.Fatalf("order %+v", o)
	}
	c, err := PeekContext([]byte(`{"context":{"bpp_id":12,"action":"on_status"}}`))
	if err != nil || c.BppID != "12" {
		t.Fatalf("PeekContext: %+v %v", c, err)
	}
}

func TestMediaFileUpperCaseURL(t *testing.T) {
	m, got := decodeEncode[MediaFile](t, `{"mimetype":"text/uri-list","URL":"https://agnirva/c1"}`)
	if m.Link() != "https://agnirva/c1" || m.URL != "" {
		t.Fatalf("media %+v", m)
	}
	if got != `{"mimetype":"text/uri-list","URL":"https://agnirva/c1"}` {
		t.Fatalf("encoded %s", got)
	}
	m, _ = decodeEncode[MediaFile](t, `{"url":"https://a","URL":"https://b"}`)
	if m.Link() != "https://a" {
		t.Fatalf("url must win, got %q", m.Link())
	}
}

func TestOrderLegacyMembers(t *testing.T) {
	tests := []struct {
		in        string
		fulfil    string
		payment   string
		roundTrip string
	}{
		{`{"fulfillments":[{"id":"f1"}],"payments":[{"id":"p1"}]}`, "f1", "p1", ""},
		{`{"fullfillments":[{"id":"f2"}]}`, "f2", "", ""},
		{`{"fulfillment":{"id":"f3"},"payment":{"id":"p3"}}`, "f3", "p3", ""},
		{`{"fulfillments":[{"id":"f1"}],"fulfillment":{"id":"f3"}}`, "f1", "", ""},
		{`{"payment":[{"id":"p4"}],"fulfillment":"bad"}`, "", "p4", ""},
	}
	for _, tt := range tests {
		o, got := decodeEncode[Order](t, tt.in)
		var f, p string
		if fs := o.AllFulfillments(); len(fs) > 0 {
			f = fs[0].ID
		}
		if ps := o.AllPayments(); len(ps) > 0 {
			p = ps[0].ID
		}
		if f != tt.fulfil || p != tt.payment {
			t.Errorf("%s: fulfillment %q payment %q", tt.in, f, p)
		}
		wantTree, _ := parseTree([]byte(tt.in))
		gotTree, _ := parseTree([]byte(got))
		if d := diffTrees(wantTree, gotTree); len(d) > 0 {
			t.Errorf("%s: round trip changed %v", tt.in, d)
		}
	}
}
