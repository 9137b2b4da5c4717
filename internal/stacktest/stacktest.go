// Package stacktest starts what the end-to-end tests of several packages
// need: a Seeker BAP in the in-process sandbox network, registered through
// the real subscribe flow, everything on ephemeral loopback ports. Tests
// adjust the configuration between Config and Start.
package stacktest

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/server"
	"github.com/onest-seeker/seeker/signing"
)

// APIKey is the client API key of every test configuration, as client
// "test".
const APIKey = "test-key-0123456789abcdef"

// Config is a Seeker configuration for the network nw: fresh keys, nw's
// registry and its encryption key (so the on_subscribe challenge can be
// answered), a SQLite file in the test's temporary folder, the client key
// APIKey, fetches of loopback forms allowed, and a 20 s ttl.
func Config(t testing.TB, nw *sandbox.Network, subscriberID string) config.Config {
	t.Helper()
	keys, err := signing.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	desc := nw.Description()
	cfg := config.Default()
	cfg.SubscriberID = subscriberID
	cfg.Keys = config.Keys{
		UniqueKeyID:                 keys.UniqueKeyID,
		SigningPrivateKey:           signing.EncodeSeed(keys.SigningPrivate),
		EncryptionPrivateKey:        signing.EncodeX25519PrivateKey(keys.EncryptionPrivate),
		RegistryEncryptionPublicKey: desc.RegistryEncrPublicKey,
	}
	cfg.RegistryURL = desc.Registry
	cfg.Storage = filepath.Join(t.TempDir(), "seeker.db")
	cfg.APIKeys = map[string]string{"test": APIKey}
	cfg.AllowPrivateFetch = true
	cfg.TTL = map[string]string{"default": "PT20S"}
	return cfg
}

// Listen opens ephemeral loopback listeners for the network and client
// sides (and the web app when web is true), points cfg's listen addresses
// and subscriber_url at them, and returns the server options that hand
// them over.
func Listen(t testing.TB, cfg *config.Config, web bool) server.Options {
	t.Helper()
	n := 2
	if web {
		n = 3
	}
	lns := make([]net.Listener, n)
	for i := range lns {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns[i] = ln
	}
	cfg.SubscriberURL = "http://" + lns[0].Addr().String()
	cfg.Listen = config.Listen{Network: lns[0].Addr().String(), Client: lns[1].Addr().String()}
	opt := server.Options{NetworkListener: lns[0], ClientListener: lns[1]}
	if web {
		cfg.Listen.Web = lns[2].Addr().String()
		opt.WebListener = lns[2]
	}
	return opt
}

// Start builds and starts a Seeker with cfg and opt, closed when the test
// ends, and subscribes it to the network's registry.
func Start(ctx context.Context, t testing.TB, cfg config.Config, opt server.Options) *server.Server {
	t.Helper()
	srv, err := server.New(ctx, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		srv.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if _, err := server.Subscribe(ctx, cfg, 60*time.Second); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	return srv
}
