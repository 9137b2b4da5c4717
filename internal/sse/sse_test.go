package sse

import (
	"bytes"
	"strings"
	"testing"
)

func TestAppendEventSplitsLineBreaksIntoDataLines(t *testing.T) {
	tests := []struct {
		name, id, event, data, want string
	}{
		{"compact", "7", "on_search", `{"a":1}`, "id: 7\nevent: on_search\ndata: {\"a\":1}\n\n"},
		{"pretty", "8", "on_status", "{\n  \"a\": 1\r\n}", "id: 8\nevent: on_status\ndata: {\ndata:   \"a\": 1\ndata: }\n\n"},
		{"no id", "", "done", `{}`, "event: done\ndata: {}\n\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		AppendEvent(&buf, tt.id, tt.event, []byte(tt.data))
		if buf.String() != tt.want {
			t.Errorf("%s: wrote %q, want %q", tt.name, buf.String(), tt.want)
		}
	}
}

// A callback body is the provider's text. Whatever it holds, it must come
// out as exactly one event with the id and name Seeker gave it: a provider
// must not be able to end the event early or inject events of its own.
func FuzzAppendEvent(f *testing.F) {
	f.Add([]byte(`{"a":1}`))
	f.Add([]byte("{\n\"a\":\r\n1}\r"))
	f.Add([]byte("x\n\nid: 1\nevent: done\ndata: {}\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var buf bytes.Buffer
		AppendEvent(&buf, "42", "on_search", data)
		out := buf.String()
		if !strings.HasSuffix(out, "\n\n") {
			t.Fatalf("event not terminated: %q", out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n\n"), "\n")
		if len(lines) < 2 || lines[0] != "id: 42" || lines[1] != "event: on_search" {
			t.Fatalf("event does not start with its id and name: %q", out)
		}
		var joined []string
		for _, l := range lines[2:] {
			if !strings.HasPrefix(l, "data: ") || strings.ContainsAny(l, "\r") {
				t.Fatalf("line %q of %q is not a data line", l, out)
			}
			joined = append(joined, l[len("data: "):])
		}
		want := strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' || r == '\r' })
		if strings.Join(joined, "\n") != strings.Join(want, "\n") {
			t.Fatalf("data %q came out as %q", data, joined)
		}
	})
}

// Several data pieces (an announcement and an HTML fragment) come out as
// the data lines of one event, in order.
func TestAppendEventJoinsPieces(t *testing.T) {
	var buf bytes.Buffer
	AppendEvent(&buf, "3", "update", []byte("Approved"), []byte("<p>a</p>\r<p>b</p>\n"))
	want := "id: 3\nevent: update\ndata: Approved\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
	if buf.String() != want {
		t.Fatalf("wrote %q, want %q", buf.String(), want)
	}
}
