package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/server"
)

func init() { subcommands = append(subcommands, newSubscribeCmd) }

func newSubscribeCmd() *cobra.Command {
	var path string
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "subscribe",
		Short: "Register the configured participant with its registry",
		Long: `subscribe sends a signed /subscribe for each configured domain, answers the
registry's /on_subscribe challenge on the network side, and reports the
resulting status. When "seeker serve" is not running, subscribe listens on
listen.network itself for the challenge. Exit code 0 only when every domain
is SUBSCRIBED.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(path, os.Environ())
			if err != nil {
				return exitWith(2, err)
			}
			if err := cfg.Check(); err != nil {
				return exitWith(2, err)
			}
			w := cmd.OutOrStdout()
			ln, err := net.Listen("tcp", cfg.Listen.Network)
			switch {
			case err == nil:
				h, herr := server.OnSubscribeHandler(cfg)
				if herr != nil {
					ln.Close()
					return exitWith(2, herr)
				}
				srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
				go srv.Serve(ln)
				defer srv.Close()
				fmt.Fprintf(w, "answering on_subscribe on %s for the duration of the subscription\n", ln.Addr())
			case errors.Is(err, syscall.EADDRINUSE):
				fmt.Fprintf(w, "%s is in use; assuming a running seeker serve answers on_subscribe\n", cfg.Listen.Network)
			default:
				return exitWith(2, &config.Problem{Setting: "listen.network", Fix: err.Error()})
			}
			subs, err := server.Subscribe(cmd.Context(), cfg, wait)
			for _, s := range subs {
				status := s.Status
				if status == "" {
					status = "not subscribed"
				}
				fmt.Fprintf(w, "%-28s %s\n", s.Domain, status)
			}
			if err != nil {
				return exitWith(1, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&path, "config", "c", "", "configuration file (YAML); SEEKER_* variables override it")
	cmd.Flags().DurationVar(&wait, "wait", 15*time.Second, "how long to wait for the registry to confirm")
	return cmd
}
