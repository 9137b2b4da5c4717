package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"
)

// loopbackHTTPClient returns the client the sandbox's own participants use
// to call out (registry → on_subscribe, gateway → BPPs and BAPs). Unless
// allowRemote is set it refuses, at connect time, any address that is not
// loopback: the sandbox calls whatever URL a subscriber registered, and a
// test network must never be turned into a way to send traffic off the
// machine. Checking the dialled IP (not the URL's host name) also covers
// names that resolve elsewhere and redirects.
func loopbackHTTPClient(timeout time.Duration, allowRemote bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowRemote {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("sandbox: refusing to connect to %s: only loopback addresses are allowed (set AllowRemote to change this)", address)
			}
			return nil
		}
	}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
		Proxy:               nil, // never via an environment proxy: loopback stays loopback
	}
	return &http.Client{Timeout: timeout, Transport: tr}
}
