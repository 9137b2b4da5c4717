package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/catalog"
	"github.com/onest-seeker/seeker/internal/sse"
)

// The catalog routes answer discovery from Seeker's cache of everything the
// network offers (package catalog): a search answers at once, before any
// provider has been asked, and a discovery stream then merges what the
// providers say live. Every opportunity says where it came from ("cache" or
// "live") and how old it is (age_seconds).

// routesCatalog registers the catalog routes (called from routesV1).
func (s *Server) routesCatalog() {
	s.mux.HandleFunc("GET /v1/catalog/search", s.authed(s.withCatalog(s.v1CatalogSearch)))
	s.mux.HandleFunc("GET /v1/catalog/discover", s.authed(s.withCatalog(s.v1CatalogDiscover)))
	s.mux.HandleFunc("POST /v1/catalog/refresh", s.authed(s.withCatalog(s.idempotent(s.v1CatalogRefresh))))
	s.mux.HandleFunc("GET /v1/opportunities/{id}", s.authed(s.withCatalog(s.v1Opportunity)))
}

// withCatalog answers 404 when Seeker runs without a catalog.
func (s *Server) withCatalog(h clientHandler) clientHandler {
	return func(w http.ResponseWriter, r *http.Request, client string) {
		if s.cfg.Catalog == nil {
			writeError(w, &apiError{Status: http.StatusNotFound, Type: "CONTEXT-ERROR", Code: "404",
				Message: "this Seeker runs without a catalog cache"})
			return
		}
		h(w, r, client)
	}
}

// catalogQuery reads a Query from URL parameters (catalog.ParseQuery) and
// names the parameter at fault in the error.
func catalogQuery(v url.Values) (catalog.Query, error) {
	q, err := catalog.ParseQuery(v)
	var pe *catalog.ParamError
	if errors.As(err, &pe) {
		return q, badRequest(pe.Param, "%s", pe.Msg)
	}
	return q, err
}

// v1CatalogSearch answers GET /v1/catalog/search from the cache.
func (s *Server) v1CatalogSearch(w http.ResponseWriter, r *http.Request, _ string) {
	q, err := catalogQuery(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	res, err := s.cfg.Catalog.Search(r.Context(), q)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// v1Opportunity answers GET /v1/opportunities/{id}.
func (s *Server) v1Opportunity(w http.ResponseWriter, r *http.Request, _ string) {
	o, err := s.cfg.Catalog.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, catalog.ErrNotFound) {
		writeError(w, &apiError{Status: http.StatusNotFound, Type: "CONTEXT-ERROR", Code: "404", Path: "id",
			Message: fmt.Sprintf("no cached opportunity %q: it was never cached or its provider no longer lists it; search again", r.PathValue("id"))})
		return
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// refreshRequest asks for a harvest of some kinds (all when empty).
type refreshRequest struct {
	Kinds []string `json:"kinds"`
}

// v1CatalogRefresh harvests now and answers with what each domain's
// harvest did, once every broad search is over.
func (s *Server) v1CatalogRefresh(r *http.Request, _ string, body []byte) (int, any, error) {
	var req refreshRequest
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeRequest(body, &req, "{kinds?: [course|job|scholarship|mentorship]}"); err != nil {
			return 0, nil, err
		}
	}
	for i, k := range req.Kinds {
		if catalog.DomainOf(k) == "" {
			return 0, nil, badRequest(fmt.Sprintf("kinds.%d", i), "kind %q is not one of course, job, scholarship, mentorship", k)
		}
	}
	// The harvest outlives a client that stops waiting: its answers fill
	// the cache either way.
	rep, err := s.cfg.Catalog.Refresh(context.WithoutCancel(r.Context()), req.Kinds...)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rep, nil
}

// v1CatalogDiscover answers GET /v1/catalog/discover: the cached answer at
// once, then a live search whose answers are merged into the same stream.
func (s *Server) v1CatalogDiscover(w http.ResponseWriter, r *http.Request, client string) {
	q, err := catalogQuery(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	q.Owner = client
	s.streamDiscover(w, r, q)
}

// streamDiscover runs catalog.Discover and writes each update as a
// Server-Sent Event named by its type (cached, live, progress, failed,
// done), or as NDJSON lines when the client asked for
// application/x-ndjson.
func (s *Server) streamDiscover(w http.ResponseWriter, r *http.Request, q catalog.Query) {
	ndjson := strings.Contains(r.Header.Get("Accept"), "application/x-ndjson")
	rc := http.NewResponseController(w)
	started := false
	start := func() {
		if started {
			return
		}
		started = true
		if ndjson {
			w.Header().Set("Content-Type", "application/x-ndjson")
		} else {
			w.Header().Set("Content-Type", "text/event-stream")
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
	}
	_, err := s.cfg.Catalog.Discover(r.Context(), q, func(u catalog.Update) error {
		b, err := json.Marshal(u)
		if err != nil {
			return err
		}
		start()
		var buf bytes.Buffer
		if ndjson {
			buf.Write(b)
			buf.WriteByte('\n')
		} else {
			sse.AppendEvent(&buf, "", u.Type, b)
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		return rc.Flush()
	})
	if err != nil && !started {
		writeError(w, v1Paths(err))
		return
	}
	if err != nil && r.Context().Err() == nil {
		s.log.Warn("discovery stream ended", "err", err)
	}
}

// wantsStream reports whether the client's Accept asks for an event stream
// (Server-Sent Events or NDJSON), e.g. a POST /v1/search for the merged
// cached+live stream instead of the protocol answer.
func wantsStream(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/event-stream") || strings.Contains(a, "application/x-ndjson")
}
