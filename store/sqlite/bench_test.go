package sqlite

import (
	"bytes"
	"fmt"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// body20KB is an on_search callback of about 20 KB, the size the ingestion
// target of the engine is stated for. Its items vary as a real catalog's do
// (ids, prices, prose, URLs from a fixed pseudo-random sequence), so it
// compresses about as well as real catalogs (~3x), not as well as a
// repeated template would.
func body20KB() []byte {
	words := strings.Fields(`course learn skill data python design cloud work apprenticeship mentor
		scholarship women rural online offline certificate beginner advanced english hindi
		tamil marathi bengali module project assessment placement stipend hours weeks
		government university startup industry finance accounting nursing welding retail`)
	r := rand.New(rand.NewPCG(20, 26))
	var b bytes.Buffer
	b.WriteString(`{"context":{"domain":"onest:learning-experiences","action":"on_search","version":"1.1.0"},"message":{"catalog":{"providers":[{"id":"p1","items":[`)
	for i := 0; b.Len() < 20<<10-64; i++ {
		fmt.Fprintf(&b, `{"id":"%016x","descriptor":{"name":"`, r.Uint64())
		for range 3 + r.IntN(4) {
			b.WriteString(words[r.IntN(len(words))] + " ")
		}
		b.WriteString(`","long_desc":"`)
		for range 10 + r.IntN(20) {
			b.WriteString(words[r.IntN(len(words))] + " ")
		}
		fmt.Fprintf(&b, `","images":[{"url":"https://cdn.example/%x.png"}]},"price":{"value":"%d","currency":"INR"},"tags":[{"code":"duration","value":"P%dW"}]},`,
			r.Uint64(), r.IntN(50000), 1+r.IntN(52))
	}
	b.WriteString(`{"id":"last"}]}]}}}`)
	return b.Bytes()
}

// callback builds the n-th distinct inbound message with realistic headers.
// The body differs per message (its message id is in it), so nothing is a
// duplicate and the store hashes every body, as it does in service.
func callback(body []byte, n int64) *store.Message {
	id := "msg-" + strconv.FormatInt(n, 10)
	raw := append(append([]byte{}, body...), id...)
	return &store.Message{
		Direction: store.Inbound, Action: "on_search", Domain: "onest:learning-experiences",
		TransactionID: "txn-" + strconv.FormatInt(n/50, 10), MessageID: id,
		BapID: "seeker.example", BppID: "bpp.example", BppURI: "http://bpp.example/beckn",
		SenderID: "bpp.example", RecipientID: "seeker.example", URL: "/on_search", Raw: raw,
		Headers: map[string]string{
			"Authorization": `Signature keyId="bpp.example|k1|ed25519",algorithm="ed25519",created="1764320000",expires="1764320300",headers="(created) (expires) digest",signature="2i1Mu5FQNoYxJJ0MOxGYYWsFvyb8J7nk3sS1wgh3QJb3FK0CwbgxFZRErLV05vLG8bvrnyqoePSKYTJmUnb7Dg=="`,
			"Content-Type":  "application/json",
		},
		Timestamp: time.Now(), Deadline: time.Now().Add(30 * time.Second),
		Signature: "valid", Correlation: store.Solicited, RequestSeq: 1, AckStatus: "ACK", HTTPStatus: 200,
	}
}

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
	body := body20KB()
	b.Run("Parallel", func(b *testing.B) {
		s := benchStore(b)
		var n atomic.Int64
		b.SetBytes(int64(len(body)))
		b.SetParallelism(16)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.InsertInbound(b.Context(), callback(body, n.Add(1))); err != nil {
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
			if _, err := s.InsertInbound(b.Context(), callback(body, int64(i))); err != nil {
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
	body := body20KB()
	for i := range int64(500) {
		if _, err := s.InsertInbound(b.Context(), callback(body, i)); err != nil {
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
	b := body20KB()
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
