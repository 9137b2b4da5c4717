package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/internal/stacktest"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/server"
	"github.com/onest-seeker/seeker/store"
)

const apiKey = stacktest.APIKey

// stack is the local ONEST network with a Seeker BAP registered in it
// through the real subscribe flow, everything on ephemeral loopback ports.
type stack struct {
	t       *testing.T
	network *sandbox.Network
	seeker  *server.Server
	cfg     config.Config
	// clientURL, when set, is where call sends client requests instead of
	// seeker's client side (a load balancer in front of several instances).
	clientURL string
}

func startStack(t *testing.T, opts sandbox.Options, mutate ...func(*config.Config)) *stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if opts.TimeScale == 0 {
		opts.TimeScale = 1000
	}
	nw, err := sandbox.Start(ctx, opts)
	if err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { nw.Close() })
	cfg := stacktest.Config(t, nw, "seeker-test.local")
	s := &stack{t: t, network: nw, cfg: cfg}
	for _, m := range mutate {
		m(&s.cfg)
	}
	s.start()
	if _, err := server.Subscribe(ctx, s.cfg, 30*time.Second); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	return s
}

// start runs Seeker on fresh listeners (the network URL is fixed at the
// first start, so a restart keeps the registered address).
func (s *stack) start() {
	t := s.t
	addr := "127.0.0.1:0"
	if s.cfg.SubscriberURL != "" {
		addr = s.cfg.Listen.Network
	}
	netLn, err := listenRetry(addr)
	if err != nil {
		t.Fatal(err)
	}
	clientLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.cfg.SubscriberURL = "http://" + netLn.Addr().String()
	s.cfg.Listen = config.Listen{Network: netLn.Addr().String(), Client: clientLn.Addr().String()}
	srv, err := server.New(context.Background(), s.cfg, server.Options{NetworkListener: netLn, ClientListener: clientLn})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.seeker = srv
	t.Cleanup(func() { srv.Close() })
}

// listenRetry listens on addr, waiting briefly for a just-closed port.
func listenRetry(addr string) (net.Listener, error) {
	var err error
	for i := 0; i < 50; i++ {
		var ln net.Listener
		if ln, err = net.Listen("tcp", addr); err == nil {
			return ln, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil, err
}

// restart stops Seeker and starts it again on the same database and address.
func (s *stack) restart() {
	s.seeker.Close()
	s.start()
}

// syncAnswer is the protocol-server compatible answer.
type syncAnswer struct {
	Context   beckn.Context    `json:"context"`
	Responses []jsontext.Value `json:"responses"`
	Error     *beckn.Error     `json:"error"`
	Message   jsontext.Value   `json:"message"`
}

// call posts {context, message} to the client API and decodes the answer.
func (s *stack) call(action string, c beckn.Context, message any) (int, syncAnswer) {
	s.t.Helper()
	msg, err := json.Marshal(message)
	if err != nil {
		s.t.Fatal(err)
	}
	body, err := beckn.Marshal(struct {
		Context beckn.Context  `json:"context"`
		Message jsontext.Value `json:"message"`
	}{c, msg})
	if err != nil {
		s.t.Fatal(err)
	}
	base := s.clientURL
	if base == "" {
		base = s.seeker.ClientURL()
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/"+action, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+apiKey)
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		s.t.Fatalf("%s: %v", action, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var a syncAnswer
	if err := beckn.Unmarshal(raw, &a); err != nil {
		s.t.Fatalf("%s answered %d with %q: %v", action, resp.StatusCode, raw, err)
	}
	return resp.StatusCode, a
}

// inbound lists stored callbacks of a transaction after seq.
func (s *stack) inbound(txn string, after int64) []*store.Message {
	s.t.Helper()
	msgs, err := s.seeker.Store.Messages(context.Background(), store.MessageFilter{TransactionID: txn, Direction: store.Inbound, AfterSeq: after})
	if err != nil {
		s.t.Fatal(err)
	}
	return msgs
}

// waitInbound waits for a stored callback of txn after seq that satisfies pred.
func (s *stack) waitInbound(t *testing.T, what, txn string, after int64, pred func(*store.Message) bool) *store.Message {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range s.inbound(txn, after) {
			if pred(m) {
				return m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	var seen []string
	for _, m := range s.inbound(txn, 0) {
		seen = append(seen, fmt.Sprintf("%d %s %s %s", m.Seq, m.Action, m.Correlation, snippet(m.Raw)))
	}
	t.Fatalf("timed out waiting for %s after seq %d; the transaction's callbacks:\n%s", what, after, strings.Join(seen, "\n"))
	return nil
}

func snippet(b []byte) string {
	if i := bytes.Index(b, []byte(`"fulfillments"`)); i >= 0 {
		b = b[i:]
	}
	if len(b) > 300 {
		b = b[:300]
	}
	return string(b)
}

func decodeMessage[T any](t *testing.T, raw []byte) T {
	t.Helper()
	var v T
	env, err := beckn.Decode(raw)
	if err != nil {
		t.Fatalf("callback does not decode: %v", err)
	}
	if env.Error != nil {
		t.Fatalf("callback carries an error: %+v", env.Error)
	}
	if err := env.DecodeMessage(&v); err != nil {
		t.Fatalf("callback message does not decode: %v", err)
	}
	return v
}
