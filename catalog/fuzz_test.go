package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/internal/testutil"
)

// FuzzFromOnSearch feeds arbitrary bodies to the mapping: it must never
// panic, and what it maps must be usable: an id, a known kind, a BPP, a group
// key of its kind, a lean record and a JSON document that read back equal.
func FuzzFromOnSearch(f *testing.F) {
	f.Add(onSearch("onest:learning-experiences", "b", "p", "P", "60", item{id: "a", name: "Python", lang: "hi", price: "10", duration: "PT1H"}))
	f.Add([]byte(`{"context":{"domain":"dsep:jobs","action":"on_search","BPP_ID":"x"},"message":{"catalog":{"providers":{"id":1,"items":{"id":2,"descriptor":{"name":"जॉब"},"tags":{"gender":"female"}}}}}}`))
	f.Add([]byte(`{"context":{"domain":"onest:financial-support","bpp_id":"x"},"message":{"catalog":{"providers":[{"items":[{"id":"","descriptor":{"name":""}},{"price":{"value":"Up to ₹1,00,000"}}]}]}}}`))
	f.Add([]byte(`{}`))
	dir := testutil.SharedDir(f, "fixtures", "dsep-examples")
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "on_search") {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		opps, err := FromOnSearch(body, at)
		if err != nil {
			if len(opps) != 0 {
				t.Fatalf("error %v with %d opportunities", err, len(opps))
			}
			return
		}
		for i := range opps {
			o := &opps[i]
			if o.ID == "" || !slices.Contains(Kinds(), o.Kind) || o.BppID == "" || !strings.HasPrefix(o.GroupKey, o.Kind+":") {
				t.Fatalf("unusable opportunity %+v", o)
			}
			var back Opportunity
			if _, _, err := decodeLean(encodeLean(o), &back); err != nil || back.ID != o.ID || back.Title != o.Title ||
				!slices.Equal(back.Languages, o.Languages) || back.Duration != o.Duration || !back.Deadline.Equal(o.Deadline.Truncate(time.Millisecond)) {
				t.Fatalf("lean round trip: %v\n%+v\n%+v", err, o, back)
			}
			var rest Opportunity
			if err := decodeRest(encodeRest(o), &rest); err != nil || rest.LongDesc != o.LongDesc || rest.ShortDesc != o.ShortDesc ||
				!slices.Equal(rest.Images, o.Images) || !slices.Equal(rest.Eligibility, o.Eligibility) || len(rest.Tags) != len(o.Tags) {
				t.Fatalf("rest round trip: %v", err)
			}
			b, err := json.Marshal(o)
			if err != nil {
				t.Fatalf("json: %v", err)
			}
			var doc Opportunity
			if err := json.Unmarshal(b, &doc); err != nil || doc.ID != o.ID || doc.Duration != o.Duration {
				t.Fatalf("json round trip: %v %s", err, b)
			}
			if len(queryTerms(o.Title)) > 0 && !(Query{Text: o.Title}.Matches(o)) {
				t.Fatalf("an opportunity does not match its own title %q", o.Title)
			}
		}
	})
}
