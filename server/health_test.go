package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/sandbox"
)

// TestHealthAndReadinessOnBothSides: liveness answers while the process
// runs; readiness also needs the database, so an instance that lost it is
// reported not ready (503) and taken out of rotation.
func TestHealthAndReadinessOnBothSides(t *testing.T) {
	s := startStack(t, sandbox.Options{Seed: 17})
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, base := range []string{s.seeker.NetworkURL(), s.seeker.ClientURL()} {
		if code, body := get(base + "/healthz"); code != 200 || !strings.Contains(body, "ok") {
			t.Errorf("%s/healthz: %d %s", base, code, body)
		}
		if code, body := get(base + "/readyz"); code != 200 || !strings.Contains(body, "ready") {
			t.Errorf("%s/readyz: %d %s", base, code, body)
		}
	}
	s.seeker.Store.Close() // the database is gone
	for _, base := range []string{s.seeker.NetworkURL(), s.seeker.ClientURL()} {
		if code, body := get(base + "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "database") {
			t.Errorf("%s/readyz without a database: %d %s", base, code, body)
		}
		if code, _ := get(base + "/healthz"); code != 200 {
			t.Errorf("%s/healthz without a database: %d (liveness must not depend on it)", base, code)
		}
	}
}
