package schema

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The validator reads the raw body exactly once into a flat arena of nodes.
// Strings and numbers stay as byte ranges of the input, so the literal form
// of every value survives (a price sent as the number 10.50 is reported as a
// number, not silently turned into "10.5"), and nothing is copied or
// unescaped unless a rule needs the decoded text. One arena per message keeps
// a 1 MB catalogue to a handful of allocations.

type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kObject
	kArray
)

func (k kind) String() string {
	switch k {
	case kNull:
		return "null"
	case kBool:
		return "boolean"
	case kNumber:
		return "number"
	case kString:
		return "string"
	case kObject:
		return "object"
	case kArray:
		return "array"
	}
	return "unknown"
}

// node is one JSON value. For strings start/end delimit the content without
// quotes; for numbers and booleans the literal; for containers the brackets.
// Members of an object carry their key's range in keyStart/keyEnd.
type node struct {
	start, end       int32
	keyStart, keyEnd int32
	first, next      int32 // first child and next sibling, -1 when none
	kind             kind
	esc              bool // the string contains escapes or invalid UTF-8
	keyEsc           bool // the key contains escapes
	truth            bool // value of a boolean
}

// tree is a parsed document; node 0 is the root.
type tree struct {
	src   []byte
	nodes []node
	// badUTF8 is set when a string holds bytes that are not UTF-8. Such
	// strings are read as encoding/json reads them (each bad byte becomes
	// U+FFFD) and the validator warns, rather than refusing the message.
	badUTF8 bool
	// pathBuf is the walker's path stack, kept with the pooled tree so that
	// validating a message does not grow a new one.
	pathBuf []seg
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 256

// syntaxError says where and why the body is not JSON.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("invalid JSON at byte %d: %s", e.off, e.msg) }

var errTrailing = errors.New("trailing data")

// parse fills t from src (reusing t's arena) and reports the first syntax
// error. It accepts what encoding/json accepts: RFC 8259 JSON, with invalid
// UTF-8 in strings tolerated (see badUTF8).
func (t *tree) parse(src []byte) error {
	if len(src) > 1<<30 {
		return &syntaxError{0, "document larger than 1 GiB"}
	}
	// Capped at its length, so that no slice of the body the tree hands out
	// reaches past it: name lookups read keys a word at a time within a
	// slice's capacity (see keyWords), and what the caller keeps beyond the
	// body is not theirs to read.
	src = src[:len(src):len(src)]
	t.src = src
	t.nodes = t.nodes[:0]
	t.badUTF8 = false
	p := parser{t: t, src: src, nodes: t.nodes}
	p.pos = skipWS(src, 0)
	if p.pos >= len(src) {
		return &syntaxError{p.pos, "empty document"}
	}
	_, err := p.value(0)
	t.nodes = p.nodes // also on error, so the pooled tree keeps its arena
	if err != nil {
		return err
	}
	p.pos = skipWS(src, p.pos)
	if p.pos != len(src) {
		return &syntaxError{p.pos, errTrailing.Error() + " after the top-level value"}
	}
	return nil
}

// parser fills a tree. It holds the arena itself while it works, so that
// adding a node does not go through the tree for the slice every time.
type parser struct {
	t     *tree
	src   []byte
	pos   int
	nodes []node
}

func (p *parser) fail(msg string) error { return &syntaxError{p.pos, msg} }

// skipWS returns the position of the first byte from pos on that is not
// whitespace. Machine-written bodies have none between tokens, and every
// byte that starts a token is above the space, so one comparison usually
// decides.
func skipWS(src []byte, pos int) int {
	for pos < len(src) && src[pos] <= ' ' {
		switch src[pos] {
		case ' ', '\t', '\n', '\r':
			pos++
		default:
			return pos
		}
	}
	return pos
}

// add appends a childless node and returns its index. The fields are written
// in place: building the node on the stack and copying it in would read it
// back in wide moves before the narrow stores that made it have landed, a
// store-forwarding stall on every value of the document.
func (p *parser) add(k kind, start, end int, esc, truth bool) int32 {
	i := len(p.nodes)
	if i < cap(p.nodes) {
		p.nodes = p.nodes[:i+1]
	} else {
		p.nodes = append(p.nodes, node{})
	}
	n := &p.nodes[i] // every field, as the arena is reused
	n.start, n.end, n.keyStart, n.keyEnd, n.first, n.next = int32(start), int32(end), 0, 0, -1, -1
	n.kind, n.esc, n.keyEsc, n.truth = k, esc, false, truth
	return int32(i)
}

// value parses one value at p.pos (whitespace already skipped).
func (p *parser) value(depth int) (int32, error) {
	if p.pos >= len(p.src) {
		return -1, p.fail("unexpected end of input")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, e, esc, err := p.str()
		if err != nil {
			return -1, err
		}
		return p.add(kString, s, e, esc, false), nil
	case c == 't':
		return p.literal("true", kBool, true)
	case c == 'f':
		return p.literal("false", kBool, false)
	case c == 'n':
		return p.literal("null", kNull, false)
	case c == '-' || (c >= '0' && c <= '9'):
		s := p.pos
		if err := p.number(); err != nil {
			return -1, err
		}
		return p.add(kNumber, s, p.pos, false, false), nil
	default:
		return -1, p.fail(fmt.Sprintf("unexpected character %q", c))
	}
}

func (p *parser) literal(lit string, k kind, truth bool) (int32, error) {
	if len(p.src)-p.pos < len(lit) || string(p.src[p.pos:p.pos+len(lit)]) != lit {
		return -1, p.fail("invalid literal")
	}
	s := p.pos
	p.pos += len(lit)
	return p.add(k, s, p.pos, false, truth), nil
}

func (p *parser) number() error {
	src := p.src
	if p.pos < len(src) && src[p.pos] == '-' {
		p.pos++
	}
	if p.pos >= len(src) {
		return p.fail("number without digits")
	}
	switch {
	case src[p.pos] == '0':
		p.pos++
	case src[p.pos] >= '1' && src[p.pos] <= '9':
		for p.pos < len(src) && src[p.pos] >= '0' && src[p.pos] <= '9' {
			p.pos++
		}
	default:
		return p.fail("number without digits")
	}
	if p.pos < len(src) && src[p.pos] == '.' {
		p.pos++
		d := p.pos
		for p.pos < len(src) && src[p.pos] >= '0' && src[p.pos] <= '9' {
			p.pos++
		}
		if p.pos == d {
			return p.fail("number with no digits after the decimal point")
		}
	}
	if p.pos < len(src) && (src[p.pos] == 'e' || src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(src) && (src[p.pos] == '+' || src[p.pos] == '-') {
			p.pos++
		}
		d := p.pos
		for p.pos < len(src) && src[p.pos] >= '0' && src[p.pos] <= '9' {
			p.pos++
		}
		if p.pos == d {
			return p.fail("number with an empty exponent")
		}
	}
	return nil
}

// str scans a string starting at the opening quote and returns the content
// range, whether it holds escapes, and any error.
func (p *parser) str() (start, end int, esc bool, err error) {
	// The position lives in a local while the string is scanned (the
	// parser's field would be stored back on every step) and goes back to
	// p.pos before returning or failing.
	src := p.src
	pos := p.pos + 1 // past the opening quote
	start = pos
	high := false
	for {
		// Step over eight plain bytes at a time: long descriptions and
		// URLs are most of a catalogue's bytes. A word that holds a byte
		// needing a look says where the first such byte is, so a short
		// string (most keys and ids) costs one word, not one per byte, and
		// that byte needs no second test; the tail shorter than a word goes
		// byte by byte.
		var m uint64
		for pos+8 <= len(src) {
			if m = notPlain8(binary.LittleEndian.Uint64(src[pos:])); m != 0 {
				break
			}
			pos += 8
		}
		if m != 0 {
			pos += bits.TrailingZeros64(m) >> 3
		} else {
			for pos < len(src) && plain[src[pos]] {
				pos++
			}
			if pos >= len(src) {
				p.pos = pos
				return 0, 0, false, p.fail("unterminated string")
			}
		}
		switch c := src[pos]; {
		case c == '"':
			p.pos = pos + 1
			if high && !utf8.Valid(src[start:pos]) {
				p.t.badUTF8 = true
				esc = true // decode through unescape, which repairs it
			}
			return start, pos, esc, nil
		case c == '\\':
			esc = true
			pos++
			p.pos = pos
			if pos >= len(src) {
				return 0, 0, false, p.fail("unterminated escape")
			}
			switch src[pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				pos++
			case 'u':
				if len(src)-pos < 5 || !isHex4(src[pos+1:pos+5]) {
					return 0, 0, false, p.fail(`invalid \u escape`)
				}
				pos += 5
			default:
				return 0, 0, false, p.fail(fmt.Sprintf("invalid escape \\%c", src[pos]))
			}
		case c < 0x20:
			p.pos = pos
			return 0, 0, false, p.fail("control character in string")
		default: // beyond ASCII
			high = true
			pos++
		}
	}
}

// plain marks the bytes a string scan can step over without a second look:
// printable ASCII other than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// notPlain8 returns a mask with the high bit set in each byte of x (little
// endian) that is not plain (see plain), using the classic SWAR tests for a
// zero byte and for a byte below 0x20. A borrow can flag a plain byte above
// one that is not, never below, so the lowest flagged byte is always the
// first byte that needs a look; zero means all eight are plain.
func notPlain8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ ('"' * ones)  // zero bytes where x has '"'
	b := x ^ ('\\' * ones) // zero bytes where x has '\\'
	return ((x-0x20*ones)&^x | (q-ones)&^q | (b-ones)&^b | x) & highs
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// object and array keep the position in a local between the calls that
// parse their members and elements (which take and leave it in p.pos), so
// that stepping over whitespace and punctuation works in registers.

func (p *parser) object(depth int) (int32, error) {
	if depth >= maxDepth {
		return -1, p.fail("nesting deeper than 256 levels")
	}
	src := p.src
	self := p.add(kObject, p.pos, 0, false, false)
	pos := skipWS(src, p.pos+1)
	if pos < len(src) && src[pos] == '}' {
		p.pos = pos + 1
		p.nodes[self].end = int32(p.pos)
		return self, nil
	}
	last := int32(-1)
	for {
		p.pos = skipWS(src, pos)
		if p.pos >= len(src) || src[p.pos] != '"' {
			return -1, p.fail("expected a member name in double quotes")
		}
		ks, ke, kesc, err := p.str()
		if err != nil {
			return -1, err
		}
		pos = skipWS(src, p.pos)
		if pos >= len(src) || src[pos] != ':' {
			p.pos = pos
			return -1, p.fail("expected ':' after a member name")
		}
		p.pos = skipWS(src, pos+1)
		child, err := p.value(depth + 1)
		if err != nil {
			return -1, err
		}
		c := &p.nodes[child]
		c.keyStart, c.keyEnd, c.keyEsc = int32(ks), int32(ke), kesc
		if last < 0 {
			p.nodes[self].first = child
		} else {
			p.nodes[last].next = child
		}
		last = child
		pos = skipWS(src, p.pos)
		if pos >= len(src) {
			p.pos = pos
			return -1, p.fail("unterminated object")
		}
		switch src[pos] {
		case ',':
			pos++
		case '}':
			p.pos = pos + 1
			p.nodes[self].end = int32(p.pos)
			return self, nil
		default:
			p.pos = pos
			return -1, p.fail("expected ',' or '}' in an object")
		}
	}
}

func (p *parser) array(depth int) (int32, error) {
	if depth >= maxDepth {
		return -1, p.fail("nesting deeper than 256 levels")
	}
	src := p.src
	self := p.add(kArray, p.pos, 0, false, false)
	pos := skipWS(src, p.pos+1)
	if pos < len(src) && src[pos] == ']' {
		p.pos = pos + 1
		p.nodes[self].end = int32(p.pos)
		return self, nil
	}
	last := int32(-1)
	for {
		p.pos = skipWS(src, pos)
		child, err := p.value(depth + 1)
		if err != nil {
			return -1, err
		}
		if last < 0 {
			p.nodes[self].first = child
		} else {
			p.nodes[last].next = child
		}
		last = child
		pos = skipWS(src, p.pos)
		if pos >= len(src) {
			p.pos = pos
			return -1, p.fail("unterminated array")
		}
		switch src[pos] {
		case ',':
			pos++
		case ']':
			p.pos = pos + 1
			p.nodes[self].end = int32(p.pos)
			return self, nil
		default:
			p.pos = pos
			return -1, p.fail("expected ',' or ']' in an array")
		}
	}
}

// raw returns the bytes of a scalar as written (string content without
// quotes, still escaped).
func (t *tree) raw(i int32) []byte { n := &t.nodes[i]; return t.src[n.start:n.end] }

// rawKey returns a member's key as written (still escaped).
func (t *tree) rawKey(i int32) []byte { n := &t.nodes[i]; return t.src[n.keyStart:n.keyEnd] }

// text returns the decoded string value of node i, or "" for non-strings.
func (t *tree) text(i int32) string {
	if i < 0 || t.nodes[i].kind != kString {
		return ""
	}
	n := &t.nodes[i]
	if !n.esc {
		return string(t.src[n.start:n.end])
	}
	return unescape(t.src[n.start:n.end])
}

// bytes returns the decoded string value of node i without copying when it
// has no escapes (the common case); nil for non-strings. Callers must not
// modify or keep the result.
func (t *tree) bytes(i int32) []byte {
	if i < 0 || t.nodes[i].kind != kString {
		return nil
	}
	n := &t.nodes[i]
	if !n.esc {
		return t.src[n.start:n.end]
	}
	return []byte(unescape(t.src[n.start:n.end]))
}

// key returns the decoded key of member i.
func (t *tree) key(i int32) string {
	n := &t.nodes[i]
	if !n.keyEsc {
		return string(t.src[n.keyStart:n.keyEnd])
	}
	return unescape(t.src[n.keyStart:n.keyEnd])
}

// keyIs reports whether member i's key equals name without allocating in the
// common unescaped case.
func (t *tree) keyIs(i int32, name string) bool {
	n := &t.nodes[i]
	if !n.keyEsc {
		return string(t.src[n.keyStart:n.keyEnd]) == name
	}
	return unescape(t.src[n.keyStart:n.keyEnd]) == name
}

// member returns the first member of object i named name, or -1.
func (t *tree) member(i int32, name string) int32 {
	if i < 0 || t.nodes[i].kind != kObject {
		return -1
	}
	for c := t.nodes[i].first; c >= 0; c = t.nodes[c].next {
		// Policy rules look members up by name all over a catalogue; a key
		// without escapes of another length is skipped without a call.
		n := &t.nodes[c]
		if n.keyEsc {
			if t.keyIs(c, name) {
				return c
			}
		} else if int(n.keyEnd-n.keyStart) == len(name) && string(t.src[n.keyStart:n.keyEnd]) == name {
			return c
		}
	}
	return -1
}

// at follows a dotted member path from node i ("order.provider.id").
func (t *tree) at(i int32, names ...string) int32 {
	for _, name := range names {
		i = t.member(i, name)
		if i < 0 {
			return -1
		}
	}
	return i
}

// unescape decodes the escapes of a JSON string already checked by the
// parser; lone surrogates and invalid UTF-8 bytes become U+FFFD as
// encoding/json does.
func unescape(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = append(out, "\uFFFD"...)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size - 1
			continue
		}
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch b[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := strconv.ParseUint(string(b[i+1:i+5]), 16, 32)
			i += 4
			ru := rune(r)
			if utf16.IsSurrogate(ru) {
				if i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
					r2, _ := strconv.ParseUint(string(b[i+3:i+7]), 16, 32)
					if d := utf16.DecodeRune(ru, rune(r2)); d != utf8.RuneError {
						out = utf8.AppendRune(out, d)
						i += 6
						continue
					}
				}
				ru = utf8.RuneError
			}
			out = utf8.AppendRune(out, ru)
		default: // '"', '\\', '/'
			out = append(out, b[i])
		}
	}
	return string(out)
}
