package web

import (
	"net/http"
	"strings"
)

// eventStream writes Server-Sent Events to one page: the discovery results
// as providers answer, and an application's live region. Each write is
// flushed at once, because a learner waits for it.
type eventStream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// openEventStream answers 200 with the stream's headers and a first
// comment, so the browser knows the stream is open; ok is false when the
// client is already gone.
func openEventStream(w http.ResponseWriter, comment string) (es *eventStream, ok bool) {
	es = &eventStream{w: w, rc: http.NewResponseController(w)}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	return es, es.comment(comment) == nil
}

// comment writes a comment line: the opening line, or a heartbeat that
// keeps proxies from closing an idle stream.
func (es *eventStream) comment(text string) error {
	return es.write(": " + strings.ReplaceAll(text, "\n", " ") + "\n\n")
}

// event writes one event. Each data piece may span lines (an HTML
// fragment); every line becomes a data: line, so the browser joins them
// back with newlines.
func (es *eventStream) event(id, name string, data ...string) error {
	var b strings.Builder
	if id != "" {
		b.WriteString("id: " + id + "\n")
	}
	b.WriteString("event: " + name + "\n")
	for _, d := range data {
		for line := range strings.SplitSeq(d, "\n") {
			b.WriteString("data: " + strings.TrimRight(line, "\r") + "\n")
		}
	}
	b.WriteString("\n")
	return es.write(b.String())
}

func (es *eventStream) write(s string) error {
	if _, err := es.w.Write([]byte(s)); err != nil {
		return err
	}
	return es.rc.Flush()
}
