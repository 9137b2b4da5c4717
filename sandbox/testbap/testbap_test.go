package testbap_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/sandbox/testbap"
	"github.com/onest-seeker/seeker/signing"
)

// miniNet is a registry and a gateway on loopback, without BPPs: enough to
// prove the test BAP joins, sends and verifies as a real BAP must.
type miniNet struct {
	reg   *sandbox.Registry
	net   testbap.Network
	gwURL string
}

func newMiniNet(t *testing.T) *miniNet {
	t.Helper()
	regID := sandbox.DeriveIdentity(42, "registry.test")
	reg, err := sandbox.NewRegistry(sandbox.RegistryOptions{Identity: regID, AdminKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	regSrv := httptest.NewServer(reg.Handler())
	t.Cleanup(regSrv.Close)
	gwID := sandbox.DeriveIdentity(42, "gateway.test")
	gw, err := sandbox.NewGateway(sandbox.GatewayOptions{Identity: gwID, Registry: &registry.Client{BaseURL: regSrv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	gwSrv := httptest.NewServer(gw.Handler())
	t.Cleanup(func() { gwSrv.Close(); gw.Close() })
	if _, err := reg.Put(gwID.Record(registry.TypeBG, beckn.DomainWork, gwSrv.URL, time.Now())); err != nil {
		t.Fatal(err)
	}
	return &miniNet{reg: reg, gwURL: gwSrv.URL, net: testbap.Network{
		Registry: regSrv.URL, Gateway: gwSrv.URL, AdminKey: "k",
		RegistrySigningPublicKey: signing.EncodePublicKey(regID.SigningPublic),
		RegistryEncrPublicKey:    signing.EncodeX25519PublicKey(regID.EncryptionPublic),
	}}
}

// fakeBPP records searches and can sign callbacks as a registered BPP.
type fakeBPP struct {
	id  sandbox.Identity
	srv *httptest.Server
	got chan []byte
}

func newFakeBPP(t *testing.T, m *miniNet, name string) *fakeBPP {
	t.Helper()
	f := &fakeBPP{id: sandbox.DeriveIdentity(42, name), got: make(chan []byte, 8)}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.got <- b
		_, _ = w.Write(beckn.AckBody())
	}))
	t.Cleanup(f.srv.Close)
	if _, err := m.reg.Put(f.id.Record(registry.TypeBPP, beckn.DomainWork, f.srv.URL, time.Now())); err != nil {
		t.Fatal(err)
	}
	return f
}

// callback posts a signed on_search for bap to url, returning the status.
func (f *fakeBPP) callback(t *testing.T, url string, body []byte, signer *signing.Signer) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/on_search", bytes.NewReader(body))
	req.Header.Set("Authorization", signer.SignNow(body, time.Minute))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func onSearchBody(bap *testbap.BAP, bppID, msgID string) []byte {
	c := bap.NewContext(beckn.DomainWork, "on_search", "txn-1")
	c.MessageID, c.BppID, c.BppURI = msgID, bppID, "http://127.0.0.1:1"
	return bap.Body(c, map[string]any{"catalog": map[string]any{"descriptor": map[string]string{"name": "Jobs"}}})
}

func TestBAPSubscribesSendsAndVerifies(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	m := newMiniNet(t)
	bpp := newFakeBPP(t, m, "wo-1.test")

	bap, err := testbap.Start(ctx, m.net, testbap.Options{Domains: []string{beckn.DomainWork, beckn.DomainLearning}})
	if err != nil {
		t.Fatalf("Start (real /subscribe + on_subscribe): %v", err)
	}
	defer bap.Close()
	var subscribed int
	for _, r := range m.reg.Records() {
		if r.SubscriberID == bap.ID && r.Status == registry.StatusSubscribed && r.URL == bap.URL {
			subscribed++
		}
	}
	if subscribed != 2 {
		t.Fatalf("registry holds %d SUBSCRIBED records of %s, want 2 (one per domain): %+v", subscribed, bap.ID, m.reg.Records())
	}

	// search through the gateway reaches the BPP unchanged.
	c := bap.NewContext(beckn.DomainWork, "search", "")
	body := bap.Body(c, map[string]any{"intent": map[string]any{"item": map[string]any{"descriptor": map[string]string{"name": "Developer"}}}})
	ack, err := bap.Send(ctx, "search", m.gwURL, body)
	if err != nil || !ack.Acked() {
		t.Fatalf("Send search to the gateway: %+v, %v", ack, err)
	}
	select {
	case got := <-bpp.got:
		if !bytes.Equal(got, body) {
			t.Fatalf("BPP got %s, want %s", got, body)
		}
	case <-ctx.Done():
		t.Fatal("the BPP never got the search")
	}

	// A direct, correctly signed callback is recorded.
	if code := bpp.callback(t, bap.URL, onSearchBody(bap, "wo-1.test", "m-direct"), bpp.id.Signer()); code != 200 {
		t.Fatalf("direct on_search: HTTP %d", code)
	}
	cb, err := bap.WaitFor(ctx, testbap.Reply("m-direct", "on_search"))
	if err != nil || cb.Signer != "wo-1.test" || cb.Gateway != "" || cb.Header.Get("Authorization") == "" {
		t.Fatalf("WaitFor direct on_search = %+v, %v", cb, err)
	}

	// Relayed by the gateway: the gateway signature is verified too.
	if code := bpp.callback(t, m.gwURL, onSearchBody(bap, "wo-1.test", "m-relayed"), bpp.id.Signer()); code != 200 {
		t.Fatalf("on_search to the gateway: HTTP %d", code)
	}
	cb, err = bap.WaitFor(ctx, testbap.Reply("m-relayed", ""))
	if err != nil || cb.Gateway != "gateway.test" || cb.Signer != "wo-1.test" {
		t.Fatalf("WaitFor relayed on_search = %+v, %v", cb, err)
	}

	// A callback signed with the wrong key is refused and kept as rejected.
	stranger := sandbox.DeriveIdentity(43, "wo-1.test")
	forged := &signing.Signer{SubscriberID: "wo-1.test", KeyID: bpp.id.UniqueKeyID, Key: stranger.SigningPrivate}
	if code := bpp.callback(t, bap.URL, onSearchBody(bap, "wo-1.test", "m-forged"), forged); code != 401 {
		t.Fatalf("forged on_search: HTTP %d, want 401", code)
	}
	rej, err := bap.WaitForRejected(ctx, func(r testbap.Rejected) bool { return strings.Contains(string(r.Body), "m-forged") })
	if err != nil || rej.Status != 401 || rej.Err == nil {
		t.Fatalf("rejected forged callback = %+v, %v", rej, err)
	}
	for _, c := range bap.Callbacks() {
		if c.Context.MessageID == "m-forged" {
			t.Fatalf("a forged callback was recorded as verified")
		}
	}

	// WaitFor gives up with a message that says what arrived.
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	if _, err := bap.WaitFor(short, testbap.Reply("never", "")); err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "2 verified") {
		t.Fatalf("WaitFor timeout error = %v", err)
	}
}

func TestBAPRegistration(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	m := newMiniNet(t)
	bap, err := testbap.Start(ctx, m.net, testbap.Options{Register: testbap.RegisterAdmin, Domains: []string{beckn.DomainExpert}})
	if err != nil {
		t.Fatalf("admin registration: %v", err)
	}
	bap.Close()
	bad := m.net
	bad.AdminKey = "wrong"
	if _, err := testbap.Start(ctx, bad, testbap.Options{Register: testbap.RegisterAdmin}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("admin registration with a wrong key: %v", err)
	}
	// A BAP whose encryption key is not the one it registers cannot
	// answer the challenge and is not subscribed.
	wrongEnc := m.net
	other := sandbox.DeriveIdentity(44, "other")
	wrongEnc.RegistryEncrPublicKey = signing.EncodeX25519PublicKey(other.EncryptionPublic)
	if _, err := testbap.Start(ctx, wrongEnc, testbap.Options{SubscriberID: "confused.test", Domains: []string{beckn.DomainWork}}); err == nil {
		t.Fatalf("a BAP decrypting with the wrong registry key got subscribed")
	}
	for _, r := range m.reg.Records() {
		if r.SubscriberID == "confused.test" && r.Status == registry.StatusSubscribed {
			t.Fatalf("confused.test is SUBSCRIBED: %+v", r)
		}
	}
}
