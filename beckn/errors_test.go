package beckn

import (
	"strings"
	"testing"
)

func TestErrorTexts(t *testing.T) {
	codes := ErrorCodes()
	if len(codes) != 16+3+8+5 {
		t.Fatalf("%d codes, want 32 (30000–30018, 40000–40007, 50000–50004)", len(codes))
	}
	for i, c := range codes {
		if ErrorText(c) == "" {
			t.Errorf("code %s has no text", c)
		}
		if i > 0 && codes[i-1] >= c {
			t.Errorf("codes not ascending at %s", c)
		}
	}
	for code, text := range map[string]string{
		CodeItemNotFound: "Item not found", "30016": "Provider details mismatch", "40007": "Item unavailable",
		"50004": "Support unavailable", " 30010 ": "Order not found", "401": "", "Unauthorized": "",
	} {
		if got := ErrorText(code); got != text {
			t.Errorf("ErrorText(%q) = %q, want %q", code, got, text)
		}
	}
}

func TestErrorObject(t *testing.T) {
	e := NewError(CodeItemNotFound, "message.order.items[0].id", "")
	if e.Message != "Item not found" {
		t.Errorf("default message %q", e.Message)
	}
	if s := e.Error(); !strings.Contains(s, "30004") || !strings.Contains(s, "Item not found") || !strings.Contains(s, "items[0]") {
		t.Errorf("Error() = %q", s)
	}
	tests := []struct{ in, want string }{
		{`{"code":30004,"path":"a"}`, `{"code":"30004","paths":"a"}`},
		{`{"code":"30004","paths":"a","path":"a"}`, `{"code":"30004","paths":"a"}`},
		{`{"code":"30004","paths":"a","path":"b"}`, `{"code":"30004","paths":"a","path":"b"}`},
		{`{"type":"JSON-SCHEMA-ERROR","code":"30000","message":"m","data":{}}`, `{"type":"JSON-SCHEMA-ERROR","code":"30000","message":"m","data":{}}`},
		{`{"code":"30000","paths":["context.bap_id","message.order"]}`, `{"code":"30000","paths":"context.bap_id, message.order"}`},
		{`{"code":"30000","path":["a"]}`, `{"code":"30000","paths":"a"}`},
		{`{"code":"30000","paths":null}`, `{"code":"30000"}`},
	}
	for _, tt := range tests {
		_, got := decodeEncode[Error](t, tt.in)
		if got != tt.want {
			t.Errorf("%s → %s, want %s", tt.in, got, tt.want)
		}
	}
}
