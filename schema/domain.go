package schema

import "strings"

// ONEST domain codes. The beckn package will own the same constants
// (beckn.DomainLearning, ...); schema keeps its own copy so the two packages
// can be built independently, and a test pins the strings.
const (
	DomainLearning  = "onest:learning-experiences"
	DomainWork      = "onest:work-opportunities"
	DomainFinancial = "onest:financial-support"
	DomainExpert    = "onest:expert-connect"
)

// legacyDomains maps codes seen in DSEP examples, sandbox collections and
// real logs to the ONEST domain they mean (onest-domain.md §2.2). Seeker
// accepts them on input with a warning and never sends them.
var legacyDomains = map[string]string{
	"onest:courses":      DomainLearning,
	"dsep:courses":       DomainLearning,
	"dsep:scholarships":  DomainFinancial,
	"onest:scholarships": DomainFinancial,
	"dsep:jobs":          DomainWork,
	"onest:jobs":         DomainWork,
	"dsep:mentoring":     DomainExpert,
	"onest:mentoring":    DomainExpert,
	"dsep:mentorship":    DomainExpert,
}

// normalizeDomain returns the ONEST code for s and whether s was already
// that code; code is "" when s is neither an ONEST code nor a known alias.
func normalizeDomain(s string) (code string, canonical bool) {
	switch s {
	case DomainLearning, DomainWork, DomainFinancial, DomainExpert:
		return s, true
	}
	if c, ok := legacyDomains[strings.ToLower(strings.TrimSpace(s))]; ok {
		return c, false
	}
	return "", false
}

// NormalizeDomain maps an ONEST domain code or a legacy alias to the ONEST
// code; known is false for anything else (dsep:student-connect, nic2004:...,
// unresolved {{...}} Postman variables).
func NormalizeDomain(s string) (code string, known bool) {
	c, _ := normalizeDomain(s)
	return c, c != ""
}
