package api

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Webhook URLs come from the operator's configuration, but a typo or a
// hostile DNS answer could still point Seeker at its own admin side, a
// cloud metadata endpoint or a database on the private network. The guard
// checks the address actually dialled (not the URL's host name), so names
// that resolve to internal addresses, DNS rebinding and redirects are all
// covered. No shared helper for this exists elsewhere in the tree yet (the
// sandbox's only allows loopback, the opposite policy), hence this one.

// internalAddr reports whether ip is not a public unicast address: loopback,
// private (RFC 1918, fc00::/7), link-local, unspecified, multicast, CGNAT
// (100.64.0.0/10) or an IPv4-mapped form of one of those.
func internalAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() ||
		ip.IsUnspecified() || cgnat.Contains(ip)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// guardedDialer refuses, at connect time, internal addresses unless
// allowPrivate is set.
func guardedDialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if allowPrivate {
		return d
	}
	d.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("webhook: refusing to connect to %s: not an IP address", address)
		}
		if internalAddr(ap.Addr()) {
			return fmt.Errorf("webhook: refusing to connect to %s: an internal address (set the client API's AllowPrivateWebhooks to allow it)", address)
		}
		return nil
	}
	return d
}

// webhookClient is the HTTP client of webhook delivery. It never uses an
// environment proxy: the guard must see the real destination.
func webhookClient(timeout time.Duration, allowPrivate bool) *http.Client {
	tr := &http.Transport{
		DialContext:         guardedDialer(allowPrivate).DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     60 * time.Second,
		Proxy:               nil,
	}
	return &http.Client{Timeout: timeout, Transport: tr}
}

// checkWebhookURL refuses URLs that cannot be a webhook, and literal
// internal addresses unless allowPrivate, so configuration mistakes surface
// at start rather than as failing deliveries.
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
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && internalAddr(ip) {
		return fmt.Errorf("%q is an internal address; webhooks go to public addresses unless AllowPrivateWebhooks is set", raw)
	}
	if u.Hostname() == "localhost" {
		return fmt.Errorf("%q is loopback; webhooks go to public addresses unless AllowPrivateWebhooks is set", raw)
	}
	return nil
}
