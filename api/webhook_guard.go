package api

import (
	"fmt"
	"net/netip"
	"net/url"

	"github.com/onest-seeker/seeker/internal/netguard"
)

// Webhook URLs come from the operator's configuration, but a typo or a
// hostile DNS answer could still point Seeker at its own admin side, a
// cloud metadata endpoint or a database on the private network. Deliveries
// go through internal/netguard, which checks the address actually dialled
// (so names resolving to internal addresses and DNS rebinding are covered);
// checkWebhookURL adds a check of the configured URL itself, so mistakes
// surface at start rather than as deliveries that fail forever.

// checkWebhookURL refuses URLs that cannot be a webhook, and literal
// internal addresses unless allowPrivate.
func checkWebhookURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: use an http:// or https:// URL", raw)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	if allowPrivate {
		return nil
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && netguard.Internal(ip) {
		return fmt.Errorf("%q is an internal address; webhooks go to public addresses unless private ones are allowed", raw)
	}
	if u.Hostname() == "localhost" {
		return fmt.Errorf("%q is loopback; webhooks go to public addresses unless private ones are allowed", raw)
	}
	return nil
}
