package api

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// errorFrom is the one place failures become statuses; every kind of
// failure a handler can return must map to a status and a code.
func TestErrorFromMapsEveryFailureOnce(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		status    int
		typ, code string
		path      string
	}{
		{"engine refusal", &engine.Error{Code: "30001", Path: "context.bpp_id", Message: "m", Status: 400}, 400, "CONTEXT-ERROR", "30001", "context.bpp_id"},
		{"engine registry failure", fmt.Errorf("wrapped: %w", &engine.Error{Code: "30000", Message: "m", Status: 502}), 502, "CORE-ERROR", "30000", ""},
		{"engine error without status", &engine.Error{Code: "30000", Message: "m"}, 500, "CORE-ERROR", "30000", ""},
		{"not found", fmt.Errorf("x: %w", store.ErrNotFound), 404, "CONTEXT-ERROR", "404", ""},
		{"conflict", fmt.Errorf("x: %w", store.ErrConflict), 409, "CONTEXT-ERROR", "409", ""},
		{"anything else", errors.New("disk full"), 500, "CORE-ERROR", "500", ""},
		{"api error", badRequest("intent", "bad"), http.StatusBadRequest, "JSON-SCHEMA-ERROR", "30000", "intent"},
	}
	for _, tt := range tests {
		e := errorFrom(tt.err)
		if e.Status != tt.status || e.Type != tt.typ || e.Code != tt.code || e.Path != tt.path || e.Message == "" {
			t.Errorf("%s: %+v, want %d %s %s at %q with a message", tt.name, e, tt.status, tt.typ, tt.code, tt.path)
		}
	}
}
