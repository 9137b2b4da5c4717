package schema

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// tkind is the JSON shape a rule expects.
type tkind uint8

const (
	tAny tkind = iota
	tString
	tBool
	tInt
	tNumber
	tObject // with declared members
	tFree   // any object
	tArray
	tMap
)

// format is a string format checked on top of the string kind.
type format uint8

const (
	fNone format = iota
	fUUID
	fDateTime
	fDate
	fURI
	fEmail
	fDuration
	fDecimal
	fGPS
	fAge
)

var formatNames = map[string]format{
	"uuid": fUUID, "datetime": fDateTime, "date": fDate, "uri": fURI, "email": fEmail,
	"duration": fDuration, "decimal": fDecimal, "gps": fGPS, "age": fAge,
}

// hook names a policy check that runs when an object of a type is visited,
// so domain rules on deeply nested objects cost no extra traversal.
type hook uint8

const (
	hookNone hook = iota
	hookPerson
	hookFulfillment
	hookStop
	hookPayment
	hookTagGroup
)

var typeHooks = map[string]hook{
	"Person": hookPerson, "Fulfillment": hookFulfillment, "Stop": hookStop,
	"Payment": hookPayment, "TagGroup": hookTagGroup,
}

// typ is a compiled rule for one JSON value.
type typ struct {
	name     string
	kind     tkind
	format   format
	enum     []string
	min, max int64
	hasMin   bool
	hasMax   bool
	members  map[string]member
	index    nameIndex[member] // members by name, for lookup
	names    []string          // member names, sorted, for suggestions
	required []string
	elem     *typ
	hook     hook
	// plain has a bit (1<<kind) for each JSON kind the rule accepts without
	// looking further: a plain string, a boolean, a number, a free-form
	// object, anything for any. Most members of a catalogue are such
	// values, and the walker accepts them without stepping into them.
	plain uint8
}

// member is a declared member of an object rule; bit identifies it in the
// mask the walker keeps per object to spot duplicates in O(1).
type member struct {
	t   *typ
	bit uint64
}

// lookup finds the declared member named by the raw (unescaped) key b.
func (t *typ) lookup(b []byte) (member, bool) { return t.index.get(b) }

// nameIndex finds values by a name given as the raw bytes of a key or code.
// Every member of every object of a catalogue is looked up, and every tag
// code: the few names of b's length are compared with it as two words (see
// keyWords) instead of hashing b for a map or calling memequal per name;
// names longer than two words are compared byte by byte.
type nameIndex[V any] struct {
	byLen [][]nameEntry[V]
}

type nameEntry[V any] struct {
	name   string
	lo, hi uint64 // name's first and second eight bytes (see keyWords)
	val    V
}

func (x *nameIndex[V]) add(name string, v V) {
	for len(x.byLen) <= len(name) {
		x.byLen = append(x.byLen, nil)
	}
	var padded [16]byte
	copy(padded[:], name)
	lo, hi, _ := keyWords(padded[:min(len(name), 16)])
	x.byLen[len(name)] = append(x.byLen[len(name)], nameEntry[V]{name, lo, hi, v})
}

func (x *nameIndex[V]) get(b []byte) (v V, ok bool) {
	if len(b) >= len(x.byLen) {
		return v, false
	}
	if lo, hi, ok := keyWords(b); ok {
		for _, e := range x.byLen[len(b)] {
			if e.lo == lo && e.hi == hi {
				return e.val, true
			}
		}
		return v, false
	}
	for _, e := range x.byLen[len(b)] {
		if e.name == string(b) {
			return e.val, true
		}
	}
	return v, false
}

// keyWords returns the bytes of a key of up to 16 bytes as two little-endian
// words, zero past its end, so that two keys of the same length are equal
// exactly when their words are. b is read through to 16 bytes within its
// capacity (a key in a body is followed by at least its value; the tree caps
// the body at its length), and ok is false when the key is longer or its
// slice too short for that.
func keyWords(b []byte) (lo, hi uint64, ok bool) {
	n := len(b)
	if n > 16 || cap(b) < 16 {
		return 0, 0, false
	}
	w := b[:16]
	lo, hi = binary.LittleEndian.Uint64(w), binary.LittleEndian.Uint64(w[8:])
	switch {
	case n < 8:
		lo, hi = lo&(1<<(8*n)-1), 0
	case n < 16:
		hi &= 1<<(8*(n-8)) - 1
	}
	return lo, hi, true
}

// maxMembers bounds the members of one object rule to the bits of the mask.
const maxMembers = 64

// compileTypes turns the coreObjects notation into a type graph. It fails on
// any malformed line or unresolved name, which the tests exercise, so New
// can treat an error as a programming mistake.
func compileTypes(src string) (map[string]*typ, error) {
	types := map[string]*typ{}
	type pending struct {
		t    *typ
		decl []string
		line int
	}
	var todo []pending
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if name, enum, ok := strings.Cut(line, " = "); ok {
			name = strings.TrimSpace(name)
			if _, dup := types[name]; dup {
				return nil, fmt.Errorf("line %d: %s defined twice", n+1, name)
			}
			types[name] = &typ{name: name, kind: tString, enum: strings.Split(strings.TrimSpace(enum), "|")}
			continue
		}
		name, rest, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("line %d: want \"Type: member:kind ...\", got %q", n+1, line)
		}
		if _, dup := types[name]; dup {
			return nil, fmt.Errorf("line %d: %s defined twice", n+1, name)
		}
		t := &typ{name: name, kind: tObject, members: map[string]member{}, hook: typeHooks[name]}
		types[name] = t
		todo = append(todo, pending{t, strings.Fields(rest), n + 1})
	}
	for _, p := range todo {
		for _, d := range p.decl {
			name, kindSpec, ok := strings.Cut(d, ":")
			if !ok || name == "" || kindSpec == "" {
				return nil, fmt.Errorf("line %d: malformed member %q", p.line, d)
			}
			if strings.HasSuffix(name, "!") {
				name = strings.TrimSuffix(name, "!")
				p.t.required = append(p.t.required, name)
			}
			if _, dup := p.t.members[name]; dup {
				return nil, fmt.Errorf("line %d: member %s declared twice", p.line, name)
			}
			mt, err := resolveKind(kindSpec, types)
			if err != nil {
				return nil, fmt.Errorf("line %d: %s: %w", p.line, name, err)
			}
			if len(p.t.members) == maxMembers {
				return nil, fmt.Errorf("line %d: more than %d members", p.line, maxMembers)
			}
			p.t.members[name] = member{t: mt, bit: 1 << len(p.t.members)}
			p.t.names = append(p.t.names, name)
		}
		sort.Strings(p.t.names)
		for _, m := range p.t.members {
			markPlain(m.t)
		}
		for _, name := range p.t.names {
			p.t.index.add(name, p.t.members[name])
		}
	}
	return types, nil
}

// markPlain sets t.plain, and that of the elements of arrays and maps.
func markPlain(t *typ) {
	switch t.kind {
	case tAny:
		t.plain = 1<<kNull | 1<<kBool | 1<<kNumber | 1<<kString | 1<<kObject | 1<<kArray
	case tString:
		if t.format == fNone && t.enum == nil {
			t.plain = 1 << kString
		}
	case tBool:
		t.plain = 1 << kBool
	case tNumber:
		t.plain = 1 << kNumber
	case tFree:
		t.plain = 1 << kObject
	case tArray, tMap:
		markPlain(t.elem)
	}
}

func resolveKind(s string, types map[string]*typ) (*typ, error) {
	switch {
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		e, err := resolveKind(s[1:len(s)-1], types)
		if err != nil {
			return nil, err
		}
		return &typ{kind: tArray, elem: e}, nil
	case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
		e, err := resolveKind(s[1:len(s)-1], types)
		if err != nil {
			return nil, err
		}
		return &typ{kind: tMap, elem: e}, nil
	case strings.Contains(s, "|"):
		return &typ{kind: tString, enum: strings.Split(s, "|")}, nil
	case strings.HasPrefix(s, "int>="):
		m, err := strconv.ParseInt(s[len("int>="):], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad minimum in %q", s)
		}
		return &typ{kind: tInt, min: m, hasMin: true}, nil
	}
	switch s {
	case "str":
		return &typ{kind: tString}, nil
	case "bool":
		return &typ{kind: tBool}, nil
	case "int":
		return &typ{kind: tInt}, nil
	case "int1":
		return &typ{kind: tInt, min: 1, max: 1, hasMin: true, hasMax: true}, nil
	case "num":
		return &typ{kind: tNumber}, nil
	case "any":
		return &typ{kind: tAny}, nil
	case "obj":
		return &typ{kind: tFree}, nil
	}
	if f, ok := formatNames[s]; ok {
		return &typ{kind: tString, format: f}, nil
	}
	if t, ok := types[s]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("unknown kind or type %q", s)
}

// describe names what a rule expects, for messages.
func (t *typ) describe() string {
	switch t.kind {
	case tString:
		switch t.format {
		case fUUID:
			return "a UUID string"
		case fDateTime:
			return "an RFC 3339 date-time string"
		case fDate:
			return "a date string (YYYY-MM-DD)"
		case fURI:
			return "an absolute URI string"
		case fEmail:
			return "an e-mail address string"
		case fDuration:
			return "an ISO 8601 duration string"
		case fDecimal:
			return "a decimal number written as a string"
		case fGPS:
			return "a \"lat,lng\" string"
		case fAge:
			return "a string (ISO 8601 duration or whole years)"
		}
		return "a string"
	case tBool:
		return "a boolean"
	case tInt:
		return "an integer"
	case tNumber:
		return "a number"
	case tObject:
		if t.name != "" {
			return "an object (" + t.name + ")"
		}
		return "an object"
	case tFree, tMap:
		return "an object"
	case tArray:
		return "an array"
	}
	return "any value"
}
