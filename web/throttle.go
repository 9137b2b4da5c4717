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

// signInLocked reports whether email has used up its failed attempts.
func (s *Server) signInLocked(ctx context.Context, email string) bool {
	raw, err := s.cfg.Store.GetKV(ctx, failuresKey(email))
	if err != nil {
		return false
	}
	v, _, _ := strings.Cut(string(raw), "@")
	n, _ := strconv.Atoi(v)
	return n >= maxSignInFailures
}

// signInFailed counts a failed attempt. The window starts at the first
// failure and is not extended by later ones, so a lock-out always ends.
func (s *Server) signInFailed(ctx context.Context, email string) {
	key := failuresKey(email)
	n := 0
	expires := s.cfg.Now().Add(signInWindow)
	if raw, err := s.cfg.Store.GetKV(ctx, key); err == nil {
		if v, end, ok := strings.Cut(string(raw), "@"); ok {
			n, _ = strconv.Atoi(v)
			if t, err := time.Parse(time.RFC3339Nano, end); err == nil {
				expires = t
			}
		}
	}
	_ = s.cfg.Store.PutKV(ctx, key, []byte(strconv.Itoa(n+1)+"@"+expires.Format(time.RFC3339Nano)), expires)
}

// signInSucceeded clears the count of failed attempts.
func (s *Server) signInSucceeded(ctx context.Context, email string) {
	_ = s.cfg.Store.PutKV(ctx, failuresKey(email), []byte("0"), s.cfg.Now().Add(-time.Second))
}
