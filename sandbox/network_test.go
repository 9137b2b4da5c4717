package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox/bpp"
	"github.com/onest-seeker/seeker/sandbox/testbap"
)

func startNetwork(t *testing.T, ctx context.Context, opts Options) *Network {
	t.Helper()
	n, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return n
}

func joinBAP(t *testing.T, ctx context.Context, d Description, o testbap.Options) *testbap.BAP {
	t.Helper()
	bap, err := testbap.Start(ctx, testbap.Network{Registry: d.Registry, Gateway: d.Gateway, AdminKey: d.AdminKey,
		RegistrySigningPublicKey: d.RegistrySigningPublicKey, RegistryEncrPublicKey: d.RegistryEncrPublicKey}, o)
	if err != nil {
		t.Fatalf("test BAP joining the network: %v", err)
	}
	t.Cleanup(bap.Close)
	return bap
}

// search sends an empty-intent search for domain through the gateway and
// returns its message id.
func search(t *testing.T, ctx context.Context, bap *testbap.BAP, gateway, domain string) string {
	t.Helper()
	c := bap.NewContext(domain, "search", "")
	ack, err := bap.Send(ctx, "search", gateway, bap.Body(c, map[string]any{"intent": map[string]any{}}))
	if err != nil || !ack.Acked() {
		t.Fatalf("search %s via the gateway: %+v, %v", domain, ack, err)
	}
	return c.MessageID
}

func fromBPP(msgID, bppID string) func(testbap.Callback) bool {
	return func(c testbap.Callback) bool {
		return c.Action == "on_search" && c.Context.MessageID == msgID && c.Signer == bppID
	}
}

func TestStartDirectNetwork(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	n := startNetwork(t, ctx, Options{Seed: 7, TimeScale: 100,
		ExtraBPPs: []BPPSpec{{SubscriberID: "wo-bad-signature" + IDSuffix, Domain: "dsep:jobs", Faults: bpp.Faults{BadSignature: true}}}})
	d := n.Description()

	// The description lists the gateway and every BPP, in order, with the
	// keys the registry publishes for them.
	var got []string
	for _, p := range d.Participants {
		got = append(got, p.SubscriberID+"/"+p.Type+"/"+strings.Join(p.Domains, "+")+"/"+strconv.FormatBool(p.Reference))
	}
	want := []string{
		"gateway.sandbox.local/BG/onest:learning-experiences+onest:work-opportunities+onest:financial-support+onest:expert-connect/false",
		"le-bpp-1.sandbox.local/BPP/onest:learning-experiences/true", "le-bpp-2.sandbox.local/BPP/onest:learning-experiences/false",
		"wo-bpp-1.sandbox.local/BPP/onest:work-opportunities/true", "wo-bpp-2.sandbox.local/BPP/onest:work-opportunities/false",
		"fs-bpp-1.sandbox.local/BPP/onest:financial-support/true", "ec-bpp-1.sandbox.local/BPP/onest:expert-connect/true",
		"wo-bad-signature.sandbox.local/BPP/onest:work-opportunities/false",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("participants:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rc := &registry.Client{BaseURL: d.Registry}
	for _, p := range d.Participants {
		recs, err := rc.Lookup(ctx, registry.Query{SubscriberID: p.SubscriberID, KeyID: p.UniqueKeyID, Domain: p.Domains[0]})
		if err != nil || len(recs) != 1 || recs[0].SigningPublicKey != p.SigningPublicKey || recs[0].URL != p.URL ||
			recs[0].EncrPublicKey != p.EncrPublicKey || recs[0].Type != p.Type {
			t.Fatalf("registry record of %s = %+v, %v; want the described keys and URL", p.SubscriberID, recs, err)
		}
		if !strings.HasPrefix(p.URL, "http://127.0.0.1:") {
			t.Fatalf("%s listens at %s, not on loopback", p.SubscriberID, p.URL)
		}
	}
	if id, url := n.ReferenceBPP("dsep:courses"); id != "le-bpp-1.sandbox.local" || url != d.Participants[1].URL {
		t.Fatalf("ReferenceBPP(dsep:courses) = %s %s", id, url)
	}

	path := filepath.Join(t.TempDir(), "describe.json")
	if err := n.WriteDescription(path); err != nil {
		t.Fatal(err)
	}
	if back, err := ReadDescription(path); err != nil || !reflect.DeepEqual(back, d) {
		t.Fatalf("describe file round trip: %v\n%+v\n%+v", err, back, d)
	}
	if nw, err := testbap.ReadNetwork(path); err != nil || nw.Registry != d.Registry || nw.RegistryEncrPublicKey != d.RegistryEncrPublicKey || nw.AdminKey != d.AdminKey {
		t.Fatalf("testbap.ReadNetwork(describe file) = %+v, %v", nw, err)
	}

	// The telemetry sink of the network takes ONEST batches at the
	// described URL and keeps them for the test.
	if code, b := postJSON(t, d.Telemetry, batchBody(t, "b1", spanEvent("search", "txn-net")), nil); code != 200 {
		t.Fatalf("telemetry ingest at %s: %d %s", d.Telemetry, code, b)
	}
	if ev := n.Telemetry().Events(TelemetryFilter{TraceID: "txn-net"}); len(ev) != 1 {
		t.Fatalf("telemetry events after ingest: %+v", ev)
	}

	bap := joinBAP(t, ctx, d, testbap.Options{})

	// Learning: both providers answer the BAP directly.
	msg := search(t, ctx, bap, d.Gateway, beckn.DomainLearning)
	for _, id := range []string{"le-bpp-1.sandbox.local", "le-bpp-2.sandbox.local"} {
		cb, err := bap.WaitFor(ctx, fromBPP(msg, id))
		if err != nil {
			t.Fatalf("on_search from %s: %v", id, err)
		}
		if cb.Gateway != "" {
			t.Fatalf("direct mode: on_search from %s came through gateway %s", id, cb.Gateway)
		}
	}

	// Work: the good providers are verified, the faulty one is refused.
	msg = search(t, ctx, bap, d.Gateway, beckn.DomainWork)
	for _, id := range []string{"wo-bpp-1.sandbox.local", "wo-bpp-2.sandbox.local"} {
		if _, err := bap.WaitFor(ctx, fromBPP(msg, id)); err != nil {
			t.Fatalf("on_search from %s: %v", id, err)
		}
	}
	if _, err := bap.WaitForRejected(ctx, func(r testbap.Rejected) bool {
		return strings.Contains(string(r.Body), msg) && strings.Contains(string(r.Body), "wo-bad-signature") && r.Status == 401
	}); err != nil {
		t.Fatalf("the bad-signature BPP's on_search was not refused: %v", err)
	}
	for _, c := range bap.Callbacks() {
		if c.Signer == "wo-bad-signature.sandbox.local" {
			t.Fatalf("a callback with a bad signature was accepted")
		}
	}
}

func TestNetworkAdminFaults(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	n := startNetwork(t, ctx, Options{BPPs: []BPPSpec{{Domain: beckn.DomainExpert}}, AdminKey: "adm"})
	d := n.Description()
	url := d.Registry + "/admin/bpps/ec-bpp-1.sandbox.local/faults"
	if code, _ := postJSON(t, url, []byte("nack=40001"), nil); code != 401 {
		t.Fatalf("fault change without the admin key: HTTP %d", code)
	}
	auth := map[string]string{"Authorization": "Bearer adm"}
	if code, b := postJSON(t, url, []byte(`{"faults":"nack=40001,delay=5ms"}`), auth); code != 200 || !strings.Contains(string(b), "nack=40001") {
		t.Fatalf("fault change: %d %s", code, b)
	}
	if f := n.BPP("ec-bpp-1.sandbox.local").Faults(); f.NackCode != "40001" || f.Delay != 5*time.Millisecond {
		t.Fatalf("faults after the admin call: %+v", f)
	}
	if code, b := postJSON(t, url, []byte("explode"), auth); code != 400 || !strings.Contains(string(b), "unknown fault") {
		t.Fatalf("bad fault spec: %d %s", code, b)
	}
	if code, _ := postJSON(t, d.Registry+"/admin/bpps/nobody/faults", []byte("silent"), auth); code != 404 {
		t.Fatalf("unknown BPP: HTTP %d", code)
	}
	if got := n.Description().Participants[1].Faults; got != "delay=5ms,nack=40001" {
		t.Fatalf("described faults = %q", got)
	}

	// The gateway still forwards; the BPP now NACKs.
	bap := joinBAP(t, ctx, d, testbap.Options{Register: testbap.RegisterAdmin, Domains: []string{beckn.DomainExpert}})
	msg := search(t, ctx, bap, d.Gateway, beckn.DomainExpert)
	for {
		ds := n.Gateway().Deliveries(msg)
		if len(ds) == 1 {
			if ds[0].Ack != "NACK" || !strings.Contains(ds[0].Error, "40001") {
				t.Fatalf("delivery to the NACKing BPP: %+v", ds[0])
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the gateway never delivered %s", msg)
		case <-time.After(10 * time.Millisecond):
		}
	}
	// The public describe document has everything but the admin key.
	resp, err := http.Get(d.Registry + "/describe")
	if err != nil {
		t.Fatal(err)
	}
	var pub Description
	_ = json.NewDecoder(resp.Body).Decode(&pub)
	resp.Body.Close()
	if pub.AdminKey != "" || pub.Gateway != d.Gateway || len(pub.Participants) != 2 {
		t.Fatalf("GET /describe = %+v", pub)
	}

	req, _ := http.NewRequest(http.MethodGet, d.Registry+"/admin/bpps", nil)
	req.Header.Set("Authorization", "Bearer adm")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var listed []Participant
	_ = json.NewDecoder(resp.Body).Decode(&listed)
	resp.Body.Close()
	if len(listed) != 1 || listed[0].SubscriberID != "ec-bpp-1.sandbox.local" {
		t.Fatalf("GET /admin/bpps = %+v", listed)
	}
}

func TestStartGatewayRelay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	n := startNetwork(t, ctx, Options{Relay: RelayGateway, BPPs: []BPPSpec{{Domain: beckn.DomainFinancial}}})
	d := n.Description()
	if d.RelayMode != RelayGateway {
		t.Fatalf("relay mode %q", d.RelayMode)
	}
	bap := joinBAP(t, ctx, d, testbap.Options{Domains: []string{beckn.DomainFinancial}})
	msg := search(t, ctx, bap, d.Gateway, beckn.DomainFinancial)
	cb, err := bap.WaitFor(ctx, fromBPP(msg, "fs-bpp-1.sandbox.local"))
	if err != nil {
		t.Fatal(err)
	}
	if cb.Gateway != GatewayID || cb.Header.Get("X-Gateway-Authorization") == "" {
		t.Fatalf("gateway mode: on_search arrived with gateway %q, headers %v; want it relayed and signed by %s", cb.Gateway, cb.Header, GatewayID)
	}
}

// freeBase finds a base port whose fixed layout is free right now.
func freeBase(t *testing.T, bpps int) int {
	t.Helper()
	for attempt := 0; attempt < 20; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if base+portOffsetBPPs+bpps > 65535 {
			continue
		}
		free := true
		for _, off := range append([]int{0, 1, 2}, func() []int {
			var o []int
			for i := 0; i < bpps; i++ {
				o = append(o, portOffsetBPPs+i)
			}
			return o
		}()...) {
			c, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+off))
			if err != nil {
				free = false
				break
			}
			c.Close()
		}
		if free {
			return base
		}
	}
	t.Skip("no free range of loopback ports found for the fixed-port layout")
	return 0
}

func TestFixedPortsAndStateSurviveRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	state := t.TempDir()
	opts := Options{BPPs: []BPPSpec{{Domain: beckn.DomainWork}}, StateDir: state, Seed: 3,
		ExtraBPPs: []BPPSpec{{SubscriberID: "dropped" + IDSuffix, Domain: beckn.DomainWork}}}
	var n *Network
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		opts.BasePort = freeBase(t, 2)
		if n, err = Start(ctx, opts); err == nil || !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	if err != nil {
		t.Fatalf("Start on fixed ports: %v", err)
	}
	d := n.Description()
	for i, want := range map[int]string{0: d.Registry, 1: d.Gateway} {
		if !strings.HasSuffix(want, ":"+strconv.Itoa(opts.BasePort+i)) {
			t.Fatalf("participant %d at %s, want port %d", i, want, opts.BasePort+i)
		}
	}
	if !strings.HasSuffix(d.Participants[1].URL, ":"+strconv.Itoa(opts.BasePort+portOffsetBPPs)) {
		t.Fatalf("BPP at %s, want port %d", d.Participants[1].URL, opts.BasePort+portOffsetBPPs)
	}
	bap := joinBAP(t, ctx, d, testbap.Options{Domains: []string{beckn.DomainWork}})
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart on ephemeral ports without the extra BPP.
	opts.BasePort, opts.ExtraBPPs = 0, nil
	n2 := startNetwork(t, ctx, opts)
	d2 := n2.Description()
	if len(d2.Participants) != 2 || d2.Participants[1].URL == d.Participants[1].URL {
		t.Fatalf("after the restart: %+v", d2.Participants)
	}
	if recs, err := (&registry.Client{BaseURL: d2.Registry}).Lookup(ctx, registry.Query{Type: "BPP"}); err != nil || len(recs) != 1 || recs[0].URL != d2.Participants[1].URL {
		t.Fatalf("BPPs in the registry after the restart: %+v, %v; want only the running one, at its new URL", recs, err)
	}
	if d2.Participants[1].SigningPublicKey != d.Participants[1].SigningPublicKey {
		t.Fatalf("the same seed gave the BPP another key after a restart")
	}
	recs, err := (&registry.Client{BaseURL: d2.Registry}).Lookup(ctx, registry.Query{SubscriberID: bap.ID})
	if err != nil || len(recs) != 1 || recs[0].URL != bap.URL {
		t.Fatalf("after a restart the subscribed BAP is %+v, %v; want its record kept", recs, err)
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{Relay: "carrier-pigeon"}, "relay mode"},
		{Options{Addr: "192.0.2.1"}, "loopback"},
		{Options{BPPs: []BPPSpec{{Domain: "retail"}}}, "not an ONEST domain"},
		{Options{BPPs: []BPPSpec{{SubscriberID: "x", Domain: beckn.DomainWork}, {SubscriberID: "x", Domain: beckn.DomainWork}}}, "used twice"},
	} {
		if n, err := Start(ctx, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			if n != nil {
				n.Close()
			}
			t.Errorf("Start(%+v) err = %v; want %q", tc.opts, err, tc.want)
		}
	}
}
