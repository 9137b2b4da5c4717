package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestLoadGeneratorSendsEveryRequestIntact: the raw keep-alive generator
// delivers each request's path, headers and exact body, keeps going when
// the server closes connections, and counts bad answers as failures with
// the first one explained.
func TestLoadGeneratorSendsEveryRequestIntact(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading a request: %v", err)
		}
		i, _ := strconv.Atoi(r.Header.Get("X-Index"))
		if r.Method != http.MethodPost || r.URL.Path != "/base/on_search" || r.Header.Get("Content-Type") != "application/json" ||
			string(body) != strings.Repeat("x", i*97) {
			t.Errorf("request %d arrived as %s %s %q with %d bytes", i, r.Method, r.URL.Path, r.Header.Get("Content-Type"), len(body))
		}
		mu.Lock()
		seen[r.Header.Get("X-Index")] = true
		mu.Unlock()
		if i%5 == 0 {
			w.Header().Set("Connection", "close") // the next request must redial
		}
		if i == 13 {
			http.Error(w, "refused on purpose", http.StatusInternalServerError)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	const n = 200
	res, err := runLoad(context.Background(), srv.URL+"/base", 4, n, func(i int) loadRequest {
		return loadRequest{path: "/on_search", header: []string{"Content-Type: application/json", "X-Index: " + strconv.Itoa(i)}, body: []byte(strings.Repeat("x", i*97))}
	}, func(status int, body []byte) bool { return status == 200 && string(body) == `{"ok":true}` })
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n || res.n != n || len(res.latencies) != n {
		t.Fatalf("server saw %d distinct requests, result counts %d with %d timings; want %d", len(seen), res.n, len(res.latencies), n)
	}
	if res.failed != 1 || !strings.Contains(res.firstErr, "HTTP 500 refused on purpose") {
		t.Fatalf("failed %d (first: %q); want exactly the refused request", res.failed, res.firstErr)
	}
}

func TestLoadGeneratorNamesAnUnreachableTarget(t *testing.T) {
	if _, err := runLoad(context.Background(), "https://127.0.0.1:1", 1, 1, nil, nil); err == nil {
		t.Fatal("an https:// target was accepted")
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there now
	res, err := runLoad(context.Background(), addr, 2, 3, func(int) loadRequest { return loadRequest{path: "/"} }, func(int, []byte) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if res.failed != 3 || !strings.Contains(res.firstErr, "refused") {
		t.Fatalf("failed %d (first: %q); want all three refused by the closed port", res.failed, res.firstErr)
	}
}

// TestBenchAgainstADemo runs the load commands as a user does, against a
// demo on ephemeral ports: every signed callback is ACKed and every search
// accepted, and the report says so.
func TestBenchAgainstADemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a whole demo network")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	d, err := startDemo(ctx, demoOptions{data: dir, basePort: 0, timeScale: 1, networkAddr: "127.0.0.1:0", clientAddr: "127.0.0.1:0", webAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	describe := dir + "/describe.json"
	if err := d.writeDescription(describe); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"ingest", "search"} {
		code, out, errOut := runCLI(t, "bench", kind, "--describe", describe, "-n", "60", "-c", "4")
		if code != 0 || !strings.Contains(out, kind+": 60 requests at concurrency 4") || !strings.Contains(out, ", 0 failed") {
			t.Fatalf("seeker bench %s exited %d:\n%s%s", kind, code, out, errOut)
		}
	}
}
