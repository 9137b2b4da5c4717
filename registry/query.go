package registry

import (
	"github.com/onest-seeker/seeker/beckn"
	"strings"
	"time"
)

// Query is a lookup filter. Empty fields match anything. It is used both to
// ask the registry and to re-filter its answer, because registries ignore
// filters they do not know (Succinct ignores ukId and returns the latest key).
type Query struct {
	SubscriberID string
	Type         string
	Domain       string
	City         string
	Country      string
	KeyID        string
}

// body is the lookup request: the core 1.1.0 Subscription shape plus the
// flat and alias names other registries read, so that every filter reaches
// every registry.
func (q Query) body() map[string]any {
	m := map[string]any{}
	put := func(v string, names ...string) {
		if v != "" {
			for _, n := range names {
				m[n] = v
			}
		}
	}
	put(q.SubscriberID, "subscriber_id")
	put(q.Type, "type")
	put(q.Domain, "domain")
	put(q.City, "city")
	put(q.Country, "country")
	put(q.KeyID, "key_id", "unique_key_id", "ukId")
	if q.City != "" || q.Country != "" {
		loc := map[string]any{}
		if q.City != "" {
			loc["city"] = map[string]string{"code": q.City}
		}
		if q.Country != "" {
			loc["country"] = map[string]string{"code": q.Country}
		}
		m["location"] = loc
	}
	return m
}

// Matcher re-filters registry answers. Domains are compared after
// beckn.NormalizeDomain, so a BPP registered under a legacy code
// (dsep:courses) is found by a search for onest:learning-experiences; set
// NormalizeDomain to use another mapping.
type Matcher struct {
	NormalizeDomain func(string) string
}

// Match reports whether s answers q at time now. Subscriber and key id must
// be equal. Type, domain, city and country compare case-insensitively and
// match when the record leaves them blank or says "*" (a registry's "all",
// as Succinct registries treat them); a record's domain, city or country may
// be a comma-separated list, as Succinct registries and the sandbox store
// participants serving several. The record must also be valid at now (see
// Subscriber.ValidAt).
func (m Matcher) Match(q Query, s Subscriber, now time.Time) bool {
	if q.SubscriberID != "" && s.SubscriberID != q.SubscriberID {
		return false
	}
	if q.KeyID != "" && s.KeyID != q.KeyID {
		return false
	}
	if q.Type != "" && !wild(s.Type) && !strings.EqualFold(s.Type, q.Type) {
		return false
	}
	if !listMatch(q.Domain, s.Domain, m.domain) || !listMatch(q.City, s.City, nil) || !listMatch(q.Country, s.Country, nil) {
		return false
	}
	return s.ValidAt(now)
}

// listMatch reports whether want is absent, stored is blank or "*", or one
// of stored's comma-separated values equals want (after norm, if given).
func listMatch(want, stored string, norm func(string) string) bool {
	if want == "" || wild(strings.TrimSpace(stored)) {
		return true
	}
	if norm != nil {
		want = norm(want)
	}
	for v := range strings.SplitSeq(stored, ",") {
		v = strings.TrimSpace(v)
		if norm != nil {
			v = norm(v)
		}
		if strings.EqualFold(v, want) {
			return true
		}
	}
	return false
}

func (m Matcher) domain(d string) string {
	if m.NormalizeDomain != nil {
		return m.NormalizeDomain(d)
	}
	c, _ := beckn.NormalizeDomain(d)
	return c
}

func wild(v string) bool { return v == "" || v == "*" }

// appendKey appends the cache key of q to b. Type is upper-cased because
// registries treat it case-insensitively.
func (q Query) appendKey(b []byte) []byte {
	for i, v := range [...]string{q.SubscriberID, q.KeyID, q.Type, q.Domain, q.City, q.Country} {
		if i > 0 {
			b = append(b, 0)
		}
		if i == 2 {
			for j := 0; j < len(v); j++ {
				c := v[j]
				if 'a' <= c && c <= 'z' {
					c -= 'a' - 'A'
				}
				b = append(b, c)
			}
			continue
		}
		b = append(b, v...)
	}
	return b
}
