package web

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Sign-in throttling. bcrypt makes each guess slow, but nothing stopped a
// script from guessing one learner's password all day. Failed sign-ins are
// counted per e-mail address in the store, so the count holds across
// instances and restarts: after maxSignInFailures in signInWindow the
// address is refused, without looking at the password, until the window
// ends. A successful sign-in clears the count. Counting per address (not
// per client address) is what protects an account; it also means someone
// can lock an address out for a while, which is the usual trade-off and
// ends by itself.
const (
	maxSignInFailures = 5
	signInWindow      = 15 * time.Minute
)

func failuresKey(email string) string { return "web:signin-failures:" + strings.ToLower(email) }

// signInFailures reads the failed attempts counted for email and the end
// of their window; none when the window is over. The window is checked
// against the app's clock as well as left to the store's expiry, so the
// rule does not depend on when the store drops expired rows.
func (s *Server) signInFailures(ctx context.Context, email string) (n int, end time.Time) {
	raw, err := s.cfg.Store.GetKV(ctx, failuresKey(email))
	if err != nil {
		return 0, time.Time{}
	}
	v, at, _ := strings.Cut(string(raw), "@")
	n, _ = strconv.Atoi(v)
	end, err = time.Parse(time.RFC3339Nano, at)
	if err != nil || !s.cfg.Now().Before(end) {
		return 0, time.Time{}
	}
	return n, end
}

// signInLocked reports whether email has used up its failed attempts.
func (s *Server) signInLocked(ctx context.Context, email string) bool {
	n, _ := s.signInFailures(ctx, email)
	return n >= maxSignInFailures
}

// signInFailed counts a failed attempt. The window starts at the first
// failure and is not extended by later ones, so a lock-out always ends.
func (s *Server) signInFailed(ctx context.Context, email string) {
	n, end := s.signInFailures(ctx, email)
	if n == 0 {
		end = s.cfg.Now().Add(signInWindow)
	}
	_ = s.cfg.Store.PutKV(ctx, failuresKey(email), []byte(strconv.Itoa(n+1)+"@"+end.Format(time.RFC3339Nano)), end)
}

// signInSucceeded clears the count of failed attempts.
func (s *Server) signInSucceeded(ctx context.Context, email string) {
	_ = s.cfg.Store.PutKV(ctx, failuresKey(email), []byte("0"), s.cfg.Now().Add(-time.Second))
}
