package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
)

// spanEvent builds one API event in the OTLP/JSON shape an ONEST sender
// produces, dropping the named span attributes.
func spanEvent(action, traceID string, drop ...string) map[string]any {
	attrs := map[string]any{
		"span_uuid": "3f0c9a9e-1f7e-4a53-9a55-9b6d2f0d7c11", "observedTimeUnixNano": "1710000000000000000",
		"sender.id": "bap.example.org", "recipient.id": "gateway.sandbox.local",
		"http.method": "POST", "http.route": "/" + action, "http.host": "127.0.0.1:7401",
		"http.status.code": map[string]any{"intValue": "200"},
	}
	for _, d := range drop {
		delete(attrs, d)
	}
	var kv []map[string]any
	for k, v := range attrs {
		if m, ok := v.(map[string]any); ok {
			kv = append(kv, map[string]any{"key": k, "value": m})
		} else {
			kv = append(kv, map[string]any{"key": k, "value": map[string]any{"stringValue": v}})
		}
	}
	return map[string]any{"resourceSpans": []any{map[string]any{
		"resource": map[string]any{"attributes": []any{
			map[string]any{"key": "eid", "value": map[string]any{"stringValue": "API"}},
			map[string]any{"key": "producer", "value": map[string]any{"stringValue": "bap.example.org"}},
			map[string]any{"key": "domain", "value": map[string]any{"stringValue": "onest:learning-experiences"}},
		}},
		"scopeSpans": []any{map[string]any{"spans": []any{map[string]any{
			"name": action, "traceId": traceID, "spanId": "span-" + action,
			"startTimeUnixNano": "1710000000000000000", "endTimeUnixNano": 1710000000100000000,
			"attributes": kv,
		}}}},
	}}}
}

func batchBody(t testing.TB, id string, events ...any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"data": map[string]any{"id": id, "events": events}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseTelemetryBatchRules(t *testing.T) {
	metric := map[string]any{"resourceMetrics": []any{map[string]any{
		"resource": map[string]any{"attributes": []any{
			map[string]any{"key": "eid", "value": "METRIC"},
			map[string]any{"key": "producer", "value": "bap.example.org"},
			map[string]any{"key": "domain", "value": "onest:work-opportunities"},
		}},
		"scopeMetrics": []any{map[string]any{"metrics": []any{map[string]any{"name": "search_api_total_count"}}}},
	}}}
	auditNoState := map[string]any{"resourceLogs": []any{map[string]any{
		"resource": map[string]any{"attributes": []any{
			map[string]any{"key": "eid", "value": "AUDIT"},
			map[string]any{"key": "producer", "value": "bap.example.org"},
			map[string]any{"key": "domain", "value": "onest:work-opportunities"},
		}},
		"scopeLogs": []any{map[string]any{"logRecords": []any{map[string]any{"attributes": []any{
			map[string]any{"key": "log_uuid", "value": "l1"}, map[string]any{"key": "item.id", "value": "o1"},
			map[string]any{"key": "item.type", "value": "Order"},
		}}}}},
	}}}
	wrongEID := spanEvent("search", "t1")
	wrongEID["resourceSpans"].([]any)[0].(map[string]any)["resource"] = map[string]any{"attributes": []any{
		map[string]any{"key": "eid", "value": "METRIC"},
		map[string]any{"key": "producer", "value": "p"},
		map[string]any{"key": "domain", "value": "d"},
	}}
	tests := []struct {
		name     string
		body     []byte
		records  int
		wantPath string // substring of the first problem's path; "" = accepted
		wantAttr string
	}{
		{"valid span", batchBody(t, "b1", spanEvent("search", "t1")), 1, "", ""},
		{"two events and a metric", batchBody(t, "b1", spanEvent("search", "t1"), spanEvent("on_search", "t1"), metric), 3, "", ""},
		{"missing http.route", batchBody(t, "b1", spanEvent("search", "t1"), spanEvent("select", "t1", "http.route")), 0, "$.data.events[1].resourceSpans[0].scopeSpans[0].spans[0].attributes", "http.route"},
		{"missing sender.id", batchBody(t, "b1", spanEvent("search", "t1", "sender.id")), 0, "$.data.events[0]", "sender.id"},
		{"missing traceId", batchBody(t, "b1", spanEvent("search", "")), 0, "spans[0].traceId", ""},
		{"eid disagrees with signal", batchBody(t, "b1", wrongEID), 0, "resource.attributes", "eid"},
		{"audit missing item.state", batchBody(t, "b1", auditNoState), 0, "logRecords[0].attributes", "item.state"},
		{"no batch id", batchBody(t, "", spanEvent("search", "t1")), 0, "$.data.id", ""},
		{"no events", batchBody(t, "b1"), 0, "$.data.events", ""},
		{"no data", []byte(`{"events":[]}`), 0, "$.data", ""},
		{"not json", []byte(`{"data":`), 0, "$", ""},
		{"empty event", []byte(`{"data":{"id":"b","events":[{}]}}`), 0, "$.data.events[0]", ""},
		{"bad status code", batchBody(t, "b1", func() map[string]any {
			e := spanEvent("search", "t1", "http.status.code")
			sp := e["resourceSpans"].([]any)[0].(map[string]any)["scopeSpans"].([]any)[0].(map[string]any)["spans"].([]any)[0].(map[string]any)
			sp["attributes"] = append(sp["attributes"].([]map[string]any), map[string]any{"key": "http.status.code", "value": map[string]any{"intValue": 42}})
			return e
		}()), 0, "attributes", "http.status.code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ParseTelemetryBatch(tc.body, nil)
			if tc.wantPath == "" {
				if err != nil {
					t.Fatalf("ParseTelemetryBatch: %v", err)
				}
				if len(b.Records) != tc.records {
					t.Fatalf("got %d records, want %d", len(b.Records), tc.records)
				}
				return
			}
			be, ok := err.(*TelemetryBatchError)
			if !ok {
				t.Fatalf("got error %v (%T), want *TelemetryBatchError", err, err)
			}
			p := be.Problems[0]
			if !strings.Contains(p.Path, tc.wantPath) || p.Attribute != tc.wantAttr {
				t.Fatalf("first problem %+v; want path containing %q and attribute %q (all: %v)", p, tc.wantPath, tc.wantAttr, be)
			}
			if tc.wantAttr != "" && !strings.Contains(be.Error(), tc.wantAttr) {
				t.Fatalf("error text %q does not name attribute %q", be.Error(), tc.wantAttr)
			}
		})
	}
}

func TestParseTelemetryBatchFlattens(t *testing.T) {
	b, err := ParseTelemetryBatch(batchBody(t, "batch-7", spanEvent("on_select", "txn-9")), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := b.Records[0]
	if b.ID != "batch-7" || b.EventCount != 1 || e.BatchID != "batch-7" || e.Kind != "span" || e.EID != "API" ||
		e.Name != "on_select" || e.TraceID != "txn-9" || e.Producer != "bap.example.org" || e.Domain != "onest:learning-experiences" ||
		e.Attributes["http.status.code"] != "200" || e.Attributes["http.route"] != "/on_select" {
		t.Fatalf("flattened event %+v (batch %+v)", e, b)
	}
}

func newSinkServer(t *testing.T) (*TelemetrySink, *httptest.Server) {
	t.Helper()
	s := NewTelemetrySink(nil, "admin-secret")
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv
}

func postJSON(t *testing.T, url string, body []byte, hdr map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestTelemetrySinkOverHTTP(t *testing.T) {
	sink, srv := newSinkServer(t)
	code, body := postJSON(t, srv.URL+TelemetryIngestPath, batchBody(t, "b1", spanEvent("search", "txn-1"), spanEvent("on_search", "txn-1")), nil)
	if code != 200 || !strings.Contains(string(body), `"records":2`) || !strings.Contains(string(body), `"SUCCESS"`) {
		t.Fatalf("valid batch: %d %s", code, body)
	}
	code, body = postJSON(t, srv.URL+TelemetryIngestPath, batchBody(t, "b2", spanEvent("select", "txn-1", "http.host")), nil)
	if code != 400 || !strings.Contains(string(body), `http.host`) || !strings.Contains(string(body), `$.data.events[0]`) {
		t.Fatalf("batch missing http.host: %d %s", code, body)
	}
	if got := sink.Events(TelemetryFilter{TraceID: "txn-1"}); len(got) != 2 {
		t.Fatalf("stored %d events for txn-1, want 2 (the rejected batch must not be stored)", len(got))
	}

	resp, err := http.Get(srv.URL + "/events?traceId=txn-1&name=on_search")
	if err != nil {
		t.Fatal(err)
	}
	var listed []TelemetryEvent
	if err := json.NewDecoder(resp.Body).Decode(&listed); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(listed) != 1 || listed[0].Name != "on_search" {
		t.Fatalf("GET /events returned %+v", listed)
	}
}

// TestTelemetrySinkKeepsTheLatestEvents: a sink that has taken more than
// maxSinkEvents keeps the newest (a long-running demo must not grow
// without end) and still answers for them.
func TestTelemetrySinkKeepsTheLatestEvents(t *testing.T) {
	sink, srv := newSinkServer(t)
	const perBatch = 1000
	batches := maxSinkEvents/perBatch + 2
	for b := range batches {
		events := make([]any, perBatch)
		for i := range events {
			events[i] = spanEvent("on_search", fmt.Sprintf("txn-%d-%d", b, i))
		}
		if code, body := postJSON(t, srv.URL+TelemetryIngestPath, batchBody(t, fmt.Sprint("b", b), events...), nil); code != 200 {
			t.Fatalf("batch %d: %d %s", b, code, body)
		}
	}
	all := sink.Events(TelemetryFilter{})
	if len(all) > maxSinkEvents || len(all) < maxSinkEvents*3/4 {
		t.Fatalf("the sink keeps %d events after %d; want between %d and %d", len(all), batches*perBatch, maxSinkEvents*3/4, maxSinkEvents)
	}
	if got := sink.Events(TelemetryFilter{TraceID: fmt.Sprintf("txn-%d-%d", batches-1, perBatch-1)}); len(got) != 1 {
		t.Fatalf("the newest event is not kept (%d found)", len(got))
	}
	if got := sink.Events(TelemetryFilter{TraceID: "txn-0-0"}); len(got) != 0 {
		t.Fatalf("the oldest event is still kept")
	}
	if all[len(all)-1].TraceID != fmt.Sprintf("txn-%d-%d", batches-1, perBatch-1) {
		t.Fatalf("events are not in arrival order: last is %s", all[len(all)-1].TraceID)
	}
}

func TestTelemetrySinkFaultAndWait(t *testing.T) {
	sink, srv := newSinkServer(t)
	if code, _ := postJSON(t, srv.URL+"/admin/fail?n=2", nil, nil); code != 401 {
		t.Fatalf("fault switch without admin key: status %d, want 401", code)
	}
	if code, b := postJSON(t, srv.URL+"/admin/fail?n=2", nil, map[string]string{"Authorization": "Bearer admin-secret"}); code != 200 {
		t.Fatalf("fault switch: %d %s", code, b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := sink.WaitFor(ctx, TelemetryFilter{Name: "confirm"}, 1)
		done <- err
	}()
	// A sender retrying: two 503s, then success.
	var codes []int
	for i := 0; i < 3; i++ {
		code, _ := postJSON(t, srv.URL+"/", batchBody(t, "retry", spanEvent("confirm", "txn-2")), nil)
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[503 503 200]" {
		t.Fatalf("statuses %v, want [503 503 200]", codes)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if req, batches := sink.Stats(); req != 3 || batches != 1 {
		t.Fatalf("stats: %d requests, %d batches; want 3, 1", req, batches)
	}
}

func FuzzParseTelemetryBatch(f *testing.F) {
	f.Add(batchBody(f, "b1", spanEvent("search", "t1")))
	f.Add([]byte(`{"data":{"id":"x","events":[{"resourceLogs":[{"resource":{"attributes":[{"key":"eid","value":{"intValue":3}}]},"scopeLogs":[{"logRecords":[{}]}]}]}]}}`))
	f.Add([]byte(`{"data":{"id":"x","events":[{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"arrayValue":{}}}]}]}]}]}]}}`))
	f.Add([]byte(`{"data":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := ParseTelemetryBatch(body, nil)
		if err == nil {
			if b == nil || b.ID == "" || b.EventCount == 0 {
				t.Fatalf("accepted batch %+v without id or events", b)
			}
			for _, r := range b.Records {
				if r.EID == "" || r.Producer == "" || r.Domain == "" {
					t.Fatalf("accepted record without resource attributes: %+v", r)
				}
			}
			return
		}
		be, ok := err.(*TelemetryBatchError)
		if !ok || len(be.Problems) == 0 || len(be.Problems) > maxProblems {
			t.Fatalf("error %v (%T) must be a *TelemetryBatchError with 1..%d problems", err, err, maxProblems)
		}
	})
}

// TestOtelAttributeValues pins how each OTLP/JSON attribute value is read
// as text, and which are refused.
func TestOtelAttributeValues(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{`{"stringValue":"x"}`, "x"},
		{`{"intValue":"1710000000000000000"}`, "1710000000000000000"},
		{`{"intValue":12}`, "12"},
		{`{"doubleValue":1.5}`, "1.5"},
		{`{"boolValue":true}`, "true"},
		{`{"arrayValue":{"values":[]}}`, `{"values":[]}`},
		{`{"stringValue":null,"intValue":"5"}`, "5"},
		{`{"unknown":1,"stringValue":"\u00e9"}`, "é"},
		{`"bare"`, "bare"},
		{`7`, "7"},
		{`null`, ""},
	} {
		var got otelAttrs
		if err := jsonv2.Unmarshal([]byte(`[{"key":"k","value":`+tc.value+`}]`), &got); err != nil || got["k"] != tc.want {
			t.Errorf("value %s: got %q (err %v), want %q", tc.value, got["k"], err, tc.want)
		}
	}
	for _, bad := range []string{`[{"key":"k","value":{}}]`, `[{"key":"k","value":{"boolValue":"yes"}}]`, `[{"key":"k","value":[1]}]`,
		`{"k":"v"}`, `["k"]`, `[{"key":1,"value":"v"}]`} {
		var got otelAttrs
		if err := jsonv2.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("attributes %s were accepted as %v", bad, got)
		}
	}
}
