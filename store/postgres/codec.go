package postgres

import (
	"encoding/json"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"strings"
	"time"

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
		if !storecodec.JSONSafe(k) || !storecodec.JSONSafe(v) {
			lossy = true
			break
		}
	}
	src := h
	if lossy {
		exact = storecodec.PackHeaders(h)
		src = make(map[string]string, len(h))
		for k, v := range h {
			src[clean(k)] = clean(v)
		}
	}
	view, err = json.Marshal(src)
	return view, exact, err
}

func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

func decodeHeaders(view []byte, exact []byte) (map[string]string, error) {
	if exact != nil {
		return storecodec.UnpackHeaders(exact)
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

// stamp is the time the store records for its own stamps (CreatedAt,
// UpdatedAt): PostgreSQL keeps microseconds, so the value handed back to
// the caller at insert is exactly what a later read returns.
func stamp() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
