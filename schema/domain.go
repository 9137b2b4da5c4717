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
// real logs to the ONEST domain they mean (onest-domain.md §2.2; the same
// list as beckn's). Seeker accepts them on input with a warning and never
// sends them.
var legacyDomains = map[string]string{
	"onest:courses":             DomainLearning,
	"dsep:courses":              DomainLearning,
	"dsep:learning-experiences": DomainLearning,
	"dsep:jobs":                 DomainWork,
	"dsep:work-opportunities":   DomainWork,
	"dsep:scholarships":         DomainFinancial,
	"dsep:financial-support":    DomainFinancial,
	"dsep:mentoring":            DomainExpert,
	"dsep:expert-connect":       DomainExpert,
}

// placeholderDomains are unresolved Postman variables found in real logs.
// They are errors, but it is clear which domain was meant, so that domain's
// policy still applies and the developer sees every other finding too.
var placeholderDomains = map[string]string{
	"{{onest_learning_experiences}}": DomainLearning,
	"{{onest_work_opportunities}}":   DomainWork,
	"{{onest_financial_support}}":    DomainFinancial,
	"{{onest_expert_connect}}":       DomainExpert,
}

// domainKind says how a context.domain relates to the ONEST codes.
type domainKind uint8

const (
	domainUnknown     domainKind = iota
	domainCanonical              // exactly an ONEST code
	domainCase                   // an ONEST code in another case or with spaces
	domainLegacy                 // a legacy alias
	domainPlaceholder            // an unresolved {{variable}}
)

// classifyDomain returns the ONEST code s stands for ("" if none) and how.
func classifyDomain(s string) (string, domainKind) {
	if code, ok := canonicalDomain(s); ok {
		return code, domainCanonical
	}
	t := strings.ToLower(strings.TrimSpace(s))
	if code, ok := canonicalDomain(t); ok {
		return code, domainCase
	}
	if c, ok := legacyDomains[t]; ok {
		return c, domainLegacy
	}
	if c, ok := placeholderDomains[t]; ok {
		return c, domainPlaceholder
	}
	return "", domainUnknown
}

// canonicalDomain returns the ONEST code s spells exactly. The code returned
// is the constant, not s, so s may be borrowed bytes.
func canonicalDomain(s string) (string, bool) {
	for _, d := range onestDomains {
		if s == d {
			return d, true
		}
	}
	return "", false
}

// NormalizeDomain maps an ONEST domain code, a legacy alias or a known
// unresolved Postman variable to the ONEST code, as beckn.NormalizeDomain
// does; for anything else it returns s trimmed and known false
// (dsep:student-connect, nic2004:..., typos).
func NormalizeDomain(s string) (code string, known bool) {
	if c, _ := classifyDomain(s); c != "" {
		return c, true
	}
	return strings.TrimSpace(s), false
}
