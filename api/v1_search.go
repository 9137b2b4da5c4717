package api

import (
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/catalog"
	"github.com/onest-seeker/seeker/engine"
)

// searchRequest starts a search. Intent is the raw Beckn intent object, sent
// as given; Seeker builds the context.
type searchRequest struct {
	Domain string         `json:"domain"`
	Intent jsontext.Value `json:"intent"`
	// BppID sends the search to one provider instead of the gateway.
	BppID string `json:"bpp_id"`
	// TTL is an ISO 8601 duration (default: the configured search ttl).
	TTL string `json:"ttl"`
}

// searchSent is the answer to POST /v1/search: the sent request and, when
// Seeker keeps a catalog, what the cache already knows that matches the
// intent, so a client shows results before any provider has answered.
type searchSent struct {
	sent `json:",inline"`
	// Cached is the cache's answer to the intent (each offer with source
	// "cache" and its age); live answers follow on the events URL.
	Cached *catalog.Results `json:"cached,omitzero"`
}

// v1SearchRoute serves POST /v1/search: the protocol answer (ids and an
// events URL, or the callbacks with ?wait=true), or, when the client
// accepts text/event-stream or application/x-ndjson and Seeker keeps a
// catalog, one stream merging the cached answer and the live one.
func (s *Server) v1SearchRoute(w http.ResponseWriter, r *http.Request, client string) {
	if s.cfg.Catalog == nil || !wantsStream(r) {
		s.idempotent(s.v1Search)(w, r, client)
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	req, err := readSearchRequest(body)
	if err != nil {
		writeError(w, err)
		return
	}
	q, ok := s.cacheQuery(req)
	if !ok {
		writeError(w, badRequest("domain", "a merged search stream needs one of the ONEST domains (onest:learning-experiences, onest:work-opportunities, onest:financial-support, onest:expert-connect) and an intent the catalog can read"))
		return
	}
	msg := make(jsontext.Value, 0, len(req.Intent)+11)
	q.Message = append(append(append(msg, `{"intent":`...), req.Intent...), '}')
	q.Owner = client
	s.streamDiscover(w, r, q)
}

func readSearchRequest(body []byte) (*searchRequest, error) {
	var req searchRequest
	if err := decodeRequest(body, &req, "{domain, intent, bpp_id?, ttl?}"); err != nil {
		return nil, err
	}
	if req.Domain == "" {
		return nil, badRequest("domain", "domain is required: one of onest:learning-experiences, onest:work-opportunities, onest:financial-support, onest:expert-connect")
	}
	if !isObject(req.Intent) {
		return nil, badRequest("intent", "intent is required and must be a Beckn intent object, e.g. {\"item\":{\"descriptor\":{\"name\":\"python\"}}}")
	}
	return &req, nil
}

// cacheQuery reads the catalog query an intent asks for. ok is false for a
// domain that is not ONEST or an intent the catalog cannot read.
func (s *Server) cacheQuery(req *searchRequest) (catalog.Query, bool) {
	var in beckn.Intent
	if err := beckn.Unmarshal(req.Intent, &in); err != nil {
		return catalog.Query{}, false
	}
	q := catalog.QueryFromIntent(req.Domain, &in)
	if q.Kind == "" {
		return q, false
	}
	if req.BppID != "" {
		if q.Filters == nil {
			q.Filters = map[string][]string{}
		}
		q.Filters["bpp"] = []string{req.BppID}
	}
	return q, q.Validate() == nil
}

// v1Search sends a search and answers at once with the cached matches; the
// callbacks are read from the events URL (or webhook) as they arrive.
func (s *Server) v1Search(r *http.Request, client string, body []byte) (int, any, error) {
	req, err := readSearchRequest(body)
	if err != nil {
		return 0, nil, err
	}
	var cached *catalog.Results
	if s.cfg.Catalog != nil {
		if q, ok := s.cacheQuery(req); ok {
			// The cache never fails a search: without its answer the
			// client still gets the live one.
			if cached, err = s.cfg.Catalog.Search(r.Context(), q); err != nil {
				s.log.Warn("answering a search from the catalog cache", "err", err)
				cached = nil
			}
		}
	}
	msg := make(jsontext.Value, 0, len(req.Intent)+11)
	msg = append(append(append(msg, `{"intent":`...), req.Intent...), '}')
	status, out, err := s.send(r, engine.Call{
		Action:  beckn.ActionSearch,
		Context: beckn.Context{Domain: req.Domain, BppID: req.BppID, TTL: beckn.LenientString(req.TTL)},
		Message: msg,
		Owner:   client,
	}, wantsWait(r))
	if err != nil || cached == nil {
		return status, out, err
	}
	if o, ok := out.(sent); ok {
		return status, searchSent{sent: o, Cached: cached}, nil
	}
	return status, out, nil
}
