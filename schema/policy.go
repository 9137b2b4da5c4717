package schema

import (
	"bytes"
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// policy is the compiled ONEST policy of one domain: enums of network-defined
// codes, recommended tags and mandatory fields per action.
type policy struct {
	domain           string
	states           []string // fulfillment state codes
	fulfillmentTypes []string
	stopTypes        []string
	tags             *nameIndex[*nameIndex[struct{}]] // group code → tag codes; nil: no published list
	mandatory        map[string]*mandatoryPaths       // action → requirements on message
	context          map[string][]string              // action → extra mandatory context members
}

// requirement is one mandatory field: alternatives of paths, satisfied when
// any one alternative is fully present.
type requirement struct {
	alts [][]step
}

// step is one member of a mandatory path; array means "every element of a
// non-empty array"; any lists alternative member names for a final step
// ("phone|email": at least one of them).
type step struct {
	name  string
	array bool
	any   []string
}

// parseRequirement reads "order.items[].id", "a.b|c" (either final member)
// and "x.y or z.y" (either path).
func parseRequirement(s string) (requirement, error) {
	var r requirement
	for _, alt := range strings.Split(s, " or ") {
		var steps []step
		parts := strings.Split(strings.TrimSpace(alt), ".")
		for k, p := range parts {
			st := step{name: p}
			if strings.HasSuffix(p, "[]") {
				st.name, st.array = strings.TrimSuffix(p, "[]"), true
			}
			if strings.Contains(st.name, "|") {
				if k != len(parts)-1 {
					return r, fmt.Errorf("%q: alternatives only in the last member", s)
				}
				st.any = strings.Split(st.name, "|")
			}
			if st.name == "" {
				return r, fmt.Errorf("%q: empty member", s)
			}
			steps = append(steps, st)
		}
		r.alts = append(r.alts, steps)
	}
	return r, nil
}

// mandatoryPaths are the requirements of one action with their paths merged
// by common prefix, so that one pass over a catalogue checks every item's
// id, name and price together instead of walking the items once per field.
type mandatoryPaths struct {
	steps []*mandatoryStep // the members required in message
	alts  []uint64         // per requirement, the bits of its alternatives
}

// mandatoryStep is one member on the merged paths: every alternative whose
// path goes through it (or ends at it) fails when it is missing, and the
// steps of those that go on are checked below it.
type mandatoryStep struct {
	step
	through []altRef
	next    []*mandatoryStep
}

// altRef names one alternative of a requirement; bit is its own.
type altRef struct {
	req   int
	first bool // the alternative reported when no alternative is present
	bit   uint64
}

// maxMandatoryPaths bounds an action's alternatives to the bits of
// mandatoryPass.failed.
const maxMandatoryPaths = 64

func mergeRequirements(reqs []requirement) (*mandatoryPaths, error) {
	m := &mandatoryPaths{alts: make([]uint64, len(reqs))}
	n := 0
	for r, req := range reqs {
		for a, alt := range req.alts {
			if n == maxMandatoryPaths {
				return nil, fmt.Errorf("more than %d mandatory paths", maxMandatoryPaths)
			}
			ref := altRef{req: r, first: a == 0, bit: 1 << n}
			n++
			m.alts[r] |= ref.bit
			level := &m.steps
			for _, st := range alt {
				var at *mandatoryStep
				for _, s := range *level {
					if s.name == st.name && s.array == st.array {
						at = s
						break
					}
				}
				if at == nil {
					at = &mandatoryStep{step: st}
					*level = append(*level, at)
				}
				at.through = append(at.through, ref)
				level = &at.next
			}
		}
	}
	return m, nil
}

func compilePolicies() (map[string]*policy, error) {
	out := map[string]*policy{}
	for _, d := range domainPolicies {
		p := &policy{domain: d.domain, states: d.states, fulfillmentTypes: d.fulfillmentTypes,
			stopTypes: d.stopTypes, mandatory: map[string]*mandatoryPaths{}, context: d.context}
		if d.tags != nil {
			p.tags = &nameIndex[*nameIndex[struct{}]]{}
			for group, codes := range d.tags {
				set := &nameIndex[struct{}]{}
				for _, c := range strings.Fields(codes) {
					set.add(c, struct{}{})
				}
				p.tags.add(group, set)
			}
		}
		for action, lines := range d.mandatory {
			var reqs []requirement
			for _, line := range strings.Split(strings.TrimSpace(lines), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				r, err := parseRequirement(line)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", d.domain, action, err)
				}
				reqs = append(reqs, r)
			}
			m, err := mergeRequirements(reqs)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", d.domain, action, err)
			}
			p.mandatory[action] = m
		}
		out[d.domain] = p
	}
	return out, nil
}

// contextMandatory are the context members every ONEST message carries; the
// bpp ones are added for every action except search (onest-domain.md §2.1),
// so contextMandatoryBPP is the list of every other action.
var (
	contextMandatory    = []string{"domain", "action", "version", "bap_id", "bap_uri", "transaction_id", "message_id", "timestamp"}
	contextMandatoryBPP = append(contextMandatory[:len(contextMandatory):len(contextMandatory)], "bpp_id", "bpp_uri")
)

// checkContextPolicy applies the ONEST rules on context.
func (w *walker) checkContextPolicy(ctx int32) {
	t := w.t
	if t.nodes[ctx].kind != kObject {
		return
	}
	need := contextMandatoryBPP
	if w.action == "search" {
		need = contextMandatory
	}
	for _, list := range [][]string{need, w.pol.context[w.action]} {
		for _, m := range list {
			if m == "action" && w.action != "search" {
				continue // core requires it on every other endpoint: reported as core.required
			}
			if w.missing(t.member(ctx, m)) {
				w.add("context."+m, "onest.mandatory", SeverityError, CodeInvalidRequest, fmt.Sprintf(
					"context.%s is mandatory in every ONEST %s message.", m, orDash(w.action)))
			}
		}
	}
	if v := t.member(ctx, "version"); v >= 0 && t.nodes[v].kind == kString && string(t.bytes(v)) != "1.1.0" {
		w.add("context.version", "onest.version", SeverityError, CodeInvalidRequest, fmt.Sprintf(
			"context.version is %q; ONEST runs Beckn core \"1.1.0\" (DSEP versions such as 0.7.0 do not belong here).", t.text(v)))
	}
	for c := t.nodes[ctx].first; c >= 0; c = t.nodes[c].next {
		if t.nodes[c].kind == kString && bytes.Contains(t.bytes(c), []byte("{{")) && !t.keyIs(c, "domain") {
			key := t.key(c)
			w.add("context."+key, "onest.placeholder", SeverityError, CodeInvalidRequest, fmt.Sprintf(
				"context.%s is %q, an unresolved template variable; substitute the real value.", key, t.text(c)))
		}
	}
}

// missing reports whether a mandatory value is absent or empty.
func (w *walker) missing(i int32) bool {
	if i < 0 {
		return true
	}
	n := &w.t.nodes[i]
	switch n.kind {
	case kNull:
		return true
	case kString:
		return n.end == n.start
	case kArray, kObject:
		return n.first < 0
	}
	return false
}

// checkMandatory applies the domain's mandatory fields of the action in one
// pass over the message (see mandatoryPaths), then reports what is missing
// requirement by requirement, as the published list orders them.
func (w *walker) checkMandatory(msg int32) {
	m := w.pol.mandatory[w.action]
	if m == nil || w.t.nodes[msg].kind != kObject {
		return
	}
	w.path = append(w.path[:0], seg{node: msg, index: -1})
	var pass mandatoryPass
	w.requireSteps(&pass, msg, m.steps)
	w.path = w.path[:0]
	if len(pass.found) == 0 {
		return
	}
	// Within one requirement the pass met its findings in document order;
	// a stable sort puts the requirements in their published order.
	slices.SortStableFunc(pass.found, func(a, b reqFinding) int { return cmp.Compare(a.req, b.req) })
	before := len(w.findings)
	for _, f := range pass.found {
		if alts := m.alts[f.req]; bits.OnesCount64(alts) > 1 && alts&^pass.failed != 0 {
			continue // another alternative of the requirement is present
		}
		w.add(f.Path, f.Rule, f.Severity, f.Code, f.Message)
	}
	w.findings = append(w.findings[:before], dedupe(w.findings[before:])...)
}

// mandatoryPass is one check of an action's mandatory paths: which
// alternatives failed anywhere, and the findings of the first alternative of
// each requirement (the one reported when none is present).
type mandatoryPass struct {
	failed uint64 // bits of mandatoryStep.through
	found  []reqFinding
}

type reqFinding struct {
	req int
	Finding
}

// requireSteps checks steps below node i (the current path) for pass.
func (w *walker) requireSteps(pass *mandatoryPass, i int32, steps []*mandatoryStep) {
	t := w.t
	if t.nodes[i].kind != kObject {
		return // a wrong shape is a core finding already
	}
	for _, st := range steps {
		if st.any != nil {
			present := false
			for _, name := range st.any {
				if !w.missing(t.member(i, name)) {
					present = true
					break
				}
			}
			if !present {
				pass.fail(st, w.pathString(), fmt.Sprintf(
					"At least one of %s is mandatory here in ONEST %s (%s).", strings.Join(st.any, ", "), w.action, w.pol.domain))
			}
			continue
		}
		c := t.member(i, st.name)
		if w.missing(c) {
			what := "is mandatory"
			if c >= 0 {
				what = "is empty but mandatory"
			}
			pass.fail(st, w.pathString(st.name), fmt.Sprintf(
				"%s %s in ONEST %s (%s).", st.name, what, w.action, w.pol.domain))
			continue
		}
		if len(st.next) == 0 {
			continue
		}
		w.push(c)
		switch {
		case !st.array:
			w.requireSteps(pass, c, st.next)
		case t.nodes[c].kind == kArray:
			var k int32
			for e := t.nodes[c].first; e >= 0; e = t.nodes[e].next {
				w.pushIndex(k)
				w.requireSteps(pass, e, st.next)
				w.pop()
				k++
			}
		}
		w.pop()
	}
}

// fail records that st is missing at path for every alternative through it.
func (p *mandatoryPass) fail(st *mandatoryStep, path, msg string) {
	for _, a := range st.through {
		p.failed |= a.bit
		if a.first {
			p.found = append(p.found, reqFinding{a.req, Finding{Path: path, Rule: "onest.mandatory",
				Severity: SeverityError, Code: CodeInvalidRequest, Message: msg}})
		}
	}
}

// runHook applies the domain's code lists to an object of a hooked type.
func (w *walker) runHook(h hook, i int32) {
	t := w.t
	switch h {
	case hookPerson:
		w.checkCode(t.member(i, "gender"), "gender", genders)
	case hookFulfillment:
		w.checkCode(t.member(i, "type"), "type", w.pol.fulfillmentTypes)
		if code := t.at(i, "state", "descriptor", "code"); code >= 0 {
			w.checkCode(code, "state.descriptor.code", w.pol.states)
		}
	case hookStop:
		w.checkCode(t.member(i, "type"), "type", w.pol.stopTypes)
	case hookPayment:
		if c := t.member(i, "collected_by"); c >= 0 {
			// Core's description says 'bap'/'bpp', ONEST's enum table says
			// BAP/BPP and its examples use lower case: either case is right.
			s := t.bytes(c)
			if t.nodes[c].kind != kString || !(strings.EqualFold(string(s), "bap") || strings.EqualFold(string(s), "bpp")) {
				w.add(w.pathString("collected_by"), "onest.enum", SeverityError, CodeInvalidRequest, fmt.Sprintf(
					"collected_by is %s; it must be \"bap\" or \"bpp\" (who collects the payment).", w.show(c)))
			}
		}
	case hookTagGroup:
		w.checkTagGroup(i)
	}
}

// genders is ONEST's Person.gender list, the same in every domain.
var genders = []string{"Male", "Female", "Transgender", "Other"}

// checkCode checks a network-defined code against list (skipped when the
// domain publishes none). A value that matches in another case is only a
// warning: ONEST's tables write codes in one case and its own examples in
// another (gender "female", work-opportunities fulfilment types "remote",
// "Onsite"), and receivers compare codes case-insensitively in practice.
func (w *walker) checkCode(i int32, rel string, list []string) {
	if i < 0 || len(list) == 0 || w.t.nodes[i].kind != kString {
		return
	}
	b := w.t.bytes(i)
	for _, v := range list {
		if string(b) == v {
			return
		}
	}
	s := string(b)
	for _, v := range list {
		if strings.EqualFold(s, v) {
			w.add(w.pathString(strings.Split(rel, ".")...), "onest.enum-case", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
				"%q should be written %q (ONEST %s).", s, v, w.pol.domain))
			return
		}
	}
	w.add(w.pathString(strings.Split(rel, ".")...), "onest.enum", SeverityError, CodeInvalidRequest, fmt.Sprintf(
		"%q is not an ONEST %s value for %s; use one of %s.", s, w.pol.domain, rel, strings.Join(list, ", ")))
}

// checkTagGroup compares a tag group with the domain's recommended tags.
// Tags outside the list are information, never errors: providers may add
// their own. A group written in the BECKN-009 document's older shape (code at
// the top level) is a warning because core 1.1.0 receivers look for
// descriptor.code.
func (w *walker) checkTagGroup(i int32) {
	t := w.t
	list := t.member(i, "list")
	if list < 0 && t.member(i, "value") >= 0 {
		w.here("onest.tag-shape", SeverityWarning, CodeInvalidRequest,
			"This is a bare Tag where a TagGroup is expected; wrap it as {\"descriptor\": {\"code\": <group>}, \"list\": [ <this tag> ]}.")
		return
	}
	code := t.bytes(t.at(i, "descriptor", "code"))
	if len(code) == 0 {
		if top := t.member(i, "code"); top >= 0 && t.nodes[top].kind == kString {
			code = t.bytes(top)
			w.add(w.pathString("code"), "onest.tag-shape", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
				"Tag group code %q is at the top level; core 1.1.0 puts it in descriptor.code.", code))
		} else {
			w.here("onest.tag-shape", SeverityWarning, CodeInvalidRequest,
				"Tag group has no descriptor.code; receivers match groups by that code.")
			return
		}
	}
	if w.pol.tags == nil {
		return
	}
	codes, ok := w.pol.tags.get(code)
	if !ok {
		if !w.once("group\x00" + string(code)) {
			return
		}
		w.add(w.pathString(), "onest.tag", SeverityInfo, CodeInvalidRequest, fmt.Sprintf(
			"Tag group %q is not among ONEST's recommended groups for %s (first occurrence shown).", code, w.pol.domain))
		return
	}
	if list < 0 || t.nodes[list].kind != kArray {
		return
	}
	for e := t.nodes[list].first; e >= 0; e = t.nodes[e].next {
		tc := t.bytes(t.at(e, "descriptor", "code"))
		if len(tc) == 0 {
			tc = t.bytes(t.member(e, "code"))
		}
		if _, known := codes.get(tc); len(tc) > 0 && !known && w.once("tag\x00"+string(code)+"\x00"+string(tc)) {
			w.add(w.pathString("list"), "onest.tag", SeverityInfo, CodeInvalidRequest, fmt.Sprintf(
				"Tag %q is not among ONEST's recommended codes of group %q for %s (first occurrence shown).", tc, code, w.pol.domain))
		}
	}
}

// dedupe drops repeated findings with the same path and rule (an absent
// contact object is reported once, not once for phone and once for email).
func dedupe(fs []Finding) []Finding {
	out := fs[:0]
	seen := map[string]bool{}
	for _, f := range fs {
		k := f.Path + "\x00" + f.Rule
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}
