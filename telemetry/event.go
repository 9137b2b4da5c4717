// Package telemetry reports every Beckn API call Seeker makes or answers to
// the network's observability service (ONEST Obsrv), in the open-network
// telemetry format (onest-domain.md §9.2): one OpenTelemetry trace event per
// call, batched as {"data":{"id":..., "events":[...]}}.
//
// Events are built only from engine.APICall — identifiers, codes, times and
// URLs — never from message bodies, so no personal data (names, phone
// numbers, e-mails, addresses, free text) can leave through telemetry.
//
// Delivery is durable: events are cut into batches that are written to the
// store before the first attempt, sent in order, retried with backoff while
// the service refuses them, and picked up again after a restart. Stats says
// how many events are pending, sent, failed or rejected, so nothing is lost
// silently.
package telemetry

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// Participant types as the telemetry spec names the two sides of a call.
const (
	typeSeeker   = "seeker"
	typeProvider = "provider"
)

// unknownID stands in for an id a refused call did not carry (a body that
// was not JSON has no transaction or message id). The ingest API refuses
// spans without traceId/spanId and domains without a value, and a refused
// batch would hold up every later one, so the gap is named instead.
const unknownID = "unknown"

// maxErrorMessage bounds the error text copied into an event. The text is
// Seeker's own or a provider's NACK message; bounding it keeps a provider
// that echoes a request back from filling the telemetry stream.
const maxErrorMessage = 256

// attr is an OTLP/JSON key-value attribute.
type attr struct {
	Key   string   `json:"key"`
	Value anyValue `json:"value"`
}

// anyValue is an OTLP/JSON AnyValue with the two kinds telemetry uses.
// OTLP/JSON encodes 64-bit integers as strings.
type anyValue struct {
	StringValue *string `json:"stringValue,omitempty"`
	IntValue    string  `json:"intValue,omitempty"`
}

func str(k, v string) attr { return attr{Key: k, Value: anyValue{StringValue: &v}} }

func num(k string, v int64) attr {
	return attr{Key: k, Value: anyValue{IntValue: strconv.FormatInt(v, 10)}}
}

type event struct {
	ResourceSpans []resourceSpans `json:"resourceSpans"`
}

type resourceSpans struct {
	Resource   resource     `json:"resource"`
	ScopeSpans []scopeSpans `json:"scopeSpans"`
}

type resource struct {
	Attributes []attr `json:"attributes"`
}

type scopeSpans struct {
	Scope scope  `json:"scope"`
	Spans []span `json:"spans"`
}

type scope struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

type span struct {
	Name              string      `json:"name"`
	TraceID           string      `json:"traceId"`
	SpanID            string      `json:"spanId"`
	Kind              string      `json:"kind"`
	StartTimeUnixNano string      `json:"startTimeUnixNano"`
	EndTimeUnixNano   string      `json:"endTimeUnixNano"`
	Status            spanStatus  `json:"status"`
	Attributes        []attr      `json:"attributes"`
	Events            []spanEvent `json:"events,omitempty"`
}

type spanStatus struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

type spanEvent struct {
	Name         string `json:"name"`
	TimeUnixNano string `json:"timeUnixNano"`
	Attributes   []attr `json:"attributes"`
}

// Identity is this BAP as telemetry names it: the producer of every event and
// one side of every call.
type Identity struct {
	SubscriberID  string
	SubscriberURL string
	// Version goes into the event scope (the software that produced it).
	Version string
}

// Event renders one API call as an Obsrv API event (a resourceSpans
// document with one span). now is the observation time.
func Event(id Identity, c engine.APICall, spanUUID string, now time.Time) ([]byte, error) {
	domain := orUnknown(c.Domain)
	own := sideOf(id.SubscriberID, stripURL(id.SubscriberURL), typeSeeker)
	var sender, recipient side
	kind := "SPAN_KIND_CLIENT"
	if c.Direction == store.Inbound {
		kind = "SPAN_KIND_SERVER"
		sender, recipient = sideOf(c.SenderID, "", typeProvider), own
	} else {
		sender, recipient = own, sideOf(c.RecipientID, baseURL(c.URL, c.Action), typeProvider)
	}
	if sender.id == "" {
		sender.id = unknownID
	}
	if recipient.id == "" {
		recipient.id = unknownID
	}
	host, scheme, route := "", "", "/"+c.Action
	if u, err := url.Parse(c.URL); err == nil {
		host, scheme = u.Host, u.Scheme
		if u.Path != "" {
			route = u.Path
		}
	}
	attrs := []attr{
		str("span_uuid", spanUUID),
		num("observedTimeUnixNano", now.UnixNano()),
		str("sender.id", sender.id), str("sender.type", sender.typ),
		str("recipient.id", recipient.id), str("recipient.type", recipient.typ),
	}
	if sender.uri != "" {
		attrs = append(attrs, str("sender.uri", sender.uri))
	}
	if recipient.uri != "" {
		attrs = append(attrs, str("recipient.uri", recipient.uri))
	}
	attrs = append(attrs, str("http.method", "POST"), str("http.route", route), str("http.host", host), str("http.scheme", scheme))
	if c.Status >= 100 && c.Status <= 599 {
		attrs = append(attrs, num("http.status.code", int64(c.Status)))
	} else {
		// No answer came (transport failure): the attribute is required,
		// but there is no status to report and inventing one would lie;
		// an empty value says "none" and the error event says why.
		attrs = append(attrs, str("http.status.code", ""))
	}
	sp := span{
		Name: c.Action, TraceID: orUnknown(c.TransactionID), SpanID: orUnknown(c.MessageID), Kind: kind,
		StartTimeUnixNano: nanos(c.Start), EndTimeUnixNano: nanos(c.End),
		Status: spanStatus{Code: "Ok"}, Attributes: attrs,
	}
	if failed(c) {
		typ, code, msg := errorOf(c)
		sp.Status = spanStatus{Code: "Error", Message: msg}
		sp.Events = []spanEvent{{Name: "error", TimeUnixNano: nanos(c.End), Attributes: []attr{
			str("type", typ), str("code", code), str("msg", msg),
		}}}
	}
	ev := event{ResourceSpans: []resourceSpans{{
		Resource:   resource{Attributes: []attr{str("eid", "API"), str("producer", orUnknown(id.SubscriberID)), str("domain", domain)}},
		ScopeSpans: []scopeSpans{{Scope: scope{Name: "seeker", Version: id.Version}, Spans: []span{sp}}},
	}}}
	return json.Marshal(ev)
}

// failed says whether a call did not end in an ACK.
func failed(c engine.APICall) bool { return c.Ack != "ACK" }

// errorOf is the type, code and message of a failed call. A NACK carries
// the peer's (or Seeker's) Beckn error; a call without an answer is a
// transport failure.
func errorOf(c engine.APICall) (typ, code, msg string) {
	if e := c.Error; e != nil {
		typ, code, msg = e.Type, string(e.Code), e.Message
	}
	if typ == "" {
		if c.Ack == "" {
			typ = "TRANSPORT-ERROR"
		} else {
			typ = "CORE-ERROR"
		}
	}
	if code == "" {
		if c.Status > 0 {
			code = strconv.Itoa(c.Status)
		} else {
			code = unknownID
		}
	}
	if msg == "" {
		switch {
		case c.Ack == "NACK":
			msg = "the call was answered with NACK"
		case c.Status > 0:
			msg = "the call was answered with HTTP " + strconv.Itoa(c.Status) + " and no ACK"
		default:
			msg = "no answer was received"
		}
	}
	return typ, code, truncate(msg, maxErrorMessage)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

type side struct{ id, uri, typ string }

func sideOf(id, uri, typ string) side { return side{id: id, uri: uri, typ: typ} }

// stripURL keeps scheme, host and path of a URL: query strings and user
// info can carry tokens or personal data, and telemetry needs neither.
func stripURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// baseURL is the subscriber URL a call went to: the target URL without the
// trailing /action.
func baseURL(raw, action string) string {
	s := stripURL(raw)
	return strings.TrimSuffix(strings.TrimSuffix(s, "/"+action), "/")
}

func orUnknown(s string) string {
	if s == "" {
		return unknownID
	}
	return s
}

func nanos(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

// newBatchID names a batch uniquely across instances and restarts, so a
// batch resent after a crash between send and bookkeeping can be recognised
// as the same batch by the service.
func newBatchID(producer string) string {
	return producer + "-" + beckn.NewUUID()
}
