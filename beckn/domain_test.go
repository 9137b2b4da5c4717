package beckn

import "testing"

func TestNormalizeDomain(t *testing.T) {
	tests := []struct {
		in, code string
		known    bool
	}{
		{DomainLearning, DomainLearning, true},
		{DomainWork, DomainWork, true},
		{DomainFinancial, DomainFinancial, true},
		{DomainExpert, DomainExpert, true},
		{"dsep:courses", DomainLearning, true},
		{"onest:courses", DomainLearning, true},
		{"dsep:scholarships", DomainFinancial, true},
		{"dsep:mentoring", DomainExpert, true},
		{"dsep:jobs", DomainWork, true},
		{"{{onest_learning_experiences}}", DomainLearning, true},
		{"{{onest_financial_support}}", DomainFinancial, true},
		{" ONEST:Work-Opportunities ", DomainWork, true},
		{"dsep:student-connect", "dsep:student-connect", false},
		{"nic2004:74910", "nic2004:74910", false},
		{"ONDC:ONEST10", "ONDC:ONEST10", false},
		{"", "", false},
	}
	for _, tt := range tests {
		code, known := NormalizeDomain(tt.in)
		if code != tt.code || known != tt.known {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q, %v", tt.in, code, known, tt.code, tt.known)
		}
	}
}

func TestDomainNames(t *testing.T) {
	want := []string{"Learning Experiences", "Work Opportunities", "Financial Support", "Expert Connect"}
	for i, d := range Domains() {
		if got := DomainName(d); got != want[i] {
			t.Errorf("DomainName(%q) = %q, want %q", d, got, want[i])
		}
	}
	if DomainName("dsep:scholarships") != "Financial Support" || DomainName("x:y") != "" {
		t.Error("DomainName must normalise legacy codes and return empty for unknown ones")
	}
}
