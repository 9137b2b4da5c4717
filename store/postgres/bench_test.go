package postgres

import (
	"sync/atomic"
	"testing"

	"github.com/onest-seeker/seeker/store/storetest"
)

// BenchmarkInsertInbound20KB is the PostgreSQL counterpart of the SQLite
// benchmark of the same name: 16 goroutines per GOMAXPROCS in parallel, and
// one caller alone.
func BenchmarkInsertInbound20KB(b *testing.B) {
	body := storetest.Body20KB()
	run := func(b *testing.B, parallel bool) {
		s, err := Open(b.Context(), freshSchema(b))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		var n atomic.Int64
		b.SetBytes(int64(len(body)))
		b.ResetTimer()
		if parallel {
			b.SetParallelism(16)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.InsertInbound(b.Context(), storetest.Callback(body, n.Add(1))); err != nil {
						b.Error(err)
						return
					}
				}
			})
		} else {
			for range b.N {
				if _, err := s.InsertInbound(b.Context(), storetest.Callback(body, n.Add(1))); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
		b.ReportMetric(float64(s.w.writes.Load())/float64(max(1, s.w.commits.Load())), "writes/commit")
	}
	b.Run("Parallel", func(b *testing.B) { run(b, true) })
	b.Run("Sequential", func(b *testing.B) { run(b, false) })
}
