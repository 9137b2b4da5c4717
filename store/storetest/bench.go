package storetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// Body20KB is an on_search callback of about 20 KB, the size the ingestion
// target of the engine is stated for, shared by both backends' benchmarks
// so their figures compare. Its items vary as a real catalog's do (ids,
// prices, prose, URLs from a fixed pseudo-random sequence), so it
// compresses about as well as real catalogs (~3x), not as well as a
// repeated template would.
func Body20KB() []byte {
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

// Callback builds the n-th distinct inbound message with realistic headers.
// The body differs per message (its message id is in it), so nothing is a
// duplicate and the store hashes every body, as it does in service.
func Callback(body []byte, n int64) *store.Message {
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
