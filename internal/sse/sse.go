// Package sse writes Server-Sent Events, for the client API's event streams
// and the web app's live pages alike. Its one rule that matters: data that
// came from a provider must never end an event early or start one of its
// own, so every line break in the data (\n, \r\n or a lone \r, all line
// ends to an EventSource) becomes a data line of its own.
package sse

import (
	"bytes"
	"net/http"
	"strings"
)

// AppendEvent appends one event to buf. Each data piece is split into data
// lines at its line breaks, and empty lines are left out: a client joins
// the data lines with \n, which is insignificant whitespace in the JSON
// and HTML that Seeker streams, so the joined text means the same.
func AppendEvent(buf *bytes.Buffer, id, event string, data ...[]byte) {
	if id != "" {
		buf.WriteString("id: " + id + "\n")
	}
	buf.WriteString("event: " + event + "\n")
	for _, d := range data {
		for line := range bytes.FieldsFuncSeq(d, func(r rune) bool { return r == '\n' || r == '\r' }) {
			buf.WriteString("data: ")
			buf.Write(line)
			buf.WriteByte('\n')
		}
	}
	buf.WriteByte('\n')
}

// Stream is an open event stream on one response. Every write is flushed
// at once, because someone is waiting for it.
type Stream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// Open answers 200 with the headers of an event stream (never cached, not
// buffered by a proxy) and a first comment, so the client knows the stream
// is open. ok is false when the client is already gone.
func Open(w http.ResponseWriter, comment string) (s *Stream, ok bool) {
	s = &Stream{w: w, rc: http.NewResponseController(w)}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	return s, s.Comment(comment) == nil
}

// Comment writes a comment line: the opening line, or a heartbeat that
// keeps proxies from closing an idle stream.
func (s *Stream) Comment(text string) error {
	return s.Write([]byte(": " + strings.NewReplacer("\r", " ", "\n", " ").Replace(text) + "\n\n"))
}

// Event writes one event (see AppendEvent).
func (s *Stream) Event(id, event string, data ...[]byte) error {
	var buf bytes.Buffer
	AppendEvent(&buf, id, event, data...)
	return s.Write(buf.Bytes())
}

// Write writes events already framed with AppendEvent (several at once,
// when a stream catches up) and flushes them.
func (s *Stream) Write(frames []byte) error {
	if _, err := s.w.Write(frames); err != nil {
		return err
	}
	return s.rc.Flush()
}
