package beckn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Decimal is a core 1.1.0 DecimalValue: a string such as "1200.50".
//
// Providers often send JSON numbers instead, and some send free text
// ("Up to ₹1,00,000 per year"). Decimal accepts a string or a number and
// keeps the literal characters exactly as sent: a number never goes through
// float64, so "0.1" stays "0.1" and 12345678901234567890 keeps every digit.
// It always encodes as a JSON string, as core 1.1.0 requires.
type Decimal string

// UnmarshalJSONFrom accepts a JSON string, a JSON number (kept verbatim) or
// null (the zero Decimal).
func (d *Decimal) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	s, err := readScalarText(dec, "decimal value")
	if err != nil {
		return err
	}
	*d = Decimal(s)
	return nil
}

// MarshalJSONTo writes the value as a JSON string.
func (d Decimal) MarshalJSONTo(enc *jsontext.Encoder) error {
	return enc.WriteToken(jsontext.String(string(d)))
}

// Valid reports whether d matches the core 1.1.0 DecimalValue pattern
// [+-]?([0-9]*[.])?[0-9]+. Validation is a separate step (package schema)
// because free-text prices are common and must still be shown to a learner.
func (d Decimal) Valid() bool {
	s := string(d)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if hasDot {
		return allDigits(intPart, true) && allDigits(frac, false)
	}
	return allDigits(intPart, false)
}

func allDigits(s string, emptyOK bool) bool {
	if s == "" {
		return emptyOK
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String returns the literal text.
func (d Decimal) String() string { return string(d) }

// LenientString is a string member that providers sometimes send as a number
// or a boolean (Person.age "35" or 35, Rating.value, ttl members,
// form.submission_id 12345, an error code 30004). The literal text is kept
// (a number is never converted through float64) and it always encodes as a
// JSON string.
type LenientString string

// UnmarshalJSONFrom accepts a string, a number, a boolean or null.
func (s *LenientString) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := readScalarText(dec, "string")
	if err != nil {
		return err
	}
	*s = LenientString(v)
	return nil
}

// MarshalJSONTo writes the value as a JSON string.
func (s LenientString) MarshalJSONTo(enc *jsontext.Encoder) error {
	return enc.WriteToken(jsontext.String(string(s)))
}

// String returns the text.
func (s LenientString) String() string { return string(s) }

// readScalarText reads one JSON scalar and returns its text: the unquoted
// string, the literal digits of a number, "true"/"false", or "" for null.
// Objects and arrays are rejected with a typed error naming what was due.
func readScalarText(dec *jsontext.Decoder, want string) (string, error) {
	switch k := dec.PeekKind(); k {
	case '"', '0', 't', 'f', 'n':
		tok, err := dec.ReadToken()
		if err != nil {
			return "", err
		}
		if k == 'n' {
			return "", nil
		}
		return tok.String(), nil
	case '{', '[':
		// Not consumed: the decoder then reports the error at the start of
		// the offending value rather than after it.
		return "", &TypeError{Want: want, Got: kindName(k)}
	default:
		// Let the decoder report the syntax error with its offset.
		_, err := dec.ReadToken()
		if err == nil {
			err = &TypeError{Want: want, Got: kindName(k)}
		}
		return "", err
	}
}

// kindName names a JSON kind for error messages.
func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "invalid value"
}

// TypeError reports a JSON value of a kind no leniency rule accepts, e.g.
// an object where a price value is due. The decoder wraps it with the JSON
// pointer and byte offset of the value (see [DecodeError]).
type TypeError struct {
	Want string // what the member should hold, e.g. "decimal value"
	Got  string // what was found, e.g. "object" or `string "maybe"`
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("want %s, got %s", e.Want, e.Got)
}

// Number is an integer member that providers sometimes send as a string:
// Provider.ttl (seconds, -1 = do not cache), ItemQuantity counts, the XInput
// head index. The literal text is kept. It encodes as a JSON number when the
// text is a valid JSON number and as a JSON string otherwise (so an odd value
// such as "PT30S" survives a round trip instead of being lost).
type Number string

// UnmarshalJSONFrom accepts a number, a string or null.
func (n *Number) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := readScalarText(dec, "number")
	if err != nil {
		return err
	}
	*n = Number(strings.TrimSpace(v))
	return nil
}

// MarshalJSONTo writes a JSON number when the text is one, else a string.
func (n Number) MarshalJSONTo(enc *jsontext.Encoder) error {
	if isJSONNumber(string(n)) {
		return enc.WriteValue(jsontext.Value(n))
	}
	return enc.WriteToken(jsontext.String(string(n)))
}

// Int64 parses the value as a base-10 integer.
func (n Number) Int64() (int64, error) {
	return strconv.ParseInt(string(n), 10, 64)
}

// Int returns the value as an int, or def when it is absent or not an
// integer. Most consumers (progress bars, cache lifetimes) want a usable
// number more than an error.
func (n Number) Int(def int) int {
	v, err := strconv.Atoi(string(n))
	if err != nil {
		return def
	}
	return v
}

// IntNumber returns the Number for an int, for building messages.
func IntNumber(v int) Number { return Number(strconv.Itoa(v)) }

// String returns the literal text.
func (n Number) String() string { return string(n) }

// isJSONNumber reports whether s is a JSON number literal (RFC 8259 §6).
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	switch {
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

// Bool is an optional boolean that remembers whether it was present, so that
// encoding never invents `"display":false` and a consumer can apply the
// schema default (TagGroup.display defaults to true, XInput.required to
// true per BECKN-007, Form.resubmit to false).
//
// Decoding accepts true/false, the strings "true"/"false"/"yes"/"no"/"1"/"0"
// (any case), the numbers 1 and 0, and the BECKN-009 document's display
// values "block" (shown) and "none" (hidden); null and "" leave it absent.
// It encodes as a JSON boolean.
type Bool struct {
	set, val bool
}

// NewBool returns a present Bool holding v.
func NewBool(v bool) Bool { return Bool{set: true, val: v} }

// IsSet reports whether the member was present.
func (b Bool) IsSet() bool { return b.set }

// IsZero reports whether the member was absent (used by omitzero).
func (b Bool) IsZero() bool { return !b.set }

// Or returns the value, or def when the member was absent.
func (b Bool) Or(def bool) bool {
	if !b.set {
		return def
	}
	return b.val
}

// True reports whether the member was present and true.
func (b Bool) True() bool { return b.set && b.val }

// UnmarshalJSONFrom applies the leniency rules listed on [Bool].
func (b *Bool) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	k := dec.PeekKind()
	s, err := readScalarText(dec, "boolean")
	if err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		// null or "": nothing was said, so the schema default applies.
		*b = Bool{}
	case "true", "yes", "1", "block", "y":
		*b = NewBool(true)
	case "false", "no", "0", "none", "n":
		*b = NewBool(false)
	default:
		return &TypeError{Want: "boolean", Got: fmt.Sprintf("%s %q", kindName(k), s)}
	}
	return nil
}

// MarshalJSONTo writes a JSON boolean.
func (b Bool) MarshalJSONTo(enc *jsontext.Encoder) error {
	return enc.WriteToken(jsontext.Bool(b.val))
}
