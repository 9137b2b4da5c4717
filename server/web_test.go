package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/server"
	"github.com/onest-seeker/seeker/signing"
)

// The web app runs on its own listener: on listen.web when Seeker listens
// by itself, on Options.WebListener when the caller hands over listeners,
// and not at all when a caller hands over the other listeners only (so a
// test on ephemeral ports never takes the fixed default port).
func TestWebListener(t *testing.T) {
	keys, err := signing.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	base := config.Default()
	base.SubscriberID = "seeker-web.test"
	base.SubscriberURL = "http://127.0.0.1:9"
	base.RegistryURL = "http://127.0.0.1:9"
	base.Keys = config.Keys{UniqueKeyID: keys.UniqueKeyID, SigningPrivateKey: signing.EncodeSeed(keys.SigningPrivate),
		EncryptionPrivateKey: signing.EncodeX25519PrivateKey(keys.EncryptionPrivate)}
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	start := func(cfg config.Config, opt server.Options) *server.Server {
		cfg.Storage = filepath.Join(t.TempDir(), "seeker.db")
		srv, err := server.New(context.Background(), cfg, opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start(context.Background()); err != nil {
			srv.Close()
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		return srv
	}

	// Listeners handed over, none for the web: off.
	srv := start(base, server.Options{NetworkListener: listen(), ClientListener: listen()})
	if u := srv.WebURL(); u != "" {
		t.Fatalf("the web app listens on %s although the caller gave it no listener", u)
	}

	// A web listener handed over: the app answers there with its headers.
	srv = start(base, server.Options{NetworkListener: listen(), ClientListener: listen(), WebListener: listen()})
	resp, err := http.Get(srv.WebURL() + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") || !strings.Contains(string(body), `name="csrf"`) {
		t.Fatalf("GET /signin on the web listener: %d %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}

	// Seeker listening by itself: listen.web, separate from the client side.
	cfg := base
	cfg.Listen = config.Listen{Network: "127.0.0.1:0", Client: "127.0.0.1:0", Web: "127.0.0.1:0"}
	srv = start(cfg, server.Options{})
	if srv.WebURL() == "" || srv.WebURL() == srv.ClientURL() {
		t.Fatalf("web %q, client %q: want a listener of its own", srv.WebURL(), srv.ClientURL())
	}
	resp, err = http.Get(srv.WebURL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /healthz on the web app: %d", resp.StatusCode)
	}
	// Off when listen.web is empty.
	cfg.Listen.Web = ""
	if srv = start(cfg, server.Options{}); srv.WebURL() != "" {
		t.Fatalf("listen.web empty, yet the web app listens on %s", srv.WebURL())
	}
}
