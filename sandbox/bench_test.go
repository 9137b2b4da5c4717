package sandbox

import (
	"fmt"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
)

// BenchmarkRegistryLookup is the gateway's per-search question ("every BPP
// of this domain and city") against a registry of 1000 participants.
func BenchmarkRegistryLookup(b *testing.B) {
	st, _ := newRegistryStore("")
	now := time.Now()
	var recs []registry.Subscriber
	for i := 0; i < 1000; i++ {
		r := DeriveIdentity(1, fmt.Sprintf("bpp-%d.test", i)).Record(registry.TypeBPP, beckn.Domains()[i%4], "http://127.0.0.1:1", now)
		r.City = fmt.Sprintf("std:%03d", i%50)
		recs = append(recs, r)
	}
	if err := st.put(recs...); err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"type":"BPP","domain":"dsep:courses","location":{"city":{"code":"std:008"}}}`)
	b.ReportAllocs()
	for b.Loop() {
		f, err := ParseLookupRequest(body)
		if err != nil {
			b.Fatal(err)
		}
		if got := st.find(f); len(got) != 10 {
			b.Fatalf("found %d, want 10", len(got))
		}
	}
}

// BenchmarkParseTelemetryBatch parses a full batch of 100 API events, the
// size ONEST asks senders to use.
func BenchmarkParseTelemetryBatch(b *testing.B) {
	var events []any
	for i := 0; i < 100; i++ {
		events = append(events, spanEvent("search", fmt.Sprintf("txn-%d", i)))
	}
	body := batchBody(b, "bench", events...)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTelemetryBatch(body, nil); err != nil {
			b.Fatal(err)
		}
	}
}
