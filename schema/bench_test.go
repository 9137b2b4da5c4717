package schema

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/internal/testutil"
)

// bigOnSearch builds a deterministic on_search of at least size bytes from
// the learning-experiences fixture catalogue: its providers and items are
// repeated with fresh ids until the body is large enough.
func bigOnSearch(tb testing.TB, size int) []byte {
	tb.Helper()
	path := filepath.Join(testutil.SharedDir(tb, "fixtures", "dsep-examples", "courses", "search"), "on_search.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	catalog := doc["message"].(map[string]any)["catalog"].(map[string]any)
	templ, err := json.Marshal(catalog["providers"].([]any)[0])
	if err != nil {
		tb.Fatal(err)
	}
	var providers []any
	for p := 0; ; p++ {
		var prov map[string]any
		if err := json.Unmarshal(templ, &prov); err != nil {
			tb.Fatal(err)
		}
		prov["id"] = fmt.Sprintf("provider-%d", p)
		items := prov["items"].([]any)
		var more []any
		for k := 0; k < 20; k++ {
			for _, it := range items {
				b, _ := json.Marshal(it)
				var item map[string]any
				_ = json.Unmarshal(b, &item)
				item["id"] = fmt.Sprintf("p%d-item-%d-%v", p, k, item["id"])
				more = append(more, item)
			}
		}
		prov["items"] = more
		providers = append(providers, prov)
		catalog["providers"] = providers
		out, err := json.Marshal(doc)
		if err != nil {
			tb.Fatal(err)
		}
		if len(out) >= size {
			return out
		}
	}
}

func TestBigOnSearchIsValid(t *testing.T) {
	body := bigOnSearch(t, 1<<20)
	r := New().Validate("on_search", body)
	if r.HasErrors() {
		t.Fatalf("the generated catalogue must be valid:\n%s", dump(r))
	}
	if len(body) < 1<<20 {
		t.Fatalf("generated %d bytes", len(body))
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	start := testutil.ProcessCPU()
	for b.Loop() {
		if _, err := compile(); err != nil {
			b.Fatal(err)
		}
	}
	testutil.ReportCPU(b, start)
}

func BenchmarkValidateOnSearch1MB(b *testing.B) {
	body := bigOnSearch(b, 1<<20)
	v := New()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	start := testutil.ProcessCPU()
	for b.Loop() {
		if r := v.Validate("on_search", body); r.HasErrors() {
			b.Fatal(r.FirstError())
		}
	}
	testutil.ReportCPU(b, start)
}

// BenchmarkDecodeOnSearch1MB is the yardstick for "the validator adds under
// 10% to callback ingestion": ingestion decodes every callback at least once,
// and this is what one generic decode of the same body costs.
func BenchmarkDecodeOnSearch1MB(b *testing.B) {
	body := bigOnSearch(b, 1<<20)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	start := testutil.ProcessCPU()
	for b.Loop() {
		var doc any
		if err := json.Unmarshal(body, &doc); err != nil {
			b.Fatal(err)
		}
	}
	testutil.ReportCPU(b, start)
}

func BenchmarkValidateSelect(b *testing.B) {
	body := msg(b, validSelect)
	v := New()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		v.Validate("select", body)
	}
}

func BenchmarkValidateCallback(b *testing.B) {
	req := msg(b, validInit, "context.action", "init")
	cb := msg(b, validInit, "context.action", "on_init")
	v := New()
	b.ReportAllocs()
	for b.Loop() {
		v.ValidateCallback(req, cb)
	}
}

// BenchmarkParseOnSearch1MB isolates the parse share of validation.
func BenchmarkParseOnSearch1MB(b *testing.B) {
	body := bigOnSearch(b, 1<<20)
	var tr tree
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	start := testutil.ProcessCPU()
	for b.Loop() {
		if err := tr.parse(body); err != nil {
			b.Fatal(err)
		}
	}
	testutil.ReportCPU(b, start)
}

// onSearch20KB builds the ~20 KB on_search of the engine's ingestion
// benchmark (engine/bench_test.go): one provider whose items each carry a
// descriptor, a price, category and fulfilment ids and a tag group.
func onSearch20KB() []byte {
	var items strings.Builder
	for i := 0; items.Len() < 19<<10; i++ {
		fmt.Fprintf(&items, `{"id":"item-%d","descriptor":{"name":"Course %d in data analysis","short_desc":"A practical course with projects","long_desc":"<p>Learn spreadsheets, SQL and dashboards with weekly assignments and mentor reviews.</p>"},"price":{"currency":"INR","value":"%d"},"category_ids":["c1"],"fulfillment_ids":["f1"],"tags":[{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"lang-code"},"value":"en"},{"descriptor":{"code":"learner-level"},"value":"Beginner"}]}]},`, i, i, 100+i)
	}
	return []byte(`{"context":{"domain":"onest:learning-experiences","action":"on_search","version":"1.1.0",` +
		`"bap_id":"bap.example.com","bap_uri":"https://bap.example.com/beckn","bpp_id":"bpp.example.com","bpp_uri":"http://bpp.invalid",` +
		`"transaction_id":"a9aaecca-10b7-4d19-b640-b047a7c62196","message_id":"b9aaecca-10b7-4d19-b640-b047a7c62196",` +
		`"timestamp":"2026-11-29T01:00:00.000Z","ttl":"PT30S"},` +
		`"message":{"catalog":{"descriptor":{"name":"Bench BPP"},"providers":[{"id":"p1","descriptor":{"name":"Bench"},"items":[` +
		strings.TrimSuffix(items.String(), ",") + `]}]}}}`)
}

// BenchmarkValidateOnSearch20KB is what the engine pays per typical
// on_search callback in warn mode; BenchmarkWellFormed20KB is the
// well-formedness scan the validator's parse replaces there (with the
// engine's options: duplicate names and invalid UTF-8 are the validator's
// findings, not syntax errors), so the difference between the two is the
// validator's added cost.
func BenchmarkValidateOnSearch20KB(b *testing.B) {
	body := onSearch20KB()
	v := New()
	if r := v.Validate("on_search", body); len(r.Findings) > 0 {
		b.Fatalf("the benchmark body must be clean:\n%s", dump(r))
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		v.Validate("on_search", body)
	}
}

func BenchmarkWellFormed20KB(b *testing.B) {
	body := onSearch20KB()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if !jsontext.Value(body).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) {
			b.Fatal("invalid")
		}
	}
}
