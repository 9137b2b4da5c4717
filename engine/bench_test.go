package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/internal/testutil"
	"github.com/onest-seeker/seeker/schema"
	"github.com/onest-seeker/seeker/signing"
)

// onSearch20KB returns n distinct, signed on_search callbacks of about 20 KB
// answering the search d, with their Authorization headers.
func onSearch20KB(b *testing.B, h *harness, d *engine.Dispatch, n int) ([][]byte, []string) {
	b.Helper()
	var items strings.Builder
	for i := 0; items.Len() < 19<<10; i++ {
		fmt.Fprintf(&items, `{"id":"item-%d","descriptor":{"name":"Course %d in data analysis","short_desc":"A practical course with projects","long_desc":"<p>Learn spreadsheets, SQL and dashboards with weekly assignments and mentor reviews.</p>"},"price":{"currency":"INR","value":"%d"},"category_ids":["c1"],"fulfillment_ids":["f1"],"tags":[{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"lang-code"},"value":"en"},{"descriptor":{"code":"learner-level"},"value":"Beginner"}]}]},`, i, i, 100+i)
	}
	catalog := `{"catalog":{"descriptor":{"name":"Bench BPP"},"providers":[{"id":"p1","descriptor":{"name":"Bench"},"items":[` + strings.TrimSuffix(items.String(), ",") + `]}]}}`
	signer := h.bppSigner()
	bodies := make([][]byte, n)
	auths := make([]string, n)
	now := time.Now()
	base := callback(b, d.Body, catalog)
	for i := range bodies {
		// Each page differs (as a paginated answer's pages do) so none is a
		// duplicate; the signature is the provider's cost, made up front.
		bodies[i] = bytes.Replace(base, []byte(`"Bench BPP"`), []byte(fmt.Sprintf(`"Bench BPP page %d"`, i)), 1)
		auths[i] = signer.Sign(bodies[i], now.Add(-time.Second), now.Add(time.Hour))
	}
	return bodies, auths
}

// BenchmarkIngestOnSearch20KB measures callback ingestion over real HTTP on
// loopback: verify the signature against the cached registry key, check the
// body, correlate, persist (SQLite, group commit) and ACK, at 16 concurrent
// connections. Run with -benchtime=Nx (bodies are prepared up front).
func BenchmarkIngestOnSearch20KB(b *testing.B) {
	b.Run("unvalidated", func(b *testing.B) { benchIngest(b, newHarness(b)) })
	// Warn mode, the default: findings are computed before the insert and
	// stored with the message, so this is the whole cost of ingestion with
	// validation.
	b.Run("validated", func(b *testing.B) {
		benchIngest(b, newHarness(b, func(c *engine.Config) {
			c.InboundMode = engine.ModeWarn
			c.Validator = schemaValidator()
		}))
	})
}

// schemaValidator adapts the schema validator as the server does, with a
// placeholder for the findings' JSON (their encoding is not the engine's
// cost).
func schemaValidator() engine.Validator {
	v := schema.New()
	return func(action string, body []byte) engine.Verdict {
		res := v.Validate(action, body)
		out := engine.Verdict{Malformed: res.NotJSON()}
		if len(res.Findings) > 0 {
			out.Findings = []byte("[]")
		}
		return out
	}
}

func benchIngest(b *testing.B, h *harness) {
	d, err := h.eng.Send(context.Background(), engine.Call{Action: "search", Context: beckn.Context{Domain: domain}, Message: []byte(`{"intent":{}}`)})
	if err != nil {
		b.Fatal(err)
	}
	bodies, auths := onSearch20KB(b, h, d, b.N)
	url := h.netSrv.URL + "/on_search"
	b.ResetTimer()
	cpu := testutil.ProcessCPU()
	failed := postCallbacks(b, func(int64) string { return url }, bodies, auths)
	b.StopTimer()
	testutil.ReportCPU(b, cpu)
	if failed > 0 {
		b.Fatalf("%d of %d callbacks were not ACKed", failed, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "callbacks/s")
}

// postCallbacks posts the signed callbacks bodies (Authorization auths) to
// urlOf(i) at 16 concurrent connections and returns how many were not
// ACKed with HTTP 200.
func postCallbacks(b *testing.B, urlOf func(i int64) string, bodies [][]byte, auths []string) int64 {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DialContext: (&net.Dialer{}).DialContext}}
	var next, failed atomic.Int64
	b.SetBytes(int64(len(bodies[0])))
	b.SetParallelism(8) // 8 × GOMAXPROCS(2) = 16 connections on this machine
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			req, _ := http.NewRequest(http.MethodPost, urlOf(i), bytes.NewReader(bodies[i]))
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
	return failed.Load()
}

// BenchmarkSendSearch measures signed search dispatch: build the context,
// marshal once, persist with its outbox entry, sign and post to the gateway
// (here a provider that ACKs), at 16 concurrent callers.
func BenchmarkSendSearch(b *testing.B) {
	h := newHarness(b)
	h.answer = func(received) (int, []byte) { return 200, beckn.AckBody() }
	msg := []byte(`{"intent":{"item":{"descriptor":{"name":"data analysis"}}}}`)
	var failed atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	cpu := testutil.ProcessCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			d, err := h.eng.Send(context.Background(), engine.Call{Action: "search", Context: beckn.Context{Domain: domain}, Message: msg})
			if err != nil || d.Ack != "ACK" {
				failed.Add(1)
			}
		}
	})
	b.StopTimer()
	testutil.ReportCPU(b, cpu)
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d searches were not ACKed", f, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "searches/s")
}
