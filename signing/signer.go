package signing

import (
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Default signing window (BECKN-006 §3.6 as implemented in the field):
// created is back-dated a little so that a receiver whose clock lags ours
// does not see a signature "from the future", and expires covers the
// request's ttl but never less than a minute, so slow networks still verify.
const (
	DefaultBackdate = 5 * time.Second
	MinTTL          = time.Minute
)

// Signer signs outbound messages as one registered participant. The zero
// Backdate and Now fields mean DefaultBackdate and time.Now.
type Signer struct {
	// SubscriberID and KeyID are the identity and key id registered with
	// the registry; they form keyId="SubscriberID|KeyID|ed25519".
	SubscriberID string
	KeyID        string
	// Key is the Ed25519 private key (seed‖public, as ParsePrivateKey returns).
	Key ed25519.PrivateKey

	// Backdate is subtracted from now to get created in SignNow; some
	// networks use 60s. Zero means DefaultBackdate; negative means none.
	Backdate time.Duration
	// ValidUntil, when set, caps expires in SignNow: a signature must not
	// outlive the key's validity in the registry.
	ValidUntil time.Time
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Sign returns the full signature header value for body, valid from created
// to expires (both truncated to whole seconds). The same value serves as
// Authorization (BAP/BPP) or X-Gateway-Authorization / Proxy-Authorization
// (gateway), because all three sign the same body-only string.
func (s *Signer) Sign(body []byte, created, expires time.Time) string {
	return s.SignUnix(body, created.Unix(), expires.Unix())
}

// SignUnix is Sign with Unix seconds, for reproducing a recorded signature.
func (s *Signer) SignUnix(body []byte, created, expires int64) string {
	var buf [256]byte
	msg := appendSigningStringFor(buf[:0], created, expires, body)
	sig := ed25519.Sign(s.Key, msg)
	return formatHeader(s.SubscriberID, s.KeyID, created, expires, sig)
}

// SignNow signs body with the window BECKN-006 §3.6 recommends: created =
// now − Backdate, expires = created + max(ttl, MinTTL), capped at
// ValidUntil. Pass the request's context ttl as ttl.
func (s *Signer) SignNow(body []byte, ttl time.Duration) string {
	created, expires := s.Window(ttl)
	return s.SignUnix(body, created, expires)
}

// Window returns the created and expires Unix seconds SignNow would use.
func (s *Signer) Window(ttl time.Duration) (created, expires int64) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	back := s.Backdate
	if back == 0 {
		back = DefaultBackdate
	} else if back < 0 {
		back = 0
	}
	c := now().Add(-back)
	if ttl < MinTTL {
		ttl = MinTTL
	}
	e := c.Add(ttl)
	if !s.ValidUntil.IsZero() && e.After(s.ValidUntil) {
		e = s.ValidUntil
	}
	created, expires = c.Unix(), e.Unix()
	if expires < created {
		expires = created
	}
	return created, expires
}

// formatHeader renders the header value in the parameter order BECKN-006
// shows, which is what every receiver's tests expect. An empty keyID gives
// the 2-part keyId "subscriber|ed25519".
func formatHeader(subscriberID, keyID string, created, expires int64, sig []byte) string {
	var b strings.Builder
	b.Grow(200 + len(subscriberID) + len(keyID) + base64.StdEncoding.EncodedLen(len(sig)))
	b.WriteString(`Signature keyId="`)
	b.WriteString(subscriberID)
	if keyID != "" {
		b.WriteByte('|')
		b.WriteString(keyID)
	}
	b.WriteString(`|` + Algorithm + `",algorithm="` + Algorithm + `",created="`)
	var num [20]byte
	b.Write(strconv.AppendInt(num[:0], created, 10))
	b.WriteString(`",expires="`)
	b.Write(strconv.AppendInt(num[:0], expires, 10))
	b.WriteString(`",headers="` + SignedHeaders + `",signature="`)
	var enc [128]byte
	b.Write(base64.StdEncoding.AppendEncode(enc[:0], sig))
	b.WriteByte('"')
	return b.String()
}

// String renders h back into a header value (3-part keyId when the key id
// is known), e.g. to forward or log a signature in its canonical form.
func (h Header) String() string {
	return formatHeader(h.SubscriberID, h.UniqueKeyID, h.Created, h.Expires, h.Signature)
}
