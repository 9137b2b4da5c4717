package sqlite

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// body20KB is an on_search callback of about 20 KB, the size the ingestion
// target of the engine is stated for.
func body20KB() []byte {
	var b bytes.Buffer
	b.WriteString(`{"context":{"domain":"onest:learning-experiences","action":"on_search","version":"1.1.0"},"message":{"catalog":{"providers":[{"id":"p1","items":[`)
	for i := 0; b.Len() < 20<<10-64; i++ {
		fmt.Fprintf(&b, `{"id":"course-%d","descriptor":{"name":"Course %d","short_desc":"A practical course on topic %d"}},`, i, i, i)
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
