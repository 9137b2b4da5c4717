package beckn

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/internal/testutil"
)

// buildOnSearch returns an on_search body of at least size bytes: the
// context and catalog of the courses fixture with its item repeated (ids
// made unique) across providers of 50 items each. Deterministic, so runs
// compare.
func buildOnSearch(tb testing.TB, size int) []byte {
	tb.Helper()
	path := filepath.Join(testutil.SharedDir(tb, "fixtures", "dsep-examples"), "courses", "search", "on_search.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var fx struct {
		Context jsontext.Value `json:"context"`
		Message struct {
			Catalog struct {
				Descriptor jsontext.Value `json:"descriptor"`
				Providers  []struct {
					Descriptor jsontext.Value   `json:"descriptor"`
					Items      []jsontext.Value `json:"items"`
				} `json:"providers"`
			} `json:"catalog"`
		} `json:"message"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		tb.Fatal(err)
	}
	// Drop the item's own id so every copy can get a distinct one.
	var fields map[string]jsontext.Value
	if err := json.Unmarshal(fx.Message.Catalog.Providers[0].Items[0], &fields); err != nil {
		tb.Fatal(err)
	}
	delete(fields, "id")
	item, err := json.Marshal(fields, json.Deterministic(true))
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"context":%s,"message":{"catalog":{"descriptor":%s,"providers":[`, fx.Context, fx.Message.Catalog.Descriptor)
	for p := 0; b.Len() < size; p++ {
		if p > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"provider-%d","descriptor":%s,"items":[`, p, fx.Message.Catalog.Providers[0].Descriptor)
		for i := range 50 {
			if i > 0 {
				b.WriteByte(',')
			}
			// Replace the item's id so every item is distinct.
			fmt.Fprintf(&b, `{"id":"item-%d-%d",%s`, p, i, item[bytes.IndexByte(item, '{')+1:])
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}}}`)
	if !jsontext.Value(b.Bytes()).IsValid() {
		tb.Fatal("built body is not valid JSON")
	}
	return b.Bytes()
}

func TestBuildOnSearch(t *testing.T) {
	body := buildOnSearch(t, 1<<20)
	env, err := Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	var m CatalogMessage
	if err := env.DecodeMessage(&m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range m.Catalog.Providers {
		n += len(p.Items)
	}
	if len(body) < 1<<20 || n < 250 {
		t.Fatalf("built %d bytes with %d items", len(body), n)
	}
}

func BenchmarkDecodeOnSearch1MB(b *testing.B) {
	body := buildOnSearch(b, 1<<20)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		env, err := Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		var m CatalogMessage
		if err := env.DecodeMessage(&m); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkPeek(b *testing.B, size int) {
	body := buildOnSearch(b, size)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		c, err := PeekContext(body)
		if err != nil || c.Action != ActionOnSearch {
			b.Fatal(c.Action, err)
		}
	}
}

func BenchmarkPeekContext20KB(b *testing.B) { benchmarkPeek(b, 20<<10) }
func BenchmarkPeekContext1MB(b *testing.B)  { benchmarkPeek(b, 1<<20) }

// BenchmarkPeekContext1MBContextLast is the worst case: the context follows
// a 1 MB message that must be skipped.
func BenchmarkPeekContext1MBContextLast(b *testing.B) {
	body := buildOnSearch(b, 1<<20)
	env, err := Decode(body)
	if err != nil {
		b.Fatal(err)
	}
	ctx, _ := Marshal(&env.Context)
	last := fmt.Appendf(nil, `{"message":%s,"context":%s}`, env.Message, ctx)
	b.SetBytes(int64(len(last)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PeekContext(last); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeCatalog(b *testing.B) {
	body := buildOnSearch(b, 1<<20)
	env, err := Decode(body)
	if err != nil {
		b.Fatal(err)
	}
	var m CatalogMessage
	if err := env.DecodeMessage(&m); err != nil {
		b.Fatal(err)
	}
	out, err := Marshal(&m)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(&m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDuration(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDuration("P1Y2M3DT4H5M6.7S"); err != nil {
			b.Fatal(err)
		}
	}
}
