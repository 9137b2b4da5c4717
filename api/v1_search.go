package api

import (
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
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

// v1Search sends a search and answers at once; the callbacks are read from
// the events URL (or webhook) as they arrive.
func (s *Server) v1Search(r *http.Request, client string, body []byte) (int, any, error) {
	var req searchRequest
	if err := decodeRequest(body, &req, "{domain, intent, bpp_id?, ttl?}"); err != nil {
		return 0, nil, err
	}
	if req.Domain == "" {
		return 0, nil, badRequest("domain", "domain is required: one of onest:learning-experiences, onest:work-opportunities, onest:financial-support, onest:expert-connect")
	}
	if !isObject(req.Intent) {
		return 0, nil, badRequest("intent", "intent is required and must be a Beckn intent object, e.g. {\"item\":{\"descriptor\":{\"name\":\"python\"}}}")
	}
	msg := make(jsontext.Value, 0, len(req.Intent)+11)
	msg = append(append(append(msg, `{"intent":`...), req.Intent...), '}')
	return s.send(r, engine.Call{
		Action:  beckn.ActionSearch,
		Context: beckn.Context{Domain: req.Domain, BppID: req.BppID, TTL: beckn.LenientString(req.TTL)},
		Message: msg,
		Owner:   client,
	}, wantsWait(r))
}
