package conformance

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

func sampleReport() *Report {
	return &Report{Checks: []Check{
		{BPP: "a.bpp", Domain: "onest:expert-connect", Step: "search", Name: "ack", Status: Pass},
		{BPP: "a.bpp", Domain: "onest:expert-connect", Step: "on_search", Name: "payload", Status: Warn, Reason: "1 warnings: x"},
		{BPP: "b.bpp", Domain: "onest:expert-connect", Step: "on_search", Name: "callback", Status: Fail, Reason: "no on_search within the ttl <&>"},
		{BPP: "b.bpp", Domain: "onest:expert-connect", Step: "rating", Name: "consistency", Status: Skip, Reason: "no categories"},
	}}
}

func TestReportFormats(t *testing.T) {
	r := sampleReport()
	if !r.Failed() || r.Count(Pass) != 1 || r.Count(Warn) != 1 || len(r.Find("b.bpp", "", "")) != 2 {
		t.Fatalf("counts of %+v", r)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a.bpp (onest:expert-connect)", "FAIL on_search", "no on_search within the ttl", "4 checks: 1 passed, 1 warnings, 1 failed, 1 skipped"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Checks   []Check `json:"checks"`
		Failures int     `json:"failures"`
		OK       bool    `json:"ok"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil || len(doc.Checks) != 4 || doc.Failures != 1 || doc.OK {
		t.Errorf("JSON report %s: %v", js.String(), err)
	}
	var ju bytes.Buffer
	if err := r.WriteJUnit(&ju); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Cases    []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(ju.Bytes(), &suites); err != nil {
		t.Fatalf("JUnit report is not XML: %v\n%s", err, ju.String())
	}
	if len(suites.Suites) != 2 || suites.Suites[1].Failures != 1 || suites.Suites[1].Skipped != 1 || suites.Suites[0].Tests != 2 ||
		suites.Suites[1].Cases[0].Failure == nil || suites.Suites[1].Cases[0].Failure.Message != "no on_search within the ttl <&>" {
		t.Errorf("JUnit report:\n%s", ju.String())
	}
}
