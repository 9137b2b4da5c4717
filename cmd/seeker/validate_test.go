package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const cliValidSelect = `{"context": {"domain": "onest:learning-experiences", "action": "select", "version": "1.1.0",
 "bap_id": "bap.example.com", "bap_uri": "https://bap.example.com/beckn",
 "bpp_id": "bpp.example.com", "bpp_uri": "https://bpp.example.com/beckn",
 "transaction_id": "a9aaecca-10b7-4d19-b640-b047a7c62196", "message_id": "bb579fb8-cb82-4824-be12-fcbc405b6608",
 "timestamp": "2024-05-08T10:00:00.000Z", "ttl": "PT30S"},
 "message": {"order": {"provider": {"id": "infosys"}, "items": [{"id": "course-1"}]}}}`

// cliOnSelect answers cliValidSelect; edits make it invalid.
func cliOnSelect(action, itemID string) string {
	s := strings.Replace(cliValidSelect, `"action": "select"`, `"action": "`+action+`"`, 1)
	s = strings.Replace(s, `"provider": {"id": "infosys"}`, `"provider": {"id": "infosys", "descriptor": {"name": "Infosys"}}`, 1)
	return strings.Replace(s, `"items": [{"id": "course-1"}]`,
		`"items": [{"id": "`+itemID+`", "descriptor": {"name": "Python", "long_desc": "Python"}, "price": {"currency": "INR", "value": "100"}}]`, 1)
}

func TestValidateExitCodes(t *testing.T) {
	valid := writeTemp(t, "select.json", cliValidSelect)
	numberID := writeTemp(t, "number.json", strings.Replace(cliValidSelect, `"id": "course-1"`, `"id": 42`, 1))
	legacy := writeTemp(t, "legacy.json", strings.Replace(cliValidSelect, "onest:learning-experiences", "dsep:courses", 1))
	notJSON := writeTemp(t, "broken.json", `{"context": {`)
	wrapper := writeTemp(t, "wrapper.json", `{"context": `+contextOf(t, cliValidSelect)+`, "responses": [`+
		cliOnSelect("on_select", "course-1")+`, `+cliOnSelect("on_comfirm", "course-1")+`]}`)
	goodWrapper := writeTemp(t, "good-wrapper.json", `{"context": `+contextOf(t, cliValidSelect)+`, "responses": [`+cliOnSelect("on_select", "course-1")+`]}`)
	missing := filepath.Join(t.TempDir(), "nope.json")

	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string
	}{
		{"valid file", "", []string{"validate", valid}, 0, []string{valid + ": VALID (select, onest:learning-experiences): 0 errors, 0 warnings, 0 notes"}},
		{"stdin", cliValidSelect, []string{"validate", "-"}, 0, []string{"(stdin): VALID"}},
		{"warnings only", "", []string{"validate", legacy}, 0, []string{"VALID", "warning 30000 context.domain [onest.domain-legacy]"}},
		{"number where a string is due", "", []string{"validate", numberID}, 1,
			[]string{"INVALID", `error 30000 message.order.items[0].id [core.type]: is the number 42 but core 1.1.0 wants a string: write "42".`}},
		{"one bad file among good ones", "", []string{"validate", valid, numberID}, 1, []string{valid + ": VALID", numberID + ": INVALID"}},
		{"action flag", "", []string{"validate", "--action", "init", valid}, 1, []string{"context.action [core.action]"}},
		{"domain flag", "", []string{"validate", "--domain", "onest:work-opportunities", valid}, 0, []string{"(select, onest:work-opportunities)"}},
		{"wrapper callbacks", "", []string{"validate", wrapper}, 1,
			[]string{wrapper + " responses[0]: VALID (on_select", wrapper + " responses[1]: INVALID (on_select", `context.action is "on_comfirm" but the message is for /on_select`}},
		{"good wrapper", "", []string{"validate", goodWrapper}, 0, []string{goodWrapper + " responses[0]: VALID"}},
		{"not JSON", "", []string{"validate", notJSON}, 2, []string{notJSON + ": UNREADABLE: not valid JSON"}},
		{"missing file wins over invalid", "", []string{"validate", numberID, missing}, 2, []string{numberID + ": INVALID", missing + ": UNREADABLE"}},
		{"no file", "", []string{"validate"}, 2, nil},
		{"bad format", "", []string{"validate", "--format", "xml", valid}, 2, nil},
		{"unknown action", "", []string{"validate", "--action", "buy", valid}, 2, nil},
		{"unknown domain", "", []string{"validate", "--domain", "dsep:student-connect", valid}, 2, nil},
		{"stdin twice", "", []string{"validate", "-", "-"}, 2, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runSigningCLI(t, c.stdin, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestValidateJSONOutput(t *testing.T) {
	numberID := writeTemp(t, "number.json", strings.Replace(cliValidSelect, `"id": "course-1"`, `"id": 42`, 1))
	code, out, _ := runSigningCLI(t, "", "validate", "--format", "json", numberID)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var doc struct {
		Valid   bool
		Results []struct {
			File, Action, Domain string
			Valid                bool
			Errors               int
			Findings             []struct{ Path, Rule, Severity, Code, Message string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if doc.Valid || len(doc.Results) != 1 {
		t.Fatalf("unexpected document %+v", doc)
	}
	r := doc.Results[0]
	if r.File != numberID || r.Action != "select" || r.Domain != "onest:learning-experiences" || r.Valid || r.Errors != 1 {
		t.Errorf("unexpected result %+v", r)
	}
	if len(r.Findings) != 1 || r.Findings[0].Path != "message.order.items[0].id" || r.Findings[0].Rule != "core.type" ||
		r.Findings[0].Severity != "error" || r.Findings[0].Code != "30000" {
		t.Errorf("unexpected findings %+v", r.Findings)
	}

	missing := filepath.Join(t.TempDir(), "nope.json")
	code, out, _ = runSigningCLI(t, "", "validate", "--format", "json", missing)
	if code != 2 || !strings.Contains(out, `"error": "reading the body`) {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

// contextOf returns the context object of a message as JSON.
func contextOf(t *testing.T, body string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	return string(m["context"])
}
