package bpp

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/internal/testutil"
)

// The ONEST sandbox Postman collection is what a seeker platform runs before
// go-live. Every one of its requests, sent (signed) to the domain's
// reference provider with the collection's variables pointing at this
// sandbox, must be ACKed and answered by a callback without an error; a
// search must find at least one item.

type postmanItem struct {
	Name    string        `json:"name"`
	Item    []postmanItem `json:"item"`
	Request *struct {
		Method string `json:"method"`
		Body   struct {
			Raw string `json:"raw"`
		} `json:"body"`
		URL struct {
			Raw string `json:"raw"`
		} `json:"url"`
	} `json:"request"`
}

type postmanRequest struct {
	Folder, Name, Action, Body string
}

func loadPostman(t *testing.T) map[string][]postmanRequest {
	t.Helper()
	path := testutil.SharedDir(t, "fixtures", "postman", "onest-sandbox-collection.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var coll struct {
		Item []postmanItem `json:"item"`
	}
	if err := json.Unmarshal(raw, &coll); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string][]postmanRequest{}
	var walk func(top string, items []postmanItem)
	walk = func(top string, items []postmanItem) {
		for _, it := range items {
			if it.Request == nil {
				walk(top, it.Item)
				continue
			}
			u := it.Request.URL.Raw
			out[top] = append(out[top], postmanRequest{Folder: top, Name: it.Name, Action: u[strings.LastIndexByte(u, '/')+1:], Body: it.Request.Body.Raw})
		}
	}
	for _, top := range coll.Item {
		walk(top.Name, top.Item)
	}
	return out
}

var postmanFolders = map[string]struct{ domain, prefix string }{
	"Learning Experiences": {domainLearning, "le"},
	"Financial Support":    {domainFinancial, "fs"},
	"Work Opportunities":   {domainWork, "wo"},
	"Expert Connect":       {domainExpert, "ec"},
}

var postmanVar = regexp.MustCompile(`\{\{\s*([^{}]+?)\s*\}\}`)

// substitute replaces the collection's variables with this sandbox's values.
func substitute(body, prefix string, h *harness) string {
	vars := map[string]string{
		prefix + "_bap_id": testBAPID, prefix + "_bap_uri": h.bap.URL,
		prefix + "_bpp_id": h.bppID, prefix + "_bpp_uri": h.srv.URL,
		prefix + "_base_url": h.srv.URL, "core_version": "1.1.0",
		"onest_learning_experiences": domainLearning, "onest_work_opportunities": domainWork,
		"onest_financial_support": domainFinancial, "onest_expert_connect": domainExpert,
	}
	return postmanVar.ReplaceAllStringFunc(body, func(m string) string {
		name := postmanVar.FindStringSubmatch(m)[1]
		switch name {
		case "$randomUUID":
			return beckn.NewUUID()
		case "$isoTimestamp":
			return beckn.Timestamp(time.Now())
		}
		if v, ok := vars[name]; ok {
			return v
		}
		return m
	})
}

func TestPostmanCollectionCompletes(t *testing.T) {
	folders := loadPostman(t)
	total := 0
	for folder, reqs := range folders {
		spec, ok := postmanFolders[folder]
		if !ok {
			t.Fatalf("collection folder %q is not one of the four ONEST domains", folder)
		}
		t.Run(spec.prefix, func(t *testing.T) {
			h := newHarness(t, spec.domain, 0)
			for _, pr := range reqs {
				total++
				body := substitute(pr.Body, spec.prefix, h)
				if strings.Contains(body, "{{") {
					t.Errorf("%s: unresolved variable in %s", pr.Name, body)
					continue
				}
				ctx, err := beckn.PeekContext([]byte(body))
				if err != nil {
					t.Errorf("%s: %v", pr.Name, err)
					continue
				}
				h.mu.Lock()
				before := len(h.got)
				h.mu.Unlock()
				r := h.post(pr.Action, []byte(body), nil)
				if ack, err := beckn.ParseAckResponse(r.Body); r.Status != 200 || err != nil || !ack.Acked() {
					t.Errorf("%s (%s): want ACK, got HTTP %d %s", pr.Name, pr.Action, r.Status, r.Body)
					continue
				}
				want := beckn.CallbackAction(pr.Action)
				c := h.waitAfter(before, want+" for "+pr.Name, func(c captured) bool {
					return c.Action == want && c.Ctx.MessageID == ctx.MessageID
				})
				if c.VerifyErr != nil {
					t.Errorf("%s: callback signature: %v", pr.Name, c.VerifyErr)
				}
				if c.Env == nil || c.Env.Error != nil {
					t.Errorf("%s (%s): callback is not a success: %s", pr.Name, pr.Action, c.Body)
					continue
				}
				if pr.Action == "search" {
					cat := decode[beckn.CatalogMessage](t, c)
					items := 0
					for _, p := range cat.Catalog.Providers {
						items += len(p.Items)
					}
					if items == 0 {
						t.Errorf("%s: the search found nothing: %s", pr.Name, pr.Body)
					}
				}
			}
		})
	}
	if total < 50 {
		t.Errorf("walked %d requests; the collection has 56", total)
	}
}

// The DSEP example requests (../shared/fixtures/dsep-examples) are what
// real BAPs send, quirks included (legacy domain codes, 0.9-style fields,
// ratings as objects, support with extra members). A lenient provider ACKs
// every one of them and answers each with a callback (a success, or an
// ONEST error where the example names ids this catalog does not hold).
func TestDSEPExampleRequestsAreAccepted(t *testing.T) {
	root := testutil.SharedDir(t, "fixtures", "dsep-examples")
	harnesses := map[string]*harness{}
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, "on_") || strings.Contains(path, "postman") || strings.Contains(path, "/Tags/") ||
			strings.Contains(name, "response") || strings.HasPrefix(name, "cancellation_reasons") || strings.HasPrefix(name, "rating_categories") || name == "tags.json" {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var body map[string]any
		if json.Unmarshal(raw, &body) != nil {
			return nil // not a request body (empty or invalid files are documented)
		}
		ctx, _ := body["context"].(map[string]any)
		if ctx == nil {
			return nil
		}
		action, _ := ctx["action"].(string)
		domain, known := beckn.NormalizeDomain(fmt.Sprint(ctx["domain"]))
		if !known || !becknActions[action] {
			return nil // student-connect is not an ONEST domain
		}
		h := harnesses[domain]
		if h == nil {
			h = newHarness(t, domain, 0)
			harnesses[domain] = h
		}
		ctx["bap_id"], ctx["bap_uri"], ctx["bpp_id"], ctx["bpp_uri"] = testBAPID, h.bap.URL, h.bppID, h.srv.URL
		mid := beckn.NewUUID()
		ctx["message_id"] = mid
		if _, ok := ctx["transaction_id"].(string); !ok {
			ctx["transaction_id"] = beckn.NewUUID()
		}
		out, _ := json.Marshal(body)
		rel, _ := filepath.Rel(root, path)
		r := h.post(action, out, nil)
		if ack, err := beckn.ParseAckResponse(r.Body); r.Status != 200 || err != nil || !ack.Acked() {
			t.Errorf("%s: want ACK, got HTTP %d %s", rel, r.Status, r.Body)
			return nil
		}
		n++
		want := beckn.CallbackAction(action)
		c := h.wait(want+" for "+rel, func(c captured) bool { return c.Action == want && c.Ctx.MessageID == mid })
		if c.VerifyErr != nil || c.DecodeErr != nil {
			t.Errorf("%s: callback signature %v, decode %v", rel, c.VerifyErr, c.DecodeErr)
		}
		t.Logf("%s → %s error=%q", rel, want, errCode(c))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 40 {
		t.Errorf("only %d example requests were sent", n)
	}
}
