package engine_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/engine/pgbus"
	"github.com/onest-seeker/seeker/signing"
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
func BenchmarkIngestPostgres(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		h := newHarness(b)
		ingestRoundRobin(b, h, []*harness{h})
	})
	for _, n := range []int{1, 3} {
		b.Run(map[int]string{1: "postgres-1", 3: "postgres-3"}[n], func(b *testing.B) {
			dsn := pgtest.FreshSchema(b)
			var hs []*harness
			for range n {
				hs = append(hs, newHarness(b, onPostgres(b, dsn)))
			}
			ingestRoundRobin(b, hs[0], hs)
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
// the measurement (queued work included).
func ingestRoundRobin(b *testing.B, first *harness, instances []*harness) {
	d, err := first.eng.Send(context.Background(), engine.Call{Action: "search", Context: beckn.Context{Domain: domain}, Message: []byte(`{"intent":{}}`)})
	if err != nil {
		b.Fatal(err)
	}
	bodies, auths := onSearch20KB(b, first, d, b.N)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DialContext: (&net.Dialer{}).DialContext}}
	var next, failed atomic.Int64
	b.SetBytes(int64(len(bodies[0])))
	b.SetParallelism(8) // 8 × GOMAXPROCS(2) = 16 connections on this machine
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			url := instances[int(i)%len(instances)].netSrv.URL + "/on_search"
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i]))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(signing.HeaderAuthorization, auths[i])
			resp, err := client.Do(req)
			if err != nil {
				failed.Add(1)
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				failed.Add(1)
			}
		}
	})
	for _, h := range instances {
		h.eng.Stop()
	}
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d callbacks were not ACKed", f, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "callbacks/s")
}
