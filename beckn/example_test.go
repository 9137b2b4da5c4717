package beckn_test

import (
	"fmt"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

// A provider's on_search with the usual quirks: a 0.9-style context, a
// price as a number, an image as a bare URL and a bare Tag.
func ExampleDecode() {
	body := []byte(`{"context":{"domain":"dsep:courses","action":"on_search","core_version":"1.1.0",` +
		`"BPP_ID":"bpp.example.com","city":"std:080","transaction_id":"t1","message_id":"m1"},` +
		`"message":{"catalog":{"providers":[{"id":"p1","items":[{"id":"c1",` +
		`"descriptor":{"name":"Spoken English","images":["https://bpp.example.com/c1.png"]},` +
		`"price":{"currency":"INR","value":499},` +
		`"tags":[{"descriptor":{"code":"lang-code"},"value":"en"}]}]}]}}}`)

	env, err := beckn.Decode(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	domain, _ := env.Context.NormalizedDomain()
	fmt.Println(domain, env.Context.BPPID(), env.Context.City(), env.Context.CoreVersion())

	var msg beckn.CatalogMessage
	if err := env.DecodeMessage(&msg); err != nil {
		fmt.Println(err)
		return
	}
	item := msg.Catalog.Providers[0].Items[0]
	lang, _ := item.Tags.Value("", "lang-code")
	fmt.Println(item.Price.Value, item.Descriptor.Images[0].URL, lang)

	out, _ := beckn.Marshal(&item)
	fmt.Println(string(out))
	// Output:
	// onest:learning-experiences bpp.example.com std:080 1.1.0
	// 499 https://bpp.example.com/c1.png en
	// {"id":"c1","descriptor":{"name":"Spoken English","images":[{"url":"https://bpp.example.com/c1.png"}]},"price":{"currency":"INR","value":"499"},"tags":[{"list":[{"descriptor":{"code":"lang-code"},"value":"en"}]}]}
}

// Building a request: the template holds what stays the same, New fills in
// the ids, the timestamp and the ttl.
func ExampleContextTemplate_New() {
	tmpl := beckn.ContextTemplate{
		Domain: beckn.DomainWork,
		BapID:  "seeker.example.org", BapURI: "https://seeker.example.org/beckn",
		TTL: 30 * time.Second,
		Now: func() time.Time { return time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC) },
	}
	ctx := tmpl.New(beckn.ActionSearch, "")
	fmt.Println(ctx.Action, ctx.Version, ctx.Timestamp, ctx.TTL)
	fmt.Println(ctx.Callback().Action, ctx.Callback().TransactionID == ctx.TransactionID)
	// Output:
	// search 1.1.0 2024-01-01T10:00:00.000Z PT30S
	// on_search true
}

func ExampleNackBody() {
	fmt.Println(string(beckn.AckBody()))
	fmt.Println(string(beckn.NackBody(beckn.NewError(beckn.CodeItemNotFound, "message.order.items[0].id", ""))))
	// Output:
	// {"message":{"ack":{"status":"ACK"}}}
	// {"message":{"ack":{"status":"NACK"}},"error":{"code":"30004","paths":"message.order.items[0].id","message":"Item not found"}}
}

func ExampleParseDuration() {
	for _, s := range []string{"PT30S", "P1M", "PT1M", "P20H"} {
		d, _ := beckn.ParseDuration(s)
		fmt.Println(s, d, beckn.FormatDuration(d))
	}
	// Output:
	// PT30S 30s PT30S
	// P1M 720h0m0s P30D
	// PT1M 1m0s PT1M
	// P20H 20h0m0s PT20H
}
