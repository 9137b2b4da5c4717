package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/audit"
	"github.com/onest-seeker/seeker/beckn"
)

func init() { subcommands = append(subcommands, newLogsCmd) }

// Exit codes of "seeker logs export".
const (
	logsOK    = 0
	logsFail  = 1
	logsUsage = 2
)

func newLogsCmd() *cobra.Command {
	logs := &cobra.Command{
		Use:   "logs",
		Short: "Verification logs for ONEST go-live",
		Args:  usageArgs(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	logs.AddCommand(newLogsExportCmd())
	return logs
}

// seekerTarget names a running Seeker's client API.
type seekerTarget struct {
	url, apiKey string
}

// resolveSeeker reads the target from --seeker/--api-key or from a
// `seeker demo --describe` file (read the way `seeker bench` reads it).
func resolveSeeker(seekerURL, apiKey, describe string) (seekerTarget, error) {
	switch {
	case describe != "" && (seekerURL != "" || apiKey != ""):
		return seekerTarget{}, errors.New("give either --describe or --seeker with --api-key, not both")
	case describe != "":
		t, err := readBenchTarget(describe)
		if t.clientURL == "" { // bench also wants a learning provider; this command does not
			return seekerTarget{}, err
		}
		return seekerTarget{url: t.clientURL, apiKey: t.apiKey}, nil
	case seekerURL == "" || apiKey == "":
		return seekerTarget{}, errors.New("name the Seeker: --seeker URL --api-key KEY, or --describe FILE (written by `seeker demo --describe`)")
	}
	u, err := url.Parse(seekerURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return seekerTarget{}, fmt.Errorf("--seeker %q is not the http(s) URL of a Seeker client API", seekerURL)
	}
	return seekerTarget{url: strings.TrimRight(seekerURL, "/"), apiKey: apiKey}, nil
}

// parseSince accepts an RFC 3339 time or a duration back from now ("24h").
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q is neither an RFC 3339 time (2026-05-01T00:00:00Z) nor a duration back from now (24h)", s)
}

func newLogsExportCmd() *cobra.Command {
	var org, domain, txn, since, out, seekerURL, apiKey, describe string
	var redact bool
	cmd := &cobra.Command{
		Use:   "export --org NAME [--domain D] [--transaction ID] [--since T] [--redact] --out DIR (--seeker URL --api-key KEY | --describe FILE)",
		Short: "Write the request/response logs ONEST's verification-logs repository asks for",
		Long: `export reads the messages a running Seeker sent and received (through its
client API, so what is exported is the deployed BAP's traffic) and writes the
layout of ONEST-Network/verification-logs:

  DIR/<NAME>-BAP/<Domain Name>/search.json, on_search.json, select.json, ...

one file per API call, byte for byte as stored, pretty-printed (indentation
only). Where an API ran several times the files are numbered: on_search-2.json,
on_init-2.json (XInput steps), ... A README.md says which transactions,
providers and APIs the folder covers.

Only the API key's own transactions are exported. --domain takes an ONEST
domain code; --since an RFC 3339 time or a duration back from now (24h).
--redact replaces personal data (names, phones, e-mails, addresses, document
links, identity numbers) with stable placeholders so the logs can be published.

Exit status: 0 written, 1 failed (Seeker unreachable, nothing to export),
2 usage error.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if org == "" || out == "" {
				return exitWith(logsUsage, errors.New("--org and --out are required"))
			}
			target, err := resolveSeeker(seekerURL, apiKey, describe)
			if err != nil {
				return exitWith(logsUsage, err)
			}
			q := url.Values{"raw": {"true"}}
			var filters []string
			if domain != "" {
				code, known := beckn.NormalizeDomain(domain)
				if !known {
					return exitWith(logsUsage, fmt.Errorf("--domain %q is not an ONEST domain; use one of %s", domain, strings.Join(beckn.Domains(), ", ")))
				}
				q.Set("domain", code)
				filters = append(filters, "domain "+code)
			}
			if txn != "" {
				q.Set("transaction_id", txn)
				filters = append(filters, "transaction "+txn)
			}
			now := time.Now()
			t, err := parseSince(since, now)
			if err != nil {
				return exitWith(logsUsage, err)
			}
			if !t.IsZero() {
				q.Set("since", t.UTC().Format(time.RFC3339))
				filters = append(filters, "messages since "+t.UTC().Format(time.RFC3339))
			}
			msgs, err := fetchMessages(cmd.Context(), target, q)
			if err != nil {
				return exitWith(logsFail, err)
			}
			res, err := audit.Export(out, msgs, audit.Options{Org: org, Redact: redact, Source: target.url,
				Filters: strings.Join(filters, ", "), Now: func() time.Time { return now }})
			if err != nil {
				return exitWith(logsFail, err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Wrote %d files of %d transactions with %d providers to %s", len(res.Files), len(res.Transactions), len(res.BPPs), res.Root)
			if redact {
				fmt.Fprint(w, " (personal data redacted)")
			}
			fmt.Fprintln(w, ".")
			for _, f := range res.Withheld {
				fmt.Fprintf(w, "Not included: %s %s of %s: %s\n", f.Action, f.MessageID, f.TransactionID, f.Note)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&org, "org", "", "organisation name; the folder is <NAME>-BAP (required)")
	f.StringVar(&domain, "domain", "", "only this ONEST domain (e.g. onest:learning-experiences)")
	f.StringVar(&txn, "transaction", "", "only this transaction id")
	f.StringVar(&since, "since", "", "only messages stored since this RFC 3339 time or duration ago (24h)")
	f.BoolVar(&redact, "redact", false, "replace personal data with stable placeholders")
	f.StringVar(&out, "out", "", "folder to write into (required)")
	f.StringVar(&seekerURL, "seeker", "", "the Seeker client API URL")
	f.StringVar(&apiKey, "api-key", "", "an API key of that Seeker")
	f.StringVar(&describe, "describe", "", "the file `seeker demo --describe` wrote (instead of --seeker/--api-key)")
	return cmd
}

// exportPage is the answer of GET /v1/messages.
type exportPage struct {
	Messages []struct {
		Seq           int64     `json:"seq"`
		Direction     string    `json:"direction"`
		Action        string    `json:"action"`
		Domain        string    `json:"domain"`
		TransactionID string    `json:"transaction_id"`
		MessageID     string    `json:"message_id"`
		BppID         string    `json:"bpp_id"`
		BppURI        string    `json:"bpp_uri"`
		AckStatus     string    `json:"ack_status"`
		CreatedAt     time.Time `json:"created_at"`
		RawBase64     []byte    `json:"raw_base64"`
	} `json:"messages"`
	NextAfter int64 `json:"next_after"`
	More      bool  `json:"more"`
}

// fetchMessages pages through GET /v1/messages.
func fetchMessages(ctx context.Context, t seekerTarget, q url.Values) ([]audit.Message, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	client := &http.Client{Timeout: 60 * time.Second}
	q.Set("limit", "1000")
	var out []audit.Message
	after := int64(0)
	for {
		q.Set("after", strconv.FormatInt(after, 10))
		u := t.url + "/v1/messages?" + q.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+t.apiKey)
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("reading messages from %s: %w", t.url, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading messages from %s: %w", t.url, err)
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized:
			return nil, fmt.Errorf("%s refused the API key (401); check --api-key", t.url)
		case resp.StatusCode == http.StatusNotFound:
			return nil, fmt.Errorf("%s has no GET /v1/messages (404: %s); it is older than this tool or not a Seeker client API", t.url, logsSnippet(body))
		case resp.StatusCode != http.StatusOK:
			return nil, fmt.Errorf("GET %s answered %d: %s", u, resp.StatusCode, logsSnippet(body))
		}
		var p exportPage
		if err := json.Unmarshal(body, &p, json.RejectUnknownMembers(false)); err != nil {
			return nil, fmt.Errorf("GET %s: the answer is not a message list: %w", u, err)
		}
		for _, m := range p.Messages {
			out = append(out, audit.Message{Seq: m.Seq, Direction: m.Direction, Action: m.Action, Domain: m.Domain,
				TransactionID: m.TransactionID, MessageID: m.MessageID, BppID: m.BppID, BppURI: m.BppURI,
				AckStatus: m.AckStatus, CreatedAt: m.CreatedAt, Raw: m.RawBase64})
		}
		if !p.More || p.NextAfter <= after {
			return out, nil
		}
		after = p.NextAfter
	}
}

func logsSnippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
