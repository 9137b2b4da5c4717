package sqlite

import (
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Times are stored as Unix nanoseconds so that nothing is rounded and
// comparisons in SQL are integer comparisons; the zero time is NULL.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

func timeOf(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// encodeHeaders returns the JSON form of h, readable with SQLite's JSON
// functions, and, when JSON cannot carry every byte (header values that are
// not UTF-8 or hold NUL, which real peers do send), an exact binary form
// that wins on read. Signature verification logs are taken from these
// headers, so they must come back exactly as received.
func encodeHeaders(h map[string]string) (view any, exact []byte, err error) {
	if len(h) == 0 {
		return nil, nil, nil
	}
	for k, v := range h {
		if !jsonSafe(k) || !jsonSafe(v) {
			b, err := json.Marshal(h) // replaces what is not UTF-8
			if err != nil {
				return nil, nil, err
			}
			return string(b), packHeaders(h), nil
		}
	}
	return string(appendJSONObject(nil, h)), nil, nil
}

// appendJSONObject writes h as a JSON object with sorted names. It runs for
// every stored message, where encoding/json's reflection showed in
// profiles; callers pass only valid UTF-8 without NUL.
func appendJSONObject(b []byte, h map[string]string) []byte {
	b = append(b, '{')
	for i, k := range slices.Sorted(maps.Keys(h)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, h[k])
	}
	return append(b, '}')
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func jsonSafe(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func decodeHeaders(view sql.NullString, exact []byte) (map[string]string, error) {
	if exact != nil {
		return unpackHeaders(exact)
	}
	if !view.Valid || view.String == "" {
		return nil, nil
	}
	var h map[string]string
	if err := json.Unmarshal([]byte(view.String), &h); err != nil {
		return nil, err
	}
	return h, nil
}

// packHeaders writes count, then length-prefixed name and value pairs in
// name order.
func packHeaders(h map[string]string) []byte {
	b := binary.AppendUvarint(nil, uint64(len(h)))
	for _, k := range slices.Sorted(maps.Keys(h)) {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(h[k])))
		b = append(b, h[k]...)
	}
	return b
}

var errBadHeaders = errors.New("sqlite: stored headers are corrupt")

func unpackHeaders(b []byte) (map[string]string, error) {
	n, used := binary.Uvarint(b)
	if used <= 0 || n > uint64(len(b)) {
		return nil, errBadHeaders
	}
	b = b[used:]
	h := make(map[string]string, n)
	next := func() (string, bool) {
		l, used := binary.Uvarint(b)
		if used <= 0 || uint64(len(b)-used) < l {
			return "", false
		}
		s := string(b[used : used+int(l)])
		b = b[used+int(l):]
		return s, true
	}
	for range n {
		k, ok1 := next()
		v, ok2 := next()
		if !ok1 || !ok2 {
			return nil, errBadHeaders
		}
		h[k] = v
	}
	return h, nil
}

// stamp is the time the store records for its own stamps (CreatedAt,
// UpdatedAt), at microsecond precision so that every backend returns
// exactly what it handed back at insert time.
func stamp() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
