package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/server"
)

func init() { subcommands = append(subcommands, newServeCmd) }

func newServeCmd() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the Seeker BAP: network side and client API",
		Long: `serve runs a Seeker BAP from a configuration file (see "seeker init") plus
SEEKER_* environment overrides, until interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tuneGC()
			cfg, err := config.Load(path, os.Environ())
			if err != nil {
				return exitWith(2, err)
			}
			log := newLogger(cfg.LogLevel)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			start := time.Now()
			srv, err := server.New(ctx, cfg, server.Options{Logger: log})
			if err != nil {
				return exitWith(2, err)
			}
			defer srv.Close()
			if err := srv.Start(ctx); err != nil {
				return exitWith(2, err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Seeker %s is ready in %s\n", cfg.SubscriberID, time.Since(start).Round(time.Millisecond))
			fmt.Fprintf(w, "  network side: %s (registered as %s)\n", srv.NetworkURL(), cfg.SubscriberURL)
			fmt.Fprintf(w, "  client API:   %s\n", srv.ClientURL())
			if u := srv.WebURL(); u != "" {
				fmt.Fprintf(w, "  web app:      %s\n", u)
			}
			select {
			case <-ctx.Done():
				fmt.Fprintln(w, "shutting down")
				return nil
			case err := <-srv.Err():
				return err
			}
		},
	}
	cmd.Flags().StringVarP(&path, "config", "c", "", "configuration file (YAML); SEEKER_* variables override it")
	return cmd
}

// serverGCPercent is the garbage collector's pace for a running BAP: every
// callback allocates its body (tens of KB) and little survives, so the
// default (100) collects several times per second under load. 200 halves
// that for a few MB more heap (idle stays far under the 60 MB budget).
const serverGCPercent = 200

// tuneGC sets the collector's pace for serve and demo unless the operator
// chose one with GOGC.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}

// newLogger returns a text logger on stderr at the configured level.
func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}
