package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/internal/stacktest"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/server"
	"github.com/onest-seeker/seeker/store"
)

const testAPIKey = stacktest.APIKey

// liveSeeker is the local ONEST network with a real Seeker registered in it
// through the subscribe flow, all on loopback; clientURL is the Seeker's
// client API as server.New assembles it.
type liveSeeker struct {
	network   *sandbox.Network
	seeker    *server.Server
	clientURL string
}

func startLiveSeeker(t *testing.T, opts sandbox.Options) *liveSeeker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if opts.TimeScale == 0 {
		opts.TimeScale = 1000
	}
	nw, err := sandbox.Start(ctx, opts)
	if err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { nw.Close() })
	cfg := stacktest.Config(t, nw, "seeker-logs.test")
	srv := stacktest.Start(ctx, t, cfg, stacktest.Listen(t, &cfg, false))
	return &liveSeeker{network: nw, seeker: srv, clientURL: srv.ClientURL()}
}

// call posts {context, message} to the compat client API and returns the
// callbacks it collected; it fails the test when none came.
func (s *liveSeeker) call(t *testing.T, action string, c beckn.Context, message string) [][]byte {
	t.Helper()
	body, err := beckn.Marshal(map[string]any{"context": c, "message": json.RawMessage(message)})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.clientURL+"/"+action, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var ans struct {
		Responses []json.RawMessage `json:"responses"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil || resp.StatusCode != http.StatusOK || len(ans.Responses) == 0 {
		t.Fatalf("%s answered %d without callbacks: %s", action, resp.StatusCode, raw)
	}
	out := make([][]byte, len(ans.Responses))
	for i, r := range ans.Responses {
		out[i] = r
	}
	return out
}

// The learner's personal data used in the journey.
var learnerPII = []string{"Meera Iyer", "9876543210", "meera.iyer@example.org", "12 MG Road, Bengaluru", "Lakshmi Iyer", "9876500000"}

const learnerOrder = `,"fulfillments":[{"customer":{"person":{"name":"Meera Iyer","gender":"Female"},"contact":{"phone":"9876543210","email":"meera.iyer@example.org"}}}],` +
	`"billing":{"name":"Meera Iyer","phone":"9876543210","email":"meera.iyer@example.org","address":"12 MG Road, Bengaluru"},` +
	`"tags":[{"descriptor":{"code":"guardian"},"list":[{"descriptor":{"code":"user-guardian-full-name"},"value":"Lakshmi Iyer"},{"descriptor":{"code":"user-guardian-phone"},"value":"9876500000"}]}]`

// expertJourney runs search → select → init → confirm → status on the
// expert-connect reference provider and returns the transaction id.
func expertJourney(t *testing.T, s *liveSeeker) string {
	t.Helper()
	refID, _ := s.network.ReferenceBPP(beckn.DomainExpert)
	c := beckn.Context{Domain: beckn.DomainExpert, TransactionID: beckn.NewUUID()}
	s.call(t, "search", c, `{"intent":{"item":{"descriptor":{"name":"Time Management Coaching"}}}}`)
	c.BppID = refID
	order := `{"provider":{"id":"coursera"},"items":[{"id":"ACE6EDB6A9E03F9D2B1047B48B05651F"}]`
	s.call(t, "select", c, `{"order":`+order+`}}`)
	s.call(t, "init", c, `{"order":`+order+learnerOrder+`}}`)
	conf := s.call(t, "confirm", c, `{"order":`+order+learnerOrder+`}}`)
	var oc struct {
		Message struct {
			Order struct {
				ID string `json:"id"`
			} `json:"order"`
		} `json:"message"`
	}
	if err := json.Unmarshal(conf[0], &oc); err != nil || oc.Message.Order.ID == "" {
		t.Fatalf("on_confirm without an order id: %s", conf[0])
	}
	s.call(t, "status", c, `{"order_id":"`+oc.Message.Order.ID+`"}`)
	return c.TransactionID
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runSigningCLI(t, "", args...)
}

// exportedFiles reads every file under root, by path relative to root.
func exportedFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestLogsExportThroughARealSeeker runs an expert-connect journey with a
// learner's personal data and a learning search several providers answer,
// exports the logs through the Seeker's client API, and checks the layout,
// that every file is a stored message byte for byte up to indentation, and
// that --redact removes every personal string.
func TestLogsExportThroughARealSeeker(t *testing.T) {
	s := startLiveSeeker(t, sandbox.Options{Seed: 2026})
	txn := expertJourney(t, s)
	le := beckn.Context{Domain: beckn.DomainLearning, TransactionID: beckn.NewUUID()}
	if got := s.call(t, "search", le, `{"intent":{"item":{"descriptor":{"name":"python"}}}}`); len(got) < 2 {
		t.Fatalf("the learning search was answered by %d providers; the test needs two for numbered files", len(got))
	}

	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "logs", "export", "--org", "Acme Test", "--out", out, "--seeker", s.clientURL, "--api-key", testAPIKey)
	if code != 0 {
		t.Fatalf("logs export exited %d: %s %s", code, stdout, stderr)
	}
	root := filepath.Join(out, "Acme Test-BAP")
	files := exportedFiles(t, root)
	for _, name := range []string{
		"Expert Connect/search.json", "Expert Connect/on_search.json", "Expert Connect/select.json", "Expert Connect/on_select.json",
		"Expert Connect/init.json", "Expert Connect/on_init.json", "Expert Connect/confirm.json", "Expert Connect/on_confirm.json",
		"Expert Connect/status.json", "Expert Connect/on_status.json",
		"Learning Experiences/search.json", "Learning Experiences/on_search.json", "Learning Experiences/on_search-2.json", "README.md",
	} {
		if files[name] == nil {
			t.Errorf("the export has no %s (files: %v)", name, keys(files))
		}
	}

	// Every exported file is a stored message, indentation aside, and every
	// message Seeker sent or acknowledged is exported exactly once.
	stored, err := s.seeker.Store.Messages(context.Background(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, m := range stored {
		if m.Direction == store.Inbound && m.AckStatus != "ACK" {
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, m.Raw); err != nil {
			t.Fatalf("stored %s is not JSON: %v", m.Action, err)
		}
		want[c.String()]++
	}
	for name, b := range files {
		if name == "README.md" {
			continue
		}
		var ind bytes.Buffer
		if json.Indent(&ind, b, "", "  "); !bytes.Equal(append(ind.Bytes(), '\n'), b) && !bytes.Equal(ind.Bytes(), b) {
			t.Errorf("%s is not pretty-printed with two-space indentation", name)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, b); err != nil {
			t.Fatalf("%s is not JSON: %v", name, err)
		}
		if want[c.String()] == 0 {
			t.Errorf("%s is not byte for byte a stored message (modulo indentation):\n%s", name, b)
		}
		want[c.String()]--
	}
	for body, n := range want {
		if n > 0 {
			t.Errorf("a stored message is missing from the export: %.200s", body)
		}
	}
	readme := string(files["README.md"])
	refLE, _ := s.network.ReferenceBPP(beckn.DomainLearning)
	refEC, _ := s.network.ReferenceBPP(beckn.DomainExpert)
	for _, w := range []string{txn, le.TransactionID, refLE, refEC, "on_search-2.json", "Acme Test-BAP-Expert Connect- API Payloads", "Not redacted"} {
		if !strings.Contains(readme, w) {
			t.Errorf("README lacks %q:\n%s", w, readme)
		}
	}
	sawPII := false
	for _, b := range files {
		sawPII = sawPII || bytes.Contains(b, []byte("meera.iyer@example.org"))
	}
	if !sawPII {
		t.Fatal("the unredacted export has no personal data; the redaction check below would prove nothing")
	}

	// Redacted, for one transaction, with the target from a describe file.
	describe := filepath.Join(t.TempDir(), "describe.json")
	if err := os.WriteFile(describe, []byte(`{"seeker":{"client_url":"`+s.clientURL+`","api_key":"`+testAPIKey+`"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out2 := t.TempDir()
	code, stdout, stderr = runCLI(t, "logs", "export", "--org", "Acme Test", "--out", out2, "--describe", describe, "--transaction", txn, "--redact")
	if code != 0 {
		t.Fatalf("redacted export exited %d: %s %s", code, stdout, stderr)
	}
	red := exportedFiles(t, filepath.Join(out2, "Acme Test-BAP"))
	if red["Expert Connect/init.json"] == nil || red["Learning Experiences/search.json"] != nil {
		t.Fatalf("--transaction export has files %v", keys(red))
	}
	for name, b := range red {
		for _, p := range learnerPII {
			if bytes.Contains(b, []byte(p)) {
				t.Errorf("redacted %s still contains %q", name, p)
			}
		}
		if name != "README.md" && !json.Valid(b) {
			t.Errorf("redacted %s is not JSON", name)
		}
	}
	billingName := func(file string) string {
		var v struct {
			Message struct {
				Order struct {
					Billing struct {
						Name string `json:"name"`
					} `json:"billing"`
				} `json:"order"`
			} `json:"message"`
		}
		if err := json.Unmarshal(red[file], &v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return v.Message.Order.Billing.Name
	}
	if a, b := billingName("Expert Connect/init.json"), billingName("Expert Connect/confirm.json"); !strings.HasPrefix(a, "REDACTED-NAME-") || a != b {
		t.Errorf("the learner's name should have one placeholder in init and confirm, got %q and %q", a, b)
	}
}

func TestLogsExportUsageAndFailures(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no org", []string{"--out", t.TempDir(), "--seeker", "http://127.0.0.1:1", "--api-key", "k"}, logsUsage, "--org"},
		{"no target", []string{"--org", "A", "--out", t.TempDir()}, logsUsage, "--seeker"},
		{"both targets", []string{"--org", "A", "--out", t.TempDir(), "--seeker", "http://x", "--api-key", "k", "--describe", "f"}, logsUsage, "not both"},
		{"bad url", []string{"--org", "A", "--out", t.TempDir(), "--seeker", "ftp://x", "--api-key", "k"}, logsUsage, "http(s)"},
		{"bad domain", []string{"--org", "A", "--out", t.TempDir(), "--seeker", "http://x", "--api-key", "k", "--domain", "onest:cooking"}, logsUsage, "ONEST domain"},
		{"bad since", []string{"--org", "A", "--out", t.TempDir(), "--seeker", "http://x", "--api-key", "k", "--since", "last week"}, logsUsage, "RFC 3339"},
		{"unreachable", []string{"--org", "A", "--out", t.TempDir(), "--seeker", dead.URL, "--api-key", "k"}, logsFail, dead.URL},
		{"missing describe", []string{"--org", "A", "--out", t.TempDir(), "--describe", filepath.Join(t.TempDir(), "none.json")}, logsUsage, "none.json"},
	} {
		code, _, stderr := runCLI(t, append([]string{"logs", "export"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: exit %d (%s), want %d mentioning %q", tt.name, code, stderr, tt.code, tt.want)
		}
	}
	if got, err := parseSince("2h", time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)); err != nil || !got.Equal(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("--since 2h: %v %v", got, err)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
