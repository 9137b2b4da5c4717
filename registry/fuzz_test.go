package registry

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzDecodeLookup feeds arbitrary lookup answers (outside input from the
// registry): decoding must never panic, and every record it returns must
// re-encode and decode to itself, so the sandbox registry can serve it.
func FuzzDecodeLookup(f *testing.F) {
	for _, s := range []string{twoRecords, oneKey, `[]`, `{"data":{"details":{"subscriber_id":"a"}}}`, `{"message":[{"ukId":1}]}`,
		`[{"subscriber_id":"a","valid_until":"2030-01-01 00:00:00","location":{"city":{"name":"x"}}}]`, `null`, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		recs, err := decodeRecords([]byte(s), maxWrapDepth)
		if err != nil {
			return
		}
		for _, r := range recs {
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("cannot encode %+v: %v", r, err)
			}
			var back Subscriber
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("cannot decode own encoding %s: %v", b, err)
			}
			// Times are written with millisecond precision in UTC.
			for _, p := range []*time.Time{&r.ValidFrom, &r.ValidUntil, &r.Created, &r.Updated} {
				*p = p.Truncate(time.Millisecond).UTC()
			}
			for _, p := range []*time.Time{&back.ValidFrom, &back.ValidUntil, &back.Created, &back.Updated} {
				*p = p.UTC()
			}
			if back != r {
				t.Fatalf("round trip changed\n%+v\ninto\n%+v", r, back)
			}
		}
	})
}
