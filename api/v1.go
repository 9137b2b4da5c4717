package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/store"
)

// Seeker API v1 is the API for apps written against Seeker rather than
// against the Beckn protocol server: a search answers at once with ids and a
// Server-Sent Events URL instead of holding the request open, a transaction
// and its messages and orders can be read back, and every write takes an
// Idempotency-Key so a client that retries after a timeout never sends a
// provider the same request twice.
//
// Authentication is the compat API's (bearer or X-API-Key; the /key/ path
// prefix is for unmodifiable Postman collections and is not offered here),
// and a client sees only the transactions it started: another client's
// transaction answers 404, exactly like one that does not exist, so ids
// cannot be probed.

// routesV1 registers the v1 routes on the client API's mux.
func (s *Server) routesV1() {
	s.mux.HandleFunc("POST /v1/search", s.authed(s.v1SearchRoute))
	s.mux.HandleFunc("GET /v1/transactions/{id}", s.authed(s.v1Transaction))
	s.mux.HandleFunc("GET /v1/transactions/{id}/messages", s.authed(s.v1Messages))
	s.mux.HandleFunc("GET /v1/transactions/{id}/events", s.authed(s.v1Events))
	s.mux.HandleFunc("POST /v1/transactions/{id}/{action}", s.authed(s.idempotent(s.v1Act)))
	s.mux.HandleFunc("GET /v1/orders/{id}", s.authed(s.v1Order))
	s.routesExport()
	s.routesCatalog()
	s.mux.HandleFunc("/v1/", s.authed(func(w http.ResponseWriter, r *http.Request, _ string) {
		writeError(w, &apiError{Status: http.StatusNotFound, Type: "CONTEXT-ERROR", Code: "404",
			Message: fmt.Sprintf("no v1 route %s %s; see docs/client-api.yaml", r.Method, r.URL.Path)})
	}))
}

// clientHandler is a v1 handler that knows which client is calling.
type clientHandler func(w http.ResponseWriter, r *http.Request, client string)

// authed resolves the caller's API key with the compat API's key check and
// refuses the request when there is none.
func (s *Server) authed(h clientHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		client, ok := s.client(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="seeker"`)
			writeError(w, &apiError{Status: http.StatusUnauthorized, Type: "AUTH-ERROR", Code: "401",
				Message: "missing or unknown API key: send Authorization: Bearer <key> or X-API-Key: <key>"})
			return
		}
		h(w, r, client)
	}
}

// readBody reads a bounded request body.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.BodyLimit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Type: "CONTEXT-ERROR", Code: "413", Message: fmt.Sprintf("request body over %d bytes", s.cfg.BodyLimit)}
		}
		return nil, badRequest("", "reading the body failed: %v", err)
	}
	return body, nil
}

// ownedTransaction returns the transaction when client owns it. Another
// client's transaction is reported as missing, so ids cannot be probed.
func (s *Server) ownedTransaction(r *http.Request, client, id string) (*store.Transaction, error) {
	t, err := s.cfg.Engine.Store().Transaction(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Owner != client) {
		return nil, &apiError{Status: http.StatusNotFound, Type: "CONTEXT-ERROR", Code: "404", Path: "transaction_id",
			Message: fmt.Sprintf("no transaction %q of this client; use the transaction_id of a search this API key started", id)}
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// querySeq parses a non-negative sequence number from a query parameter.
func querySeq(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest(name, "%s=%q is not a sequence number; use the seq (or SSE id) of a message", name, v)
	}
	return n, nil
}

// decodeRequest decodes a v1 request body strictly: the body is Seeker's own
// API, not a provider's message, so a misspelt member (bppid, intents) is a
// mistake to report with its path rather than a field to ignore silently.
// Raw Beckn objects inside (intent, message) are kept as given.
func decodeRequest(body []byte, v any, shape string) error {
	err := json.Unmarshal(body, v, json.RejectUnknownMembers(true))
	if err == nil {
		return nil
	}
	var se *json.SemanticError
	if errors.As(err, &se) && se.JSONPointer != "" {
		path := strings.ReplaceAll(strings.TrimPrefix(string(se.JSONPointer), "/"), "/", ".")
		if errors.Is(err, json.ErrUnknownName) {
			return badRequest(path, "%s is not a member of %s", path, shape)
		}
		return badRequest(path, "%s has the wrong type: the body must be %s", path, shape)
	}
	return badRequest("", "the body is not %s JSON: %v", shape, err)
}
