package postgres

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
)

// timeArg stores the zero time as NULL, so "not known" stays distinct
// from a real instant.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func timeOf(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// encodeHeaders returns the jsonb form of h and, when jsonb cannot carry
// every byte (values that are not UTF-8 or hold NUL, which jsonb rejects and
// real peers do send), the exact form that wins on read. The jsonb form is
// then made valid (invalid bytes become U+FFFD, NUL is dropped) so that
// queries on headers still work.
func encodeHeaders(h map[string]string) (view []byte, exact []byte, err error) {
	if len(h) == 0 {
		return nil, nil, nil
	}
	lossy := false
	for k, v := range h {
		if !jsonSafe(k) || !jsonSafe(v) {
			lossy = true
			break
		}
	}
	src := h
	if lossy {
		exact = packHeaders(h)
		src = make(map[string]string, len(h))
		for k, v := range h {
			src[clean(k)] = clean(v)
		}
	}
	view, err = json.Marshal(src)
	return view, exact, err
}

func jsonSafe(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

func decodeHeaders(view []byte, exact []byte) (map[string]string, error) {
	if exact != nil {
		return unpackHeaders(exact)
	}
	if len(view) == 0 {
		return nil, nil
	}
	var h map[string]string
	if err := json.Unmarshal(view, &h); err != nil {
		return nil, err
	}
	return h, nil
}

// packHeaders writes count, then length-prefixed name and value pairs in
// name order (the same format as store/sqlite).
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

var errBadHeaders = errors.New("postgres: stored headers are corrupt")

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
// UpdatedAt): PostgreSQL keeps microseconds, so the value handed back to
// the caller at insert is exactly what a later read returns.
func stamp() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
