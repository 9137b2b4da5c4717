package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The ONEST Obsrv ingest format (onest-domain.md §9.2): a batch
// {"data":{"id":..., "events":[...]}} whose events are OpenTelemetry JSON
// documents. API events are traces (resourceSpans), METRIC events are
// metrics (resourceMetrics), AUDIT events are logs (resourceLogs). The
// resource of each carries eid, producer and domain.

// requiredResourceAttrs must be on every event's resource.
var requiredResourceAttrs = []string{"eid", "producer", "domain"}

// DefaultRequiredSpanAttrs are the attributes the network telemetry spec
// makes mandatory on every API span. A sender that omits one produces a
// dashboard row nobody can attribute, so the sink refuses the batch.
var DefaultRequiredSpanAttrs = []string{
	"span_uuid", "observedTimeUnixNano",
	"sender.id", "recipient.id",
	"http.method", "http.route", "http.host", "http.status.code",
}

// requiredLogAttrs are mandatory on AUDIT log records (item.prevstate may be
// absent for an order's first state).
var requiredLogAttrs = []string{"log_uuid", "item.id", "item.type", "item.state"}

// TelemetryEvent is one stored span, metric or log record, flattened so
// tests can match on it without walking OTel nesting.
type TelemetryEvent struct {
	// BatchID is data.id of the batch it arrived in.
	BatchID string `json:"batch_id"`
	// Index is the event's position in data.events.
	Index int `json:"index"`
	// EID is the resource's eid: API, METRIC or AUDIT.
	EID      string `json:"eid"`
	Producer string `json:"producer"`
	Domain   string `json:"domain"`
	// Kind is "span", "metric" or "log".
	Kind string `json:"kind"`
	// Name is the span name (the Beckn action), the metric name, or empty
	// for a log record.
	Name         string `json:"name,omitempty"`
	TraceID      string `json:"traceId,omitempty"`
	SpanID       string `json:"spanId,omitempty"`
	ParentSpanID string `json:"parentSpanId,omitempty"`
	// Resource and Attributes hold every attribute as text (OTel int, double
	// and bool values are rendered with strconv).
	Resource   map[string]string `json:"resource"`
	Attributes map[string]string `json:"attributes"`
}

// TelemetryProblem names the event and attribute that made a batch
// unacceptable, so the sender's developer can find it without diffing.
type TelemetryProblem struct {
	// Event is the index in data.events, -1 for batch-level problems.
	Event int `json:"event"`
	// Path is a JSON path to the offending object.
	Path string `json:"path"`
	// Attribute is the missing or invalid attribute, if that is the problem.
	Attribute string `json:"attribute,omitempty"`
	Message   string `json:"message"`
}

func (p TelemetryProblem) String() string {
	return p.Path + ": " + p.Message
}

// TelemetryBatchError lists every problem found in a batch.
type TelemetryBatchError struct {
	Problems []TelemetryProblem
}

func (e *TelemetryBatchError) Error() string {
	var b bytes.Buffer
	b.WriteString("telemetry batch rejected: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// maxProblems bounds the error list: a batch of 100 events all missing the
// same attribute needs a few examples, not 800 lines.
const maxProblems = 20

type otelBatch struct {
	Data *struct {
		ID     string           `json:"id"`
		Events []jsontext.Value `json:"events"`
	} `json:"data"`
}

type otelEvent struct {
	ResourceSpans []struct {
		Resource   otelResource `json:"resource"`
		ScopeSpans []struct {
			Spans []otelSpan `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
	ResourceMetrics []struct {
		Resource     otelResource `json:"resource"`
		ScopeMetrics []struct {
			Metrics []struct {
				Name string `json:"name"`
			} `json:"metrics"`
		} `json:"scopeMetrics"`
	} `json:"resourceMetrics"`
	ResourceLogs []struct {
		Resource  otelResource `json:"resource"`
		ScopeLogs []struct {
			LogRecords []struct {
				TraceID    string    `json:"traceId"`
				SpanID     string    `json:"spanId"`
				Attributes otelAttrs `json:"attributes"`
			} `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

type otelResource struct {
	Attributes otelAttrs `json:"attributes"`
}

type otelSpan struct {
	Name         string    `json:"name"`
	TraceID      string    `json:"traceId"`
	SpanID       string    `json:"spanId"`
	ParentSpanID string    `json:"parentSpanId"`
	Attributes   otelAttrs `json:"attributes"`
}

// otelAttrs decodes the OTLP/JSON attribute list
// [{"key":k,"value":{"stringValue":v}}] into a map. It also accepts a bare
// scalar value and intValue as a JSON string or number, because OTLP/JSON
// encodes 64-bit ints as strings and hand-written senders often do not.
// The list is read token by token: attributes are most of a telemetry
// batch, and decoding them through intermediate values made the sink cost
// as much CPU as the callbacks the events describe.
type otelAttrs map[string]string

var errAttrList = errors.New(`attributes must be a list of {"key","value"} objects`)

func (a *otelAttrs) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	m := otelAttrs{}
	*a = m
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		return err
	}
	if err := enter(dec, '['); err != nil {
		return err
	}
	for dec.PeekKind() != ']' {
		if err := enter(dec, '{'); err != nil {
			return err
		}
		var key, val string
		var valErr error
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil {
				return err
			}
			switch name.String() {
			case "key":
				tok, err := dec.ReadToken()
				if err != nil {
					return err
				}
				if tok.Kind() != '"' {
					return fmt.Errorf("%w: key must be a string", errAttrList)
				}
				key = tok.String()
			case "value":
				val, valErr = readOtelValue(dec)
				if valErr != nil && !errors.Is(valErr, errOtelValue) {
					return valErr
				}
			default:
				if err := dec.SkipValue(); err != nil {
					return err
				}
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		if valErr != nil {
			return fmt.Errorf("attribute %q: %w", key, valErr)
		}
		m[key] = val
	}
	_, err := dec.ReadToken()
	return err
}

// enter reads the opening token of the next value when it is of kind ('['
// or '{'); any other value is skipped and reported as errAttrList.
func enter(dec *jsontext.Decoder, kind jsontext.Kind) error {
	if dec.PeekKind() != kind {
		if _, err := dec.ReadValue(); err != nil {
			return err
		}
		return errAttrList
	}
	_, err := dec.ReadToken()
	return err
}

// errOtelValue marks a value that is well-formed JSON but not an OTLP
// AnyValue or scalar.
var errOtelValue = errors.New("value must be a string, number or boolean, or an OTLP AnyValue")

// readOtelValue reads an OTLP AnyValue (or a bare scalar) and renders it as
// text. Exactly one member should be set; when several are, the first of
// stringValue, intValue, doubleValue, boolValue, arrayValue, kvlistValue,
// bytesValue wins.
func readOtelValue(dec *jsontext.Decoder) (string, error) {
	if dec.PeekKind() != '{' {
		raw, err := dec.ReadValue()
		if err != nil {
			return "", err
		}
		return scalarText(raw)
	}
	if _, err := dec.ReadToken(); err != nil {
		return "", err
	}
	const members = 7
	var found [members]string
	var set [members]bool
	var bad error
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return "", err
		}
		name := tok.String()
		i := slices.Index(anyValueMembers[:], name)
		raw, err := dec.ReadValue()
		if err != nil {
			return "", err
		}
		if i < 0 || raw.Kind() == 'n' {
			continue
		}
		var text string
		switch name {
		case "stringValue":
			if raw.Kind() != '"' {
				bad = fmt.Errorf("%w: stringValue must be a string", errOtelValue)
				continue
			}
			text, err = scalarText(raw)
		case "boolValue":
			if k := raw.Kind(); k != 't' && k != 'f' {
				bad = fmt.Errorf("%w: boolValue must be true or false", errOtelValue)
				continue
			}
			text = string(raw)
		case "arrayValue", "kvlistValue":
			text = string(raw)
		default:
			text, err = scalarText(raw)
		}
		if err != nil {
			bad = err
			continue
		}
		found[i], set[i] = text, true
	}
	if _, err := dec.ReadToken(); err != nil {
		return "", err
	}
	for i := range found {
		if set[i] {
			return found[i], nil
		}
	}
	if bad != nil {
		return "", bad
	}
	return "", fmt.Errorf("%w: it has none of stringValue, intValue, doubleValue, boolValue", errOtelValue)
}

var anyValueMembers = [...]string{"stringValue", "intValue", "doubleValue", "boolValue", "arrayValue", "kvlistValue", "bytesValue"}

// scalarText renders a JSON string, number or boolean as text; numbers keep
// their exact digits (OTLP nanosecond times do not fit a float64).
func scalarText(raw jsontext.Value) (string, error) {
	switch raw.Kind() {
	case 'n':
		return "", nil
	case '"':
		s, err := jsontext.AppendUnquote(nil, raw)
		return string(s), err
	case 't', 'f', '0':
		return string(raw), nil
	}
	return "", errOtelValue
}

// TelemetryBatch is a parsed, accepted ingest body.
type TelemetryBatch struct {
	// ID is data.id.
	ID string
	// EventCount is len(data.events).
	EventCount int
	// Records are the spans, metrics and log records of all events.
	Records []TelemetryEvent
}

// ParseTelemetryBatch parses and checks an ingest body. It returns the batch,
// or a *TelemetryBatchError naming each event
// and attribute that is wrong. A batch is all-or-nothing: the real ingest
// API answers per request, so a sender retries the whole batch anyway.
// requiredSpan lists the attributes every API span must carry (nil means
// DefaultRequiredSpanAttrs).
func ParseTelemetryBatch(body []byte, requiredSpan []string) (*TelemetryBatch, error) {
	if requiredSpan == nil {
		requiredSpan = DefaultRequiredSpanAttrs
	}
	var batch otelBatch
	if err := json.Unmarshal(body, &batch); err != nil {
		return nil, &TelemetryBatchError{Problems: []TelemetryProblem{{Event: -1, Path: "$", Message: "body is not a JSON batch {\"data\":{\"id\",\"events\":[...]}}: " + err.Error()}}}
	}
	if batch.Data == nil {
		return nil, &TelemetryBatchError{Problems: []TelemetryProblem{{Event: -1, Path: "$.data", Message: "missing; the body must be {\"data\":{\"id\",\"events\":[...]}}"}}}
	}
	var probs []TelemetryProblem
	add := func(p TelemetryProblem) {
		if len(probs) < maxProblems {
			probs = append(probs, p)
		}
	}
	if batch.Data.ID == "" {
		add(TelemetryProblem{Event: -1, Path: "$.data.id", Message: "missing batch id"})
	}
	if len(batch.Data.Events) == 0 {
		add(TelemetryProblem{Event: -1, Path: "$.data.events", Message: "no events; send at least one"})
	}
	var out []TelemetryEvent
	for i, raw := range batch.Data.Events {
		evs, ps := parseTelemetryEvent(i, raw, requiredSpan)
		for _, p := range ps {
			add(p)
		}
		for j := range evs {
			evs[j].BatchID = batch.Data.ID
		}
		out = append(out, evs...)
	}
	if len(probs) > 0 {
		return nil, &TelemetryBatchError{Problems: probs}
	}
	return &TelemetryBatch{ID: batch.Data.ID, EventCount: len(batch.Data.Events), Records: out}, nil
}

func parseTelemetryEvent(i int, raw jsontext.Value, requiredSpan []string) ([]TelemetryEvent, []TelemetryProblem) {
	at := fmt.Sprintf("$.data.events[%d]", i)
	var ev otelEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, []TelemetryProblem{{Event: i, Path: at, Message: "not an OpenTelemetry JSON event: " + err.Error()}}
	}
	var out []TelemetryEvent
	var probs []TelemetryProblem
	missing := func(path, attr, what string) {
		probs = append(probs, TelemetryProblem{Event: i, Path: path, Attribute: attr, Message: fmt.Sprintf("missing required %s attribute %q", what, attr)})
	}
	resource := func(path string, r otelResource, wantEID string) (TelemetryEvent, bool) {
		ok := true
		for _, k := range requiredResourceAttrs {
			if r.Attributes[k] == "" {
				missing(path+".resource.attributes", k, "resource")
				ok = false
			}
		}
		if eid := r.Attributes["eid"]; eid != "" && eid != wantEID {
			probs = append(probs, TelemetryProblem{Event: i, Path: path + ".resource.attributes", Attribute: "eid",
				Message: fmt.Sprintf("eid is %q but this part carries %s data (eid %q)", eid, map[string]string{"API": "trace", "METRIC": "metric", "AUDIT": "log"}[wantEID], wantEID)})
			ok = false
		}
		return TelemetryEvent{Index: i, EID: r.Attributes["eid"], Producer: r.Attributes["producer"], Domain: r.Attributes["domain"], Resource: r.Attributes}, ok
	}
	for ri, rs := range ev.ResourceSpans {
		rpath := fmt.Sprintf("%s.resourceSpans[%d]", at, ri)
		base, _ := resource(rpath, rs.Resource, "API")
		n := 0
		for si, ss := range rs.ScopeSpans {
			for pi, sp := range ss.Spans {
				n++
				spath := fmt.Sprintf("%s.scopeSpans[%d].spans[%d]", rpath, si, pi)
				for _, f := range [...][2]string{{"name", sp.Name}, {"traceId", sp.TraceID}, {"spanId", sp.SpanID}} {
					if f[1] == "" {
						probs = append(probs, TelemetryProblem{Event: i, Path: spath + "." + f[0], Message: "missing required span field " + f[0]})
					}
				}
				for _, k := range requiredSpan {
					if _, ok := sp.Attributes[k]; !ok {
						missing(spath+".attributes", k, "span")
					}
				}
				if sc := sp.Attributes["http.status.code"]; sc != "" {
					if c, err := strconv.Atoi(sc); err != nil || c < 100 || c > 599 {
						probs = append(probs, TelemetryProblem{Event: i, Path: spath + ".attributes", Attribute: "http.status.code", Message: fmt.Sprintf("http.status.code %q is not an HTTP status code", sc)})
					}
				}
				e := base
				e.Kind, e.Name, e.TraceID, e.SpanID, e.ParentSpanID, e.Attributes = "span", sp.Name, sp.TraceID, sp.SpanID, sp.ParentSpanID, sp.Attributes
				out = append(out, e)
			}
		}
		if n == 0 {
			probs = append(probs, TelemetryProblem{Event: i, Path: rpath + ".scopeSpans", Message: "no spans; an API event carries at least one span"})
		}
	}
	for ri, rm := range ev.ResourceMetrics {
		rpath := fmt.Sprintf("%s.resourceMetrics[%d]", at, ri)
		base, _ := resource(rpath, rm.Resource, "METRIC")
		for si, sm := range rm.ScopeMetrics {
			for mi, m := range sm.Metrics {
				if m.Name == "" {
					probs = append(probs, TelemetryProblem{Event: i, Path: fmt.Sprintf("%s.scopeMetrics[%d].metrics[%d].name", rpath, si, mi), Message: "missing metric name"})
				}
				e := base
				e.Kind, e.Name = "metric", m.Name
				out = append(out, e)
			}
		}
	}
	for ri, rl := range ev.ResourceLogs {
		rpath := fmt.Sprintf("%s.resourceLogs[%d]", at, ri)
		base, _ := resource(rpath, rl.Resource, "AUDIT")
		for si, sl := range rl.ScopeLogs {
			for li, lr := range sl.LogRecords {
				lpath := fmt.Sprintf("%s.scopeLogs[%d].logRecords[%d]", rpath, si, li)
				for _, k := range requiredLogAttrs {
					if lr.Attributes[k] == "" {
						missing(lpath+".attributes", k, "audit log")
					}
				}
				e := base
				e.Kind, e.TraceID, e.SpanID, e.Attributes = "log", lr.TraceID, lr.SpanID, lr.Attributes
				out = append(out, e)
			}
		}
	}
	if len(ev.ResourceSpans)+len(ev.ResourceMetrics)+len(ev.ResourceLogs) == 0 {
		probs = append(probs, TelemetryProblem{Event: i, Path: at, Message: "event has none of resourceSpans (API), resourceMetrics (METRIC), resourceLogs (AUDIT)"})
	}
	return out, probs
}
