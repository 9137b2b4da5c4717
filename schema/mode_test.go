package schema

import (
	"strings"
	"testing"
)

func TestParseMode(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Mode
		ok   bool
	}{
		{"off", ModeOff, true}, {"warn", ModeWarn, true}, {"strict", ModeStrict, true},
		{"STRICT", ModeOff, false}, {"", ModeOff, false}, {"on", ModeOff, false},
	} {
		got, err := ParseMode(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseMode(%q) = %v, %v", c.in, got, err)
		}
		if c.ok && got.String() != c.in {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
	var m Mode
	if err := m.UnmarshalText([]byte("warn")); err != nil || m != ModeWarn {
		t.Errorf("UnmarshalText = %v, %v", m, err)
	}
	if err := m.UnmarshalText([]byte("loud")); err == nil {
		t.Error("UnmarshalText accepted an unknown mode")
	}
	if b, _ := ModeStrict.MarshalText(); string(b) != "strict" {
		t.Errorf("MarshalText = %q", b)
	}
}

func TestModeRejects(t *testing.T) {
	bad := Result{Findings: []Finding{{Severity: SeverityWarning}, {Severity: SeverityError, Code: "30000", Path: "context", Message: "m"}}}
	good := Result{Findings: []Finding{{Severity: SeverityWarning}, {Severity: SeverityInfo}}}
	for _, c := range []struct {
		m    Mode
		r    Result
		want bool
	}{
		{ModeStrict, bad, true}, {ModeStrict, good, false}, {ModeWarn, bad, false}, {ModeOff, bad, false},
	} {
		if got := c.m.Rejects(c.r); got != c.want {
			t.Errorf("%v.Rejects = %v, want %v", c.m, got, c.want)
		}
	}
	code, paths, message, ok := bad.NackError()
	if !ok || code != "30000" || paths != "context" || message != "m" {
		t.Errorf("NackError = %q %q %q %v", code, paths, message, ok)
	}
	if _, _, _, ok := good.NackError(); ok {
		t.Error("NackError on a result without errors")
	}
	if bad.Count(SeverityWarning) != 1 || good.Count(SeverityError) != 0 {
		t.Error("Count miscounts")
	}
}

func TestDomainCodes(t *testing.T) {
	// Pinned: the beckn package defines the same strings.
	for in, want := range map[string]string{
		"onest:learning-experiences": DomainLearning, "onest:courses": DomainLearning, "dsep:courses": DomainLearning,
		"dsep:scholarships": DomainFinancial, "onest:financial-support": DomainFinancial,
		"dsep:jobs": DomainWork, "onest:work-opportunities": DomainWork,
		"dsep:mentoring": DomainExpert, "onest:expert-connect": DomainExpert,
	} {
		if got, ok := NormalizeDomain(in); !ok || got != want {
			t.Errorf("NormalizeDomain(%q) = %q, %v", in, got, ok)
		}
	}
	for in, want := range map[string]string{"{{onest_learning_experiences}}": DomainLearning, " ONEST:Expert-Connect ": DomainExpert} {
		if got, ok := NormalizeDomain(in); !ok || got != want {
			t.Errorf("NormalizeDomain(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"dsep:student-connect", "nic2004:74910", "{{domain}}", ""} {
		if got, ok := NormalizeDomain(in); ok || got != strings.TrimSpace(in) {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want it back, unknown", in, got, ok)
		}
	}
	if DomainLearning != "onest:learning-experiences" || DomainWork != "onest:work-opportunities" ||
		DomainFinancial != "onest:financial-support" || DomainExpert != "onest:expert-connect" {
		t.Error("domain constants changed")
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{Path: "message.order.id", Rule: "onest.mandatory", Severity: SeverityError, Code: "30000", Message: "id is mandatory."}
	if got, want := f.String(), "error 30000 message.order.id [onest.mandatory]: id is mandatory."; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (Finding{Severity: SeverityInfo, Code: "30000", Rule: "r", Message: "m"}).String(); got != "info 30000 (body) [r]: m" {
		t.Errorf("String() without path = %q", got)
	}
}
