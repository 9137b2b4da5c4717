package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxBody bounds every request body the sandbox reads. Catalog-sized
// bodies (the BPPs' large-catalog fault is over 5 MB) travel between BPPs and
// the BAP, not through these servers, but the gateway relays on_search in
// gateway mode, so the bound is generous.
const maxBody = 16 << 20

// readBody reads a bounded request body. It reports a body over the bound as
// an error rather than silently truncating it, because a truncated body
// fails signature verification with a misleading message.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	if len(b) > maxBody {
		return nil, fmt.Errorf("request body is larger than %d bytes", maxBody)
	}
	return b, nil
}

// writeJSON answers with v as JSON. Encoding errors cannot be reported to a
// client that already has the status line, so they are ignored.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// adminError is the body of every failed admin or registry call: one
// sentence a person can act on.
type adminError struct {
	Error string `json:"error"`
}

// writeError answers with {"error": msg}.
func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, adminError{Error: fmt.Sprintf(format, args...)})
}

// requireAdmin checks "Authorization: Bearer <key>" in constant time and
// answers 401 itself when it does not match. An empty configured key closes
// the admin API entirely: an admin endpoint open to anyone on the machine is
// how test networks end up trusting keys nobody checked.
func requireAdmin(w http.ResponseWriter, r *http.Request, key string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if key == "" || !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(key)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sandbox-admin"`)
		writeError(w, http.StatusUnauthorized, "admin endpoint: send the sandbox admin key as \"Authorization: Bearer <key>\" (it is printed at start and in the describe file)")
		return false
	}
	return true
}
