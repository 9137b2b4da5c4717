package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash/fnv"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"golang.org/x/crypto/bcrypt"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/xinput"
)

// Accounts, sessions and CSRF.
//
// Passwords are hashed with bcrypt (cost 11): slow on purpose, salted, and
// the hash carries its own cost so it can be raised later. Sessions are
// random 256-bit tokens in an HttpOnly, SameSite=Lax cookie; the store
// keeps only their SHA-256, so a copy of the database does not sign anyone
// in. Every form carries a CSRF token: the session's own for a signed-in
// learner, a double-submit cookie before sign-in; the Origin header, when a
// browser sends it, must be this site as well.

const (
	sessionCookie = "seeker_session"
	csrfCookie    = "seeker_csrf"
	bcryptCost    = 11
	// maxUpload bounds a request body: forms with documents attached.
	maxUpload = 12 << 20
	// maxEmail and maxName bound what an account stores.
	maxEmail    = 254
	maxName     = 120
	minPassword = 8
	maxPassword = 72 // bcrypt reads at most 72 bytes
)

// user is a learner's account, profile and applications.
type user struct {
	ID      string    `json:"id"`
	Email   string    `json:"email"`
	Name    string    `json:"name"`
	Hash    []byte    `json:"hash"`
	Created time.Time `json:"created"`
	// Profile is keyed by ONEST-001 form field names (see profile.go).
	Profile xinput.Profile `json:"profile,omitempty"`
	// Consent: the learner agreed that forms may be pre-filled from the
	// profile. Nothing is pre-filled before.
	Consent   bool      `json:"consent,omitempty"`
	ConsentAt time.Time `json:"consent_at,omitzero"`
	// Apps are the transaction ids of the learner's applications, newest
	// first.
	Apps []string `json:"apps,omitempty"`
}

// Owner is the engine's owner of the learner's transactions.
func (u *user) Owner() string { return "web:" + u.ID }

// session is a sign-in.
type session struct {
	UserID  string    `json:"user_id"`
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "web:session:" + hex.EncodeToString(sum[:])
}

func userKey(id string) string { return "web:user:" + id }

func emailKey(email string) string { return "web:email:" + strings.ToLower(email) }

// loadSession reads the session cookie and the learner, and makes sure a
// CSRF token exists for the forms of this page.
func (s *Server) loadSession(rq *request) {
	ctx := rq.r.Context()
	if ck, err := rq.r.Cookie(sessionCookie); err == nil && ck.Value != "" && len(ck.Value) < 100 {
		var sess session
		if s.getJSON(ctx, sessionKey(ck.Value), &sess) == nil && s.cfg.Now().Before(sess.Expires) {
			if u, err := s.loadUser(ctx, sess.UserID); err == nil {
				rq.sess, rq.user, rq.csrf = &sess, u, sess.CSRF
				return
			}
		}
	}
	if ck, err := rq.r.Cookie(csrfCookie); err == nil && len(ck.Value) >= 20 && len(ck.Value) < 100 {
		rq.csrf = ck.Value
		return
	}
	rq.csrf = randomToken(24)
	http.SetCookie(rq.w, &http.Cookie{Name: csrfCookie, Value: rq.csrf, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.cfg.SecureCookies})
}

var errCSRF = errors.New("web: CSRF token missing or wrong")

// checkCSRF refuses a POST whose token is not this visitor's, or whose
// Origin is another site.
func (s *Server) checkCSRF(rq *request) error {
	r := rq.r
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return errCSRF
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(4 << 20); err != nil {
			return errCSRF
		}
	}
	got := r.PostFormValue("csrf")
	if got == "" || rq.csrf == "" || subtle.ConstantTimeCompare([]byte(got), []byte(rq.csrf)) != 1 {
		return errCSRF
	}
	return nil
}

// user wraps a handler that needs a signed-in learner: others are sent to
// sign in and brought back.
func (s *Server) user(fn func(*request) (result, error)) func(*request) (result, error) {
	return func(rq *request) (result, error) {
		if rq.user == nil {
			next := rq.r.URL.RequestURI()
			if rq.r.Method == http.MethodPost {
				next = localPath(rq.r.PostFormValue("next"))
			}
			return redirect("/signin?next=" + url.QueryEscape(next)), nil
		}
		return fn(rq)
	}
}

// getJSON and putJSON keep the app's records in the key-value store. They
// use the same JSON package as the wire types (encoding/json/v2's), so a
// stored beckn.XInput keeps its lenient scalars (form.resubmit, required)
// exactly: encoding/json would drop what only the v2 methods encode.
func (s *Server) getJSON(ctx context.Context, key string, v any) error {
	b, err := s.cfg.Store.GetKV(ctx, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (s *Server) putJSON(ctx context.Context, key string, v any, expires time.Time) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.cfg.Store.PutKV(ctx, key, b, expires)
}

func (s *Server) loadUser(ctx context.Context, id string) (*user, error) {
	var u user
	if err := s.getJSON(ctx, userKey(id), &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// updateUser applies change to the stored learner under this instance's
// lock for that learner, so two tabs saving at once do not lose a change.
func (s *Server) updateUser(ctx context.Context, id string, change func(*user) error) (*user, error) {
	h := fnv.New32a()
	h.Write([]byte(id))
	mu := &s.userLocks[h.Sum32()%uint32(len(s.userLocks))]
	mu.Lock()
	defer mu.Unlock()
	u, err := s.loadUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := change(u); err != nil {
		return nil, err
	}
	return u, s.putJSON(ctx, userKey(id), u, time.Time{})
}

// authForm is what the sign-in and sign-up pages show again after an error.
type authForm struct {
	Email, Name, Next string
	Error             string
	Errors            map[string]string
}

func (s *Server) signUpPage(rq *request) (result, error) {
	return result{page: "signup", title: rq.lang.T("signup.title"), data: authForm{Next: localPath(rq.r.URL.Query().Get("next"))}}, nil
}

func (s *Server) signInPage(rq *request) (result, error) {
	return result{page: "signin", title: rq.lang.T("signin.title"), data: authForm{Next: localPath(rq.r.URL.Query().Get("next"))}}, nil
}

func (s *Server) signUp(rq *request) (result, error) {
	r := rq.r
	f := authForm{
		Email: strings.TrimSpace(r.PostFormValue("email")),
		Name:  strings.TrimSpace(r.PostFormValue("name")),
		Next:  localPath(r.PostFormValue("next")),
	}
	pw := r.PostFormValue("password")
	errs := map[string]string{}
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || len(f.Email) > maxEmail {
		errs["email"] = rq.lang.T("auth.email_invalid")
	}
	if f.Name == "" || utf8.RuneCountInString(f.Name) > maxName {
		errs["name"] = rq.lang.T("auth.name_invalid", maxName)
	}
	if utf8.RuneCountInString(pw) < minPassword || len(pw) > maxPassword {
		errs["password"] = rq.lang.T("auth.password_invalid", minPassword, maxPassword)
	}
	ctx := r.Context()
	if len(errs) == 0 {
		if _, err := s.cfg.Store.GetKV(ctx, emailKey(f.Email)); err == nil {
			errs["email"] = rq.lang.T("auth.email_taken")
		} else if !errors.Is(err, store.ErrNotFound) {
			return result{}, err
		}
	}
	if len(errs) > 0 {
		f.Errors = errs
		return result{page: "signup", status: http.StatusUnprocessableEntity, title: rq.lang.T("signup.title"), data: f}, nil
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return result{}, err
	}
	u := &user{ID: randomToken(12), Email: f.Email, Name: f.Name, Hash: hash, Created: s.cfg.Now().UTC(),
		Profile: xinput.Profile{"user-full-name": f.Name, "user-email": f.Email}}
	if err := s.putJSON(ctx, userKey(u.ID), u, time.Time{}); err != nil {
		return result{}, err
	}
	if err := s.cfg.Store.PutKV(ctx, emailKey(f.Email), []byte(u.ID), time.Time{}); err != nil {
		return result{}, err
	}
	s.signInSucceeded(ctx, f.Email)
	if err := s.startSession(rq, u); err != nil {
		return result{}, err
	}
	return redirect(f.Next), nil
}

// dummyHash is compared against when the e-mail is unknown, so that a
// sign-in takes as long for an unknown address as for a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcryptCost)

func (s *Server) signIn(rq *request) (result, error) {
	r := rq.r
	f := authForm{Email: strings.TrimSpace(r.PostFormValue("email")), Next: localPath(r.PostFormValue("next"))}
	pw := r.PostFormValue("password")
	ctx := r.Context()
	if s.signInLocked(ctx, f.Email) {
		f.Error = rq.lang.T("auth.locked", int(signInWindow/time.Minute))
		return result{page: "signin", status: http.StatusTooManyRequests, title: rq.lang.T("signin.title"), data: f}, nil
	}
	var u *user
	if len(f.Email) <= maxEmail {
		if id, err := s.cfg.Store.GetKV(ctx, emailKey(f.Email)); err == nil {
			u, _ = s.loadUser(ctx, string(id))
		}
	}
	hash := dummyHash
	if u != nil {
		hash = u.Hash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(pw)) != nil || u == nil {
		s.signInFailed(ctx, f.Email)
		f.Error = rq.lang.T("auth.wrong")
		return result{page: "signin", status: http.StatusUnauthorized, title: rq.lang.T("signin.title"), data: f}, nil
	}
	if err := s.startSession(rq, u); err != nil {
		return result{}, err
	}
	return redirect(f.Next), nil
}

// startSession signs u in with a fresh token (never one from before
// sign-in: that would let a planted cookie take over the session).
func (s *Server) startSession(rq *request, u *user) error {
	if ck, err := rq.r.Cookie(sessionCookie); err == nil && ck.Value != "" && len(ck.Value) < 100 {
		_ = s.cfg.Store.PutKV(rq.r.Context(), sessionKey(ck.Value), []byte("{}"), s.cfg.Now().Add(-time.Second))
	}
	token := randomToken(32)
	sess := session{UserID: u.ID, CSRF: randomToken(24), Expires: s.cfg.Now().Add(s.cfg.SessionTTL)}
	if err := s.putJSON(rq.r.Context(), sessionKey(token), sess, sess.Expires); err != nil {
		return err
	}
	http.SetCookie(rq.w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies, MaxAge: int(s.cfg.SessionTTL / time.Second)})
	rq.sess, rq.user, rq.csrf = &sess, u, sess.CSRF
	return nil
}

func (s *Server) signOut(rq *request) (result, error) {
	if ck, err := rq.r.Cookie(sessionCookie); err == nil && ck.Value != "" && len(ck.Value) < 100 {
		// Expired at once: the token is worthless even if it was copied.
		if err := s.cfg.Store.PutKV(rq.r.Context(), sessionKey(ck.Value), []byte("{}"), s.cfg.Now().Add(-time.Second)); err != nil {
			return result{}, err
		}
	}
	http.SetCookie(rq.w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	return redirect("/"), nil
}
