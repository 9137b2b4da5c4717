// Package server assembles a running Seeker BAP from its configuration: the
// store, the registry cache, the signer, the validator, the engine, the
// network side and the client side. `seeker serve` and `seeker demo` both
// start one; tests start one on ephemeral ports.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/onest-seeker/seeker/api"
	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/engine/pgbus"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/storeopen"
	"github.com/onest-seeker/seeker/telemetry"
)

// Options are what a caller adds to the configuration.
type Options struct {
	Logger *slog.Logger
	// NetworkListener and ClientListener, when set, are used instead of
	// listening on the configured addresses (tests pass 127.0.0.1:0
	// listeners and learn the ports before configuring the URLs).
	NetworkListener, ClientListener net.Listener
	// WebListener, when set, serves the learner web app instead of
	// listen.web.
	WebListener net.Listener
	// Store, when set, is used instead of opening cfg.Storage.
	Store store.Store
}

// Server is a running Seeker BAP.
type Server struct {
	cfg      config.Config
	log      *slog.Logger
	Engine   *engine.Engine
	Store    store.Store
	Cache    *registry.Cache
	Signer   *signing.Signer
	API      *api.Server
	webhooks *api.Webhooks
	// bus is the cross-instance event bus on PostgreSQL (nil on SQLite,
	// where the engine's in-process bus serves the single instance).
	bus *pgbus.Bus
	// Telemetry sends ONEST Obsrv events; nil when telemetry.url is empty.
	Telemetry *telemetry.Sender
	// catalog is the catalog cache and its harvester (server/catalog.go).
	catalog catalogPart
	// web is the learner web app (server/web.go).
	web webPart
	// janitor deletes expired records (server/janitor.go).
	janitor  janitor
	ownStore bool

	network, client     *http.Server
	networkLn, clientLn net.Listener

	closeOnce sync.Once
	serveErr  chan error
}

// New builds a Server from a checked configuration without listening yet.
func New(ctx context.Context, cfg config.Config, opt Options) (*Server, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	priv, err := signing.ParsePrivateKey(cfg.Keys.SigningPrivateKey)
	if err != nil {
		return nil, &config.Problem{Setting: "keys.signing_private_key", Fix: err.Error()}
	}
	signer := &signing.Signer{SubscriberID: cfg.SubscriberID, KeyID: cfg.Keys.UniqueKeyID, Key: priv}

	ttls := map[string]time.Duration{}
	defaultTTL := 30 * time.Second
	for action, v := range cfg.TTL {
		d, err := beckn.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, &config.Problem{Setting: "ttl." + action, Fix: fmt.Sprintf("%q is not an ISO 8601 duration; write it like PT30S", v)}
		}
		if action == "default" {
			defaultTTL = d
		} else {
			ttls[action] = d
		}
	}

	st := opt.Store
	own := false
	if st == nil {
		st, err = openStore(ctx, cfg.Storage)
		if err != nil {
			return nil, &config.Problem{Setting: "storage", Fix: err.Error()}
		}
		own = true
	}
	httpClient := &http.Client{Timeout: 10 * time.Second}
	cache := newRegistryCache(cfg.RegistryURL, httpClient)

	var tel *telemetry.Sender
	if cfg.Telemetry.URL != "" {
		tel, err = telemetry.New(telemetry.Config{
			URL: cfg.Telemetry.URL, Store: st, Name: cfg.Telemetry.Name,
			Identity:  telemetry.Identity{SubscriberID: cfg.SubscriberID, SubscriberURL: cfg.SubscriberURL},
			BatchSize: cfg.Telemetry.BatchSize, Interval: cfg.Telemetry.Interval, Logger: log,
		})
		if err != nil {
			if own {
				st.Close()
			}
			return nil, &config.Problem{Setting: "telemetry.url", Fix: err.Error()}
		}
	}
	var observer engine.Observer
	if tel != nil {
		observer = tel.Observe
	}
	// Several instances share a PostgreSQL database: a callback stored by
	// one must wake the waiters of every other, so events go through
	// LISTEN/NOTIFY there.
	var bus *pgbus.Bus
	if kind, _, _ := storeopen.Parse(cfg.Storage); kind == storeopen.KindPostgres && opt.Store == nil {
		if bus, err = pgbus.New(ctx, cfg.Storage, "", log); err != nil {
			if own {
				st.Close()
			}
			return nil, &config.Problem{Setting: "storage", Fix: err.Error()}
		}
	}
	var engineBus engine.Bus
	if bus != nil {
		engineBus = bus
	}
	validator, err := newValidator()
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(engine.Config{
		SubscriberID:  cfg.SubscriberID,
		SubscriberURL: cfg.SubscriberURL,
		Signer:        signer,
		Registry:      cache,
		GatewayURL:    cfg.GatewayURL,
		City:          cfg.City,
		Country:       cfg.Country,
		TTL:           ttls,
		DefaultTTL:    defaultTTL,
		Store:         st,
		Bus:           engineBus,
		Validator:     validator,
		InboundMode:   engine.Mode(cfg.Validation.Inbound),
		OutboundMode:  engine.Mode(cfg.Validation.Outbound),
		HTTP:          httpClient,
		BodyLimit:     int64(cfg.BodyLimit),
		Skew:          cfg.ClockSkew,
		NackLate:      cfg.LateCallbacks == "nack",
		Observer:      observer,
		Logger:        log,
	})
	if err != nil {
		if bus != nil {
			bus.Close()
		}
		if own {
			st.Close()
		}
		return nil, err
	}
	cat, err := newCatalog(ctx, cfg, st, eng, log)
	if err != nil {
		if bus != nil {
			bus.Close()
		}
		if own {
			st.Close()
		}
		return nil, err
	}
	keys := map[string]string{}
	for name, key := range cfg.APIKeys {
		keys[key] = name
	}
	apiCfg := api.Config{
		Engine: eng, Keys: keys, Logger: log, Collect: engine.CollectOptions{Quiet: cfg.SearchQuiet},
		Webhooks: cfg.Webhooks, AllowPrivateWebhooks: cfg.AllowPrivateFetch, Catalog: cat,
	}
	s := &Server{
		cfg: cfg, log: log, Engine: eng, Store: st, Cache: cache, Signer: signer, ownStore: own, Telemetry: tel, bus: bus,
		catalog:   catalogPart{c: cat},
		API:       api.New(apiCfg),
		networkLn: opt.NetworkListener, clientLn: opt.ClientListener,
		serveErr: make(chan error, 2),
	}
	if len(cfg.Webhooks) > 0 {
		if s.webhooks, err = api.NewWebhooks(apiCfg); err != nil {
			s.Close()
			return nil, &config.Problem{Setting: "webhooks", Fix: err.Error()}
		}
	}
	onSubscribe, err := OnSubscribeHandler(cfg)
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := s.initWeb(ctx, opt); err != nil {
		s.Close()
		return nil, err
	}
	netHandler := eng.NetworkHandler()
	s.network = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/on_subscribe") {
				onSubscribe.ServeHTTP(w, r)
				return
			}
			if s.serveHealth(w, r) {
				return
			}
			netHandler.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	clientHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.serveHealth(w, r) {
			s.API.ServeHTTP(w, r)
		}
	})
	s.client = &http.Server{Handler: clientHandler, ReadHeaderTimeout: 10 * time.Second}
	// Event streams never go idle, so Shutdown would wait its whole timeout
	// for them: they end as it starts, while synchronous requests (a
	// search collecting answers) run to their answer within its timeout.
	s.client.RegisterOnShutdown(s.API.EndStreams)
	return s, nil
}

// serveHealth answers the probes of a load balancer or orchestrator on both
// sides: GET /healthz is liveness (the process answers), GET /readyz is
// readiness (the database answers too), so an instance that lost its
// database is taken out of rotation instead of failing requests. It reports
// whether it answered.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet || (r.URL.Path != "/healthz" && r.URL.Path != "/readyz") {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Path == "/healthz" {
		_, _ = w.Write([]byte(`{"status":"ok"}`))
		return true
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		b, _ := json.Marshal(map[string]string{"status": "not ready", "error": "database: " + err.Error()})
		_, _ = w.Write(b)
		return true
	}
	_, _ = w.Write([]byte(`{"status":"ready"}`))
	return true
}

// Start listens on both sides and starts the engine's outbox worker.
func (s *Server) Start(ctx context.Context) error {
	var err error
	if s.networkLn == nil {
		if s.networkLn, err = net.Listen("tcp", s.cfg.Listen.Network); err != nil {
			return &config.Problem{Setting: "listen.network", Fix: err.Error()}
		}
	}
	if s.clientLn == nil {
		if s.clientLn, err = net.Listen("tcp", s.cfg.Listen.Client); err != nil {
			s.networkLn.Close()
			return &config.Problem{Setting: "listen.client", Fix: err.Error()}
		}
	}
	if s.Telemetry != nil {
		if err := s.Telemetry.Start(ctx); err != nil {
			s.networkLn.Close()
			s.clientLn.Close()
			return &config.Problem{Setting: "telemetry", Fix: err.Error()}
		}
	}
	s.Engine.Start(ctx)
	if s.webhooks != nil {
		s.webhooks.Start(ctx)
	}
	if err := s.startCatalog(ctx); err != nil {
		s.networkLn.Close()
		s.clientLn.Close()
		return err
	}
	if err := s.startWeb(ctx); err != nil {
		s.networkLn.Close()
		s.clientLn.Close()
		return err
	}
	s.startJanitor(ctx)
	for _, p := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{s.network, s.networkLn}, {s.client, s.clientLn}} {
		go func() {
			if err := p.srv.Serve(p.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.serveErr <- err
			}
		}()
	}
	return nil
}

// NetworkURL is the base URL the network side listens on.
func (s *Server) NetworkURL() string { return "http://" + s.networkLn.Addr().String() }

// ClientURL is the base URL the client side listens on.
func (s *Server) ClientURL() string { return "http://" + s.clientLn.Addr().String() }

// Err reports a listener that failed after Start.
func (s *Server) Err() <-chan error { return s.serveErr }

// Close stops listening, waits for in-flight requests (bounded), stops the
// engine and closes the store.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// The client side drains first: a synchronous search still
		// collecting answers needs the network side to take them.
		if s.client != nil {
			_ = s.client.Shutdown(ctx)
		}
		if s.network != nil {
			_ = s.network.Shutdown(ctx)
		}
		s.closeWeb(ctx)
		s.closeCatalog()
		s.stopJanitor()
		if s.webhooks != nil {
			s.webhooks.Stop()
		}
		s.Engine.Stop()
		if s.Telemetry != nil {
			// Events not yet batched are stored, to be sent after a restart.
			if terr := s.Telemetry.Stop(ctx); terr != nil {
				s.log.Error("stopping telemetry", "err", terr)
			}
		}
		if s.bus != nil {
			s.bus.Close()
		}
		if s.ownStore {
			err = s.Store.Close()
		}
	})
	return err
}
