package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/signing"
)

// Looker finds registry records. Client implements it against a real
// registry; Cache wraps any Looker; tests and the sandbox may supply their own.
type Looker interface {
	Lookup(ctx context.Context, q Query) ([]Subscriber, error)
}

// maxResponse bounds a registry answer; a routing lookup of a large network
// is a few hundred kilobytes.
const maxResponse = 16 << 20

// defaultHTTP is used when Client.HTTP is nil: a registry that hangs must
// not hang every inbound verification with it.
var defaultHTTP = &http.Client{Timeout: 15 * time.Second}

// Client calls one registry and re-filters its answers (see Matcher).
type Client struct {
	// BaseURL is the registry endpoint without the operation, e.g.
	// "https://registry.becknprotocol.io/subscribers"; "/lookup" is appended.
	BaseURL string
	// HTTP is the client to use; nil means a client with a 15 s timeout.
	HTTP *http.Client
	// Signer, when set, signs lookups (ONDC's /v2.0/lookup requires it).
	Signer *signing.Signer
	// Matcher re-filters answers; the zero value normalises domains with
	// beckn.NormalizeDomain.
	Matcher Matcher
	// Now is the clock for validity checks; nil means time.Now.
	Now func() time.Time
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) endpoint(op string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/" + op
}

// Lookup asks the registry for records matching q and returns only those
// that really match and are valid now (see Matcher.Match), in the
// registry's order. An empty result is not an error. Records the client
// cannot read are skipped, unless none can be read, which is ErrUnparsable.
func (c *Client) Lookup(ctx context.Context, q Query) ([]Subscriber, error) {
	body, err := json.Marshal(q.body())
	if err != nil {
		return nil, &Error{Op: "lookup", Kind: ErrUnparsable, Err: err}
	}
	raw, err := c.post(ctx, "lookup", body)
	if err != nil {
		return nil, err
	}
	all, err := decodeRecords(raw, maxWrapDepth)
	if err != nil {
		return nil, &Error{Op: "lookup", URL: c.endpoint("lookup"), Kind: ErrUnparsable, Detail: "answer " + clip(string(raw)), Err: err}
	}
	now := c.now()
	out := all[:0]
	for _, s := range all {
		if c.Matcher.Match(q, s, now) {
			out = append(out, s)
		}
	}
	return out, nil
}

// post sends a JSON body, signed when c.Signer is set, and returns the 2xx
// answer's body.
func (c *Client) post(ctx context.Context, op string, body []byte) ([]byte, error) {
	url := c.endpoint(op)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Op: op, URL: url, Kind: ErrUnreachable, Detail: "bad registry URL", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.Signer != nil {
		req.Header.Set(signing.HeaderAuthorization, c.Signer.SignNow(body, time.Minute))
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, &Error{Op: op, URL: url, Kind: ErrUnreachable, Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, &Error{Op: op, URL: url, Kind: ErrUnreachable, Detail: "reading the answer", Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &Error{Op: op, URL: url, Kind: ErrStatus, StatusCode: resp.StatusCode, Detail: clip(strings.TrimSpace(string(raw)))}
	}
	if len(raw) > maxResponse {
		return nil, &Error{Op: op, URL: url, Kind: ErrUnparsable, Detail: fmt.Sprintf("answer larger than %d bytes", maxResponse)}
	}
	return raw, nil
}

// maxWrapDepth bounds how deep decodeRecords looks into wrapper objects;
// real wrappers are at most two levels (DeDi's data.details), and a bound
// keeps a hostile, deeply nested answer from costing quadratic time.
const maxWrapDepth = 3

// decodeRecords reads a lookup answer: the spec's bare array, a single
// record, or a wrapper object holding the records under data, message,
// subscribers or result(s) (DeDi nests one record as data.details).
func decodeRecords(raw []byte, depth int) ([]Subscriber, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, fmt.Errorf("empty answer")
	}
	switch raw[0] {
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		return decodeEach(items)
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, err
		}
		if _, ok := obj["subscriber_id"]; ok {
			return decodeEach([]json.RawMessage{raw})
		}
		for _, k := range []string{"data", "message", "subscribers", "result", "results", "details"} {
			v, ok := obj[k]
			if !ok {
				continue
			}
			v = bytes.TrimSpace(v)
			if depth > 0 && len(v) > 0 && (v[0] == '[' || v[0] == '{') {
				if recs, err := decodeRecords(v, depth-1); err == nil {
					return recs, nil
				}
			}
		}
		return nil, fmt.Errorf("an object without subscriber records")
	}
	return nil, fmt.Errorf("want a JSON array of records")
}

func decodeEach(items []json.RawMessage) ([]Subscriber, error) {
	out := make([]Subscriber, 0, len(items))
	var firstErr error
	for _, it := range items {
		var s Subscriber
		if err := json.Unmarshal(it, &s); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}
