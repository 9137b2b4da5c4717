package schema

import (
	"fmt"
	"strings"
)

// envelopeMembers are the members core defines at the top of a body.
var envelopeMembers = []string{"context", "error", "message"}

// message validates the whole body in t: envelope, context, the message
// shape of the action, then the ONEST policy of the domain.
func (w *walker) message(action string, o options) {
	t := w.t
	if t.nodes[0].kind != kObject {
		w.add("", "core.type", SeverityError, CodeInvalidRequest, fmt.Sprintf(
			"The body is %s; a Beckn message is an object {\"context\": ..., \"message\": ...}.", article(t.nodes[0].kind)))
		return
	}
	if t.badUTF8 {
		w.add("", "json.utf8", SeverityWarning, CodeInvalidRequest,
			"Some strings are not valid UTF-8; they were read with U+FFFD in place of the bad bytes. Send UTF-8.")
	}
	ctx := t.member(0, "context")
	ctxAction := ""
	if a := t.member(ctx, "action"); a >= 0 && t.nodes[a].kind == kString {
		ctxAction = action // the usual case, kept without copying the text
		if string(t.bytes(a)) != action {
			ctxAction = t.text(a)
		}
	}

	// Which endpoint's rules apply.
	w.action = action
	if action == "" {
		w.action = ctxAction
	}
	w.spec = w.v.actions[w.action]
	switch {
	case action != "" && w.spec == nil:
		w.add("", "core.action", SeverityError, CodeInvalidRequest, fmt.Sprintf(
			"%q is not a Beckn core 1.1.0 action%s.", action, didYouMean(action, w.v.names)))
	case action == "" && ctxAction == "":
		// Reported below by the context checks (context or context.action missing).
	case action == "" && w.spec == nil:
		w.add("context.action", "core.action", SeverityError, CodeInvalidRequest, fmt.Sprintf(
			"%q is not a Beckn core 1.1.0 action%s.", ctxAction, didYouMean(ctxAction, w.v.names)))
	case action != "" && ctxAction != "" && ctxAction != action:
		w.add("context.action", "core.action", SeverityError, CodeInvalidRequest, fmt.Sprintf(
			"context.action is %q but the message is for /%s; they must be the same.", ctxAction, action))
	}

	// Which domain's policy applies.
	if o.domain != "" {
		w.domain, _ = classifyDomain(o.domain)
	} else {
		w.domain = w.checkDomain(ctx)
	}
	w.pol = w.v.policies[w.domain]

	// Envelope.
	if ctx < 0 {
		w.add("context", "core.required", SeverityError, CodeInvalidRequest, "context is required in every Beckn message.")
	}
	msg := t.member(0, "message")
	errNode := t.member(0, "error")
	w.checkDuplicates(0)
	for c := t.nodes[0].first; c >= 0; c = t.nodes[c].next {
		w.push(c)
		switch {
		case t.keyIs(c, "context"):
			w.walk(c, w.v.types["Context"])
			w.checkContextAction(c)
		case t.keyIs(c, "message"):
			if w.spec != nil && w.spec.msg != nil {
				w.walk(c, w.spec.msg)
			} else if t.nodes[c].kind != kObject {
				w.typeError(c, &typ{kind: tFree})
			}
		case t.keyIs(c, "error"):
			w.walk(c, w.v.types["Error"])
		case t.keyIs(c, "responses"):
			w.here("core.envelope", SeverityError, CodeInvalidRequest,
				"responses[] is the protocol server's client wrapper, not a Beckn message; validate each entry of responses on its own (seeker validate does this).")
		default:
			name := t.key(c)
			if s := suggest(name, envelopeMembers); s != "" {
				w.here("core.unknown-member", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
					"%s is not a member of a Beckn message; did you mean %s?", name, s))
			}
		}
		w.pop()
	}
	if w.spec != nil && msg < 0 {
		switch {
		case w.spec.messageRequired:
			w.add("message", "core.required", SeverityError, CodeInvalidRequest, fmt.Sprintf(
				"message is required in %s.", w.action))
		case w.spec.callback && errNode < 0:
			w.add("message", "onest.empty-callback", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
				"%s carries neither message nor error; a callback should answer with one of them.", w.action))
		}
	}
	if errNode >= 0 && t.nodes[errNode].kind == kObject {
		code := t.text(t.member(errNode, "code"))
		w.add("error", "core.error", SeverityInfo, CodeInvalidRequest, fmt.Sprintf(
			"The sender reports error %s: %s", orDash(code), orDash(t.text(t.member(errNode, "message")))))
	}
	if w.pol != nil && ctx >= 0 {
		w.checkContextPolicy(ctx)
	}
	if w.pol != nil && w.spec != nil && msg >= 0 {
		w.checkMandatory(msg)
	}
	if msg >= 0 && t.nodes[msg].kind == kObject {
		w.checkReferences(msg)
	}
	if w.dropped > 0 {
		w.findings = append(w.findings, Finding{Rule: "report.truncated", Severity: SeverityInfo, Code: CodeInvalidRequest,
			Message: fmt.Sprintf("%d further findings were not listed; fix the ones above first.", w.dropped)})
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func didYouMean(s string, names []string) string {
	if m := suggest(s, names); m != "" {
		return "; did you mean " + m + "?"
	}
	return ""
}

// checkContextAction applies the endpoint's pin on context.action: core
// requires it on every path but search (where it is only constrained when
// present).
func (w *walker) checkContextAction(ctx int32) {
	if w.t.nodes[ctx].kind != kObject {
		return
	}
	if w.t.member(ctx, "action") < 0 && (w.spec == nil || w.action != "search") {
		want := "the endpoint's action"
		if w.action != "" {
			want = fmt.Sprintf("%q", w.action)
		}
		w.add(w.pathString("action"), "core.required", SeverityError, CodeInvalidRequest,
			"context.action is required; set it to "+want+".")
	}
}

// checkDomain reads context.domain, reports legacy or unknown codes and
// returns the ONEST domain whose policy applies ("" for none).
func (w *walker) checkDomain(ctx int32) string {
	d := w.t.member(ctx, "domain")
	if d < 0 {
		return "" // reported with the other mandatory context fields
	}
	if w.t.nodes[d].kind != kString {
		w.add("context.domain", "onest.domain", SeverityError, CodeInvalidRequest,
			"context.domain must be a string naming an ONEST domain, e.g. \"onest:learning-experiences\".")
		return ""
	}
	if code, ok := canonicalDomain(string(w.t.bytes(d))); ok {
		return code // the usual case, decided without copying the text
	}
	s := w.t.text(d)
	code, k := classifyDomain(s)
	switch k {
	case domainCanonical:
	case domainCase:
		w.add("context.domain", "onest.domain-legacy", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
			"%q should be written %q.", s, code))
	case domainLegacy:
		w.add("context.domain", "onest.domain-legacy", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
			"%q is a legacy domain code; ONEST uses %q. Accepted on input, never sent by Seeker.", s, code))
	case domainPlaceholder:
		w.add("context.domain", "onest.placeholder", SeverityError, CodeInvalidRequest, fmt.Sprintf(
			"%q is an unresolved template variable; write %q.", s, code))
	default:
		if strings.Contains(s, "{{") {
			w.add("context.domain", "onest.placeholder", SeverityError, CodeInvalidRequest, fmt.Sprintf(
				"%q is an unresolved template variable; use one of %s.", s, strings.Join(onestDomains, ", ")))
		} else {
			w.add("context.domain", "onest.domain", SeverityError, CodeInvalidRequest, fmt.Sprintf(
				"%q is not an ONEST domain; use one of %s.", s, strings.Join(onestDomains, ", ")))
		}
	}
	return code
}

var onestDomains = []string{DomainLearning, DomainWork, DomainFinancial, DomainExpert}
