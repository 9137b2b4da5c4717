package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// apiError is a v1 failure: the compat API's error shape plus the HTTP
// status it is answered with. Code is a Beckn/ONEST code (30000–50004) where
// one applies and the HTTP status otherwise, as in the compat API.
type apiError struct {
	Status  int
	Type    string
	Code    string
	Path    string
	Message string
}

func (e *apiError) Error() string { return e.Code + " " + e.Path + ": " + e.Message }

// errorFrom maps any failure of a v1 handler to its answer. It is the one
// place where engine and store errors become HTTP statuses.
func errorFrom(err error) *apiError {
	var ae *apiError
	var ee *engine.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ee):
		typ := "CONTEXT-ERROR"
		if ee.Status >= 500 || ee.Status < 400 {
			typ = "CORE-ERROR"
		}
		status := ee.Status
		if status < 400 || status > 599 {
			status = http.StatusInternalServerError // an engine error without a status is our bug
		}
		return &apiError{Status: status, Type: typ, Code: ee.Code, Path: ee.Path, Message: ee.Message}
	case errors.Is(err, store.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Type: "CONTEXT-ERROR", Code: "404", Message: err.Error()}
	case errors.Is(err, store.ErrConflict):
		return &apiError{Status: http.StatusConflict, Type: "CONTEXT-ERROR", Code: "409", Message: err.Error()}
	default:
		return &apiError{Status: http.StatusInternalServerError, Type: "CORE-ERROR", Code: "500", Message: err.Error()}
	}
}

// errorBody is the JSON of a v1 error.
func errorBody(e *apiError) map[string]any {
	return map[string]any{"error": compatError{Type: e.Type, Code: e.Code, Path: e.Path, Message: e.Message}}
}

func writeError(w http.ResponseWriter, err error) {
	e := errorFrom(err)
	writeJSON(w, e.Status, errorBody(e))
}

// badRequest is an invalid client request with the path of the culprit.
func badRequest(path, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: "JSON-SCHEMA-ERROR", Code: beckn.CodeInvalidRequest, Path: path, Message: fmt.Sprintf(format, args...)}
}
