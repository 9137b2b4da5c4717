package beckn

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Version is the core version Seeker sends in context.version.
const Version = "1.1.0"

// Context is the routing and correlation header of every Beckn message.
//
// The members named BapID, BapURI, BppID and BppURI hold the core 1.1.0
// keys. Older and sloppier senders use other keys for the same facts: the
// 0.9 context has core_version and flat city/country, and some BPPs write
// BPP_ID/BPP_URI in upper case. Those keys are kept in the Legacy* members
// so nothing is lost, and the accessor methods ([Context.BPPID],
// [Context.CoreVersion], [Context.City], ...) fall back across variants;
// consumers should read through the accessors, or take
// [Context.Normalized] once and read its members. Seeker itself only ever
// fills the 1.1.0 members.
type Context struct {
	Domain        string        `json:"domain,omitzero"`
	Location      *Location     `json:"location,omitzero"`
	Action        string        `json:"action,omitzero"`
	Version       string        `json:"version,omitzero"`
	BapID         string        `json:"bap_id,omitzero"`
	BapURI        string        `json:"bap_uri,omitzero"`
	BppID         string        `json:"bpp_id,omitzero"`
	BppURI        string        `json:"bpp_uri,omitzero"`
	TransactionID string        `json:"transaction_id,omitzero"`
	MessageID     string        `json:"message_id,omitzero"`
	Timestamp     string        `json:"timestamp,omitzero"`
	Key           string        `json:"key,omitzero"`
	TTL           LenientString `json:"ttl,omitzero"`

	// Keys of 0.9-style and non-conforming contexts, kept verbatim.
	LegacyCoreVersion LenientString `json:"core_version,omitzero"`
	LegacyCity        FlatCode      `json:"city,omitzero"`
	LegacyCountry     FlatCode      `json:"country,omitzero"`
	LegacyBapID       string        `json:"BAP_ID,omitzero"`
	LegacyBapURI      string        `json:"BAP_URI,omitzero"`
	LegacyBppID       string        `json:"BPP_ID,omitzero"`
	LegacyBppURI      string        `json:"BPP_URI,omitzero"`
	// LegacyBapURL is "bap_url", a typo of bap_uri in several DSEP examples.
	LegacyBapURL string `json:"bap_url,omitzero"`

	Unknown jsontext.Value `json:",embed"`
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// CoreVersion is the protocol version the sender claims: version, else the
// 0.9 core_version.
func (c Context) CoreVersion() string {
	return firstNonEmpty(c.Version, string(c.LegacyCoreVersion))
}

// BAPID is the BAP's subscriber id: bap_id, else BAP_ID.
func (c Context) BAPID() string { return firstNonEmpty(c.BapID, c.LegacyBapID) }

// BAPURI is the BAP's callback base URL: bap_uri, else BAP_URI or bap_url.
func (c Context) BAPURI() string {
	return firstNonEmpty(c.BapURI, c.LegacyBapURI, c.LegacyBapURL)
}

// BPPID is the BPP's subscriber id: bpp_id, else BPP_ID.
func (c Context) BPPID() string { return firstNonEmpty(c.BppID, c.LegacyBppID) }

// BPPURI is the BPP's base URL: bpp_uri, else BPP_URI.
func (c Context) BPPURI() string { return firstNonEmpty(c.BppURI, c.LegacyBppURI) }

// City is the city code: location.city.code, else the 0.9 flat city.
func (c Context) City() string {
	if c.Location != nil && c.Location.City != nil && c.Location.City.Code != "" {
		return c.Location.City.Code
	}
	return strings.TrimSpace(c.LegacyCity.Code)
}

// Country is the country code: location.country.code, else the 0.9 flat
// country.
func (c Context) Country() string {
	if c.Location != nil && c.Location.Country != nil && c.Location.Country.Code != "" {
		return c.Location.Country.Code
	}
	return strings.TrimSpace(c.LegacyCountry.Code)
}

// NormalizedDomain is the ONEST code of the context's domain (legacy codes
// mapped) and whether the domain is known.
func (c Context) NormalizedDomain() (string, bool) { return NormalizeDomain(c.Domain) }

// Time parses the timestamp as RFC 3339 (surrounding spaces tolerated, as
// real logs carry " 2024-05-10T12:05:53Z").
func (c Context) Time() (time.Time, error) {
	return time.Parse(time.RFC3339Nano, strings.TrimSpace(c.Timestamp))
}

// TTLDuration parses the ISO 8601 ttl.
func (c Context) TTLDuration() (time.Duration, error) { return ParseDuration(string(c.TTL)) }

// Expires returns timestamp + ttl, the end of the message's validity (and of
// the on_search aggregation window).
func (c Context) Expires() (time.Time, error) {
	t, err := c.Time()
	if err != nil {
		return time.Time{}, err
	}
	d, err := c.TTLDuration()
	if err != nil {
		return time.Time{}, err
	}
	return t.Add(d), nil
}

// Normalized returns the context as a strict 1.1.0 context: values found
// under 0.9-style or upper-case keys (core_version, city, country, BPP_ID,
// bap_url, ...) are moved to their 1.1.0 members and the legacy members are
// cleared; unknown members are dropped. Use it where code reads the members
// directly (routing, correlation, storage); the Decode result itself keeps
// the raw keys so that re-encoding loses nothing.
func (c Context) Normalized() Context {
	loc := c.Location
	if loc == nil && (c.City() != "" || c.Country() != "") {
		loc = &Location{}
		if code := c.City(); code != "" {
			loc.City = &City{Code: code}
		}
		if code := c.Country(); code != "" {
			loc.Country = &Country{Code: code}
		}
	}
	return Context{
		Domain:        c.Domain,
		Location:      loc,
		Action:        c.Action,
		Version:       c.CoreVersion(),
		BapID:         c.BAPID(),
		BapURI:        c.BAPURI(),
		BppID:         c.BPPID(),
		BppURI:        c.BPPURI(),
		TransactionID: c.TransactionID,
		MessageID:     c.MessageID,
		Timestamp:     c.Timestamp,
		Key:           c.Key,
		TTL:           c.TTL,
	}
}

// Callback returns the context of a BPP's reply to this request: the same
// transaction and message ids, the callback action (on_<action>, or the meta
// callback name), and the same participants, domain, location and ttl, as a
// strict 1.1.0 context (see [Context.Normalized]). The timestamp is left for
// the sender to set (see [Timestamp]).
func (c Context) Callback() Context {
	cb := c.Normalized()
	cb.Action = CallbackAction(c.Action)
	cb.Timestamp = ""
	return cb
}

// Timestamp formats t as core 1.1.0 context timestamps are sent: RFC 3339
// in UTC with milliseconds, e.g. 2023-02-23T08:09:02.172Z.
func Timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// NewUUID returns a random RFC 4122 version 4 UUID from crypto/rand, for
// transaction and message ids.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// ContextTemplate holds what stays the same across the messages a
// participant sends; New fills in the rest. The engine keeps one per
// network, the sandbox one per reference BPP.
type ContextTemplate struct {
	Domain   string    // an ONEST domain code; legacy codes are normalised
	Location *Location // optional city/country for routing
	BapID    string
	BapURI   string
	BppID    string // empty on a search meant for the gateway
	BppURI   string
	TTL      time.Duration // 0 means DefaultTTL
	Now      func() time.Time
}

// DefaultTTL is the context ttl when a template sets none: long enough for
// a gateway fan-out, short enough to bound the on_search window.
const DefaultTTL = 30 * time.Second

// New returns a fresh context for a request: version 1.1.0, the given
// transaction id (a new UUID when empty), a new message id, the current
// time in UTC with milliseconds, and the template's ttl.
func (t ContextTemplate) New(action, transactionID string) Context {
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	if transactionID == "" {
		transactionID = NewUUID()
	}
	ttl := t.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	domain, _ := NormalizeDomain(t.Domain)
	var loc *Location
	if t.Location != nil {
		l := *t.Location
		loc = &l
	}
	return Context{
		Domain:        domain,
		Location:      loc,
		Action:        action,
		Version:       Version,
		BapID:         t.BapID,
		BapURI:        t.BapURI,
		BppID:         t.BppID,
		BppURI:        t.BppURI,
		TransactionID: transactionID,
		MessageID:     NewUUID(),
		Timestamp:     Timestamp(now()),
		TTL:           LenientString(FormatDuration(ttl)),
	}
}
