package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
)

// lookupFilter is a parsed /lookup request. Empty fields match anything.
type lookupFilter struct {
	SubscriberID string
	Type         string
	Domain       string
	City         string
	Country      string
	KeyID        string
	// Status matches the record's status; empty means SUBSCRIBED only,
	// because a lookup is how peers decide whom to trust.
	Status string
	// AnyStatus is set by the admin listing, which shows every record.
	AnyStatus bool
}

// ParseLookupRequest reads a /lookup body in any of the shapes clients send
// (reference beckn-core-1.1.0.md §4.3): the core 1.1.0 Subscription
// (key_id, location.city.code), Succinct's flat fields (unique_key_id, city,
// country), ONDC's ukId and protocol-server's ukId, with ids as strings or
// numbers. It reuses registry.Subscriber's decoder, which already accepts
// every variant, and then normalises the domain (legacy codes such as
// dsep:courses map to the ONEST code) and the type. An empty body or {}
// matches everything.
func ParseLookupRequest(body []byte) (lookupFilter, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return lookupFilter{}, nil
	}
	if body[0] != '{' {
		return lookupFilter{}, fmt.Errorf("lookup request must be a JSON object such as {\"type\":\"BPP\",\"domain\":\"onest:work-opportunities\"}")
	}
	var s registry.Subscriber
	if err := json.Unmarshal(body, &s); err != nil {
		return lookupFilter{}, fmt.Errorf("lookup request: %w", err)
	}
	f := lookupFilter{
		SubscriberID: strings.TrimSpace(s.SubscriberID),
		Type:         strings.ToUpper(strings.TrimSpace(s.Type)),
		City:         strings.TrimSpace(s.City),
		Country:      strings.TrimSpace(s.Country),
		KeyID:        strings.TrimSpace(s.KeyID),
		Status:       strings.ToUpper(strings.TrimSpace(s.Status)),
	}
	if d := strings.TrimSpace(s.Domain); d != "" {
		f.Domain, _ = beckn.NormalizeDomain(d)
	}
	return f, nil
}

// lookupFromQuery turns GET /lookup?type=BPP&domain=... into the JSON form,
// so curl users and scripts get the same parser and the same rules.
func lookupFromQuery(q url.Values) ([]byte, error) {
	m := map[string]string{}
	for k, v := range q {
		if len(v) > 0 {
			m[k] = v[0]
		}
	}
	return json.Marshal(m)
}

// wildcard reports whether a stored region means "everywhere". Registries
// store an empty value or "*" (ONEST's sandbox registration form offers
// city code "*").
func wildcard(v string) bool { v = strings.TrimSpace(v); return v == "" || v == "*" }

// regionMatch compares a wanted city or country with a stored one, which may
// be a comma-separated list; codes compare case-insensitively.
func regionMatch(want, stored string) bool {
	if wildcard(want) || wildcard(stored) || strings.EqualFold(strings.TrimSpace(want), strings.TrimSpace(stored)) {
		return true
	}
	for _, s := range strings.Split(stored, ",") {
		if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(want)) {
			return true
		}
	}
	return false
}

// match applies the Succinct registry's rules: ids and key ids compare
// exactly; a blank stored type, domain or region matches any request, so a
// participant registered without a city is found by every city.
func (f lookupFilter) match(r registry.Subscriber) bool {
	switch {
	case f.SubscriberID != "" && r.SubscriberID != f.SubscriberID:
		return false
	case f.KeyID != "" && r.KeyID != f.KeyID:
		return false
	case f.Type != "" && r.Type != "" && r.Type != f.Type:
		return false
	case f.Domain != "" && !wildcard(r.Domain) && r.Domain != f.Domain:
		return false
	case !regionMatch(f.City, r.City), !regionMatch(f.Country, r.Country):
		return false
	case f.AnyStatus:
		return true
	case f.Status != "":
		return r.Status == f.Status
	}
	return r.Status == registry.StatusSubscribed
}

// handleLookup serves POST /lookup (and GET with query parameters). The
// answer is a JSON array of records, each carrying every field-name variant
// (registry.Subscriber.MarshalJSON), so protocol-server (subscriber_url,
// ukId), beckn-onix (url, key_id) and Succinct clients (unique_key_id) all
// read it.
func (rg *Registry) handleLookup(w http.ResponseWriter, r *http.Request) {
	var body []byte
	var err error
	if r.Method == http.MethodGet {
		body, err = lookupFromQuery(r.URL.Query())
	} else {
		body, err = readBody(r)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	f, err := ParseLookupRequest(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	recs := rg.store.find(f)
	if recs == nil {
		recs = []registry.Subscriber{}
	}
	writeJSON(w, http.StatusOK, recs)
}
