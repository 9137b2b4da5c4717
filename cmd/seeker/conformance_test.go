package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/conformance"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/sandbox/bpp"
)

// describeFile writes what `seeker demo --describe` writes, as far as the
// tools read it: the registry and the Seeker's client URL and key.
func describeFile(t *testing.T, s *liveSeeker) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "describe.json")
	doc := map[string]any{"registry": s.network.RegistryURL(), "seeker": map[string]string{"client_url": s.clientURL, "api_key": testAPIKey}}
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func conformanceReport(t *testing.T, args ...string) (int, conformance.Report, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.json")
	code, _, stderr := runCLI(t, append([]string{"conformance", "--format", "json", "--out", out}, args...)...)
	var rep conformance.Report
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no report (exit %d): %v\n%s", code, err, stderr)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, b)
	}
	return code, rep, stderr
}

func reportText(rep conformance.Report) string {
	var b strings.Builder
	rep.WriteText(&b)
	return b.String()
}

// TestConformancePassesOnHealthyProviders runs every domain's flow against
// the sandbox's well-behaved providers.
func TestConformancePassesOnHealthyProviders(t *testing.T) {
	// Real-speed timelines, so no order completes before it is cancelled.
	s := startLiveSeeker(t, sandbox.Options{Seed: 2026, TimeScale: 1})
	code, rep, stderr := conformanceReport(t, "--describe", describeFile(t, s))
	if code != 0 || rep.Failed() {
		t.Fatalf("conformance against healthy providers exited %d:\n%s\n%s", code, reportText(rep), stderr)
	}
	for _, d := range beckn.Domains() {
		ref, _ := s.network.ReferenceBPP(d)
		for _, step := range []string{"on_search", "on_select", "on_init", "on_confirm", "on_status", "on_cancel"} {
			if len(rep.Find(ref, step, "callback")) == 0 {
				t.Errorf("%s: no %s callback check:\n%s", ref, step, reportText(rep))
			}
		}
	}
	if n := rep.Count(conformance.Warn); n != 0 {
		t.Errorf("%d warnings against healthy providers:\n%s", n, reportText(rep))
	}
	for _, c := range rep.Find("", "search-by-name", "consistency") {
		if c.Status != conformance.Pass {
			t.Errorf("%s: the search by an item's name: %+v", c.BPP, c)
		}
	}
	fin, _ := s.network.ReferenceBPP(beckn.DomainFinancial)
	forms := len(rep.Find(fin, "", "form"))
	if forms < 2 {
		t.Errorf("the financial-support provider's multi-step forms were not all filled (%d form checks):\n%s", forms, reportText(rep))
	}

	// The logs of that run are a folder a reviewer could submit: every
	// XInput step's on_init is its own numbered file.
	out := t.TempDir()
	if code, stdout, stderr := runCLI(t, "logs", "export", "--describe", describeFile(t, s), "--org", "Acme", "--domain", beckn.DomainFinancial, "--out", out); code != 0 {
		t.Fatalf("logs export after conformance exited %d: %s %s", code, stdout, stderr)
	}
	dir := filepath.Join(out, "Acme-BAP", "Financial Support")
	for _, name := range []string{"search.json", "on_search.json", "select.json", "on_select.json", "init.json", "on_init.json", "confirm.json", "on_confirm.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("the export lacks %s: %v", name, err)
		}
	}
	for i := 2; i <= forms+1; i++ {
		if _, err := os.Stat(filepath.Join(dir, "on_init-"+strconv.Itoa(i)+".json")); err != nil {
			t.Errorf("the on_init after form %d is not exported as on_init-%d.json: %v", i-1, i, err)
		}
	}
}

// TestConformanceReportsEachFault runs the flow against deliberately faulty
// providers and checks that each fault is reported as what it is.
func TestConformanceReportsEachFault(t *testing.T) {
	id := func(name string) string { return "ec-" + name + sandbox.IDSuffix }
	faulty := []sandbox.BPPSpec{
		{SubscriberID: id("nack"), Domain: beckn.DomainExpert, Faults: bpp.Faults{NackCode: "40002"}},
		{SubscriberID: id("silent"), Domain: beckn.DomainExpert, Faults: bpp.Faults{Silent: true}},
		{SubscriberID: id("late"), Domain: beckn.DomainExpert, Faults: bpp.Faults{Late: true}},
		{SubscriberID: id("badsig"), Domain: beckn.DomainExpert, Faults: bpp.Faults{BadSignature: true}},
		{SubscriberID: id("sloppy"), Domain: beckn.DomainExpert, Faults: bpp.Faults{Sloppy: true}},
	}
	s := startLiveSeeker(t, sandbox.Options{Seed: 2026, BPPs: []sandbox.BPPSpec{{Domain: beckn.DomainExpert}}, ExtraBPPs: faulty})
	args := []string{"--describe", describeFile(t, s), "--domain", beckn.DomainExpert, "--ttl", "2s"}
	for _, f := range faulty {
		args = append(args, "--bpp", f.SubscriberID)
	}
	code, rep, stderr := conformanceReport(t, args...)
	if code != 1 {
		t.Fatalf("conformance against faulty providers exited %d, want 1:\n%s\n%s", code, reportText(rep), stderr)
	}
	text := reportText(rep)
	for _, tt := range []struct {
		bpp, step, check, want string
		status                 conformance.Status
	}{
		{id("nack"), "search", "ack", "NACK 40002", conformance.Fail},
		{id("silent"), "on_search", "callback", "no on_search within the ttl", conformance.Fail},
		{id("late"), "on_search", "callback", "late", conformance.Fail},
		{id("badsig"), "on_search", "signature", "invalid for this key", conformance.Fail},
		{id("sloppy"), "on_search", "payload", "core 1.1.0 wants", conformance.Fail},
	} {
		found := false
		for _, c := range rep.Find(tt.bpp, tt.step, tt.check) {
			found = found || (c.Status == tt.status && strings.Contains(c.Reason, tt.want))
		}
		if !found {
			t.Errorf("%s: no %s %s check %s mentioning %q:\n%s", tt.bpp, tt.step, tt.check, tt.status, tt.want, text)
		}
	}
	for _, c := range rep.Find(id("sloppy"), "", "signature") {
		if c.Status != conformance.Pass {
			t.Errorf("the sloppy provider signs correctly, but: %+v", c)
		}
	}
}

func TestConformanceUsageAndFailures(t *testing.T) {
	dead := filepath.Join(t.TempDir(), "none.json")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad format", []string{"--format", "xml", "--seeker", "http://127.0.0.1:1", "--api-key", "k", "--registry", "http://127.0.0.1:1"}, conformanceUsage, "--format"},
		{"no registry", []string{"--seeker", "http://127.0.0.1:1", "--api-key", "k"}, conformanceUsage, "--registry"},
		{"no target", nil, conformanceUsage, "--seeker"},
		{"missing describe", []string{"--describe", dead}, conformanceUsage, "none.json"},
		{"registry unreachable", []string{"--seeker", "http://127.0.0.1:1", "--api-key", "k", "--registry", "http://127.0.0.1:1", "--domain", beckn.DomainExpert}, conformanceFailed, "looking up the BPPs"},
		{"unknown domain", []string{"--seeker", "http://127.0.0.1:1", "--api-key", "k", "--registry", "http://127.0.0.1:1", "--domain", "onest:cooking"}, conformanceUsage, "not an ONEST domain"},
	} {
		code, _, stderr := runCLI(t, append([]string{"conformance"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: exit %d (%s), want %d mentioning %q", tt.name, code, stderr, tt.code, tt.want)
		}
	}
}
