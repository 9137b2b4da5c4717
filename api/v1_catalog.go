package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/catalog"
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

// catalogQuery reads a Query from URL parameters: q, kind, sort, offset,
// limit, facets (comma separated) and any filter name (repeat a parameter
// for alternatives: language=en&language=hi). Unknown parameters are
// refused with their name, as a misspelt filter silently ignored would
// return wrong results.
func catalogQuery(v url.Values) (catalog.Query, error) {
	q := catalog.Query{Text: v.Get("q"), Kind: v.Get("kind"), Sort: v.Get("sort")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"offset", &q.Offset}, {"limit", &q.Limit}} {
		if s := v.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return q, badRequest(p.name, "%s=%q is not a whole number", p.name, s)
			}
			*p.dst = n
		}
	}
	if f := v.Get("facets"); f != "" {
		q.Facets = []string{}
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				q.Facets = append(q.Facets, name)
			}
		}
	}
	filters := catalog.FilterNames()
	for name, vals := range v {
		switch name {
		case "q", "kind", "sort", "offset", "limit", "facets":
			continue
		}
		if !slices.Contains(filters, name) && !(strings.HasPrefix(name, "tag.") && len(name) > 4) {
			return q, badRequest(name, "%s is not a parameter of a catalog search: use q, kind, sort, offset, limit, facets or a filter (%s, tag.<group>.<code>)", name, strings.Join(filters, ", "))
		}
		if q.Filters == nil {
			q.Filters = map[string][]string{}
		}
		q.Filters[name] = vals
	}
	if err := q.Validate(); err != nil {
		return q, badRequest(paramOf(err.Error()), "%s", err.Error())
	}
	return q, nil
}

// paramOf names the parameter a Query.Validate message is about (its
// second word: "filter price_max=...", "sort ...", "kind ...").
func paramOf(msg string) string {
	f := strings.Fields(msg)
	switch {
	case len(f) > 1 && (f[0] == "filter" || f[0] == "facet"):
		name, _, _ := strings.Cut(f[1], "=")
		return strings.Trim(name, `"`)
	case len(f) > 0:
		return f[0]
	}
	return ""
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
			writeEvent(&buf, "", u.Type, b)
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

// wantsStream reports whether a POST /v1/search asks for the merged
// cached+live stream instead of the protocol answer.
func wantsStream(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/event-stream") || strings.Contains(a, "application/x-ndjson")
}
