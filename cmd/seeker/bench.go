package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/signing"
)

func init() { subcommands = append(subcommands, newBenchCmd) }

// benchTarget is what the load commands need of a running demo.
type benchTarget struct {
	clientURL, networkURL, apiKey string
	seed                          int64
	bppID                         string
}

func readBenchTarget(path string) (benchTarget, error) {
	var doc struct {
		sandbox.Description
		Seeker seekerDescription `json:"seeker"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return benchTarget{}, err
	}
	if err := json.Unmarshal(b, &doc, json.RejectUnknownMembers(false)); err != nil {
		return benchTarget{}, fmt.Errorf("%s is not a `seeker demo --describe` file: %w", path, err)
	}
	if doc.Seeker.ClientURL == "" {
		return benchTarget{}, fmt.Errorf("%s has no \"seeker\" member; write it with `seeker demo --describe`", path)
	}
	t := benchTarget{clientURL: doc.Seeker.ClientURL, networkURL: doc.Seeker.NetworkURL, apiKey: doc.Seeker.APIKey, seed: doc.Seed}
	for _, p := range doc.Participants {
		if p.Type == "BPP" && slices.Contains(p.Domains, beckn.DomainLearning) {
			t.bppID = p.SubscriberID
			break
		}
	}
	if t.bppID == "" {
		return t, errors.New("the description lists no learning provider")
	}
	return t, nil
}

func newBenchCmd() *cobra.Command {
	var describe, configPath string
	var conc, count, runs int
	var idle time.Duration
	cmd := &cobra.Command{
		Use:   "bench (ingest|search|startup)",
		Short: "Load a running seeker demo, or time start-up, and report the numbers",
		Long: `bench drives a running Seeker (started with "seeker demo --describe FILE")
over real HTTP on loopback and reports requests per second and latency.

  ingest   posts signed 20 KB on_search callbacks (as the demo's first learning
           provider, whose test keys derive from the network seed) answering one
           search: verify + persist + ACK on Seeker's network side.
  search   starts searches through the client API (POST /v1/search): context,
           persist, sign, send to the gateway, ACK. Each search also makes the
           local providers call back, so this is the whole network's load.
  startup  runs "seeker serve --config FILE" (this binary) several times and
           times each from the exec to the first 200 of GET /readyz on the
           client listener, then leaves the last one idle and reports its
           resident memory (VmRSS, Linux). Needs --config, not --describe.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"ingest", "search", "startup"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "startup" {
				if configPath == "" {
					return exitWith(2, errors.New("bench startup needs --config: the file seeker serve should run"))
				}
				res, err := benchStartup(cmd.Context(), configPath, runs, idle)
				if err != nil {
					return exitWith(1, err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), res)
				return nil
			}
			if describe == "" {
				return exitWith(2, errors.New("bench "+args[0]+" needs --describe: the file `seeker demo --describe` wrote"))
			}
			t, err := readBenchTarget(describe)
			if err != nil {
				return exitWith(2, err)
			}
			var res benchResult
			switch args[0] {
			case "ingest":
				res, err = benchIngest(cmd.Context(), &http.Client{Timeout: loadTimeout}, t, conc, count)
			case "search":
				res, err = benchSearch(cmd.Context(), t, conc, count)
			default:
				return exitWith(2, fmt.Errorf("unknown benchmark %q: use ingest, search or startup", args[0]))
			}
			if err != nil {
				return exitWith(1, err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.String(args[0], conc))
			if res.failed > 0 {
				return exitWith(1, fmt.Errorf("%d requests failed; first: %s", res.failed, res.firstErr))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&describe, "describe", "", "the file `seeker demo --describe` wrote (ingest, search)")
	cmd.Flags().StringVar(&configPath, "config", "", "the configuration seeker serve runs (startup)")
	cmd.Flags().IntVarP(&conc, "concurrency", "c", 16, "concurrent connections")
	cmd.Flags().IntVarP(&count, "requests", "n", 20000, "requests to send")
	cmd.Flags().IntVar(&runs, "runs", 10, "start-ups to time (startup)")
	cmd.Flags().DurationVar(&idle, "idle", 10*time.Second, "how long the last instance idles before its memory is read (startup)")
	return cmd
}

type benchResult struct {
	n, failed int
	firstErr  string
	elapsed   time.Duration
	latencies []time.Duration
}

func (r benchResult) String(name string, conc int) string {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	return fmt.Sprintf("%s: %d requests at concurrency %d in %s: %.0f/s, p50 %s, p99 %s, %d failed",
		name, r.n, conc, r.elapsed.Round(time.Millisecond), float64(r.n)/r.elapsed.Seconds(),
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), r.failed)
}

func benchSearch(ctx context.Context, t benchTarget, conc, n int) (benchResult, error) {
	body := []byte(`{"domain":"onest:learning-experiences","intent":{"item":{"descriptor":{"name":"data"}}}}`)
	head := []string{"Authorization: Bearer " + t.apiKey, "Content-Type: application/json"}
	return runLoad(ctx, t.clientURL, conc, n, func(int) loadRequest {
		return loadRequest{path: "/v1/search", header: head, body: body}
	}, func(status int, _ []byte) bool { return status == http.StatusAccepted })
}

func benchIngest(ctx context.Context, client *http.Client, t benchTarget, conc, n int) (benchResult, error) {
	// One real search gives the transaction and message id the callbacks answer.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, t.clientURL+"/v1/search", strings.NewReader(`{"domain":"onest:learning-experiences","intent":{},"ttl":"PT1H"}`))
	req.Header.Set("Authorization", "Bearer "+t.apiKey)
	resp, err := client.Do(req)
	if err != nil {
		return benchResult{}, fmt.Errorf("starting the search: %w", err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var started struct {
		TransactionID string `json:"transaction_id"`
		MessageID     string `json:"message_id"`
	}
	if err := json.Unmarshal(raw, &started, json.RejectUnknownMembers(false)); err != nil || started.MessageID == "" {
		return benchResult{}, fmt.Errorf("starting the search answered HTTP %d %s", resp.StatusCode, raw)
	}
	id := sandbox.DeriveIdentity(t.seed, t.bppID)
	signer := &signing.Signer{SubscriberID: id.SubscriberID, KeyID: id.UniqueKeyID, Key: id.SigningPrivate}
	// Bodies and signatures are the provider's work: make them before the clock runs.
	bodies := make([][]byte, n)
	auths := make([]string, n)
	var wg sync.WaitGroup
	now := time.Now()
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				bodies[i] = onSearchPage(t, started.TransactionID, started.MessageID, i)
				auths[i] = signer.Sign(bodies[i], now.Add(-time.Second), now.Add(time.Hour))
			}
		}(w)
	}
	wg.Wait()
	return runLoad(ctx, t.networkURL, conc, n, func(i int) loadRequest {
		return loadRequest{path: "/on_search", header: []string{"Content-Type: application/json", signing.HeaderAuthorization + ": " + auths[i]}, body: bodies[i]}
	}, func(status int, body []byte) bool {
		a, err := beckn.ParseAckResponse(body)
		return status == http.StatusOK && err == nil && a.Acked()
	})
}

// onSearchPage is page i of a ~20 KB catalog answering the search.
func onSearchPage(t benchTarget, txn, mid string, i int) []byte {
	var items strings.Builder
	for k := 0; items.Len() < 19<<10; k++ {
		fmt.Fprintf(&items, `{"id":"bench-%d-%d","descriptor":{"name":"Data analysis course %d","short_desc":"Spreadsheets, SQL and dashboards","long_desc":"<p>Weekly projects with mentor reviews.</p>"},"price":{"currency":"INR","value":"%d"},"category_ids":["c1"],"fulfillment_ids":["f1"],"tags":[{"descriptor":{"code":"content-metadata"},"list":[{"descriptor":{"code":"lang-code"},"value":"en"}]}]},`, i, k, k, 100+k)
	}
	c := beckn.Context{Domain: beckn.DomainLearning, Action: "on_search", Version: beckn.Version, BapID: demoSubscriberID, BapURI: t.networkURL,
		BppID: t.bppID, BppURI: "http://127.0.0.1", TransactionID: txn, MessageID: mid, Timestamp: beckn.Timestamp(time.Now()), TTL: "PT1H"}
	ctxJSON, _ := beckn.Marshal(c)
	return []byte(fmt.Sprintf(`{"context":%s,"message":{"catalog":{"descriptor":{"name":"Bench page %d"},"providers":[{"id":"bench","descriptor":{"name":"Bench"},"items":[%s]}]}}}`,
		ctxJSON, i, strings.TrimSuffix(items.String(), ",")))
}

// startupResult is what bench startup measured.
type startupResult struct {
	ready   []time.Duration
	idle    time.Duration
	rss     int64 // bytes resident after idling; 0 when unknown
	peakRSS int64
}

func (r startupResult) String() string {
	slices.Sort(r.ready)
	out := fmt.Sprintf("startup: %d runs, exec to ready p50 %s, max %s",
		len(r.ready), r.ready[len(r.ready)/2].Round(100*time.Microsecond), r.ready[len(r.ready)-1].Round(100*time.Microsecond))
	if r.rss > 0 {
		out += fmt.Sprintf("; idle memory after %s: %.1f MB resident (peak %.1f MB)", r.idle, float64(r.rss)/(1<<20), float64(r.peakRSS)/(1<<20))
	}
	return out
}

// benchStartup starts "seeker serve --config path" runs times and times the
// way from exec to ready as an orchestrator sees it: the first 200 of GET
// /readyz on the client listener (the database answers). The last instance
// idles before its resident memory is read from /proc.
func benchStartup(ctx context.Context, path string, runs int, idle time.Duration) (startupResult, error) {
	cfg, err := config.Load(path, os.Environ())
	if err != nil {
		return startupResult{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return startupResult{}, err
	}
	readyURL := "http://" + cfg.Listen.Client + "/readyz"
	client := &http.Client{Timeout: time.Second}
	res := startupResult{idle: idle}
	for run := range max(runs, 1) {
		serve := exec.CommandContext(ctx, self, "serve", "--config", path)
		serve.Stdout, serve.Stderr = io.Discard, io.Discard
		start := time.Now()
		if err := serve.Start(); err != nil {
			return res, err
		}
		stop := func() {
			_ = serve.Process.Signal(syscall.SIGTERM)
			_ = serve.Wait()
		}
		for {
			resp, err := client.Get(readyURL)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Since(start) > 30*time.Second {
				stop()
				return res, fmt.Errorf("seeker serve --config %s was not ready within 30 s (last: %v)", path, err)
			}
			time.Sleep(time.Millisecond)
		}
		res.ready = append(res.ready, time.Since(start))
		if run == max(runs, 1)-1 {
			select {
			case <-time.After(idle):
			case <-ctx.Done():
			}
			res.rss, res.peakRSS = residentMemory(serve.Process.Pid)
		}
		stop()
	}
	return res, nil
}

// residentMemory reads VmRSS and VmHWM of a process from /proc (Linux); it
// returns zeros where that is not available.
func residentMemory(pid int) (rss, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		var kb int64
		fmt.Sscanf(strings.TrimSpace(value), "%d kB", &kb)
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak
}
