package audit

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

const initBody = `{"context":{"domain":"onest:financial-support","action":"init","transaction_id":"t-1","message_id":"m-1","bap_id":"bap.example"},` +
	`"message":{"order":{"provider":{"id":"p1","descriptor":{"name":"Scholarship Trust"}},"items":[{"id":"i1","descriptor":{"name":"Merit Scholarship"}}],` +
	`"billing":{"name":"Meera Iyer","phone":"9876543210","email":"meera.iyer@example.org","address":"12 MG Road, Bengaluru"},` +
	`"fulfillments":[{"customer":{"person":{"name":"Meera Iyer","gender":"Female","creds":[{"id":"c1","type":"marksheet","url":"https://docs.example.org/meera/marksheet.pdf"}]},` +
	`"contact":{"phone":"+91 98765 43210","email":"MEERA@example.org"}},"tags":[{"descriptor":{"code":"user-guardian-full-name"},"value":"Lakshmi Iyer"},` +
	`{"descriptor":{"code":"aadhaar"},"value":"1234 5678 9012"},{"descriptor":{"code":"lang-code"},"value":"en"}]}],` +
	`"xinput":{"form":{"url":"https://forms.example.org/f?email=meera.iyer@example.org&t=t-1"}},"note":"call Meera Iyer on 9876543210","amount":1.50E+2,"flag":true,"none":null}}}`

var personalStrings = []string{"Meera Iyer", "9876543210", "meera.iyer@example.org", "12 MG Road", "docs.example.org/meera", "98765 43210", "MEERA@example.org", "Lakshmi Iyer", "1234 5678 9012"}

func TestRedactRemovesPersonalDataAndKeepsTheRest(t *testing.T) {
	r := NewRedactor()
	r.Learn([]byte(initBody))
	out, err := r.Redact([]byte(initBody))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out) {
		t.Fatalf("redacted output is not JSON: %s", out)
	}
	for _, p := range personalStrings {
		if bytes.Contains(out, []byte(p)) {
			t.Errorf("redacted output still contains %q:\n%s", p, out)
		}
	}
	for _, keep := range []string{`"Scholarship Trust"`, `"Merit Scholarship"`, `"gender":"Female"`, `"value":"en"`, `"transaction_id":"t-1"`, `"amount":1.50E+2`, `"flag":true`, `"none":null`, `https://forms.example.org/f?email=`} {
		if !bytes.Contains(out, []byte(keep)) {
			t.Errorf("redaction removed non-personal %s:\n%s", keep, out)
		}
	}
	// Stable: the same value has the same placeholder everywhere.
	if n := bytes.Count(out, []byte(`"REDACTED-NAME-1"`)); n != 2 {
		t.Errorf("Meera Iyer's two name members should share REDACTED-NAME-1, found %d:\n%s", n, out)
	}
	if !bytes.Contains(out, []byte(`call REDACTED-NAME-1 on REDACTED-PHONE-1`)) {
		t.Errorf("free text was not scrubbed with the learned placeholders:\n%s", out)
	}
	again, _ := r.Redact([]byte(initBody))
	if !bytes.Equal(out, again) {
		t.Errorf("redacting twice gave different placeholders")
	}
	// Member order is kept.
	if i, j := bytes.Index(out, []byte(`"provider"`)), bytes.Index(out, []byte(`"billing"`)); i < 0 || j < i {
		t.Errorf("member order changed:\n%s", out)
	}
}

func TestRedactRefusesNonJSON(t *testing.T) {
	if _, err := NewRedactor().Redact([]byte(`{"a":1,}`)); err == nil {
		t.Fatal("a trailing comma was accepted")
	}
	if _, err := NewRedactor().Redact([]byte(`{"a":1} {}`)); err == nil {
		t.Fatal("two values were accepted")
	}
}

// FuzzRedact: any input either is refused or becomes valid JSON, and
// redaction never panics.
func FuzzRedact(f *testing.F) {
	f.Add([]byte(initBody))
	f.Add([]byte(`{"a":{"a":1},"a":[1,"x@y.zz",{"phone":9876543210}]}`))
	f.Add([]byte(`"+91 98765 43210"`))
	f.Add([]byte("{\"name\":\"\xff\"}"))
	f.Add([]byte(`[[[[{"descriptor":{"code":"name"},"value":{"x":["Meera"]}}]]]]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewRedactor()
		r.Learn(b)
		out, err := r.Redact(b)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("redacting %q gave invalid JSON %q", b, out)
		}
		var ind bytes.Buffer
		if err := json.Indent(&ind, out, "", "  "); err != nil {
			t.Fatalf("redacted output cannot be pretty-printed: %v", err)
		}
	})
}

func TestExportLayoutNumberingAndReadme(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	msg := func(seq int64, dir, action, domain, txn, bpp, ack, raw string) Message {
		return Message{Seq: seq, Direction: dir, Action: action, Domain: domain, TransactionID: txn, MessageID: "m" + action,
			BppID: bpp, BppURI: "http://" + bpp, AckStatus: ack, CreatedAt: at.Add(time.Duration(seq) * time.Second), Raw: []byte(raw)}
	}
	msgs := []Message{
		msg(5, "in", "on_init", beckn.DomainFinancial, "t1", "fs-bpp", "ACK", `{"b":[1, 2],"a":"x"}`),
		msg(1, "out", "search", beckn.DomainFinancial, "t1", "", "", `{"z":1,"a":{"k":"\u00e9"}}`),
		msg(2, "in", "on_search", beckn.DomainFinancial, "t1", "fs-bpp", "ACK", `{"n":1.50E+2}`),
		msg(3, "in", "on_search", beckn.DomainFinancial, "t1", "fs-bpp-2", "ACK", `{"n":2}`),
		msg(4, "in", "on_search", beckn.DomainFinancial, "t1", "evil", "NACK", `{"n":3}`),
		msg(6, "in", "on_init", beckn.DomainFinancial, "t1", "fs-bpp", "ACK", `{"step":2}`),
		msg(7, "out", "search", beckn.DomainLearning, "t2", "", "", `not json`),
	}
	res, err := Export(dir, msgs, Options{Org: "Acme Learning", Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "Acme Learning-BAP")
	want := map[string]string{
		"Financial Support/search.json":      "{\n  \"z\": 1,\n  \"a\": {\n    \"k\": \"\\u00e9\"\n  }\n}\n",
		"Financial Support/on_search.json":   "{\n  \"n\": 1.50E+2\n}\n",
		"Financial Support/on_search-2.json": "{\n  \"n\": 2\n}\n",
		"Financial Support/on_init.json":     "{\n  \"b\": [\n    1,\n    2\n  ],\n  \"a\": \"x\"\n}\n",
		"Financial Support/on_init-2.json":   "{\n  \"step\": 2\n}\n",
		"Learning Experiences/search.json":   "not json",
	}
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(got) != content {
			t.Errorf("%s is %q, want %q", name, got, content)
		}
	}
	if len(res.Files) != len(want) {
		t.Errorf("wrote %d files, want %d (the NACKed callback left out): %+v", len(res.Files), len(want), res.Files)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"`t1`", "`t2`", "`fs-bpp`", "`fs-bpp-2`", "on_init-2.json", "Acme Learning-BAP-Financial Support- API Payloads", "Not redacted", "not valid JSON", "APIs covered: `search`, `on_search`, `on_init`."} {
		if !strings.Contains(string(readme), s) {
			t.Errorf("README lacks %s:\n%s", s, readme)
		}
	}
	if strings.Contains(string(readme), "evil") {
		t.Errorf("README names the provider whose callback was refused")
	}

	if _, err := Export(dir, msgs, Options{Org: "Acme Learning"}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a second export into the same folder: %v", err)
	}
	for _, org := range []string{"", "../x", "a/b", ".."} {
		if _, err := Export(t.TempDir(), msgs, Options{Org: org}); err == nil {
			t.Errorf("organisation %q accepted", org)
		}
	}
	if _, err := Export(t.TempDir(), msgs[4:5], Options{Org: "x"}); err == nil {
		t.Errorf("an export of nothing succeeded")
	}
	// Redacted: the body that is not JSON is withheld, and said so.
	res, err = Export(t.TempDir(), msgs, Options{Org: "x", Redact: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Withheld) != 1 || res.Withheld[0].Action != "search" || len(res.Files) != len(want)-1 {
		t.Errorf("redacted export: files %+v withheld %+v", res.Files, res.Withheld)
	}
}
