package beckn

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/internal/testutil"
)

// fixtureException is a file of the fixtures folder that is not a plain
// Beckn body. The test asserts the specific way it differs instead of
// skipping it.
type fixtureException struct {
	reason string
	check  func(t *testing.T, body []byte)
}

// notJSON is the check of a documentation file: it must not parse as JSON
// (if it ever does, it has become a body and belongs in the checked set).
func notJSON(t *testing.T, body []byte) {
	t.Helper()
	if _, err := parseTree(body); err == nil {
		t.Fatal("documentation file parses as JSON; check it as a Beckn body instead")
	}
	var de *DecodeError
	if _, err := Decode(body); !errors.As(err, &de) {
		t.Fatalf("Decode = %v, want *DecodeError", err)
	}
}

var docFile = fixtureException{reason: "documentation of the examples, not a Beckn body", check: notJSON}

// Paths are relative to ../shared/fixtures/dsep-examples.
var fixtureExceptions = map[string]fixtureException{
	"courses/README.md":                                         docFile,
	"expert-connect/README.md":                                  docFile,
	"work-opportunities/README.md":                              docFile,
	"financial-support/V0.7.0/README.md":                        docFile,
	"financial-support/V0.7.0/Tags/Tags.md":                     docFile,
	"financial-support/forms/scholarship-application-form.html": {reason: "a sample HTML application form, not a Beckn body", check: notJSON},
	"work-opportunities/tags.json": {
		reason: "empty file in the upstream repository",
		check: func(t *testing.T, body []byte) {
			if len(body) != 0 {
				t.Fatalf("expected an empty file, got %d bytes", len(body))
			}
			_, err := Decode(body)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode(empty) = %v, want *DecodeError", err)
			}
		},
	},
	"financial-support/V0.7.0/Tags/Tags.json": {
		reason: "a reference list of tag codes ({\"tags\": ...}), not a Beckn message",
		check:  wantNoContext,
	},
	"financial-support/V0.7.0/Tags/Faqs.json": {
		reason: "a JSON array of FAQ entries, not a Beckn message",
		check: func(t *testing.T, body []byte) {
			_, err := Decode(body)
			var de *DecodeError
			if !errors.As(err, &de) || de.Pointer != "" {
				t.Fatalf("Decode(array) = %v, want *DecodeError at the root", err)
			}
		},
	},
	"financial-support/V0.7.0/track/track_response.json": {
		reason: "a synchronous NACK response body, not a message: parsed with ParseAckResponse",
		check: func(t *testing.T, body []byte) {
			wantNoContext(t, body)
			r, err := ParseAckResponse(body)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != StatusNACK || r.Error == nil || r.Error.Code == "" {
				t.Fatalf("ParseAckResponse = %+v, want a NACK with an error code", r)
			}
		},
	},
}

// actionOverrides are bodies whose context.action is not a core action; the
// test asserts MessageFor has no type for it and uses the type the body's
// folder implies.
var actionOverrides = map[string]struct {
	reason string
	as     string
}{
	"student-connect/confirm/on_confirm.json": {
		reason: `action "on_comfirm" is a typo of on_confirm`, as: ActionOnConfirm,
	},
	"financial-support/V0.6.0/meta-api/cancellation_reasons-v0.6.0.json": {
		reason: `action "cancellation_reason" is a singular typo of cancellation_reasons`, as: ActionCancellationReasons,
	},
	"financial-support/V0.7.0/meta-api/cancellation_reasons.json": {
		reason: `action "cancellation_reason" is a singular typo of cancellation_reasons`, as: ActionCancellationReasons,
	},
	"financial-support/V0.6.0/meta-api/get_cancellation_reasons-v0.6.0.json": {
		reason: `action "get_cancellation_reason" is a singular typo; the meta request has no message`, as: ActionGetCancellationReasons,
	},
	"financial-support/V0.7.0/meta-api/get_cancellation_reasons.json": {
		reason: `action "get_cancellation_reason" is a singular typo; the meta request has no message`, as: ActionGetCancellationReasons,
	},
}

func wantNoContext(t *testing.T, body []byte) {
	t.Helper()
	_, err := Decode(body)
	if !errors.Is(err, ErrNoContext) {
		t.Fatalf("Decode = %v, want ErrNoContext", err)
	}
	if _, err := PeekContext(body); !errors.Is(err, ErrNoContext) {
		t.Fatalf("PeekContext = %v, want ErrNoContext", err)
	}
}

// TestFixturesRoundTrip decodes every example of the DSEP/ONEST fixtures
// into an Envelope and the typed message of its action, re-encodes both and
// checks, path by path, that no value was lost or invented (see
// expectedAfterRoundTrip for the rules). Postman collections are walked for
// their request bodies.
func TestFixturesRoundTrip(t *testing.T) {
	root := testutil.SharedDir(t, "fixtures", "dsep-examples")
	seenExceptions := map[string]bool{}
	var bodies int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		t.Run(rel, func(t *testing.T) {
			switch {
			case fixtureExceptions[rel].check != nil:
				seenExceptions[rel] = true
				t.Logf("exception: %s", fixtureExceptions[rel].reason)
				fixtureExceptions[rel].check(t, body)
			case strings.Contains(filepath.Base(rel), "postman-collection"):
				n := checkPostmanCollection(t, body)
				if n == 0 {
					t.Fatal("no request bodies found in the collection")
				}
				bodies += n
			default:
				bodies++
				checkRoundTrip(t, rel, body)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel := range fixtureExceptions {
		if !seenExceptions[rel] {
			t.Errorf("listed exception %s was not found; update the list", rel)
		}
	}
	if bodies < 160 {
		t.Errorf("checked %d bodies, want at least 160", bodies)
	}
	t.Logf("checked %d Beckn bodies", bodies)
}

// TestPostmanSandboxCollection walks the ONEST sandbox collection's request
// bodies the same way.
func TestPostmanSandboxCollection(t *testing.T) {
	path := filepath.Join(testutil.SharedDir(t, "fixtures", "postman"), "onest-sandbox-collection.json")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := checkPostmanCollection(t, body); n < 50 {
		t.Fatalf("checked %d request bodies, want the collection's 50+", n)
	}
}

// checkPostmanCollection round-trips every raw request body of a Postman
// collection and returns how many it checked.
func checkPostmanCollection(t *testing.T, body []byte) int {
	t.Helper()
	type item struct {
		Name    string           `json:"name"`
		Item    []jsontext.Value `json:"item"`
		Request *struct {
			Body *struct {
				Raw string `json:"raw"`
			} `json:"body"`
		} `json:"request"`
	}
	var coll struct {
		Item []jsontext.Value `json:"item"`
	}
	if err := json.Unmarshal(body, &coll); err != nil {
		t.Fatalf("collection: %v", err)
	}
	n := 0
	var walk func(prefix string, items []jsontext.Value)
	walk = func(prefix string, items []jsontext.Value) {
		for _, raw := range items {
			var it item
			if err := json.Unmarshal(raw, &it); err != nil {
				t.Fatalf("collection item: %v", err)
			}
			name := prefix + "/" + it.Name
			walk(name, it.Item)
			if it.Request == nil || it.Request.Body == nil || strings.TrimSpace(it.Request.Body.Raw) == "" {
				continue
			}
			n++
			t.Run(strings.TrimPrefix(name, "/"), func(t *testing.T) {
				checkRoundTrip(t, name, []byte(it.Request.Body.Raw))
			})
		}
	}
	walk("", coll.Item)
	return n
}

// checkRoundTrip is the core assertion: decode, typed message, re-encode,
// compare.
func checkRoundTrip(t *testing.T, rel string, body []byte) {
	t.Helper()
	env, err := Decode(body)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	peeked, err := PeekContext(body)
	if err != nil {
		t.Fatalf("PeekContext: %v", err)
	}
	if !sameContext(peeked, env.Context) {
		t.Fatalf("PeekContext differs from Decode:\n%+v\n%+v", peeked, env.Context)
	}
	action := env.Context.Action
	msg := MessageFor(action)
	if ov, ok := actionOverrides[rel]; ok {
		t.Logf("exception: %s", ov.reason)
		if msg != nil {
			t.Fatalf("MessageFor(%q) has a type; remove the override", action)
		}
		action = ov.as
		msg = MessageFor(action)
	}
	if msg == nil {
		switch action {
		case ActionGetCancellationReasons, ActionGetRatingCategories, ActionGetReturnReasons:
			if env.HasMessage() {
				t.Fatalf("meta request %s carries a message", action)
			}
		default:
			t.Fatalf("no typed message for action %q", action)
		}
	} else if err := env.DecodeMessage(msg); err != nil {
		t.Fatalf("DecodeMessage(%s): %v", action, err)
	}

	out := *env
	if msg != nil && env.HasMessage() {
		enc, err := Marshal(msg)
		if err != nil {
			t.Fatalf("Marshal message: %v", err)
		}
		out.Message = enc
		// The strict encoding is a fixed point of decode/encode.
		again := MessageFor(action)
		if err := Unmarshal(enc, again); err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		if enc2, err := Marshal(again); err != nil || string(enc2) != string(enc) {
			t.Fatalf("second re-encoding differs (%v)", err)
		}
	}
	got, err := Marshal(&out)
	if err != nil {
		t.Fatalf("Marshal envelope: %v", err)
	}
	wantTree, err := parseTree(body)
	if err != nil {
		t.Fatalf("parse original: %v", err)
	}
	gotTree, err := parseTree(got)
	if err != nil {
		t.Fatalf("parse re-encoded: %v\n%s", err, got)
	}
	if diffs := diffTrees(expectedAfterRoundTrip(action, wantTree), gotTree); len(diffs) > 0 {
		if len(diffs) > 20 {
			diffs = append(diffs[:20], "...")
		}
		t.Fatalf("round trip of %s changed the body:\n  %s", action, strings.Join(diffs, "\n  "))
	}
}

// sameContext compares two decoded contexts by their encoding.
func sameContext(a, b Context) bool {
	ea, err1 := Marshal(&a)
	eb, err2 := Marshal(&b)
	return err1 == nil && err2 == nil && string(ea) == string(eb)
}
