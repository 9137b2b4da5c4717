package schema

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
