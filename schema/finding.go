package schema

import "strings"

// Severity ranks a finding. Only errors make a message invalid: warnings are
// deviations Seeker tolerates (lower-case enums, legacy codes) and info notes
// things a developer may want to know (tags outside ONEST's recommended list).
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Beckn / ONEST error codes the validator reports (BECKN-005, ONEST-004).
// They are plain strings because the Beckn Error object carries the code as
// a string; the beckn package may later own the full table.
const (
	CodeInvalidRequest      = "30000" // generic invalid request: every structural finding
	CodeProviderMismatch    = "30016" // callback provider differs from the request
	CodeItemMismatch        = "30017" // callback items differ from the request
	CodeFulfillmentMismatch = "30018" // callback fulfillments differ from the request
)

// Finding is one problem (or note) about a payload. Path is a JSON path into
// the message such as message.order.items[0].id ("" for the whole body);
// Rule names the check (core.* for Beckn core 1.1.0 structure, onest.* for
// ONEST network policy, cross.* for request/callback consistency, json.* for
// syntax); Message says what is wrong and what would be right.
type Finding struct {
	Path     string   `json:"path"`
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
}

// Result is the outcome of validating one message.
type Result struct {
	// Action is the action the message was validated as (the endpoint's, or
	// context.action when none was given).
	Action string `json:"action,omitempty"`
	// Domain is the ONEST domain whose policy applied, after legacy codes
	// were mapped; "" when no ONEST policy applied.
	Domain   string    `json:"domain,omitempty"`
	Findings []Finding `json:"findings"`
	// notJSON is set when the body did not parse (Findings then holds the
	// one json.syntax finding).
	notJSON bool
}

// NotJSON reports whether the body was not JSON at all. The parser accepts
// what encoding/json accepts, so a receiver that validates every message can
// take this as its well-formedness check instead of scanning the body again.
func (r Result) NotJSON() bool { return r.notJSON }

// HasErrors reports whether any finding is an error, i.e. whether a strict
// receiver must NACK the message.
func (r Result) HasErrors() bool {
	_, ok := r.FirstError()
	return ok
}

// FirstError returns the first error finding in document order; it is the one
// a NACK carries.
func (r Result) FirstError() (Finding, bool) {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			return f, true
		}
	}
	return Finding{}, false
}

// Count returns how many findings have severity s.
func (r Result) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// NackError returns the fields of the Beckn Error object (code, paths,
// message) for the first error, so the engine can build its NACK with the
// beckn package without schema depending on it. ok is false when the message
// has no error.
func (r Result) NackError() (code, paths, message string, ok bool) {
	f, ok := r.FirstError()
	if !ok {
		return "", "", "", false
	}
	return f.Code, f.Path, f.Message, true
}

// String renders a finding on one line for logs and the CLI.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(string(f.Severity))
	b.WriteString(" ")
	b.WriteString(f.Code)
	b.WriteString(" ")
	if f.Path != "" {
		b.WriteString(f.Path)
	} else {
		b.WriteString("(body)")
	}
	b.WriteString(" [")
	b.WriteString(f.Rule)
	b.WriteString("]: ")
	b.WriteString(f.Message)
	return b.String()
}
