package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Redactor replaces personal data in Beckn payloads with placeholders so
// that verification logs can be published. The same personal value gets
// the same placeholder in every file of an export, so a reviewer can still
// follow a learner's name from init to on_confirm without seeing it.
//
// Personal data is found three ways:
//   - by member name: email, phone, mobile, address, aadhaar, pan, dob
//     anywhere; name under person, billing, customer, contact, guardian;
//     url under creds, docs, documents, attachments (document links);
//   - by tag: the value of a tag whose code names personal data (name,
//     phone, email, user-*, applicant-*, guardian-*, ...), as ONEST's
//     XInput and legacy person tags carry it;
//   - by shape, in any string: e-mail addresses, and strings that are
//     phone or Aadhaar numbers (10–16 digits with optional +, spaces and
//     dashes).
//
// Values found by name or tag are then also replaced wherever else they
// occur inside a string (a form URL with the e-mail in its query, a
// provider echoing the learner's name in a description), which is why an
// export calls Learn on every payload before Redact.
//
// A Redactor is not safe for concurrent use.
type Redactor struct {
	byValue  map[string]string
	count    map[string]int
	replacer *strings.Replacer
}

// NewRedactor returns an empty Redactor.
func NewRedactor() *Redactor {
	return &Redactor{byValue: map[string]string{}, count: map[string]int{}}
}

// Placeholder categories.
const (
	catName     = "name"
	catPhone    = "phone"
	catEmail    = "email"
	catAddress  = "address"
	catDocument = "document"
	catID       = "id"
	catPersonal = "personal"
)

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 \-]{8,18}[0-9]$`)
)

// keyCategory is the category of a member that holds personal data
// whatever its parent is.
var keyCategory = map[string]string{
	"email": catEmail, "e-mail": catEmail, "email_id": catEmail, "emailid": catEmail,
	"phone": catPhone, "mobile": catPhone, "mobile_number": catPhone, "phone_number": catPhone, "contact_number": catPhone,
	"address": catAddress, "street": catAddress, "area_code": catAddress,
	"aadhaar": catID, "aadhar": catID, "aadhaar_number": catID, "pan": catID, "dob": catPersonal, "date_of_birth": catPersonal,
}

// nameParents are objects whose "name" is a person's name.
var nameParents = map[string]bool{"person": true, "billing": true, "customer": true, "contact": true, "guardian": true, "agent": true}

// docParents are arrays or objects whose "url" is a personal document.
var docParents = map[string]bool{"creds": true, "cred": true, "docs": true, "documents": true, "attachments": true}

// personalTag says whether a tag code names personal data.
func personalTag(code string) (string, bool) {
	c := strings.ToLower(strings.TrimSpace(code))
	for _, p := range []string{"user-", "applicant-", "guardian-", "parent-", "father-", "mother-", "student-", "learner-", "candidate-"} {
		if strings.HasPrefix(c, p) {
			return tagCategory(strings.TrimPrefix(c, p)), true
		}
	}
	switch c {
	case "name", "full-name", "full_name", "first-name", "last-name", "guardian", "guardian-name":
		return catName, true
	case "phone", "mobile", "phone-number", "mobile-number", "contact":
		return catPhone, true
	case "email", "email-id", "e-mail":
		return catEmail, true
	case "address", "residential-address":
		return catAddress, true
	case "aadhaar", "aadhar", "aadhaar-number", "pan", "pan-number", "bank-acc-no", "account-number", "ifsc":
		return catID, true
	case "dob", "date-of-birth":
		return catPersonal, true
	}
	return "", false
}

func tagCategory(rest string) string {
	switch {
	case strings.Contains(rest, "name"):
		return catName
	case strings.Contains(rest, "phone"), strings.Contains(rest, "mobile"):
		return catPhone
	case strings.Contains(rest, "email"):
		return catEmail
	case strings.Contains(rest, "address"):
		return catAddress
	case strings.Contains(rest, "aadhaar"), strings.Contains(rest, "acc"), strings.Contains(rest, "ifsc"), strings.Contains(rest, "pan"):
		return catID
	}
	return catPersonal
}

// node is a JSON value with its members in document order (duplicates
// kept); scalars keep their exact text.
type node struct {
	kind byte // '{', '[', or the kind of a scalar
	raw  jsontext.Value
	keys []string
	vals []*node
}

var decodeOpts = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

func parse(b []byte) (*node, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(b), decodeOpts...)
	n, err := parseNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("data after the top-level value")
	}
	return n, nil
}

func parseNode(dec *jsontext.Decoder) (*node, error) {
	switch k := dec.PeekKind(); k {
	case '{', '[':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		n := &node{kind: byte(k)}
		end := jsontext.Kind('}')
		if k == '[' {
			end = ']'
		}
		for dec.PeekKind() != end {
			if k == '{' {
				tok, err := dec.ReadToken()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, tok.String())
			}
			v, err := parseNode(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		return n, nil
	case 0:
		_, err := dec.ReadToken()
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	default:
		v, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return &node{kind: byte(k), raw: slices.Clone(v)}, nil
	}
}

// text is the unquoted content of a string node.
func (n *node) text() string {
	s, _ := jsontext.AppendUnquote(nil, n.raw)
	return string(s)
}

func (n *node) setText(s string) {
	q, _ := jsontext.AppendQuote(nil, s)
	n.kind, n.raw = '"', q
}

func (n *node) write(b *bytes.Buffer) {
	switch n.kind {
	case '{':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := jsontext.AppendQuote(nil, k)
			b.Write(q)
			b.WriteByte(':')
			n.vals[i].write(b)
		}
		b.WriteByte('}')
	case '[':
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			v.write(b)
		}
		b.WriteByte(']')
	default:
		b.Write(n.raw)
	}
}

// visit walks n and calls found for every personal value with its
// category; other strings go to other.
func visit(n *node, parent string, found func(*node, string), other func(*node)) {
	switch n.kind {
	case '{':
		valueCat, tagged := "", false
		for i, k := range n.keys {
			if lk := strings.ToLower(k); lk == "code" && n.vals[i].kind == '"' {
				valueCat, tagged = personalTag(n.vals[i].text())
			} else if lk == "descriptor" && n.vals[i].kind == '{' {
				for j, dk := range n.vals[i].keys {
					if strings.EqualFold(dk, "code") && n.vals[i].vals[j].kind == '"' {
						if c, ok := personalTag(n.vals[i].vals[j].text()); ok {
							valueCat, tagged = c, true
						}
					}
				}
			}
		}
		for i, k := range n.keys {
			lk := strings.ToLower(k)
			v := n.vals[i]
			cat, personal := keyCategory[lk]
			switch {
			case personal:
			case lk == "name" && nameParents[parent]:
				cat, personal = catName, true
			case lk == "url" && docParents[parent]:
				cat, personal = catDocument, true
			case lk == "value" && tagged:
				cat, personal = valueCat, true
			}
			if personal {
				all(v, func(s *node) { found(s, cat) })
				continue
			}
			visit(v, lk, found, other)
		}
	case '[':
		for _, v := range n.vals {
			visit(v, parent, found, other)
		}
	case '"':
		other(n)
	}
}

// all calls f for every scalar (except null and booleans) under n.
func all(n *node, f func(*node)) {
	switch n.kind {
	case '{', '[':
		for _, v := range n.vals {
			all(v, f)
		}
	case '"', '0':
		f(n)
	}
}

func scalarText(n *node) string {
	if n.kind == '"' {
		return n.text()
	}
	return string(n.raw)
}

// placeholder returns the stable placeholder of value.
func (r *Redactor) placeholder(value, cat string) string {
	if p, ok := r.byValue[value]; ok {
		return p
	}
	r.count[cat]++
	p := fmt.Sprintf("REDACTED-%s-%d", strings.ToUpper(cat), r.count[cat])
	if cat == catEmail {
		p = fmt.Sprintf("redacted-%d@example.invalid", r.count[cat])
	}
	r.byValue[value] = p
	r.replacer = nil
	return p
}

// Learn records the personal values of a payload so that Redact replaces
// them wherever they occur. Payloads that are not JSON are ignored.
func (r *Redactor) Learn(raw []byte) {
	n, err := parse(raw)
	if err != nil {
		return
	}
	visit(n, "", func(s *node, cat string) {
		if t := scalarText(s); strings.TrimSpace(t) != "" {
			r.placeholder(t, cat)
		}
	}, func(*node) {})
}

// Redact returns raw with personal data replaced, compact. It fails only
// when raw is not JSON.
func (r *Redactor) Redact(raw []byte) ([]byte, error) {
	n, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not JSON, cannot be redacted: %w", err)
	}
	visit(n, "", func(s *node, cat string) {
		if t := scalarText(s); strings.TrimSpace(t) != "" {
			s.setText(r.placeholder(t, cat))
		}
	}, func(s *node) {
		t := s.text()
		if u := r.scrub(t); u != t {
			s.setText(u)
		}
	})
	var b bytes.Buffer
	n.write(&b)
	if !json.Valid(b.Bytes()) {
		return nil, fmt.Errorf("redacting produced invalid JSON") // a bug, never output
	}
	return b.Bytes(), nil
}

// scrub replaces learned values, e-mail addresses and phone-like strings
// inside free text.
func (r *Redactor) scrub(s string) string {
	if s == "" {
		return s
	}
	if phoneRe.MatchString(s) && digits(s) >= 10 {
		return r.placeholder(s, catPhone)
	}
	if len(r.byValue) > 0 {
		s = r.learned().Replace(s)
	}
	return emailRe.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, "@example.invalid") && strings.HasPrefix(m, "redacted-") {
			return m
		}
		return r.placeholder(m, catEmail)
	})
}

func digits(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// learned is a replacer of every learned value of at least 4 characters,
// longest first so "Meera Iyer" wins over a shorter value inside it.
// Shorter values (an age, "M") are too likely to occur by chance.
func (r *Redactor) learned() *strings.Replacer {
	if r.replacer != nil {
		return r.replacer
	}
	var vals []string
	for v := range r.byValue {
		if len([]rune(v)) >= 4 {
			vals = append(vals, v)
		}
	}
	slices.SortFunc(vals, func(a, b string) int {
		if d := len(b) - len(a); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	args := make([]string, 0, 2*len(vals))
	for _, v := range vals {
		args = append(args, v, r.byValue[v])
	}
	r.replacer = strings.NewReplacer(args...)
	return r.replacer
}
