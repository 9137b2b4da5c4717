package sqlite

import (
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"github.com/onest-seeker/seeker/store/storetest"
)

func benchStore(b *testing.B) *Store {
	b.Helper()
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkInsertInbound20KB measures callback persistence, the store's
// share of "persisted before the ACK". Parallel runs 16 goroutines per
// GOMAXPROCS, as 16 connections of providers delivering at once would;
// Sequential is one caller, one commit per insert.
func BenchmarkInsertInbound20KB(b *testing.B) {
	body := storetest.Body20KB()
	b.Run("Parallel", func(b *testing.B) {
		s := benchStore(b)
		var n atomic.Int64
		b.SetBytes(int64(len(body)))
		b.SetParallelism(16)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.InsertInbound(b.Context(), storetest.Callback(body, n.Add(1))); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
		b.ReportMetric(float64(s.w.writes.Load())/float64(s.w.commits.Load()), "writes/commit")
	})
	b.Run("Sequential", func(b *testing.B) {
		s := benchStore(b)
		b.SetBytes(int64(len(body)))
		b.ResetTimer()
		for i := range b.N {
			if _, err := s.InsertInbound(b.Context(), storetest.Callback(body, int64(i))); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
	})
}

// BenchmarkMessagesByTransaction is the read side of a search: every
// callback of one transaction, as a client stream catching up does.
func BenchmarkMessagesByTransaction(b *testing.B) {
	s := benchStore(b)
	body := storetest.Body20KB()
	for i := range int64(500) {
		if _, err := s.InsertInbound(b.Context(), storetest.Callback(body, i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		ms, err := s.Messages(b.Context(), store.MessageFilter{TransactionID: "txn-3"})
		if err != nil || len(ms) != 50 {
			b.Fatalf("%d messages, %v", len(ms), err)
		}
	}
}

// TestBenchBodyIsRealistic keeps the benchmark honest: its body must be
// about 20 KB and must not compress far better than real catalogs.
func TestBenchBodyIsRealistic(t *testing.T) {
	b := storetest.Body20KB()
	packed, codec, buf := storecodec.PackRaw(b)
	defer storecodec.ReleaseRaw(buf)
	ratio := float64(len(b)) / float64(len(packed))
	t.Logf("body %d bytes, stored %d (%s), ratio %.1f", len(b), len(packed), codec, ratio)
	if len(b) < 20<<10-100 || len(b) > 21<<10 {
		t.Errorf("body is %d bytes, want about 20 KB", len(b))
	}
	if ratio > 4 {
		t.Errorf("body compresses %.1fx; real catalogs manage about 3x", ratio)
	}
}
