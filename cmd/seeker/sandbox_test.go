package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/sandbox"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// runSandbox runs "seeker sandbox args..." in-process until the describe
// file appears, and returns it with a stop function that cancels the
// command and returns its error.
func runSandbox(t *testing.T, args ...string) (sandbox.Description, *syncBuffer, func() error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "describe.json")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := newSandboxCmd()
	out := &syncBuffer{}
	cmd.SetOut(out)
	cmd.SetErr(out)
	cmd.SetArgs(append([]string{"--describe", path}, args...))
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("seeker sandbox did not stop within 30s of cancellation")
		}
		return nil
	}
	deadline := time.Now().Add(45 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("seeker sandbox %v exited before writing %s: %v\n%s", args, path, err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("seeker sandbox wrote no describe file within 45s\n%s", out.String())
		}
	}
	d, err := sandbox.ReadDescription(path)
	if err != nil {
		stop()
		t.Fatal(err)
	}
	return d, out, stop
}

func TestSandboxCommandDescribes(t *testing.T) {
	d, out, stop := runSandbox(t, "--base-port", "0", "--admin-key", "k", "--fault", "wo-bpp-2.sandbox.local=delay=1s")
	if len(d.Participants) != 7 || d.Participants[0].Type != "BG" || d.AdminKey != "k" || d.RelayMode != sandbox.RelayDirect {
		t.Fatalf("description %+v; want the gateway and six BPPs, admin key k, direct relay", d)
	}
	// The file is written once everything is ready: the registry answers.
	resp, err := http.Get(d.Registry + "/lookup?type=BPP&domain=onest:work-opportunities")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("registry lookup: HTTP %d", resp.StatusCode)
	}
	var faulty bool
	for _, p := range d.Participants {
		if p.SubscriberID == "wo-bpp-2.sandbox.local" && p.Faults == "delay=1s" {
			faulty = true
		}
		if !strings.Contains(out.String(), p.SubscriberID) || !strings.Contains(out.String(), p.SigningPublicKey) || !strings.Contains(out.String(), p.URL) {
			t.Fatalf("start-up output lacks %s, its URL or its key:\n%s", p.SubscriberID, out.String())
		}
	}
	if !faulty {
		t.Fatalf("--fault was not applied: %+v", d.Participants)
	}
	if err := stop(); err != nil {
		t.Fatalf("seeker sandbox returned %v after cancellation", err)
	}
	if _, err := http.Get(d.Registry + "/health"); err == nil {
		t.Fatalf("the registry still answers after the command stopped")
	}
}

func TestSandboxCommandConfigFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sandbox.json")
	if err := os.WriteFile(cfg, []byte(`{"relay":"gateway","seed":9,"base_port":7400,
		"bpps":[{"domain":"onest:expert-connect"}],
		"extra_bpps":[{"subscriber_id":"slow.sandbox.local","domain":"dsep:courses","faults":"delay=3s"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	d, _, stop := runSandbox(t, "--config", cfg, "--base-port", "0")
	defer stop()
	if d.RelayMode != sandbox.RelayGateway || d.Seed != 9 || len(d.Participants) != 3 ||
		d.Participants[1].SubscriberID != "ec-bpp-1.sandbox.local" || d.Participants[2].Faults != "delay=3s" ||
		d.Participants[2].Domains[0] != "onest:learning-experiences" || !d.Participants[2].Reference {
		t.Fatalf("description from the config file: %+v", d)
	}
}

func TestSandboxCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte(`{"base_prot": 1}`), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sandbox", "--config", bad}, "base_prot"},
		{[]string{"sandbox", "--relay", "pigeon", "--base-port", "0"}, "relay mode"},
		{[]string{"sandbox", "--fault", "nobody", "--base-port", "0"}, "SUBSCRIBER_ID=FAULTS"},
		{[]string{"sandbox", "--fault", "x=explode", "--base-port", "0"}, "unknown fault"},
	} {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(tc.args)
		err := root.Execute()
		ee, ok := err.(*exitError)
		if !ok || ee.code != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("seeker %v: err %v; want exit code 2 mentioning %q", tc.args, err, tc.want)
		}
	}
}
