package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Status is the verdict of one check.
type Status string

// Verdicts. Only fail makes a run fail; warn is for what real providers do
// and a reviewer should see (findings of the ONEST policy, slow answers).
const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Check is one verdict with its reason.
type Check struct {
	BPP    string `json:"bpp"`
	Domain string `json:"domain"`
	// Step is the API call checked (search, on_search, xinput-1, ...).
	Step string `json:"step"`
	// Name is what was checked: ack, callback, signature, payload,
	// consistency, form.
	Name   string `json:"check"`
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
	// TransactionID lets a reviewer find the messages in Seeker.
	TransactionID string `json:"transaction_id,omitempty"`
}

// Report is the outcome of a run.
type Report struct {
	Checks []Check `json:"checks"`
}

// Failed says whether any check failed.
func (r *Report) Failed() bool { return r.Count(Fail) > 0 }

// Count returns how many checks have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == s {
			n++
		}
	}
	return n
}

// Find returns the checks of a BPP whose step and name match (empty
// matches anything).
func (r *Report) Find(bpp, step, name string) []Check {
	var out []Check
	for _, c := range r.Checks {
		if (bpp == "" || c.BPP == bpp) && (step == "" || c.Step == step) && (name == "" || c.Name == name) {
			out = append(out, c)
		}
	}
	return out
}

// WriteText writes one line per check and a summary.
func (r *Report) WriteText(w io.Writer) error {
	bpp := ""
	for _, c := range r.Checks {
		if c.BPP != bpp {
			bpp = c.BPP
			fmt.Fprintf(w, "\n%s (%s)\n", c.BPP, c.Domain)
		}
		line := fmt.Sprintf("  %-4s %-24s %-12s", strings.ToUpper(string(c.Status)), c.Step, c.Name)
		if c.Reason != "" {
			line += " " + c.Reason
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	_, err := fmt.Fprintf(w, "\n%d checks: %d passed, %d warnings, %d failed, %d skipped\n",
		len(r.Checks), r.Count(Pass), r.Count(Warn), r.Count(Fail), r.Count(Skip))
	return err
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		*Report
		Passed   int  `json:"passed"`
		Warnings int  `json:"warnings"`
		Failures int  `json:"failures"`
		OK       bool `json:"ok"`
	}{r, r.Count(Pass), r.Count(Warn), r.Count(Fail), !r.Failed()})
}

// WriteJUnit writes a JUnit XML report (one test suite per BPP), which CI
// systems display; warnings are passing tests with a system-out note.
func (r *Report) WriteJUnit(w io.Writer) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string    `xml:"name,attr"`
		Classname string    `xml:"classname,attr"`
		Failure   *failure  `xml:"failure,omitempty"`
		Skipped   *struct{} `xml:"skipped,omitempty"`
		SystemOut string    `xml:"system-out,omitempty"`
	}
	type suite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Skipped  int        `xml:"skipped,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	var suites []*suite
	byBPP := map[string]*suite{}
	for _, c := range r.Checks {
		s := byBPP[c.BPP]
		if s == nil {
			s = &suite{Name: c.BPP + " (" + c.Domain + ")"}
			byBPP[c.BPP] = s
			suites = append(suites, s)
		}
		tc := testcase{Name: c.Step + " " + c.Name, Classname: c.BPP}
		switch c.Status {
		case Fail:
			tc.Failure = &failure{Message: c.Reason, Text: c.Reason}
			s.Failures++
		case Skip:
			tc.Skipped = &struct{}{}
			tc.SystemOut = c.Reason
			s.Skipped++
		case Warn:
			tc.SystemOut = "warning: " + c.Reason
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(struct {
		XMLName xml.Name `xml:"testsuites"`
		Suites  []*suite `xml:"testsuite"`
	}{Suites: suites}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
