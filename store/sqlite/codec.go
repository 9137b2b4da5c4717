package sqlite

import (
	"database/sql"
	"encoding/json"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"maps"
	"slices"
	"time"
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
		if !storecodec.JSONSafe(k) || !storecodec.JSONSafe(v) {
			b, err := json.Marshal(h) // replaces what is not UTF-8
			if err != nil {
				return nil, nil, err
			}
			return string(b), storecodec.PackHeaders(h), nil
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

func decodeHeaders(view sql.NullString, exact []byte) (map[string]string, error) {
	if exact != nil {
		return storecodec.UnpackHeaders(exact)
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

// stamp is the time the store records for its own stamps (CreatedAt,
// UpdatedAt), at microsecond precision so that every backend returns
// exactly what it handed back at insert time.
func stamp() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
