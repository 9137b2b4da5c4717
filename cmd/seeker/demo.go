package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/server"
	"github.com/onest-seeker/seeker/signing"
)

func init() { subcommands = append(subcommands, newDemoCmd) }

// demoSubscriberID is the demo BAP's subscriber id in the local network.
const demoSubscriberID = "seeker-demo.local"

// demoIdentity is what the demo keeps across runs in its data folder, so a
// restarted demo is the same participant with the same data.
type demoIdentity struct {
	UniqueKeyID          string `json:"unique_key_id"`
	SigningPrivateKey    string `json:"signing_private_key"`
	EncryptionPrivateKey string `json:"encryption_private_key"`
	APIKey               string `json:"api_key"`
}

func newDemoCmd() *cobra.Command {
	var (
		data, describe, networkAddr, clientAddr, webAddr string
		basePort                                         int
		timeScale                                        float64
		ephemeral                                        bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a local ONEST network and a Seeker BAP registered in it",
		Long: `demo starts, in one process on loopback, the local ONEST network (registry,
gateway, six reference providers, telemetry sink) and a Seeker BAP that
subscribes to it through the real /subscribe and /on_subscribe flow, then
prints the URLs to open. State (keys, database, registry) is kept in --data,
so a second run continues where the first stopped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tuneGC()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if ephemeral {
				basePort, networkAddr, clientAddr, webAddr = 0, "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
			}
			d, err := startDemo(ctx, demoOptions{data: data, basePort: basePort, timeScale: timeScale, networkAddr: networkAddr, clientAddr: clientAddr, webAddr: webAddr})
			if err != nil {
				return exitWith(1, err)
			}
			defer d.Close()
			// Printed before the describe file appears: a script that
			// waits for the file may then read the whole banner.
			d.print(cmd.OutOrStdout())
			if describe != "" {
				if err := d.writeDescription(describe); err != nil {
					return exitWith(1, err)
				}
			}
			select {
			case <-ctx.Done():
				fmt.Fprintln(cmd.OutOrStdout(), "shutting down")
				return nil
			case err := <-d.seeker.Err():
				return err
			}
		},
	}
	cmd.Flags().StringVar(&data, "data", "seeker-demo", "folder for the demo's keys, database and registry state")
	cmd.Flags().StringVar(&describe, "describe", "", "write the network and Seeker description (JSON) to this file once everything is ready")
	cmd.Flags().IntVar(&basePort, "base-port", 7400, "first port of the local network (registry; gateway +1, telemetry +2, providers +10...)")
	cmd.Flags().StringVar(&networkAddr, "network", "127.0.0.1:8081", "listen address of Seeker's network side")
	cmd.Flags().StringVar(&clientAddr, "client", "127.0.0.1:8080", "listen address of Seeker's client side (API)")
	cmd.Flags().StringVar(&webAddr, "web", "127.0.0.1:8082", "listen address of the learner web app")
	cmd.Flags().Float64Var(&timeScale, "time-scale", 20, "how much faster than real time providers move applications along after confirm")
	cmd.Flags().BoolVar(&ephemeral, "ephemeral", false, "use free ports chosen by the system for everything (for scripts and tests)")
	return cmd
}

type demoOptions struct {
	data, networkAddr, clientAddr, webAddr string
	basePort                               int
	timeScale                              float64
}

// demo is a running local network with a Seeker BAP in it.
type demo struct {
	network *sandbox.Network
	seeker  *server.Server
	cfg     config.Config
	apiKey  string
	ready   time.Duration
}

func startDemo(ctx context.Context, o demoOptions) (*demo, error) {
	start := time.Now()
	if err := os.MkdirAll(o.data, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data folder: %w", err)
	}
	id, err := loadDemoIdentity(filepath.Join(o.data, "identity.json"))
	if err != nil {
		return nil, err
	}
	netLn, err := net.Listen("tcp", o.networkAddr)
	if err != nil {
		return nil, fmt.Errorf("Seeker's network side cannot listen on %s (use --network or --ephemeral): %w", o.networkAddr, err)
	}
	clientLn, err := net.Listen("tcp", o.clientAddr)
	if err != nil {
		netLn.Close()
		return nil, fmt.Errorf("Seeker's client side cannot listen on %s (use --client or --ephemeral): %w", o.clientAddr, err)
	}
	webLn, err := net.Listen("tcp", o.webAddr)
	if err != nil {
		netLn.Close()
		clientLn.Close()
		return nil, fmt.Errorf("the learner web app cannot listen on %s (use --web or --ephemeral): %w", o.webAddr, err)
	}
	nw, err := sandbox.Start(ctx, sandbox.Options{
		BasePort:  o.basePort,
		StateDir:  filepath.Join(o.data, "network"),
		Seed:      1,
		TimeScale: o.timeScale,
	})
	if err != nil {
		netLn.Close()
		clientLn.Close()
		webLn.Close()
		return nil, fmt.Errorf("starting the local network (use --base-port or --ephemeral if its ports are taken): %w", err)
	}
	desc := nw.Description()
	cfg := config.Default()
	cfg.SubscriberID = demoSubscriberID
	cfg.SubscriberURL = "http://" + netLn.Addr().String()
	cfg.Keys = config.Keys{
		UniqueKeyID:                 id.UniqueKeyID,
		SigningPrivateKey:           id.SigningPrivateKey,
		EncryptionPrivateKey:        id.EncryptionPrivateKey,
		RegistryEncryptionPublicKey: desc.RegistryEncrPublicKey,
		RegistrySigningPublicKey:    desc.RegistrySigningPublicKey,
	}
	cfg.RegistryURL = desc.Registry
	cfg.Listen = config.Listen{Network: netLn.Addr().String(), Client: clientLn.Addr().String(), Web: webLn.Addr().String()}
	// The demo serves plain HTTP on loopback: Secure cookies would be
	// refused by browsers that do not treat 127.0.0.1 as a secure origin.
	cfg.Web.SecureCookies = false
	cfg.Storage = filepath.Join(o.data, "seeker.db")
	cfg.APIKeys = map[string]string{"demo": id.APIKey}
	cfg.AllowPrivateFetch = true
	cfg.TTL = map[string]string{"default": "PT30S", "search": "PT15S"}
	cfg.Telemetry.URL = desc.Telemetry
	cfg.Telemetry.Interval = 10 * time.Second

	srv, err := server.New(ctx, cfg, server.Options{NetworkListener: netLn, ClientListener: clientLn, WebListener: webLn})
	if err != nil {
		nw.Close()
		netLn.Close()
		clientLn.Close()
		webLn.Close()
		return nil, err
	}
	if err := srv.Start(ctx); err != nil {
		srv.Close()
		nw.Close()
		return nil, err
	}
	if _, err := server.Subscribe(ctx, cfg, 20*time.Second); err != nil {
		srv.Close()
		nw.Close()
		return nil, fmt.Errorf("subscribing the demo BAP to the local registry: %w", err)
	}
	return &demo{network: nw, seeker: srv, cfg: cfg, apiKey: id.APIKey, ready: time.Since(start)}, nil
}

// loadDemoIdentity reads the demo's keys, creating them on first run.
func loadDemoIdentity(path string) (demoIdentity, error) {
	var id demoIdentity
	b, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(b, &id); err != nil {
			return id, fmt.Errorf("%s is damaged (%v); delete it to make new demo keys", path, err)
		}
		return id, nil
	}
	if !os.IsNotExist(err) {
		return id, err
	}
	keys, err := signing.GenerateKeys()
	if err != nil {
		return id, err
	}
	api := make([]byte, 20)
	rand.Read(api)
	id = demoIdentity{
		UniqueKeyID:          keys.UniqueKeyID,
		SigningPrivateKey:    signing.EncodeSeed(keys.SigningPrivate),
		EncryptionPrivateKey: signing.EncodeX25519PrivateKey(keys.EncryptionPrivate),
		APIKey:               hex.EncodeToString(api),
	}
	b, err = json.Marshal(id, jsontext.Multiline(true))
	if err != nil {
		return id, err
	}
	return id, os.WriteFile(path, b, 0o600)
}

// Close stops Seeker, then the network.
func (d *demo) Close() {
	d.seeker.Close()
	d.network.Close()
}

// seekerDescription is the "seeker" member of the demo's describe file.
type seekerDescription struct {
	SubscriberID string `json:"subscriber_id"`
	NetworkURL   string `json:"network_url"`
	ClientURL    string `json:"client_url"`
	WebURL       string `json:"web_url"`
	APIKey       string `json:"api_key"`
}

// writeDescription writes the sandbox description plus a "seeker" member,
// atomically, once everything is ready.
func (d *demo) writeDescription(path string) error {
	var doc map[string]jsontext.Value
	b, err := json.Marshal(d.network.Description())
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return err
	}
	s, err := json.Marshal(seekerDescription{
		SubscriberID: d.cfg.SubscriberID,
		NetworkURL:   d.seeker.NetworkURL(),
		ClientURL:    d.seeker.ClientURL(),
		WebURL:       d.seeker.WebURL() + "/",
		APIKey:       d.apiKey,
	})
	if err != nil {
		return err
	}
	doc["seeker"] = s
	out, err := json.Marshal(doc, json.Deterministic(true), jsontext.Multiline(true))
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(out, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (d *demo) print(w io.Writer) {
	desc := d.network.Description()
	fmt.Fprintf(w, "Seeker demo ready in %s.\n\n", d.ready.Round(time.Millisecond))
	fmt.Fprintf(w, "  Learner web app:    %s/   (open it in a browser; create an account to apply)\n", d.seeker.WebURL())
	fmt.Fprintf(w, "  Seeker client API:  %s   (API key: %s)\n", d.seeker.ClientURL(), d.apiKey)
	fmt.Fprintf(w, "  Seeker network:     %s   (subscriber %s)\n", d.seeker.NetworkURL(), d.cfg.SubscriberID)
	fmt.Fprintf(w, "  Registry:           %s\n", desc.Registry)
	fmt.Fprintf(w, "  Gateway:            %s\n", desc.Gateway)
	fmt.Fprintf(w, "  Telemetry sink:     %s\n", desc.Telemetry)
	fmt.Fprintln(w, "\n  Providers:")
	for _, p := range desc.Participants {
		if p.Type != "BPP" {
			continue
		}
		fmt.Fprintf(w, "    %-34s %-28s %s\n", p.SubscriberID, p.Domains[0], p.URL)
	}
	fmt.Fprintf(w, "\nTry a search:\n  curl -s -H 'Authorization: Bearer %s' -d '{\"context\":{\"domain\":\"onest:learning-experiences\"},\"message\":{\"intent\":{\"item\":{\"descriptor\":{\"name\":\"python\"}}}}}' %s/search\n\nPress Ctrl-C to stop.\n", d.apiKey, d.seeker.ClientURL())
}
