package storecodec

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// JSONSafe reports whether s can go into a JSON (or jsonb) column without
// losing bytes: valid UTF-8 and no NUL.
func JSONSafe(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// PackHeaders writes count, then length-prefixed name and value pairs in
// name order.
func PackHeaders(h map[string]string) []byte {
	b := binary.AppendUvarint(nil, uint64(len(h)))
	for _, k := range slices.Sorted(maps.Keys(h)) {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(h[k])))
		b = append(b, h[k]...)
	}
	return b
}

// ErrBadHeaders is returned for a packed header form that does not parse.
var ErrBadHeaders = errors.New("stored headers are corrupt")

// UnpackHeaders reads the form PackHeaders writes.
func UnpackHeaders(b []byte) (map[string]string, error) {
	n, used := binary.Uvarint(b)
	if used <= 0 || n > uint64(len(b)) {
		return nil, ErrBadHeaders
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
			return nil, ErrBadHeaders
		}
		h[k] = v
	}
	if len(b) != 0 {
		return nil, ErrBadHeaders // bytes after the last pair: not what PackHeaders wrote
	}
	return h, nil
}
