package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/conformance"
)

func init() { subcommands = append(subcommands, newConformanceCmd) }

// Exit codes of "seeker conformance".
const (
	conformanceOK     = 0
	conformanceFailed = 1
	conformanceUsage  = 2
)

func newConformanceCmd() *cobra.Command {
	var domains, bpps []string
	var format, out, seekerURL, apiKey, registryURL, describe string
	var ttl time.Duration
	var allowPrivate bool
	cmd := &cobra.Command{
		Use:   "conformance [--domain D ...] [--bpp ID ...] [--format text|json|junit] [--out FILE] (--describe FILE | --seeker URL --api-key KEY --registry URL)",
		Short: "Run ONEST's flows against the providers in the registry and check every step",
		Long: `conformance finds the provider platforms (BPPs) of each domain in the registry
and runs, through a running Seeker's client API, the whole flow: search
(browse, then by an item's name), select, init, every XInput form (filled
from a test profile), confirm, status, track, support, rating, cancel with a
listed reason.

Each step is checked: the synchronous ACK, a callback within the ttl, its
signature, its payload (core 1.1.0 and ONEST policy, as Seeker validated it)
and its consistency with the request. The report lists every check with
pass, warn or fail and the reason.

With --describe (the file "seeker demo --describe" writes) the Seeker, its
API key and the sandbox registry are taken from the file and forms on
loopback are allowed.

Exit status: 0 nothing failed, 1 a check failed or the run could not
complete, 2 usage error.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "text", "json", "junit":
			default:
				return exitWith(conformanceUsage, fmt.Errorf("--format %q: use text, json or junit", format))
			}
			for _, d := range domains {
				if _, known := beckn.NormalizeDomain(d); !known {
					return exitWith(conformanceUsage, fmt.Errorf("--domain %q is not an ONEST domain; use one of %v", d, beckn.Domains()))
				}
			}
			target, err := resolveSeeker(seekerURL, apiKey, describe)
			if err != nil {
				return exitWith(conformanceUsage, err)
			}
			if describe != "" {
				if registryURL, err = describedRegistry(describe); err != nil {
					return exitWith(conformanceUsage, err)
				}
				allowPrivate = true
			}
			if registryURL == "" {
				return exitWith(conformanceUsage, errors.New("--registry is required with --seeker (the registry the BPPs are listed in)"))
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			rep, err := conformance.Run(ctx, conformance.Config{
				SeekerURL: target.url, APIKey: target.apiKey, RegistryURL: registryURL,
				Domains: domains, BPPs: bpps, TTL: ttl, AllowPrivate: allowPrivate, Progress: cmd.ErrOrStderr(),
			})
			if rep == nil {
				return exitWith(conformanceFailed, err)
			}
			var w io.Writer = cmd.OutOrStdout()
			if out != "" {
				f, ferr := os.Create(out)
				if ferr != nil {
					return exitWith(conformanceUsage, ferr)
				}
				defer f.Close()
				w = f
			}
			var werr error
			switch format {
			case "json":
				werr = rep.WriteJSON(w)
			case "junit":
				werr = rep.WriteJUnit(w)
			default:
				werr = rep.WriteText(w)
			}
			switch {
			case err != nil:
				return exitWith(conformanceFailed, fmt.Errorf("the run stopped early: %w", err))
			case werr != nil:
				return exitWith(conformanceFailed, werr)
			case rep.Failed():
				return exitWith(conformanceFailed, fmt.Errorf("%d of %d checks failed", rep.Count(conformance.Fail), len(rep.Checks)))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&domains, "domain", nil, "ONEST domain to test (repeatable; default every domain)")
	f.StringSliceVar(&bpps, "bpp", nil, "only this BPP subscriber id (repeatable)")
	f.StringVar(&format, "format", "text", "report format: text, json or junit")
	f.StringVar(&out, "out", "", "write the report to this file instead of standard output")
	f.StringVar(&seekerURL, "seeker", "", "the Seeker client API URL")
	f.StringVar(&apiKey, "api-key", "", "an API key of that Seeker")
	f.StringVar(&registryURL, "registry", "", "the registry URL the BPPs are found in")
	f.StringVar(&describe, "describe", "", "the file `seeker demo --describe` wrote (instead of --seeker/--api-key/--registry)")
	f.DurationVar(&ttl, "ttl", 10*time.Second, "callback window asked of each provider")
	f.BoolVar(&allowPrivate, "allow-private", false, "let form fetches reach loopback and private addresses")
	return cmd
}

// describedRegistry is the registry URL of a describe file.
func describedRegistry(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var doc struct {
		Registry string `json:"registry"`
	}
	if err := json.Unmarshal(b, &doc, json.RejectUnknownMembers(false)); err != nil || doc.Registry == "" {
		return "", fmt.Errorf("%s names no registry; write it with `seeker demo --describe`", path)
	}
	return doc.Registry, nil
}
