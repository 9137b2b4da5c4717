package registry

import (
	"errors"
	"fmt"
)

// Causes of an *Error, for errors.Is. They separate what an operator must
// fix differently: the network path, the registry's refusal, or its answer.
var (
	ErrUnreachable = errors.New("registry unreachable")
	ErrStatus      = errors.New("registry answered with an error status")
	ErrUnparsable  = errors.New("registry answer not understood")
	// ErrNotFound means the registry has no valid record for the query;
	// for signature verification that is a 401, not a retry.
	ErrNotFound = errors.New("no valid registry record")
	// ErrAmbiguous means a 2-part keyId named a subscriber with several keys.
	ErrAmbiguous = errors.New("several keys match")
	// ErrNoSigner means Subscribe was called without a signer.
	ErrNoSigner = errors.New("a signer is required: /subscribe must be signed")
	// ErrBadKey means the registry published a key that cannot be decoded.
	ErrBadKey = errors.New("registry published an unusable key")
)

// Error is a failed registry operation: which call, against which URL, why.
type Error struct {
	// Op is "lookup", "subscribe" or "signing key".
	Op string
	// URL is the endpoint called, when there was a call.
	URL string
	// StatusCode is the HTTP status for ErrStatus.
	StatusCode int
	// Kind is one of the Err* sentinels.
	Kind error
	// Detail is a human sentence: the body snippet, the query, the cause.
	Detail string
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string {
	s := "registry " + e.Op
	if e.URL != "" {
		s += " " + e.URL
	}
	s += ": " + e.Kind.Error()
	if e.StatusCode != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is makes errors.Is(err, ErrNotFound) and friends work.
func (e *Error) Is(target error) bool { return target == e.Kind }

func (e *Error) Unwrap() error { return e.Err }
