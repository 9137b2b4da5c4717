package beckn

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// The round-trip tests compare JSON documents as trees of these node types.
// Numbers keep their literal text (numLit) so that "0.10" and 0.1 differ and
// nothing goes through float64.
type (
	jObject = map[string]any
	jArray  = []any
	numLit  string
)

// parseTree parses b into a tree of jObject, jArray, string, numLit, bool
// and nil, with the package's lenient options (last duplicate wins).
func parseTree(b []byte) (any, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(b), decodeOptions)
	v, err := readTree(dec)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func readTree(dec *jsontext.Decoder) (any, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case '{':
		obj := jObject{}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String() // the token is voided by the next read
			v, err := readTree(dec)
			if err != nil {
				return nil, err
			}
			obj[name] = v
		}
		_, err := dec.ReadToken()
		return obj, err
	case '[':
		arr := jArray{}
		for dec.PeekKind() != ']' {
			v, err := readTree(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.ReadToken()
		return arr, err
	case '"':
		return tok.String(), nil
	case '0':
		return numLit(tok.String()), nil
	case 't', 'f':
		return tok.Bool(), nil
	case 'n':
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// leaves flattens a tree into JSON-pointer → scalar. Empty strings, nulls,
// empty objects and empty arrays produce no leaf: Go zero values are
// omitted on encoding, and core 1.1.0 gives an empty member the meaning of
// an absent one (this is rule 0 of the round-trip comparison).
func leaves(v any) map[string]any {
	out := map[string]any{}
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch x := v.(type) {
		case jObject:
			for k, c := range x {
				walk(p+"/"+escapePointer(k), c)
			}
		case jArray:
			for i, c := range x {
				walk(p+"/"+strconv.Itoa(i), c)
			}
		case nil:
		case string:
			if x != "" {
				out[p] = x
			}
		default:
			out[p] = x
		}
	}
	walk("", v)
	return out
}

func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// sameScalar compares an expected leaf with the re-encoded one, allowing the
// representation changes leniency makes: a number may come back as a string
// with the same literal text (Decimal, LenientString) and a boolean-ish
// string ("true", "none", "block") as the boolean it means.
func sameScalar(want, got any) bool {
	if want == got {
		return true
	}
	ws, gs := scalarText(want), scalarText(got)
	if ws == gs {
		return true
	}
	if gb, ok := got.(bool); ok {
		var b Bool
		if err := b.UnmarshalJSONFrom(jsontext.NewDecoder(strings.NewReader(strconv.Quote(ws)))); err == nil {
			return b.Or(!gb) == gb
		}
	}
	return false
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case numLit:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// diffTrees returns the differences between the expected leaves and the
// re-encoded ones: missing or changed values, and invented ones.
func diffTrees(want, got any) []string {
	wl, gl := leaves(want), leaves(got)
	var diffs []string
	for p, w := range wl {
		g, ok := gl[p]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("lost %s = %v", p, w))
		case !sameScalar(w, g):
			diffs = append(diffs, fmt.Sprintf("changed %s: %v → %v", p, w, g))
		}
	}
	for p, g := range gl {
		if _, ok := wl[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("invented %s = %v", p, g))
		}
	}
	sort.Strings(diffs)
	return diffs
}
