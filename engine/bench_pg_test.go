package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/engine/pgbus"
	"github.com/onest-seeker/seeker/internal/testutil"
	"github.com/onest-seeker/seeker/store/postgres"
	"github.com/onest-seeker/seeker/store/postgres/pgtest"
)

// BenchmarkIngestPostgres measures callback ingestion end to end (signed
// 20 KB on_search over loopback HTTP: verify, correlate, persist, ACK, at 16
// connections) on PostgreSQL as a served BAP runs it — its own pool and the
// LISTEN/NOTIFY bus per instance — with one instance and with three on one
// database, the callbacks spread round robin as a load balancer spreads
// them. "sqlite" is the same load on the embedded store, for an A/B run in
// one invocation (-bench IngestPostgres -benchtime=4000x -count=3).
// All instances share this process's cores, so three instances measure
// contention on the database (the messages lock, the notify queue), not
// the extra CPU separate machines would bring.
//
// Besides wall time it reports CPU per callback, which an oversubscribed
// machine does not inflate: "cpu-ns/op" of this process and, when the
// database server runs on this machine, "db-cpu-ns/op" of its processes.
func BenchmarkIngestPostgres(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		h := newHarness(b)
		ingestRoundRobin(b, h, []*harness{h}, false)
	})
	for _, n := range []int{1, 3} {
		b.Run(map[int]string{1: "postgres-1", 3: "postgres-3"}[n], func(b *testing.B) {
			dsn := pgtest.FreshSchema(b)
			var hs []*harness
			for range n {
				hs = append(hs, newHarness(b, onPostgres(b, dsn)))
			}
			ingestRoundRobin(b, hs[0], hs, true)
		})
	}
}

// onPostgres points a harness's engine at the database dsn with the bus a
// served instance uses there.
func onPostgres(b *testing.B, dsn string) func(*engine.Config) {
	return func(c *engine.Config) {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			b.Fatal(err)
		}
		bus, err := pgbus.New(context.Background(), dsn, "", nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { bus.Close(); st.Close() })
		c.Store, c.Bus = st, bus
	}
}

// ingestRoundRobin answers one search sent by first with b.N distinct
// callbacks posted to the instances in turn, and stops every engine inside
// the measurement (queued work included). onPostgres adds the database
// server's CPU per callback.
func ingestRoundRobin(b *testing.B, first *harness, instances []*harness, onPostgres bool) {
	d, err := first.eng.Send(context.Background(), engine.Call{Action: "search", Context: beckn.Context{Domain: domain}, Message: []byte(`{"intent":{}}`)})
	if err != nil {
		b.Fatal(err)
	}
	bodies, auths := onSearch20KB(b, first, d, b.N)
	b.ResetTimer()
	cpu := testutil.ProcessCPU()
	db, dbOK := postgresCPU()
	failed := postCallbacks(b, func(i int64) string { return instances[int(i)%len(instances)].netSrv.URL + "/on_search" }, bodies, auths)
	for _, h := range instances {
		h.eng.Stop()
	}
	b.StopTimer()
	testutil.ReportCPU(b, cpu)
	if db2, ok := postgresCPU(); onPostgres && ok && dbOK {
		b.ReportMetric(float64(db2-db)/float64(b.N), "db-cpu-ns/op")
	}
	if failed > 0 {
		b.Fatalf("%d of %d callbacks were not ACKed", failed, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "callbacks/s")
}

// postgresCPU sums the CPU time of this machine's PostgreSQL server
// processes (the backends serving the benchmark stay open while it runs).
// ok is false where /proc cannot tell (another OS, or a remote server shows
// no such processes).
func postgresCPU() (total time.Duration, ok bool) {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open || s[open+1:close] != "postgres" {
			continue
		}
		// Fields after the command: state is field 3; utime and stime are
		// fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux).
		f := strings.Fields(s[close+1:])
		if len(f) < 13 {
			continue
		}
		u, err1 := strconv.ParseInt(f[11], 10, 64)
		st, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		total += time.Duration(u+st) * 10 * time.Millisecond
		ok = true
	}
	return total, ok
}
