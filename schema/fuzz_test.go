package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/internal/testutil"
)

// FuzzValidate feeds arbitrary bodies to Validate and ValidateCallback: they
// must never panic, every finding must be complete, and a body is rejected
// as not-JSON exactly when encoding/json rejects it.
func FuzzValidate(f *testing.F) {
	v := New()
	seeds := []string{
		validSelect, validInit, validOnStatus,
		`{"context": {"action": "on_search", "domain": "dsep:courses"}, "message": {"catalog": {"providers": [{"items": [{"price": {"value": 10.5}}]}]}}}`,
		`{"context": {"action": "status"}, "message": {"order": {"id": "x"}}}`,
		`{"context": {"action": "on_comfirm"}, "responses": []}`,
		`{"context": {"action": "rating_categories"}, "message": {"rating_categories": ["Item", 3]}}`,
		`[]`, `{`, `{"context": null}`, "{\"context\": {\"domain\": \"\xff\"}}",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "")
		f.Add([]byte(s), "on_init")
	}
	// The DSEP examples, when ../shared is there, are the best seeds: real
	// shapes with real mistakes. Without them the built-in seeds suffice.
	if root, err := testutil.ModuleRoot(); err == nil {
		dir := filepath.Join(filepath.Dir(root), "shared", "fixtures", "dsep-examples")
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") && !strings.Contains(p, "postman") {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b, "")
				}
			}
			return nil
		})
	}
	request := []byte(validInit)
	f.Fuzz(func(t *testing.T, body []byte, action string) {
		check := func(r Result) {
			errs := 0
			for _, fd := range r.Findings {
				if fd.Rule == "" || fd.Code == "" || fd.Message == "" {
					t.Fatalf("incomplete finding %+v", fd)
				}
				switch fd.Severity {
				case SeverityError:
					errs++
				case SeverityWarning, SeverityInfo:
				default:
					t.Fatalf("bad severity in %+v", fd)
				}
			}
			if r.HasErrors() != (errs > 0) {
				t.Fatal("HasErrors disagrees with the findings")
			}
			if _, _, _, ok := r.NackError(); ok != (errs > 0) {
				t.Fatal("NackError disagrees with the findings")
			}
		}
		r := v.Validate(action, body)
		check(r)
		syntax := len(r.Findings) == 1 && r.Findings[0].Rule == "json.syntax"
		if valid := json.Valid(body); valid == syntax {
			t.Fatalf("json.Valid = %v but findings %v", valid, r.Findings)
		}
		check(v.ValidateCallback(request, body))
		check(v.ValidateCallback(body, []byte(validOnStatus)))
	})
}
