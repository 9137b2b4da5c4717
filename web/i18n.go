package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Every string the app shows comes from a catalogue (i18n/<code>.json): a
// flat map of keys to text, with fmt verbs for arguments. English is the
// reference; a Hindi key missing falls back to English so a page never
// shows a bare key, and a test keeps both catalogues key-for-key equal.

//go:embed i18n/*.json
var i18nFS embed.FS

// languages in the order the switcher shows them.
var languages = []string{"en", "hi"}

// lang is one language of the catalogue, bound into every page.
type lang struct {
	Code string
	msgs map[string]string
	fall map[string]string
}

// T returns the text of key, formatted with args.
func (l *lang) T(key string, args ...any) string {
	s, ok := l.msgs[key]
	if !ok {
		if s, ok = l.fall[key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether the catalogue has key (templates use it to fall back
// to a provider's own label for a state code the catalogue does not know).
func (l *lang) Has(key string) bool {
	_, ok := l.fall[key]
	return ok
}

// Other is the language the switcher offers.
func (l *lang) Other() string {
	if l.Code == "hi" {
		return "en"
	}
	return "hi"
}

// ist is India Standard Time, the time of the ONEST network's learners
// (India has no daylight saving, so a fixed offset is exact and needs no
// time zone database on the host).
var ist = time.FixedZone("IST", 5*3600+1800)

// Date formats a time for a learner in this language, in India's time.
func (l *lang) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(ist)
	return fmt.Sprintf("%d %s %d", t.Day(), l.T(fmt.Sprintf("month.%d", int(t.Month()))), t.Year())
}

// DateTime formats a time with its clock time.
func (l *lang) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.Date(t) + ", " + t.In(ist).Format("15:04")
}

type catalogue struct {
	langs map[string]*lang
}

func loadCatalogue() (*catalogue, error) {
	c := &catalogue{langs: map[string]*lang{}}
	var en map[string]string
	for _, code := range languages {
		b, err := i18nFS.ReadFile("i18n/" + code + ".json")
		if err != nil {
			return nil, fmt.Errorf("web: catalogue %s: %w", code, err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web: catalogue %s is not a JSON object of strings: %w", code, err)
		}
		if code == "en" {
			en = m
		}
		c.langs[code] = &lang{Code: code, msgs: m}
	}
	for _, l := range c.langs {
		l.fall = en
	}
	return c, nil
}

// pick chooses the language: the learner's choice (cookie), else the
// browser's Accept-Language, else English.
func (c *catalogue) pick(r *http.Request) *lang {
	if ck, err := r.Cookie(langCookie); err == nil {
		if l := c.langs[ck.Value]; l != nil {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if l := c.langs[base]; l != nil {
			return l
		}
	}
	return c.langs["en"]
}

const langCookie = "seeker_lang"

// switchLang remembers the chosen language and returns to the page the
// learner was on. It is a link, not a form, so it works from any page.
func (s *Server) switchLang(rq *request) (result, error) {
	to := rq.r.URL.Query().Get("to")
	if !slices.Contains(languages, to) {
		return result{}, problem(http.StatusBadRequest, "error.lang")
	}
	http.SetCookie(rq.w, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	return redirect(localPath(rq.r.URL.Query().Get("next"))), nil
}

// localPath keeps a "come back to" target inside the app: only a path on
// this site, never another host (an open redirect would let a phishing
// link borrow the app's name).
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return u.RequestURI()
}
