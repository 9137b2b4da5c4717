package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/sandbox/bpp"
)

func init() { subcommands = append(subcommands, newSandboxCmd) }

func newSandboxCmd() *cobra.Command {
	var (
		configPath, seedFile, describe, relay, logLevel string
		faults                                          []string
		o                                               sandbox.Options
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local ONEST network: registry, gateway, reference providers, telemetry sink",
		Long: `sandbox runs a complete ONEST network on loopback until interrupted: a
registry (lookup, signed subscribe with the on_subscribe challenge, admin API),
a gateway, six reference providers (two learning, two work, one financial,
one expert) and a telemetry sink. Every participant has its own port and its
own keys, derived from --seed, and all of it is printed at start.

Register your own BAP with the signed /subscribe, or with the admin API:

  curl -H "Authorization: Bearer ADMIN_KEY" -d @my-bap.json REGISTRY/admin/subscribers

Ports (with --base-port B): registry B, gateway B+1, telemetry B+2,
providers B+10 onwards. --base-port 0 picks free ports.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			flags := cmd.Flags()
			opts := sandbox.Options{Seed: 1, TimeScale: 1, BasePort: 7400, Addr: "127.0.0.1"}
			if configPath != "" {
				c, err := sandbox.LoadConfig(configPath)
				if err != nil {
					return exitWith(2, err)
				}
				if opts, err = c.Apply(opts); err != nil {
					return exitWith(2, err)
				}
			}
			// Flags given on the command line win over the file.
			for name, apply := range map[string]func(){
				"addr": func() { opts.Addr = o.Addr }, "base-port": func() { opts.BasePort = o.BasePort },
				"state-dir": func() { opts.StateDir = o.StateDir }, "seed": func() { opts.Seed = o.Seed },
				"time-scale": func() { opts.TimeScale = o.TimeScale }, "admin-key": func() { opts.AdminKey = o.AdminKey },
			} {
				if flags.Changed(name) {
					apply()
				}
			}
			if flags.Changed("relay") {
				m, err := sandbox.ParseRelayMode(relay)
				if err != nil {
					return exitWith(2, err)
				}
				opts.Relay = m
			}
			if seedFile != "" {
				recs, err := sandbox.LoadSeedFile(seedFile)
				if err != nil {
					return exitWith(2, err)
				}
				opts.Subscribers = append(opts.Subscribers, recs...)
			}
			bppFaults, err := parseFaultFlags(faults)
			if err != nil {
				return exitWith(2, err)
			}
			opts.Logger = newLogger(logLevel)

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			start := time.Now()
			n, err := sandbox.Start(ctx, opts)
			if err != nil {
				return exitWith(1, fmt.Errorf("starting the sandbox network (use --base-port 0 or another base port if ports are taken): %w", err))
			}
			defer n.Close()
			for id, f := range bppFaults {
				b := n.BPP(id)
				if b == nil {
					return exitWith(2, fmt.Errorf("--fault %s: no such BPP in this network", id))
				}
				b.SetFaults(f)
			}
			// Printed before the describe file appears: a script that
			// waits for the file may then read the whole banner.
			w := cmd.OutOrStdout()
			printSandbox(w, n.Description(), time.Since(start))
			if describe != "" {
				if err := n.WriteDescription(describe); err != nil {
					return exitWith(1, err)
				}
			}
			<-ctx.Done()
			fmt.Fprintln(w, "shutting down")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&configPath, "config", "c", "", "configuration file (JSON: base_port, relay, seed, time_scale, state_dir, seed_file, bpps, extra_bpps)")
	f.StringVar(&o.Addr, "addr", "127.0.0.1", "listen address of every participant")
	f.IntVar(&o.BasePort, "base-port", 7400, "first port (registry; gateway +1, telemetry +2, providers +10...); 0 picks free ports")
	f.StringVar(&o.StateDir, "state-dir", "", "folder that keeps the registry across restarts (default: in memory)")
	f.StringVar(&relay, "relay", "direct", `where providers send on_search: "direct" to the BAP (ONEST practice) or "gateway"`)
	f.Int64Var(&o.Seed, "seed", 1, "seed of every participant's keys and of the catalogs")
	f.Float64Var(&o.TimeScale, "time-scale", 1, "how much faster than real time providers move applications along after confirm")
	f.StringVar(&o.AdminKey, "admin-key", "", "Bearer key of the admin endpoints (default: random, printed)")
	f.StringVar(&seedFile, "seed-file", "", "JSON list of registry records to register at start (your own BAP or BPP)")
	f.StringVar(&describe, "describe", "", "write the network description (JSON) to this file once every participant is ready")
	f.StringArrayVar(&faults, "fault", nil, `make a provider misbehave: SUBSCRIBER_ID=FAULTS, e.g. wo-bpp-2.sandbox.local=delay=2s,duplicate=1 (repeatable)`)
	f.StringVar(&logLevel, "log-level", "warn", "log level on stderr: debug, info, warn, error")
	return cmd
}

// parseFaultFlags reads --fault ID=SPEC values.
func parseFaultFlags(vals []string) (map[string]bpp.Faults, error) {
	out := map[string]bpp.Faults{}
	for _, v := range vals {
		id, spec, ok := strings.Cut(v, "=")
		if !ok || id == "" {
			return nil, fmt.Errorf("--fault %q: want SUBSCRIBER_ID=FAULTS, e.g. wo-bpp-2.sandbox.local=delay=2s", v)
		}
		f, err := bpp.ParseFaults(spec)
		if err != nil {
			return nil, fmt.Errorf("--fault %s: %w", id, err)
		}
		out[id] = f
	}
	return out, nil
}

// printSandbox prints how to reach every participant and the keys a BAP
// needs to join.
func printSandbox(w io.Writer, d sandbox.Description, took time.Duration) {
	fmt.Fprintf(w, "ONEST sandbox network ready in %s (seed %d, on_search relay: %s).\n\n", took.Round(time.Millisecond), d.Seed, d.RelayMode)
	fmt.Fprintf(w, "  Registry   %s   (lookup, subscribe, admin/subscribers)\n", d.Registry)
	fmt.Fprintf(w, "             id %s  key %s\n", d.RegistrySubscriberID, d.RegistryKeyID)
	fmt.Fprintf(w, "             signing_public_key %s\n", d.RegistrySigningPublicKey)
	fmt.Fprintf(w, "             encr_public_key    %s\n", d.RegistryEncrPublicKey)
	fmt.Fprintf(w, "  Gateway    %s   (search; on_search in gateway relay mode)\n", d.Gateway)
	fmt.Fprintf(w, "  Telemetry  %s   (received: %s)\n", d.Telemetry, d.TelemetryEvents)
	fmt.Fprintf(w, "  Admin key  %s   (Authorization: Bearer ...)\n\n", d.AdminKey)
	fmt.Fprintln(w, "  Participants:")
	for _, p := range d.Participants {
		ref := ""
		if p.Reference {
			ref = "  [reference provider]"
		}
		if p.Faults != "" {
			ref += "  [faults: " + p.Faults + "]"
		}
		fmt.Fprintf(w, "    %-3s %-32s %s%s\n", p.Type, p.SubscriberID, p.URL, ref)
		name := ""
		if p.Name != "" {
			name = "  (" + p.Name + ")"
		}
		fmt.Fprintf(w, "        domains %s%s\n", strings.Join(p.Domains, ", "), name)
		fmt.Fprintf(w, "        unique_key_id %s\n", p.UniqueKeyID)
		fmt.Fprintf(w, "        signing_public_key %s  encr_public_key %s\n", p.SigningPublicKey, p.EncrPublicKey)
	}
	fmt.Fprintln(w, "\nPress Ctrl-C to stop.")
}
