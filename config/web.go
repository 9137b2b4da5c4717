package config

import (
	"fmt"
	"net"
	"time"
)

// Web configures the learner web app (package web), served on listen.web.
type Web struct {
	// SecureCookies marks the session and CSRF cookies Secure, so a browser
	// sends them only over HTTPS. Keep it on wherever the app is reached
	// through TLS (a reverse proxy terminating HTTPS counts); the loopback
	// demo serves plain HTTP and turns it off.
	SecureCookies bool `yaml:"secure_cookies"`
	// SessionTTL is how long a sign-in lasts (default 7 days).
	SessionTTL time.Duration `yaml:"session_ttl"`
	// Wait bounds how long a page waits for a provider's answer before it
	// shows a "still waiting" page that completes itself (default 12 s).
	Wait time.Duration `yaml:"wait"`
}

func defaultWeb() Web {
	return Web{SecureCookies: true, SessionTTL: 7 * 24 * time.Hour, Wait: 12 * time.Second}
}

// checkWeb checks the web app's settings.
func (c *Config) checkWeb() error {
	if c.Listen.Web == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(c.Listen.Web); err != nil {
		return &Problem{"listen.web", fmt.Sprintf("%q is not host:port; use e.g. 127.0.0.1:8082, or leave it empty to switch the web app off", c.Listen.Web)}
	}
	if c.Web.SessionTTL != 0 && (c.Web.SessionTTL < 5*time.Minute || c.Web.SessionTTL > 90*24*time.Hour) {
		return &Problem{"web.session_ttl", fmt.Sprintf("%s is outside 5m..2160h; a sign-in should last between five minutes and 90 days", c.Web.SessionTTL)}
	}
	if c.Web.Wait != 0 && (c.Web.Wait < time.Second || c.Web.Wait > 2*time.Minute) {
		return &Problem{"web.wait", fmt.Sprintf("%s is outside 1s..2m; a learner should not wait longer for a page", c.Web.Wait)}
	}
	return nil
}
