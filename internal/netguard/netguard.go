// Package netguard keeps Seeker's outbound fetches of addresses it did not
// choose — provider form URLs, partner webhooks — away from internal
// networks. A provider that publishes a form URL pointing at 127.0.0.1 or a
// cloud metadata address must not make Seeker fetch it (server-side request
// forgery). The check runs on the address actually dialled, after DNS, so a
// name that resolves to a private address is refused too.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbidden is returned (wrapped) when a destination is internal.
var ErrForbidden = errors.New("destination address is internal")

// Internal reports whether ip is loopback, private, link-local, multicast,
// unspecified or otherwise not a public unicast address.
func Internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		ip.IsInterfaceLocalMulticast() || cgnat.Contains(ip)
}

// cgnat is the shared address space (RFC 6598), internal in practice.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Dialer returns a dialer that refuses internal destinations unless
// allowPrivate is set (the local sandbox and tests run on loopback).
func Dialer(allowPrivate bool, timeout time.Duration) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if allowPrivate {
		return d
	}
	d.Control = func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: cannot parse %q", ErrForbidden, address)
		}
		if Internal(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrForbidden, ap.Addr())
		}
		return nil
	}
	return d
}

// Client returns an HTTP client whose connections go through Dialer and
// which does not follow redirects to another host: a redirect is a second
// destination the provider chose, and it is checked like the first.
func Client(allowPrivate bool, timeout time.Duration) *http.Client {
	d := Dialer(allowPrivate, timeout)
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			if req.URL.Host != via[0].URL.Host {
				return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
			}
			return nil
		},
	}
}
