// Package api is the client side of Seeker: what partner apps and tools call.
//
// The protocol-server compatible API answers POST /{action} with
// {context, message} like the Beckn protocol server's synchronous mode, so
// existing seeker apps and the ONEST Postman collection work against Seeker
// unchanged, except that search returns as soon as every reachable provider
// has answered instead of sleeping the whole ttl. An NDJSON variant streams
// each callback as it arrives.
package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/catalog"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// Config assembles the client API.
type Config struct {
	Engine *engine.Engine
	// Keys maps API key → client name. Every request must carry one.
	Keys map[string]string
	// BodyLimit bounds request bodies (default 1 MB: clients send intents
	// and orders, not catalogs).
	BodyLimit int64
	// Collect tunes when a synchronous call returns.
	Collect engine.CollectOptions
	Logger  *slog.Logger

	// Webhooks maps client name → URL that receives every callback of the
	// client's transactions (see NewWebhooks).
	Webhooks map[string]string
	// AllowPrivateWebhooks lets webhooks reach loopback and private
	// addresses (tests, the demo, an app beside Seeker).
	AllowPrivateWebhooks bool
	// Heartbeat is the interval of SSE keep-alive comments (default 15 s).
	Heartbeat time.Duration
	// Catalog answers searches from the cache (api/v1_catalog.go); nil
	// switches the catalog routes off.
	Catalog *catalog.Catalog
}

// Server is the client API.
type Server struct {
	cfg Config
	log *slog.Logger
	mux *http.ServeMux
	// streams ends with EndStreams: event streams (SSE, NDJSON) run under
	// it as well as under their request, so a graceful shutdown can end
	// them at once while synchronous requests run to their answer.
	streams    context.Context
	endStreams context.CancelFunc
}

// New returns the client API handler.
func New(cfg Config) *Server {
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux()}
	s.streams, s.endStreams = context.WithCancel(context.Background())
	s.mux.HandleFunc("POST /key/{key}/{action}", s.compat)
	s.mux.HandleFunc("POST /{action}", s.compat)
	s.routesV1()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isStream(r) {
		ctx, cancel := context.WithCancel(r.Context())
		stop := context.AfterFunc(s.streams, cancel)
		defer stop()
		defer cancel()
		r = r.WithContext(ctx)
	}
	s.mux.ServeHTTP(w, r)
}

// EndStreams ends every open event stream and every one opened later. A
// stream never goes idle, so a graceful shutdown would otherwise wait its
// whole timeout for it; a learner's synchronous search, by contrast, must
// still get its answer while the instance drains.
func (s *Server) EndStreams() { s.endStreams() }

// isStream reports a request for an event stream: Server-Sent Events or
// NDJSON, asked for by Accept, by ?stream=ndjson, or by the events route.
func isStream(r *http.Request) bool {
	return wantsStream(r) || r.URL.Query().Get("stream") == "ndjson" || strings.HasSuffix(r.URL.Path, "/events")
}

// client returns the name of the client whose key the request carries. The
// key may come as a bearer token, an X-API-Key header, or a /key/{key}/ path
// prefix — the last one for tools such as Postman collections whose requests
// cannot be given a header without editing them.
func (s *Server) client(r *http.Request) (string, bool) {
	candidates := []string{r.PathValue("key"), r.Header.Get("X-API-Key")}
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		candidates = append(candidates, strings.TrimSpace(a[7:]))
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		for key, name := range s.cfg.Keys {
			if subtle.ConstantTimeCompare([]byte(c), []byte(key)) == 1 {
				return name, true
			}
		}
	}
	return "", false
}

// compatRequest is the protocol-server client request.
type compatRequest struct {
	Context beckn.Context  `json:"context"`
	Message jsontext.Value `json:"message"`
}

// compatError is the protocol-server error shape, with the type its clients
// switch on.
type compatError struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

func (s *Server) compat(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	owner, ok := s.client(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="seeker"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": compatError{Type: "AUTH-ERROR", Code: "401", Message: "missing or unknown API key: send Authorization: Bearer <key>, X-API-Key: <key>, or POST /key/<key>/" + action}})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.BodyLimit))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": compatError{Type: "CONTEXT-ERROR", Code: beckn.CodeInvalidRequest, Message: fmt.Sprintf("request body over %d bytes", s.cfg.BodyLimit)}})
		return
	}
	var req compatRequest
	if err := beckn.Unmarshal(body, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": compatError{Type: "JSON-SCHEMA-ERROR", Code: beckn.CodeInvalidRequest, Message: "the body is not {context, message} JSON: " + err.Error()}})
		return
	}
	if req.Context.Action != "" && req.Context.Action != action {
		writeJSON(w, http.StatusBadRequest, map[string]any{"context": req.Context, "error": compatError{Type: "CONTEXT-ERROR", Code: beckn.CodeInvalidRequest, Path: "context.action", Message: fmt.Sprintf("context.action is %q but the request was posted to /%s", req.Context.Action, action)}})
		return
	}
	// A transaction belongs to the client that started it: another
	// client's callbacks must never be filed under it.
	if txn := req.Context.TransactionID; txn != "" {
		t, err := s.cfg.Engine.Store().Transaction(r.Context(), txn)
		if err == nil && t.Owner != owner {
			writeJSON(w, http.StatusNotFound, map[string]any{"context": req.Context, "error": compatError{Type: "CONTEXT-ERROR", Code: beckn.CodeInvalidRequest, Path: "context.transaction_id",
				Message: "transaction_id belongs to another client; leave it empty to start a new transaction"}})
			return
		}
	}
	d, err := s.cfg.Engine.Send(r.Context(), engine.Call{Action: action, Context: req.Context, Message: req.Message, Owner: owner})
	if err != nil {
		status, ce := http.StatusInternalServerError, compatError{Type: "CORE-ERROR", Code: "50000", Message: err.Error()}
		var ee *engine.Error
		if errors.As(err, &ee) {
			status, ce = ee.Status, compatError{Type: "CONTEXT-ERROR", Code: ee.Code, Path: ee.Path, Message: ee.Message}
		}
		writeJSON(w, status, map[string]any{"context": req.Context, "error": ce})
		return
	}
	if d.Ack == "NACK" {
		be := d.Error
		if be == nil {
			be = beckn.NewError("", "", "the provider refused the request")
		}
		writeJSON(w, http.StatusOK, map[string]any{"context": d.Context, "message": map[string]any{"ack": map[string]string{"status": "NACK"}}, "error": be, "responses": []any{}})
		return
	}
	opt := s.cfg.Collect
	opt.Expected = s.cfg.Engine.Expected(r.Context(), d)
	if wantsNDJSON(r) {
		s.stream(w, r, d, opt)
		return
	}
	responses := make([]jsontext.Value, 0, len(opt.Expected))
	err = s.cfg.Engine.Collect(r.Context(), d, opt, func(m *store.Message) error {
		responses = append(responses, jsontext.Value(m.Raw))
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Warn("collecting callbacks", "action", action, "err", err)
	}
	writeJSON(w, http.StatusOK, struct {
		Context   beckn.Context    `json:"context"`
		Responses []jsontext.Value `json:"responses"`
	}{d.Context, responses})
}

func wantsNDJSON(r *http.Request) bool {
	return r.URL.Query().Get("stream") == "ndjson" || strings.Contains(r.Header.Get("Accept"), "application/x-ndjson")
}

// stream writes the request context as the first line, then each callback
// as one line as soon as it is stored.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, d *engine.Dispatch, opt engine.CollectOptions) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	line := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
		return nil
	}
	if err := line(map[string]any{"context": d.Context}); err != nil {
		return
	}
	start := time.Now()
	_ = s.cfg.Engine.Collect(r.Context(), d, opt, func(m *store.Message) error {
		return line(jsontext.Value(m.Raw))
	})
	s.log.Debug("stream done", "txn", d.Context.TransactionID, "took", time.Since(start))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"type":"CORE-ERROR","code":"50000","message":"encoding the answer failed"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
