package beckn

import (
	"bytes"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// TagGroup is a BECKN-009 group of tags: domain data that core has no member
// for (eligibility, course duration, job requirements, ...). The machine key
// of the group is descriptor.code and its label descriptor.name.
//
// Decoding accepts the older document form of BECKN-009 (top-level
// code/name, display "none"/"block"); those members are kept in LegacyCode
// and LegacyName so nothing is lost, and [TagGroup.Code] and
// [TagGroup.Name] fall back to them. A bare Tag sent where a TagGroup is due
// (Agnirva's {"descriptor":{"code":"lang-code"},"value":"hi"}) decodes as a
// group with no descriptor whose list holds that tag (Bare reports it), and
// encodes in that core 1.1.0 shape.
type TagGroup struct {
	Display    Bool        `json:"display,omitzero"`
	Descriptor *Descriptor `json:"descriptor,omitzero"`
	List       []Tag       `json:"list,omitempty"`
	// LegacyCode and LegacyName hold the top-level "code"/"name" of the
	// BECKN-009 document form. Seeker never sets them on what it builds.
	LegacyCode string         `json:"code,omitzero"`
	LegacyName string         `json:"name,omitzero"`
	Unknown    jsontext.Value `json:",embed"`

	bare bool
}

// Tag is one key/value item of a TagGroup. Values are always strings on the
// wire; numbers are accepted and kept as their literal text.
type Tag struct {
	Descriptor *Descriptor   `json:"descriptor,omitzero"`
	Value      LenientString `json:"value,omitzero"`
	Display    Bool          `json:"display,omitzero"`
	// LegacyCode and LegacyName: see TagGroup.
	LegacyCode string         `json:"code,omitzero"`
	LegacyName string         `json:"name,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// Bare reports whether the group was decoded from a bare Tag.
func (g *TagGroup) Bare() bool { return g.bare }

// UnmarshalJSONFrom decodes a TagGroup, or a bare Tag wrapped into one. A
// bare string or number (a keyword list such as "tags": ["python", "sql"])
// is a bare Tag holding only that value.
func (g *TagGroup) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case '"', '0', 't', 'f':
		v, err := readScalarText(dec, "tag")
		if err != nil {
			return err
		}
		*g = TagGroup{List: []Tag{{Value: LenientString(v)}}, bare: true}
		return nil
	}
	type plain TagGroup
	if err := json.UnmarshalDecode(dec, (*plain)(g)); err != nil {
		return err
	}
	if len(g.Unknown) == 0 || !bytes.Contains(g.Unknown, []byte(`"value"`)) {
		return nil // the common case: a TagGroup, decoded in place
	}
	// A "value" member: a bare Tag (no list), or a group that also has a
	// value, which stays in Unknown.
	var extra struct {
		Value   *LenientString `json:"value,omitzero"`
		Unknown jsontext.Value `json:",embed"`
	}
	if err := json.Unmarshal(g.Unknown, &extra, decodeOptions); err != nil || extra.Value == nil || g.List != nil {
		return nil
	}
	*g = TagGroup{
		List: []Tag{{
			Descriptor: g.Descriptor,
			Value:      *extra.Value,
			Display:    g.Display,
			LegacyCode: g.LegacyCode,
			LegacyName: g.LegacyName,
			Unknown:    extra.Unknown,
		}},
		bare: true,
	}
	return nil
}

// appendStringMember adds "name":"value" to a raw JSON object (or starts
// one), so that a member a custom decoder had to look at still survives in
// Unknown.
func appendStringMember(obj jsontext.Value, name, value string) jsontext.Value {
	var b []byte
	if len(obj) < 2 {
		b = []byte{'{'}
	} else {
		b = append(b, obj[:len(obj)-1]...)
		b = append(b, ',')
	}
	b, _ = jsontext.AppendQuote(b, name)
	b = append(b, ':')
	b, _ = jsontext.AppendQuote(b, value)
	return append(b, '}')
}

// Code is the machine key of the group: descriptor.code, else the legacy
// top-level code.
func (g *TagGroup) Code() string {
	if g.Descriptor != nil && g.Descriptor.Code != "" {
		return g.Descriptor.Code
	}
	return g.LegacyCode
}

// Name is the label of the group: descriptor.name, else the legacy
// top-level name.
func (g *TagGroup) Name() string {
	if g.Descriptor != nil && g.Descriptor.Name != "" {
		return g.Descriptor.Name
	}
	return g.LegacyName
}

// Code is the machine key of the tag: descriptor.code, else the legacy
// top-level code.
func (t *Tag) Code() string {
	if t.Descriptor != nil && t.Descriptor.Code != "" {
		return t.Descriptor.Code
	}
	return t.LegacyCode
}

// Name is the label of the tag: descriptor.name, else the legacy name.
func (t *Tag) Name() string {
	if t.Descriptor != nil && t.Descriptor.Name != "" {
		return t.Descriptor.Name
	}
	return t.LegacyName
}

// Shown reports whether a person should see the tag: the tag's display
// overrides its group's, and both default to true (BECKN-009).
func (t *Tag) Shown(group *TagGroup) bool {
	if t.Display.IsSet() {
		return t.Display.Or(true)
	}
	return group.Display.Or(true)
}

// matchKey implements the lookup rule every consumer needs: the code
// (descriptor.code, then top-level code); when the object has no code at all,
// its name, because some providers send only names ("Work Experience").
func matchKey(code, name, key string) bool {
	if code != "" {
		return code == key
	}
	return name == key
}

// TagGroups is the tags member of Item, Provider, Fulfillment, Order, ...
// with lookups by code.
type TagGroups []TagGroup

// Value returns the first value of tag tagCode in a group groupCode. An
// empty groupCode matches every group (a bare Tag has no group).
func (gs TagGroups) Value(groupCode, tagCode string) (string, bool) {
	for i := range gs {
		g := &gs[i]
		if groupCode != "" && !matchKey(g.Code(), g.Name(), groupCode) {
			continue
		}
		for j := range g.List {
			t := &g.List[j]
			if matchKey(t.Code(), t.Name(), tagCode) {
				return string(t.Value), true
			}
		}
	}
	return "", false
}

// Values returns every value of a repeatable tag (prerequisite,
// req-prof-skill) across every matching group, in order.
func (gs TagGroups) Values(groupCode, tagCode string) []string {
	var out []string
	for i := range gs {
		g := &gs[i]
		if groupCode != "" && !matchKey(g.Code(), g.Name(), groupCode) {
			continue
		}
		for j := range g.List {
			t := &g.List[j]
			if matchKey(t.Code(), t.Name(), tagCode) {
				out = append(out, string(t.Value))
			}
		}
	}
	return out
}

// Group returns the first group with the given code, or nil.
func (gs TagGroups) Group(groupCode string) *TagGroup {
	for i := range gs {
		if matchKey(gs[i].Code(), gs[i].Name(), groupCode) {
			return &gs[i]
		}
	}
	return nil
}

// UnmarshalJSONFrom decodes the core array of TagGroups. The 0.9 and DSEP
// 0.7.0 schemas had tags as a flat key/value object ({"gender": "female"});
// such an object decodes as one group without a descriptor whose tags carry
// each key as descriptor.code, in the order sent, and encodes as core 1.1.0.
func (gs *TagGroups) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		var s []TagGroup
		if err := json.UnmarshalDecode(dec, &s); err != nil {
			return err
		}
		*gs = s
		return nil
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var g TagGroup
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		code := name.String()
		v, err := readScalarText(dec, "tag value")
		if err != nil {
			return err
		}
		g.List = append(g.List, Tag{Descriptor: &Descriptor{Code: code}, Value: LenientString(v)})
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*gs = TagGroups{g}
	return nil
}
