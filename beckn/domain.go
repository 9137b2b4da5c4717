package beckn

import "strings"

// The four ONEST domain codes, exactly as core 1.1.0 messages must carry
// them in context.domain.
const (
	DomainLearning  = "onest:learning-experiences"
	DomainWork      = "onest:work-opportunities"
	DomainFinancial = "onest:financial-support"
	DomainExpert    = "onest:expert-connect"
)

// Domains lists the ONEST domains in the order the product shows them.
func Domains() []string {
	return []string{DomainLearning, DomainWork, DomainFinancial, DomainExpert}
}

var domainNames = map[string]string{
	DomainLearning:  "Learning Experiences",
	DomainWork:      "Work Opportunities",
	DomainFinancial: "Financial Support",
	DomainExpert:    "Expert Connect",
}

// DomainName returns the human name ONEST uses for a domain ("Learning
// Experiences"), the folder names of the verification-logs layout. Legacy
// codes are normalised first; an unknown code returns "".
func DomainName(code string) string {
	c, _ := NormalizeDomain(code)
	return domainNames[c]
}

// legacyDomains maps codes seen in DSEP examples, old Postman collections
// and real logs (reference/onest-domain.md §2.2) to the ONEST code. The
// unresolved Postman variables are included because real verification logs
// carry them; mapping them is safer than dropping a provider's answer.
var legacyDomains = map[string]string{
	"onest:courses":                  DomainLearning,
	"dsep:courses":                   DomainLearning,
	"dsep:learning-experiences":      DomainLearning,
	"{{onest_learning_experiences}}": DomainLearning,
	"dsep:jobs":                      DomainWork,
	"dsep:work-opportunities":        DomainWork,
	"{{onest_work_opportunities}}":   DomainWork,
	"dsep:scholarships":              DomainFinancial,
	"dsep:financial-support":         DomainFinancial,
	"{{onest_financial_support}}":    DomainFinancial,
	"dsep:mentoring":                 DomainExpert,
	"dsep:expert-connect":            DomainExpert,
	"{{onest_expert_connect}}":       DomainExpert,
}

// NormalizeDomain maps a context.domain as received to the ONEST code:
// known reports whether s is an ONEST code or a recognised legacy alias. For
// an unknown domain it returns s trimmed and false, so the caller can still
// log what was sent. Matching ignores case and surrounding spaces.
func NormalizeDomain(s string) (code string, known bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	if _, ok := domainNames[t]; ok {
		return t, true
	}
	if c, ok := legacyDomains[t]; ok {
		return c, true
	}
	return strings.TrimSpace(s), false
}
