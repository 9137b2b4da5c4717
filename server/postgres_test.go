package server_test

import (
	"context"
	"net"
	"testing"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/server"
	"github.com/onest-seeker/seeker/store/postgres/pgtest"
)

// TestTwoInstancesOnPostgreSQL runs two Seeker instances of one BAP on one
// PostgreSQL database. Instance A holds the learner's search; the network
// delivers the providers' callbacks to instance B (the registered URL is
// B's, as a load balancer would route them). A still answers with every
// provider's callbacks: B stored them and the event crossed to A.
func TestTwoInstancesOnPostgreSQL(t *testing.T) {
	dsn := pgtest.FreshSchema(t)
	s := startStack(t, sandbox.Options{Seed: 13}, func(c *config.Config) { c.Storage = dsn })

	// Instance B: same participant and database, its own listeners. The
	// providers call back there.
	instB := startInstance(t, s.cfg, "")
	// Instance A sends with bap_uri = B's network side and holds the
	// learner's request.
	s.seeker.Close()
	s.seeker = startInstance(t, s.cfg, instB.NetworkURL())

	txn := beckn.NewUUID()
	status, ans := s.call("search", beckn.Context{Domain: beckn.DomainWork, TransactionID: txn}, map[string]any{"intent": map[string]any{}})
	if status != 200 || len(ans.Responses) < 2 {
		t.Fatalf("search on instance A: %d with %d responses (%+v)", status, len(ans.Responses), ans.Error)
	}
	for _, r := range ans.Responses {
		env, err := beckn.Decode(r)
		if err != nil || env.Context.BapURI != instB.NetworkURL() {
			t.Fatalf("a response did not come through instance B: %v %+v", err, env.Context)
		}
	}
}

// startInstance starts another Seeker of the same participant on fresh
// listeners; subscriberURL, when set, is the bap_uri it sends.
func startInstance(t *testing.T, cfg config.Config, subscriberURL string) *server.Server {
	t.Helper()
	netLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	clientLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listen = config.Listen{Network: netLn.Addr().String(), Client: clientLn.Addr().String()}
	if subscriberURL != "" {
		cfg.SubscriberURL = subscriberURL
	}
	srv, err := server.New(context.Background(), cfg, server.Options{NetworkListener: netLn, ClientListener: clientLn})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}
