package api

import (
	"bytes"
	"testing"
)

func TestWriteEventSplitsLineBreaksIntoDataLines(t *testing.T) {
	tests := []struct {
		name, id, event, data, want string
	}{
		{"compact", "7", "on_search", `{"a":1}`, "id: 7\nevent: on_search\ndata: {\"a\":1}\n\n"},
		{"pretty", "8", "on_status", "{\n  \"a\": 1\r\n}", "id: 8\nevent: on_status\ndata: {\ndata:   \"a\": 1\ndata: }\n\n"},
		{"no id", "", "done", `{}`, "event: done\ndata: {}\n\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		writeEvent(&buf, tt.id, tt.event, []byte(tt.data))
		if buf.String() != tt.want {
			t.Errorf("%s: wrote %q, want %q", tt.name, buf.String(), tt.want)
		}
	}
}
