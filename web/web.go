// Package web is the learner-facing web app: discovery across the four ONEST
// domains, detail pages from select, applications and enrolments through
// init, the provider's XInput forms and confirm, and everything after
// (status timeline, cancel, update, rating, support, track, certificates).
//
// It is server-rendered HTML (html/template) with a little hand-written
// JavaScript that only enhances what already works without it (live
// results, live status), all assets embedded in the binary: a learner on a
// cheap phone downloads a few kilobytes, and nothing is fetched from a CDN.
//
// Provider content is untrusted everywhere: titles and descriptions are
// rendered as text (html/template escapes them, descriptions are reduced to
// paragraphs of text first), and provider forms are never shown as the
// provider wrote them: package xinput reads their controls and this package
// renders its own controls from that list, so no provider script, style or
// event handler ever reaches the learner's browser. The Content-Security-
// Policy refuses inline script and style as a second line.
//
// The app keeps its state (accounts, sessions, profiles, the list of a
// learner's applications) in the store's key-value space, so it runs
// unchanged on SQLite and PostgreSQL and on several instances; what happens
// to an application is never copied: it is read from the stored Beckn
// messages of its transaction each time it is shown.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/onest-seeker/seeker/catalog"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/xinput"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the app needs from the running BAP.
type Config struct {
	Engine *engine.Engine
	Store  store.Store
	// Catalog returns the catalog cache (discovery); it is read at each
	// request because the server builds the catalog when it starts.
	Catalog func() *catalog.Catalog
	// Forms fetches and submits provider forms (signed by the BAP).
	Forms *xinput.Client
	// Collect bounds the waits for callbacks (the quiet period of a search).
	Collect engine.CollectOptions
	// SecureCookies marks cookies Secure. Leave it on behind HTTPS; the
	// loopback demo serves plain HTTP and needs it off.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts (default 7 days).
	SessionTTL time.Duration
	// Wait bounds how long a page waits for a provider's answer before it
	// shows what it has with a "still waiting" note (default 12 s).
	Wait   time.Duration
	Logger *slog.Logger
	// Now is the clock (nil = time.Now).
	Now func() time.Time
}

// Server is the web app, an http.Handler.
type Server struct {
	cfg   Config
	log   *slog.Logger
	mux   *http.ServeMux
	pages map[string]*template.Template
	i18n  *catalogue
	// userLocks serialise read-modify-write of one user's record within
	// this instance (the KV has no compare-and-swap); a fixed set striped
	// by user id, so memory does not grow with the number of learners.
	userLocks [64]sync.Mutex
	static    http.Handler
	// live bounds the live searches each visitor starts (limit.go).
	live *liveLimiter
}

// New builds the app. Templates and the string catalogue are checked here,
// so a broken template fails the start, not a learner's request.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil || cfg.Store == nil {
		return nil, errors.New("web: Engine and Store are required")
	}
	if cfg.Forms == nil {
		cfg.Forms = &xinput.Client{}
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 7 * 24 * time.Hour
	}
	if cfg.Wait <= 0 {
		cfg.Wait = 12 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cat, err := loadCatalogue()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, i18n: cat, mux: http.NewServeMux(), live: newLiveLimiter()}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	sub, _ := fs.Sub(staticFS, "static")
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := s.mux
	m.Handle("GET /static/", s.cacheStatic(s.static))
	m.HandleFunc("GET /{$}", s.handle(s.discoverPage))
	m.HandleFunc("GET /discover/stream", s.discoverStream)
	m.HandleFunc("GET /item", s.handle(s.itemPage))
	m.HandleFunc("GET /lang", s.handle(s.switchLang))
	m.HandleFunc("GET /signup", s.handle(s.signUpPage))
	m.HandleFunc("POST /signup", s.handle(s.signUp))
	m.HandleFunc("GET /signin", s.handle(s.signInPage))
	m.HandleFunc("POST /signin", s.handle(s.signIn))
	m.HandleFunc("POST /signout", s.handle(s.signOut))
	m.HandleFunc("GET /profile", s.handle(s.user(s.profilePage)))
	m.HandleFunc("POST /profile", s.handle(s.user(s.saveProfile)))
	m.HandleFunc("POST /apply", s.handle(s.user(s.apply)))
	m.HandleFunc("GET /applications", s.handle(s.user(s.applicationsPage)))
	m.HandleFunc("GET /applications/{txn}", s.handle(s.user(s.applicationPage)))
	m.HandleFunc("GET /applications/{txn}/events", s.applicationEvents)
	m.HandleFunc("GET /applications/{txn}/form", s.handle(s.user(s.formPage)))
	m.HandleFunc("POST /applications/{txn}/form", s.handle(s.user(s.submitForm)))
	m.HandleFunc("POST /applications/{txn}/consent", s.handle(s.user(s.giveConsent)))
	m.HandleFunc("POST /applications/{txn}/confirm", s.handle(s.user(s.confirm)))
	m.HandleFunc("POST /applications/{txn}/status", s.handle(s.user(s.refreshStatus)))
	m.HandleFunc("POST /applications/{txn}/cancel", s.handle(s.user(s.cancel)))
	m.HandleFunc("POST /applications/{txn}/rate", s.handle(s.user(s.rate)))
	m.HandleFunc("POST /applications/{txn}/support", s.handle(s.user(s.support)))
	m.HandleFunc("POST /applications/{txn}/track", s.handle(s.user(s.track)))
	m.HandleFunc("POST /applications/{txn}/update", s.handle(s.user(s.update)))
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})
}

// ServeHTTP adds the security headers every answer carries, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// No inline script or style at all: a provider string that slipped
	// through escaping still could not run or restyle the page. Images may
	// come from providers (course covers); forms post only to the app.
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// request is what every page handler gets: the learner (nil when signed
// out), the language and the CSRF token for its forms.
type request struct {
	r    *http.Request
	w    http.ResponseWriter
	lang *lang
	sess *session
	user *user
	csrf string
}

// result is what a handler produced: a page to render or a redirect.
type result struct {
	page     string
	status   int
	data     any
	redirect string
	title    string
}

func redirect(to string) result { return result{redirect: to} }

// handle wraps a page handler: it resolves language, session and CSRF,
// checks the CSRF token of every POST, limits bodies, renders the result
// and turns errors into a page a learner can act on.
func (s *Server) handle(fn func(*request) (result, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rq := &request{r: r, w: w}
		rq.lang = s.i18n.pick(r)
		s.loadSession(rq)
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
			if err := s.checkCSRF(rq); err != nil {
				s.renderError(rq, http.StatusForbidden, rq.lang.T("error.csrf"))
				return
			}
		}
		res, err := fn(rq)
		if err != nil {
			s.fail(rq, err)
			return
		}
		if res.redirect != "" {
			http.Redirect(w, r, res.redirect, http.StatusSeeOther)
			return
		}
		s.render(rq, res)
	}
}

// userError is an error whose message (a catalogue key) is shown to the
// learner, with an HTTP status.
type userError struct {
	status int
	key    string
	args   []any
}

func (e *userError) Error() string { return e.key }

func problem(status int, key string, args ...any) error {
	return &userError{status: status, key: key, args: args}
}

func (s *Server) fail(rq *request, err error) {
	var ue *userError
	if errors.As(err, &ue) {
		s.renderError(rq, ue.status, rq.lang.T(ue.key, ue.args...))
		return
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	s.log.Error("web request failed", "path", rq.r.URL.Path, "err", err)
	s.renderError(rq, http.StatusInternalServerError, rq.lang.T("error.internal"))
}

func (s *Server) renderError(rq *request, status int, msg string) {
	s.render(rq, result{page: "error", status: status, data: msg, title: rq.lang.T("error.title")})
}

// page is the data every template gets: the handler's data plus the frame.
type page struct {
	L     *lang
	User  *user
	CSRF  string
	Title string
	Path  string
	// Next is the current URL, for "sign in and come back".
	Next string
	Data any
}

func (s *Server) render(rq *request, res result) {
	t := s.pages[res.page]
	if t == nil {
		panic("web: no page template " + res.page)
	}
	p := page{L: rq.lang, User: rq.user, CSRF: rq.csrf, Title: res.title, Path: rq.r.URL.Path, Next: rq.r.URL.RequestURI(), Data: res.data}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		s.log.Error("rendering a page", "page", res.page, "err", err)
		http.Error(rq.w, "the page could not be shown", http.StatusInternalServerError)
		return
	}
	h := rq.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", rq.lang.Code)
	if res.status != 0 {
		rq.w.WriteHeader(res.status)
	}
	_, _ = rq.w.Write([]byte(b.String()))
}

// renderFragment executes one named template (a part of a page) for the
// live updates the scripts swap in.
func (s *Server) renderFragment(page, name string, data any) (string, error) {
	var b strings.Builder
	if err := s.pages[page].ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("rendering %s/%s: %w", page, name, err)
	}
	return b.String(), nil
}

// parsePages parses each page template together with the layout and the
// shared parts, so every page is one self-contained template set.
func parsePages() (map[string]*template.Template, error) {
	entries, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	shared := []string{"templates/layout.html", "templates/parts.html"}
	pages := map[string]*template.Template{}
	for _, e := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(e, "templates/"), ".html")
		if name == "layout" || name == "parts" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, append(shared, e)...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}
