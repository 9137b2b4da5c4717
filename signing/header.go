package signing

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// HTTP header names that carry BECKN-006 signatures. The gateway adds its
// own signature beside the sender's untouched Authorization: core 1.1.0 names
// it X-Gateway-Authorization; older gateways (and protocol-server readers)
// use Proxy-Authorization, and the spec asks gateways to send both.
const (
	HeaderAuthorization = "Authorization"
	HeaderGateway       = "X-Gateway-Authorization"
	HeaderProxy         = "Proxy-Authorization"

	// HeaderWWWAuthenticate carries the challenge of a 401 when the
	// Authorization signature fails; HeaderProxyAuthenticate when a
	// gateway signature fails.
	HeaderWWWAuthenticate   = "WWW-Authenticate"
	HeaderProxyAuthenticate = "Proxy-Authenticate"
)

// Algorithm is the only signature algorithm BECKN-006 defines.
const Algorithm = "ed25519"

// SignedHeaders is the value of the headers="..." parameter. Receivers do not
// interpret it (the signing string is fixed), but we emit it exactly.
const SignedHeaders = "(created) (expires) digest"

// Challenge returns the value of the WWW-Authenticate (or
// Proxy-Authenticate) header of a 401 answer, with realm set to the
// receiver's own subscriber id as BECKN-006 shows.
func Challenge(realm string) string {
	return `Signature realm="` + realm + `",headers="` + SignedHeaders + `"`
}

// Header is a parsed signature header. Created and Expires are Unix seconds,
// kept as integers because the signing string is rebuilt from them verbatim.
type Header struct {
	// KeyID is the keyId parameter exactly as received.
	KeyID string
	// SubscriberID is the first part of keyId: the signer as registered.
	SubscriberID string
	// UniqueKeyID is the registry key id; empty when a 2-part keyId named
	// only the subscriber and the algorithm (one key per subscriber).
	UniqueKeyID string
	// Algorithm is the algorithm parameter (always "ed25519" once parsed).
	Algorithm string
	Created   int64
	Expires   int64
	// Headers is the headers parameter, informational only.
	Headers string
	// Signature is the decoded 64-byte Ed25519 signature.
	Signature []byte
}

// Sentinel causes of a HeaderError, for errors.Is.
var (
	ErrHeaderSyntax    = errors.New("malformed")
	ErrMissingParam    = errors.New("missing parameter")
	ErrDuplicateParam  = errors.New("parameter given twice")
	ErrBadNumber       = errors.New("not a Unix time in whole seconds")
	ErrBadBase64       = errors.New("not valid base64")
	ErrBadAlgorithm    = errors.New("unsupported algorithm")
	ErrBadKeyID        = errors.New("malformed keyId")
	ErrBadSignatureLen = errors.New("wrong signature length")
)

// HeaderError says why a signature header was refused and which parameter
// was at fault, so a 401 can tell the sender what to fix.
type HeaderError struct {
	// Param is the parameter at fault ("keyId", "created", ...), or empty
	// when the header as a whole is malformed.
	Param string
	// Err is one of the Err* sentinels above.
	Err error
	// Detail adds the offending value or position.
	Detail string
}

func (e *HeaderError) Error() string {
	var b strings.Builder
	b.WriteString("signature header")
	if e.Param != "" {
		b.WriteString(": parameter ")
		b.WriteString(e.Param)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

func (e *HeaderError) Unwrap() error { return e.Err }

func headerErr(param string, err error, format string, args ...any) *HeaderError {
	return &HeaderError{Param: param, Err: err, Detail: fmt.Sprintf(format, args...)}
}

// maxHeaderLen bounds what we are willing to parse; real headers are ~300
// bytes, and the value comes straight from the network.
const maxHeaderLen = 8 << 10

// ParseHeader parses a signature header value such as
//
//	Signature keyId="bap.example.com|k1|ed25519",algorithm="ed25519",created="1641287875",expires="1641291475",headers="(created) (expires) digest",signature="..."
//
// Parameters may come in any order, separated by "," with or without spaces;
// names are matched case-insensitively; values may be quoted or bare. The
// leading "Signature" scheme is optional because some senders omit it.
// keyId may have 3 parts (subscriber|key id|algorithm, what we emit) or 2
// (subscriber|algorithm when the network allows one key per subscriber, or
// subscriber|key id). Unknown parameters are ignored.
func ParseHeader(v string) (Header, error) {
	var h Header
	v = strings.TrimSpace(v)
	if v == "" {
		return h, &HeaderError{Err: ErrHeaderSyntax, Detail: "empty header"}
	}
	if len(v) > maxHeaderLen {
		return h, headerErr("", ErrHeaderSyntax, "%d bytes is longer than the %d allowed", len(v), maxHeaderLen)
	}
	if len(v) > len("Signature") && strings.EqualFold(v[:len("Signature")], "Signature") &&
		(v[len("Signature")] == ' ' || v[len("Signature")] == '\t') {
		v = strings.TrimLeft(v[len("Signature"):], " \t")
	} else if sp := strings.IndexAny(v, " \t"); sp > 0 && !strings.ContainsAny(v[:sp], "=,\"") {
		return h, headerErr("", ErrHeaderSyntax, "auth scheme %q is not Signature", clip(v[:sp]))
	}

	var keyID, alg, created, expires, sig, headers string
	var seen [6]bool
	for v != "" {
		var name, val string
		var err *HeaderError
		name, val, v, err = nextParam(v)
		if err != nil {
			return h, err
		}
		idx := -1
		var dst *string
		switch {
		case strings.EqualFold(name, "keyId"):
			idx, dst = 0, &keyID
		case strings.EqualFold(name, "algorithm"):
			idx, dst = 1, &alg
		case strings.EqualFold(name, "created"):
			idx, dst = 2, &created
		case strings.EqualFold(name, "expires"):
			idx, dst = 3, &expires
		case strings.EqualFold(name, "signature"):
			idx, dst = 4, &sig
		case strings.EqualFold(name, "headers"):
			idx, dst = 5, &headers
		}
		if idx < 0 {
			continue
		}
		if seen[idx] {
			return h, headerErr(name, ErrDuplicateParam, "a header must give each parameter once")
		}
		seen[idx] = true
		*dst = val
	}
	for i, name := range [...]string{"keyId", "algorithm", "created", "expires", "signature"} {
		if !seen[i] {
			return h, headerErr(name, ErrMissingParam, "BECKN-006 requires keyId, algorithm, created, expires and signature")
		}
	}

	h.KeyID, h.Algorithm, h.Headers = keyID, alg, headers
	if alg != Algorithm {
		return h, headerErr("algorithm", ErrBadAlgorithm, "%q; only %q is defined by BECKN-006", alg, Algorithm)
	}
	if err := splitKeyID(&h); err != nil {
		return h, err
	}
	var err error
	if h.Created, err = parseUnix(created); err != nil {
		return h, headerErr("created", ErrBadNumber, "%q", created)
	}
	if h.Expires, err = parseUnix(expires); err != nil {
		return h, headerErr("expires", ErrBadNumber, "%q", expires)
	}
	if h.Signature, err = base64.StdEncoding.DecodeString(sig); err != nil {
		if h.Signature, err = base64.RawStdEncoding.DecodeString(sig); err != nil {
			return h, headerErr("signature", ErrBadBase64, "%v", err)
		}
	}
	if len(h.Signature) != 64 {
		return h, headerErr("signature", ErrBadSignatureLen, "decodes to %d bytes; an Ed25519 signature is 64", len(h.Signature))
	}
	return h, nil
}

// nextParam reads one name=value pair from the front of s and returns the
// rest after the following comma. Values never contain commas in BECKN-006
// (keyId uses '|', base64 has none), but quoted values are read to their
// closing quote anyway, so a comma inside quotes does not split.
func nextParam(s string) (name, val, rest string, err *HeaderError) {
	s = strings.TrimLeft(s, " \t")
	eq := strings.IndexByte(s, '=')
	if eq <= 0 {
		return "", "", "", headerErr("", ErrHeaderSyntax, "expected name=value at %q", clip(s))
	}
	name = strings.TrimSpace(s[:eq])
	if strings.ContainsAny(name, " \t,\"") {
		return "", "", "", headerErr("", ErrHeaderSyntax, "bad parameter name %q", clip(name))
	}
	s = strings.TrimLeft(s[eq+1:], " \t")
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", "", headerErr(name, ErrHeaderSyntax, "unterminated quoted value")
		}
		val, s = s[1:1+end], s[2+end:]
	} else {
		end := strings.IndexByte(s, ',')
		if end < 0 {
			end = len(s)
		}
		val, s = strings.TrimRight(s[:end], " \t"), s[end:]
		if strings.IndexByte(val, '"') >= 0 {
			return "", "", "", headerErr(name, ErrHeaderSyntax, "stray quote in unquoted value %q", clip(val))
		}
	}
	s = strings.TrimLeft(s, " \t")
	switch {
	case s == "":
	case s[0] == ',':
		s = s[1:]
		if strings.TrimSpace(s) == "" {
			s = ""
		}
	default:
		return "", "", "", headerErr(name, ErrHeaderSyntax, "expected ',' after the value, found %q", clip(s))
	}
	return name, val, s, nil
}

// splitKeyID fills SubscriberID and UniqueKeyID from h.KeyID.
func splitKeyID(h *Header) *HeaderError {
	parts := strings.Split(h.KeyID, "|")
	for _, p := range parts {
		if p == "" {
			return headerErr("keyId", ErrBadKeyID, "%q has an empty part; want subscriber_id|unique_key_id|ed25519", h.KeyID)
		}
	}
	switch len(parts) {
	case 3:
		if parts[2] != h.Algorithm {
			return headerErr("keyId", ErrBadAlgorithm, "keyId names algorithm %q but the algorithm parameter is %q; they must be equal", parts[2], h.Algorithm)
		}
		h.SubscriberID, h.UniqueKeyID = parts[0], parts[1]
	case 2:
		// One key per subscriber: "subscriber|ed25519". A few senders write
		// "subscriber|key id" instead; take the second part as a key id
		// unless it is the algorithm.
		h.SubscriberID = parts[0]
		if !strings.EqualFold(parts[1], Algorithm) {
			h.UniqueKeyID = parts[1]
		}
	default:
		return headerErr("keyId", ErrBadKeyID, "%q has %d parts; want subscriber_id|unique_key_id|ed25519", h.KeyID, len(parts))
	}
	return nil
}

// parseUnix parses non-negative decimal Unix seconds.
func parseUnix(s string) (int64, error) {
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(s, 10, 64)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
