package beckn

import (
	"bytes"
	"errors"

	"github.com/go-json-experiment/json/jsontext"
	"strings"
	"testing"
)

const onSearchSmall = `{"context":{"domain":"onest:learning-experiences","action":"on_search","version":"1.1.0",` +
	`"bap_id":"bap.example.com","bap_uri":"https://bap.example.com","bpp_id":"bpp.example.com","bpp_uri":"https://bpp.example.com",` +
	`"transaction_id":"a9aaecca-10b7-4d19-b640-b047a7c62196","message_id":"b9aaecca-10b7-4d19-b640-b047a7c62196",` +
	`"timestamp":"2023-02-23T08:09:02.172Z","ttl":"PT30S"},` +
	`"message":{"catalog":{"descriptor":{"name":"Courses"},"providers":[{"id":"p1","items":[{"id":"i1","price":{"currency":"INR","value":499}}]}]}}}`

func TestDecodeEnvelope(t *testing.T) {
	env, err := Decode([]byte(onSearchSmall))
	if err != nil {
		t.Fatal(err)
	}
	c := env.Context
	if c.Action != ActionOnSearch || c.BPPID() != "bpp.example.com" || c.TransactionID == "" || c.CoreVersion() != "1.1.0" {
		t.Fatalf("context %+v", c)
	}
	msg, err := env.TypedMessage()
	if err != nil {
		t.Fatal(err)
	}
	cat := msg.(*CatalogMessage).Catalog
	if cat.Providers[0].Items[0].Price.Value != "499" {
		t.Fatalf("price %+v", cat.Providers[0].Items[0].Price)
	}
	if env.Error != nil || env.ErrorInMessage() {
		t.Fatal("no error expected")
	}
}

func TestDecodeErrorsSayWhere(t *testing.T) {
	tests := []struct {
		name, body, pointer string
		cause               error
		offset              bool
	}{
		{"empty", ``, "", nil, true},
		{"not an object", `[1,2]`, "", nil, true},
		{"truncated", `{"context":{"action":"search"}`, "", nil, true},
		{"no context", `{"message":{}}`, "/context", ErrNoContext, false},
		{"null context", `{"context":null,"message":{}}`, "/context", ErrNoContext, false},
		{"context not an object", `{"context":"x"}`, "/context", nil, true},
		{"bad ttl kind", `{"context":{"action":"search","ttl":{"a":1}}}`, "/context/ttl", nil, true},
		{"trailing garbage", `{"context":{}} x`, "", nil, true},
		{"two objects", `{"context":{}} {}`, "", errTrailingData, true},
		{"only spaces", "  \n", "", errEmpty, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.body))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			if de.Pointer != tt.pointer {
				t.Errorf("pointer %q, want %q (%v)", de.Pointer, tt.pointer, err)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("err = %v, want cause %v", err, tt.cause)
			}
			if tt.offset && de.Offset < 0 {
				t.Errorf("no byte offset in %v", err)
			}
			if !strings.Contains(err.Error(), "beckn: decode") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestDecodeMessageErrorPointsIntoMessage(t *testing.T) {
	body := `{"context":{"action":"on_search"},  "message" : {"catalog":{"providers":[{"items":[{"price":{"value":[1]}}]}]}}}`
	env, err := Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	err = env.DecodeMessage(new(CatalogMessage))
	var de *DecodeError
	if !errors.As(err, &de) || de.Pointer != "/message/catalog/providers/0/items/0/price/value" {
		t.Fatalf("err = %v", err)
	}
	// The offset is in the body, at the offending value.
	if want := int64(strings.Index(body, "[1]")); de.Offset != want {
		t.Fatalf("offset %d, want %d (%v)", de.Offset, want, err)
	}
	// message.error errors point into the body too.
	body = `{"context":{"action":"on_init"},"message":{"order":{},"error":{"code":{}}}}`
	_, err = Decode([]byte(body))
	if !errors.As(err, &de) || de.Pointer != "/message/error/code" || de.Offset != int64(strings.Index(body, `{}}}}`)) {
		t.Fatalf("err = %v (offset %d)", err, de.Offset)
	}
}

func TestDecodeToleratesDuplicatesAndInvalidUTF8(t *testing.T) {
	body := "{\"context\":{\"action\":\"search\",\"action\":\"on_search\",\"bpp_id\":\"b\xffp\"}," +
		"\"message\":{\"catalog\":{\"descriptor\":{\"name\":\"a\",\"name\":\"b\"}}}}"
	env, err := Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if env.Context.Action != ActionOnSearch {
		t.Errorf("last duplicate must win, got %q", env.Context.Action)
	}
	if env.Context.BppID != "b\uFFFDp" {
		t.Errorf("invalid UTF-8 must be replaced, got %q", env.Context.BppID)
	}
	msg, err := env.TypedMessage()
	if err != nil {
		t.Fatal(err)
	}
	if n := msg.(*CatalogMessage).Catalog.Descriptor.Name; n != "b" {
		t.Errorf("descriptor name %q", n)
	}
	if _, err := Marshal(env); err != nil {
		t.Errorf("re-encoding: %v", err)
	}
}

func TestEnvelopeError(t *testing.T) {
	tests := []struct {
		name, body, code, paths string
		inMessage               bool
		reencoded               string
	}{
		{
			name: "core: beside message", body: `{"context":{"action":"on_select"},"error":{"code":"30004","paths":"message.order.items[0].id","message":"Item not found"}}`,
			code: "30004", paths: "message.order.items[0].id",
			reencoded: `{"context":{"action":"on_select"},"error":{"code":"30004","paths":"message.order.items[0].id","message":"Item not found"}}`,
		},
		{
			name: "protocol-server: numeric code and type", body: `{"context":{"action":"on_select"},"error":{"type":"DOMAIN-ERROR","code":30004,"path":"x"}}`,
			code: "30004", paths: "x",
			reencoded: `{"context":{"action":"on_select"},"error":{"type":"DOMAIN-ERROR","code":"30004","paths":"x"}}`,
		},
		{
			name: "beckn-onix: inside message", body: `{"context":{"action":"on_select"},"message":{"order":{"id":"o"},"error":{"code":"Unauthorized","message":"bad signature"}}}`,
			code: "Unauthorized", inMessage: true,
			reencoded: `{"context":{"action":"on_select"},"message":{"order":{"id":"o"},"error":{"code":"Unauthorized","message":"bad signature"}}}`,
		},
		{
			name: "the word error elsewhere is not an error", body: `{"context":{"action":"on_search"},"message":{"catalog":{"descriptor":{"name":"\"error\""}}}}`,
			reencoded: `{"context":{"action":"on_search"},"message":{"catalog":{"descriptor":{"name":"\"error\""}}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Decode([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.code == "" {
				if env.Error != nil {
					t.Fatalf("unexpected error %+v", env.Error)
				}
			} else if env.Error == nil || string(env.Error.Code) != tt.code || env.Error.Paths != tt.paths {
				t.Fatalf("error %+v", env.Error)
			}
			if env.ErrorInMessage() != tt.inMessage {
				t.Fatalf("ErrorInMessage = %v", env.ErrorInMessage())
			}
			got, err := Marshal(env)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.reencoded {
				t.Fatalf("re-encoded %s\nwant         %s", got, tt.reencoded)
			}
		})
	}
}

func TestEnvelopeWithoutMessage(t *testing.T) {
	env, err := Decode([]byte(`{"context":{"action":"get_rating_categories"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if env.HasMessage() {
		t.Fatal("HasMessage on a meta request")
	}
	m, err := env.TypedMessage()
	if err != nil || m != nil {
		t.Fatalf("TypedMessage = %v, %v", m, err)
	}
	var om OrderMessage
	if err := env.DecodeMessage(&om); err != nil || om.Order != nil {
		t.Fatalf("DecodeMessage on no message = %v %+v", err, om)
	}
}

func TestPeekContext(t *testing.T) {
	tests := []struct {
		name, body, action string
		err                error
	}{
		{"context first", onSearchSmall, ActionOnSearch, nil},
		{"context after a message", `{"message":{"catalog":{"providers":[{"id":"p"}]}},"context":{"action":"on_search"}}`, ActionOnSearch, nil},
		{"garbage after the context is not read", `{"context":{"action":"on_init"},"message":{]`, ActionOnInit, nil},
		{"null context then a real one", `{"context":null,"context":{"action":"init"}}`, ActionInit, nil},
		{"no context", `{"message":{}}`, "", ErrNoContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := PeekContext([]byte(tt.body))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Action != tt.action {
				t.Fatalf("action %q, want %q", c.Action, tt.action)
			}
		})
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{"message":[}`, `{"context":[1]}`} {
		_, err := PeekContext([]byte(bad))
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("PeekContext(%q) = %v, want *DecodeError", bad, err)
		}
	}
}

// FuzzDecodeEnvelope: decoding any input, then its typed message, then
// re-encoding never panics; an input that decodes re-encodes to JSON that
// decodes again to the same context, and the strict encoding of a typed
// message is stable under another decode/encode.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range []string{
		onSearchSmall,
		`{"context":{"action":"rating","core_version":"0.9.4","city":"std:080"},"message":{"id":"i","value":4}}`,
		`{"context":{"action":"support"},"message":{"ref_id":"o"}}`,
		`{"context":{"action":"on_init"},"message":{"order":{"items":[{"xinput":{"required":"true","head":{"headings":[["a"]]},"form":{"submission_id":1}}}]}}}`,
		`{"context":{"action":"on_search"},"message":{"catalog":{"providers":[{"ttl":"-1","items":[{"tags":[{"descriptor":{"code":"x"},"value":1}],"descriptor":{"images":["u"]}}]}]}}}`,
		`{"context":{"action":"on_select"},"message":{"error":{"code":30004}}}`,
		`{"context":{"action":"search"},"message":{"intent":{"item":[{"id":"1"},{"id":"2"}],"tags":{"a":"b"}}}}`,
		`{"context":{"action":"cancellation_reasons"},"message":{"cancellation_reason":[{"id":"1"}]}}`,
		`{}`, `[]`, `{"context":{},"message":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := Decode(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode error %T is not a *DecodeError: %v", err, err)
			}
			return
		}
		if msg := MessageFor(env.Context.Action); msg != nil {
			if err := env.DecodeMessage(msg); err == nil {
				out1, err := Marshal(msg)
				if err != nil {
					t.Fatalf("typed message decoded but does not re-encode: %v", err)
				}
				// Strict output is a fixed point: decoding it again and
				// re-encoding gives the same bytes.
				again := MessageFor(env.Context.Action)
				if err := Unmarshal(out1, again); err != nil {
					t.Fatalf("re-encoded message does not decode: %v\n%s", err, out1)
				}
				out2, err := Marshal(again)
				if err != nil || !bytes.Equal(out1, out2) {
					t.Fatalf("re-encoding is not stable (%v):\n%s\n%s", err, out1, out2)
				}
			} else {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("DecodeMessage error %T is not a *DecodeError: %v", err, err)
				}
			}
		}
		out, err := Marshal(env)
		if err != nil {
			t.Fatalf("envelope decoded but does not re-encode: %v", err)
		}
		again, err := Decode(out)
		if err != nil {
			t.Fatalf("re-encoded envelope does not decode: %v\n%s", err, out)
		}
		if !sameContext(env.Context, again.Context) {
			t.Fatalf("context changed through a round trip:\n%+v\n%+v", env.Context, again.Context)
		}
	})
}

// FuzzPeekContext: PeekContext agrees with Decode on the context whenever
// both succeed on a body with a single context member (with duplicates
// PeekContext documents that it returns the first).
func FuzzPeekContext(f *testing.F) {
	for _, s := range []string{
		onSearchSmall,
		`{"message":{"x":1},"context":{"action":"on_init","BPP_ID":"b","ttl":30}}`,
		`{"context":{"location":{"city":"Pune","country":"IND"},"action":"search"}}`,
		`{"context":{"action":"a"},"message":[}`,
		`{"context":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		peeked, perr := PeekContext(body)
		if perr != nil {
			var de *DecodeError
			if !errors.As(perr, &de) {
				t.Fatalf("PeekContext error %T is not a *DecodeError: %v", perr, perr)
			}
		}
		env, derr := Decode(body)
		if perr != nil || derr != nil || countTopLevel(body, "context") > 1 {
			return
		}
		if !sameContext(peeked, env.Context) {
			t.Fatalf("PeekContext and Decode disagree:\n%+v\n%+v", peeked, env.Context)
		}
	})
}

// countTopLevel counts the top-level members of a JSON object with the given
// (unescaped) name.
func countTopLevel(body []byte, name string) int {
	dec := jsontext.NewDecoder(bytes.NewReader(body), decodeOptions)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return 0
	}
	n := 0
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return n
		}
		if tok.String() == name {
			n++
		}
		if dec.SkipValue() != nil {
			return n
		}
	}
	return n
}

func TestPeekContextDoesNotAliasBody(t *testing.T) {
	body := []byte(onSearchSmall)
	c, err := PeekContext(body)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = ' '
	}
	if c.Action != ActionOnSearch || c.BppID != "bpp.example.com" || c.TransactionID != "a9aaecca-10b7-4d19-b640-b047a7c62196" {
		t.Fatalf("context changed with the body it came from: %+v", c)
	}
}

func TestMarshalEnvelope(t *testing.T) {
	ctx := Context{Domain: DomainLearning, Action: ActionStatus, Version: Version, TransactionID: "t", MessageID: "m"}
	b, err := MarshalEnvelope(ctx, &StatusMessage{OrderID: "o1"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"context":{"domain":"onest:learning-experiences","action":"status","version":"1.1.0","transaction_id":"t","message_id":"m"},"message":{"order_id":"o1"}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	ctx.Action = ActionGetRatingCategories
	b, err = MarshalEnvelope(ctx, nil)
	if err != nil || string(b) != `{"context":{"domain":"onest:learning-experiences","action":"get_rating_categories","version":"1.1.0","transaction_id":"t","message_id":"m"}}` {
		t.Fatalf("meta request: %s %v", b, err)
	}
	env, err := Decode(b)
	if err != nil || env.HasMessage() {
		t.Fatalf("decode back: %+v %v", env, err)
	}
}
