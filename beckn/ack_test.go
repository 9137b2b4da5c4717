package beckn

import (
	"errors"
	"testing"
)

func TestAckNackBodies(t *testing.T) {
	if got := string(AckBody()); got != `{"message":{"ack":{"status":"ACK"}}}` {
		t.Errorf("AckBody = %s", got)
	}
	b := AckBody()
	b[0] = 'x'
	if AckBody()[0] != '{' {
		t.Error("AckBody must return a fresh slice")
	}
	tests := []struct {
		err  *Error
		want string
	}{
		{nil, `{"message":{"ack":{"status":"NACK"}}}`},
		{NewError(CodeItemNotFound, "message.order.items[0].id", "Item not found"),
			`{"message":{"ack":{"status":"NACK"}},"error":{"code":"30004","paths":"message.order.items[0].id","message":"Item not found"}}`},
		{NewError(CodeActionNotApplicable, "", ""),
			`{"message":{"ack":{"status":"NACK"}},"error":{"code":"40001","message":"Action not applicable"}}`},
		{&Error{Code: "30000", Message: `bad <"quote">`},
			`{"message":{"ack":{"status":"NACK"}},"error":{"code":"30000","message":"bad <\"quote\">"}}`},
	}
	for _, tt := range tests {
		if got := string(NackBody(tt.err)); got != tt.want {
			t.Errorf("NackBody = %s\nwant       %s", got, tt.want)
		}
	}
}

func TestParseAckResponse(t *testing.T) {
	tests := []struct {
		name, body, status, code, paths string
	}{
		{"core ACK", `{"message":{"ack":{"status":"ACK"}}}`, StatusACK, "", ""},
		{"core NACK", `{"message":{"ack":{"status":"NACK"}},"error":{"code":"30004","paths":"p","message":"Item not found"}}`, StatusNACK, "30004", "p"},
		{"protocol-server echo + numeric code", `{"context":{"action":"search"},"message":{"ack":{"status":"NACK"}},"error":{"type":"CONTEXT-ERROR","code":30000,"message":"x","data":[1]}}`, StatusNACK, "30000", ""},
		{"beckn-onix message.error", `{"message":{"ack":{"status":"NACK"},"error":{"code":"Unauthorized","message":"signature","path":"/h"}}}`, StatusNACK, "Unauthorized", "/h"},
		{"lower-case status", `{"message":{"ack":{"status":"ack"}}}`, StatusACK, "", ""},
		{"ack tags", `{"message":{"ack":{"status":"ACK","tags":[{"descriptor":{"code":"x"}}]}}}`, StatusACK, "", ""},
		{"no ack at all", `{"error":{"code":"500"}}`, "", "500", ""},
		{"empty object", `{}`, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseAckResponse([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status || r.Acked() != (tt.status == StatusACK) {
				t.Errorf("status %q", r.Status)
			}
			if tt.code == "" {
				if r.Error != nil {
					t.Errorf("error %+v", r.Error)
				}
				return
			}
			if r.Error == nil || string(r.Error.Code) != tt.code || r.Error.Paths != tt.paths {
				t.Errorf("error %+v", r.Error)
			}
		})
	}
	for _, bad := range []string{``, `<html>502 Bad Gateway</html>`, `[]`, `{"message":{"ack":{"status":{}}}}`} {
		_, err := ParseAckResponse([]byte(bad))
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("ParseAckResponse(%q) = %v, want *DecodeError", bad, err)
		}
	}
}

// FuzzParseAckResponse: never panics; rejections are *DecodeError; an
// accepted NACK re-encoded with NackBody parses back to the same code.
func FuzzParseAckResponse(f *testing.F) {
	for _, s := range []string{
		`{"message":{"ack":{"status":"ACK"}}}`,
		`{"message":{"ack":{"status":"NACK"}},"error":{"code":30004,"path":"x"}}`,
		`{"message":{"ack":{"status":"NACK"},"error":{"code":"Unauthorized"}}}`,
		`{}`, `null`, `{"message":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseAckResponse(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError: %v", err, err)
			}
			return
		}
		if r.Error == nil {
			return
		}
		back, err := ParseAckResponse(NackBody(r.Error))
		if err != nil {
			t.Fatalf("NackBody of a parsed error does not parse: %v", err)
		}
		if back.Status != StatusNACK || back.Error == nil || back.Error.Code != r.Error.Code || back.Error.Paths != r.Error.Paths {
			t.Fatalf("NACK round trip: %+v → %+v", r.Error, back.Error)
		}
	})
}
