package schema

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxFindings bounds the report for one message: past it a hostile or badly
// broken payload only adds noise, and the engine stores findings with the
// message.
const maxFindings = 500

// seg is one step of the current JSON path: a member (node whose key names
// the step) or an array index.
type seg struct {
	node  int32
	index int32
}

// walker carries the state of one validation.
type walker struct {
	v        *Validator
	t        *tree
	path     []seg
	findings []Finding
	dropped  int
	seenInfo map[string]bool
	action   string
	domain   string
	pol      *policy
	spec     *compiledAction
}

func (w *walker) push(node int32)   { w.path = append(w.path, seg{node: node, index: -1}) }
func (w *walker) pushIndex(i int32) { w.path = append(w.path, seg{node: -1, index: i}) }
func (w *walker) pop()              { w.path = w.path[:len(w.path)-1] }

// pathString renders the current path, plus extra member names, as
// message.order.items[0].id.
func (w *walker) pathString(extra ...string) string {
	var b strings.Builder
	for _, s := range w.path {
		switch {
		case s.index >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(int(s.index)))
			b.WriteByte(']')
		default:
			writeName(&b, w.t.key(s.node))
		}
	}
	for _, e := range extra {
		writeName(&b, e)
	}
	return b.String()
}

func writeName(b *strings.Builder, name string) {
	simple := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '@' || c == ':') {
			simple = false
			break
		}
	}
	if simple {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(name)
		return
	}
	b.WriteString("[")
	b.WriteString(strconv.Quote(name))
	b.WriteString("]")
}

// once reports whether key is seen for the first time in this message. Info
// notes go through it so that a catalogue of 5,000 items with the same
// unrecognised tag yields one note, not 5,000, and the note's text is only
// built once.
func (w *walker) once(key string) bool {
	if w.seenInfo[key] {
		return false
	}
	if w.seenInfo == nil {
		w.seenInfo = map[string]bool{}
	}
	w.seenInfo[key] = true
	return true
}

// add records a finding at path.
func (w *walker) add(path, rule string, sev Severity, code, msg string) {
	if len(w.findings) >= maxFindings {
		w.dropped++
		return
	}
	w.findings = append(w.findings, Finding{Path: path, Rule: rule, Severity: sev, Code: code, Message: msg})
}

// here records a finding at the current path.
func (w *walker) here(rule string, sev Severity, code, msg string) {
	w.add(w.pathString(), rule, sev, code, msg)
}

// show renders a value for a message, shortened so that findings stay one
// readable line.
func (w *walker) show(i int32) string {
	n := &w.t.nodes[i]
	var s string
	switch n.kind {
	case kString:
		s = strconv.Quote(w.t.text(i))
	case kObject:
		return "an object"
	case kArray:
		return "an array"
	default:
		s = string(w.t.raw(i))
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func article(k kind) string {
	if k == kObject || k == kArray {
		return "an " + k.String()
	}
	return "a " + k.String()
}

// walk checks node i against rule ty; the current path names node i.
func (w *walker) walk(i int32, ty *typ) {
	n := &w.t.nodes[i]
	switch ty.kind {
	case tAny:
		return
	case tString:
		if n.kind != kString {
			w.typeError(i, ty)
			return
		}
		if ty.format == fNone && ty.enum == nil {
			return
		}
		b := w.t.raw(i)
		if n.esc {
			b = []byte(unescape(b))
		}
		if ty.enum != nil {
			if !inEnum(b, ty.enum) {
				hint := ""
				for _, e := range ty.enum {
					if strings.EqualFold(string(b), e) {
						hint = fmt.Sprintf("; core enums are case-sensitive: write %q", e)
					}
				}
				w.here("core.enum", SeverityError, CodeInvalidRequest, fmt.Sprintf(
					"%s is not one of the values core 1.1.0 allows here (%s)%s.", w.show(i), strings.Join(ty.enum, ", "), hint))
			}
			return
		}
		if !checkFormat(ty.format, b) {
			w.here("core.format", SeverityError, CodeInvalidRequest, fmt.Sprintf(
				"%s is not %s%s.", w.show(i), ty.describe(), formatHint(ty.format)))
		}
	case tBool:
		if n.kind != kBool {
			w.typeError(i, ty)
		}
	case tNumber:
		if n.kind != kNumber {
			w.typeError(i, ty)
		}
	case tInt:
		if n.kind != kNumber {
			w.typeError(i, ty)
			return
		}
		f, err := strconv.ParseFloat(string(w.t.raw(i)), 64)
		if err != nil || f != math.Trunc(f) {
			w.here("core.type", SeverityError, CodeInvalidRequest, fmt.Sprintf("%s is not an integer; core 1.1.0 wants a whole number here.", w.show(i)))
			return
		}
		if ty.hasMin && f < float64(ty.min) || ty.hasMax && f > float64(ty.max) {
			w.here("core.range", SeverityError, CodeInvalidRequest, fmt.Sprintf("%s is out of range; core 1.1.0 wants %s.", w.show(i), rangeText(ty)))
		}
	case tFree:
		if n.kind != kObject {
			w.typeError(i, ty)
		}
	case tMap:
		if n.kind != kObject {
			w.typeError(i, ty)
			return
		}
		w.checkDuplicates(i)
		for c := n.first; c >= 0; c = w.t.nodes[c].next {
			if ty.elem.plain&(1<<w.t.nodes[c].kind) != 0 {
				continue
			}
			w.push(c)
			w.walk(c, ty.elem)
			w.pop()
		}
	case tArray:
		if n.kind != kArray {
			w.typeError(i, ty)
			return
		}
		var k int32
		for c := n.first; c >= 0; c = w.t.nodes[c].next {
			if ty.elem.plain&(1<<w.t.nodes[c].kind) == 0 {
				w.pushIndex(k)
				w.walk(c, ty.elem)
				w.pop()
			}
			k++
		}
	case tObject:
		if n.kind != kObject {
			w.typeError(i, ty)
			return
		}
		var seen uint64 // declared members met so far, to spot duplicates
		for c := n.first; c >= 0; c = w.t.nodes[c].next {
			var m member
			var ok bool
			if w.t.nodes[c].keyEsc {
				m, ok = ty.members[w.t.key(c)]
			} else {
				m, ok = ty.lookup(w.t.rawKey(c))
			}
			if !ok {
				w.unknownMember(c, ty)
				continue
			}
			if seen&m.bit == 0 && m.t.plain&(1<<w.t.nodes[c].kind) != 0 {
				seen |= m.bit
				continue // right as it is: nothing to report below it
			}
			w.push(c)
			if seen&m.bit != 0 {
				w.duplicate(c)
			}
			seen |= m.bit
			w.walk(c, m.t)
			w.pop()
		}
		for _, r := range ty.required {
			if w.t.member(i, r) < 0 {
				w.add(w.pathString(r), "core.required", SeverityError, CodeInvalidRequest, fmt.Sprintf(
					"%s is required by core 1.1.0 in %s%s.", r, w.typeName(ty), requiredHint(ty.name, r, w.t, i)))
			}
		}
		if ty.hook != hookNone && w.pol != nil {
			w.runHook(ty.hook, i)
		}
	}
}

// typeName names an object rule for messages: core's schema name (Order,
// Fulfillment), or "the status message" for the message of an action, whose
// rule names are Seeker's own.
func (w *walker) typeName(ty *typ) string {
	if strings.HasSuffix(ty.name, "Message") && w.action != "" {
		return "the " + w.action + " message"
	}
	return ty.name
}

func rangeText(ty *typ) string {
	switch {
	case ty.hasMin && ty.hasMax && ty.min == ty.max:
		return fmt.Sprintf("exactly %d", ty.min)
	case ty.hasMin && ty.hasMax:
		return fmt.Sprintf("a value from %d to %d", ty.min, ty.max)
	case ty.hasMin:
		return fmt.Sprintf("a value of at least %d", ty.min)
	}
	return fmt.Sprintf("a value of at most %d", ty.max)
}

func formatHint(f format) string {
	switch f {
	case fUUID:
		return " (e.g. \"a9aaecca-10b7-4d19-b640-b047a7c62196\")"
	case fDateTime:
		return " (e.g. \"2024-05-08T10:00:00.000Z\")"
	case fDuration:
		return " (e.g. \"PT30S\", \"PT10M\", \"P1D\"; hours and minutes need the T)"
	case fDecimal:
		return " (digits with an optional sign and decimal point, e.g. \"1500.00\")"
	case fURI:
		return " (it needs a scheme, e.g. \"https://bpp.example.com/path\")"
	}
	return ""
}

// requiredHint explains the usual cause of a missing member where ONEST
// artefacts are known to get it wrong.
func requiredHint(typeName, member string, t *tree, obj int32) string {
	switch {
	case typeName == "StatusMessage" && member == "order_id" && t.member(obj, "order") >= 0:
		return "; send message.order_id, not message.order.id (the learning-experiences and work-opportunities guides use the latter)"
	}
	return ""
}

func inEnum(b []byte, enum []string) bool {
	for _, e := range enum {
		if string(b) == e {
			return true
		}
	}
	return false
}

func (w *walker) typeError(i int32, ty *typ) {
	n := &w.t.nodes[i]
	var msg string
	switch {
	case n.kind == kNumber && ty.kind == tString:
		msg = fmt.Sprintf("is the number %s but core 1.1.0 wants %s: write \"%s\".", w.show(i), ty.describe(), w.t.raw(i))
	case n.kind == kNull:
		msg = fmt.Sprintf("is null but core 1.1.0 wants %s: give it a value or leave the member out.", ty.describe())
	case n.kind == kObject && ty.kind == tArray:
		msg = "is an object but core 1.1.0 wants an array: wrap it in [ ]."
	default:
		msg = fmt.Sprintf("is %s (%s) but core 1.1.0 wants %s.", article(n.kind), w.show(i), ty.describe())
	}
	w.here("core.type", SeverityError, CodeInvalidRequest, msg)
}

// unknownMember notes a member core does not define. Unknown members are
// allowed (networks extend core), so only a likely misspelling of a defined
// member is reported, as a warning, because the intended value is then
// silently ignored by every receiver.
func (w *walker) unknownMember(c int32, ty *typ) {
	name := w.t.key(c)
	if hint, ok := misplacedMembers[ty.name][name]; ok {
		w.push(c)
		w.here("core.unknown-member", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
			"%s is not a member of %s in core 1.1.0: %s Receivers ignore it.", name, w.typeName(ty), hint))
		w.pop()
		return
	}
	if s := suggest(name, ty.names); s != "" {
		w.push(c)
		w.here("core.unknown-member", SeverityWarning, CodeInvalidRequest, fmt.Sprintf(
			"%s is not a member of %s; did you mean %s? Receivers ignore the misspelt member.", name, w.typeName(ty), s))
		w.pop()
	}
}

// misplacedMembers are members that ONEST artefacts put where core 1.1.0
// does not look for them (Beckn 0.9 shapes, the sandbox collection's flat
// rating and support messages, onest-domain.md §2.4 and §7.6), with where
// they belong. Edit distance alone would give wrong advice for them
// (Fulfillment.start is not a misspelt "state").
var misplacedMembers = map[string]map[string]string{
	"Fulfillment": {
		"start": "it is the Beckn 0.9 form; core 1.1.0 describes the start as an element of stops[] (type \"start\").",
		"end":   "it is the Beckn 0.9 form; core 1.1.0 describes the end as an element of stops[] (type \"end\").",
	},
	"Intent": {
		"location": "search by place with intent.provider.locations[] (city, state, country).",
	},
	"RatingMessage": {
		"id":              "send message.ratings: [{\"id\", \"rating_category\", \"value\"}].",
		"rating_category": "send message.ratings: [{\"id\", \"rating_category\", \"value\"}].",
		"value":           "send message.ratings: [{\"id\", \"rating_category\", \"value\"}].",
	},
	"SupportMessage": {
		"ref_id":   "send it as message.support.ref_id.",
		"order_id": "send the order id as message.support.ref_id.",
	},
	"Support": {
		"order_id": "core 1.1.0 (and 1.2) name the order in ref_id.",
	},
	"Context": {
		"core_version": "it is Beckn 0.9; core 1.1.0 uses context.version.",
		"city":         "it is Beckn 0.9; core 1.1.0 uses context.location.city.code.",
		"country":      "it is Beckn 0.9; core 1.1.0 uses context.location.country.code.",
	},
}

// suggest returns the candidate closest to name when it is a plausible
// misspelling (same letters in another case, or at most two edits for names
// of five letters or more, one for shorter ones).
func suggest(name string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return c
		}
		limit := 2
		if len(c) < 5 {
			limit = 1
		}
		if abs(len(c)-len(name)) > limit {
			continue
		}
		if d := editDistance(name, c); d <= limit && d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the Levenshtein distance, for short member names only.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// duplicate reports member c (the current path) as a repeated member. JSON
// parsers disagree on repeats (encoding/json keeps the last, the rules here
// read the first, encoding/json/v2 refuses the document), so a message with
// them means different things to different receivers. Declared members of
// object rules are checked as they are met; maps by checkDuplicates.
func (w *walker) duplicate(c int32) {
	w.here("json.duplicate-member", SeverityError, CodeInvalidRequest, fmt.Sprintf(
		"%s appears more than once in this object; receivers disagree on which value counts. Send it once.", w.t.key(c)))
}

// checkDuplicates reports repeated members of object i whose members are not
// declared one by one: maps (Form.data) and the envelope.
func (w *walker) checkDuplicates(i int32) {
	t := w.t
	count := 0
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		count++
	}
	if count < 2 {
		return
	}
	report := func(c int32) {
		w.push(c)
		w.duplicate(c)
		w.pop()
	}
	same := func(c, d int32) bool {
		if !t.nodes[c].keyEsc && !t.nodes[d].keyEsc {
			return string(t.rawKey(c)) == string(t.rawKey(d))
		}
		return t.key(c) == t.key(d)
	}
	if count <= 32 { // typical Beckn objects: compare pairs, no allocation
		for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
			for d := t.nodes[i].first; d != c; d = t.nodes[d].next {
				if same(c, d) {
					report(c)
					break
				}
			}
		}
		return
	}
	seen := make(map[string]bool, count)
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		k := t.key(c)
		if seen[k] {
			report(c)
		}
		seen[k] = true
	}
}
