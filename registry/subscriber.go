package registry

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/signing"
)

// Participant types (core 1.1.0 registry.yaml). BREG and the Succinct
// LREG/CREG/RREG registries exist too and are kept verbatim.
const (
	TypeBAP = "BAP"
	TypeBPP = "BPP"
	TypeBG  = "BG"
)

// Subscription statuses. Only SUBSCRIBED keys may verify signatures.
const (
	StatusInitiated         = "INITIATED"
	StatusUnderSubscription = "UNDER_SUBSCRIPTION"
	StatusSubscribed        = "SUBSCRIBED"
	StatusExpired           = "EXPIRED"
	StatusUnsubscribed      = "UNSUBSCRIBED"
	StatusInvalidSSL        = "INVALID_SSL"
)

// Subscriber is one registry record (a core 1.1.0 Subscription) in one
// normalised shape, whichever registry variant it came from. Keys are kept
// as published (raw or DER base64); SigningKey and EncryptionKey decode them.
type Subscriber struct {
	SubscriberID string
	URL          string
	Type         string
	Domain       string
	City         string
	Country      string
	// KeyID is the registry's key id, whatever the registry calls it.
	KeyID            string
	SigningPublicKey string
	EncrPublicKey    string
	ValidFrom        time.Time
	ValidUntil       time.Time
	Status           string
	Created          time.Time
	Updated          time.Time
}

// SigningKey decodes the Ed25519 signing key, raw or DER.
func (s Subscriber) SigningKey() (ed25519.PublicKey, error) {
	return signing.ParsePublicKey(s.SigningPublicKey)
}

// EncryptionKey decodes the X25519 encryption key, raw or DER.
func (s Subscriber) EncryptionKey() (*ecdh.PublicKey, error) {
	return signing.ParseX25519PublicKey(s.EncrPublicKey)
}

// ValidAt reports whether the record may be trusted at t: status SUBSCRIBED
// when a status is given, and valid_from ≤ t ≤ valid_until where given.
func (s Subscriber) ValidAt(t time.Time) bool {
	if s.Status != "" && s.Status != StatusSubscribed {
		return false
	}
	if !s.ValidFrom.IsZero() && t.Before(s.ValidFrom) {
		return false
	}
	if !s.ValidUntil.IsZero() && t.After(s.ValidUntil) {
		return false
	}
	return true
}

// RecordError says which field of a registry record could not be read.
type RecordError struct {
	Field string
	Value string
	Err   error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("registry record: field %s: cannot read %q: %v", e.Field, e.Value, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// wireRecord holds every field name any registry in use writes.
type wireRecord struct {
	SubscriberID     flexString      `json:"subscriber_id"`
	URL              flexString      `json:"url"`
	SubscriberURL    flexString      `json:"subscriber_url"`
	Type             flexString      `json:"type"`
	Domain           flexString      `json:"domain"`
	City             codeOrString    `json:"city"`
	Country          codeOrString    `json:"country"`
	Location         *wireLocation   `json:"location"`
	KeyID            flexString      `json:"key_id"`
	UniqueKeyID      flexString      `json:"unique_key_id"`
	UkID             flexString      `json:"ukId"`
	PubKeyID         flexString      `json:"pub_key_id"`
	SigningPublicKey flexString      `json:"signing_public_key"`
	EncrPublicKey    flexString      `json:"encr_public_key"`
	ValidFrom        json.RawMessage `json:"valid_from"`
	ValidUntil       json.RawMessage `json:"valid_until"`
	Status           flexString      `json:"status"`
	Created          json.RawMessage `json:"created"`
	Updated          json.RawMessage `json:"updated"`
}

type wireLocation struct {
	City    codeOrString `json:"city"`
	Country codeOrString `json:"country"`
}

// flexString accepts a JSON string, number or null, since registries are
// not consistent about quoting ids.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*f = flexString(b)
	default:
		return fmt.Errorf("want a string, found %s", clip(string(b)))
	}
	return nil
}

// codeOrString is a city or country: "std:080", or {"code":"std:080","name":...}.
type codeOrString string

func (c *codeOrString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var o struct{ Code, Name flexString }
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*c = codeOrString(o.Code)
		if o.Code == "" {
			*c = codeOrString(o.Name)
		}
		return nil
	}
	var f flexString
	if err := f.UnmarshalJSON(b); err != nil {
		return err
	}
	*c = codeOrString(f)
	return nil
}

// UnmarshalJSON decodes any registry's record variant.
func (s *Subscriber) UnmarshalJSON(b []byte) error {
	var w wireRecord
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("registry record: %w", err)
	}
	r := Subscriber{
		SubscriberID:     string(w.SubscriberID),
		URL:              first(w.SubscriberURL, w.URL),
		Type:             strings.ToUpper(strings.TrimSpace(string(w.Type))),
		Domain:           string(w.Domain),
		City:             string(w.City),
		Country:          string(w.Country),
		KeyID:            first(w.UkID, w.UniqueKeyID, w.KeyID, w.PubKeyID),
		SigningPublicKey: strings.TrimSpace(string(w.SigningPublicKey)),
		EncrPublicKey:    strings.TrimSpace(string(w.EncrPublicKey)),
		Status:           strings.ToUpper(strings.TrimSpace(string(w.Status))),
	}
	if w.Location != nil {
		if r.City == "" {
			r.City = string(w.Location.City)
		}
		if r.Country == "" {
			r.Country = string(w.Location.Country)
		}
	}
	for _, t := range []struct {
		name string
		raw  json.RawMessage
		dst  *time.Time
	}{{"valid_from", w.ValidFrom, &r.ValidFrom}, {"valid_until", w.ValidUntil, &r.ValidUntil},
		{"created", w.Created, &r.Created}, {"updated", w.Updated, &r.Updated}} {
		v, err := parseTimeJSON(t.raw)
		if err != nil {
			return &RecordError{Field: t.name, Value: clip(string(t.raw)), Err: err}
		}
		*t.dst = v
	}
	*s = r
	return nil
}

func first(vs ...flexString) string {
	for _, v := range vs {
		if v != "" {
			return string(v)
		}
	}
	return ""
}

// timeLayouts are the timestamp shapes registries write: RFC 3339 with or
// without fraction, with or without a zone, with 'T' or a space, or a date.
// A missing zone means UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// ParseTime reads a registry timestamp leniently (see timeLayouts); an
// integer is Unix seconds, or milliseconds when it is too large for seconds.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		t := time.Unix(n, 0).UTC()
		if n > 1e11 || n < -1e11 {
			t = time.UnixMilli(n).UTC()
		}
		if t.Year() < 1 || t.Year() > 9999 {
			return time.Time{}, fmt.Errorf("Unix time %d is out of range", n)
		}
		return t, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an RFC 3339 timestamp")
}

func parseTimeJSON(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	var f flexString
	if err := f.UnmarshalJSON(raw); err != nil {
		return time.Time{}, err
	}
	return ParseTime(string(f))
}

// MarshalJSON writes the record with every field-name variant in use
// (url and subscriber_url; key_id, unique_key_id, ukId and pub_key_id; flat
// city/country and location.city.code), so that protocol-server, beckn-onix,
// Succinct- and ONDC-style clients all find what they look for. Times are
// RFC 3339 in UTC; empty fields are left out.
func (s Subscriber) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.record())
}

// record is the map MarshalJSON encodes; Subscribe adds the nonce to it.
func (s Subscriber) record() map[string]any {
	m := map[string]any{}
	put := func(v string, names ...string) {
		if v != "" {
			for _, n := range names {
				m[n] = v
			}
		}
	}
	put(s.SubscriberID, "subscriber_id")
	put(s.URL, "url", "subscriber_url")
	put(s.Type, "type")
	put(s.Domain, "domain")
	put(s.City, "city")
	put(s.Country, "country")
	put(s.KeyID, "key_id", "unique_key_id", "ukId", "pub_key_id")
	put(s.SigningPublicKey, "signing_public_key")
	put(s.EncrPublicKey, "encr_public_key")
	put(s.Status, "status")
	if s.City != "" || s.Country != "" {
		loc := map[string]any{}
		if s.City != "" {
			loc["city"] = map[string]string{"code": s.City}
		}
		if s.Country != "" {
			loc["country"] = map[string]string{"code": s.Country}
		}
		m["location"] = loc
	}
	for name, t := range map[string]time.Time{"valid_from": s.ValidFrom, "valid_until": s.ValidUntil, "created": s.Created, "updated": s.Updated} {
		if !t.IsZero() {
			m[name] = t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
		}
	}
	return m
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
