package registry

import (
	"testing"
	"time"
)

func TestMatcher(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	rec := Subscriber{SubscriberID: "bpp.a.org", Type: "BPP", Domain: "dsep:courses", City: "std:080", Country: "IND", KeyID: "k1", Status: StatusSubscribed}
	legacy := func(d string) string {
		if d == "dsep:courses" {
			return "onest:learning-experiences"
		}
		return d
	}
	cases := []struct {
		name string
		m    Matcher
		q    Query
		s    Subscriber
		want bool
	}{
		{"empty query", Matcher{}, Query{}, rec, true},
		{"subscriber exact", Matcher{}, Query{SubscriberID: "bpp.a.org"}, rec, true},
		{"subscriber differs", Matcher{}, Query{SubscriberID: "bpp.a.or"}, rec, false},
		{"subscriber case matters", Matcher{}, Query{SubscriberID: "BPP.a.org"}, rec, false},
		{"key id", Matcher{}, Query{KeyID: "k1"}, rec, true},
		{"other key id (registry ignored the filter)", Matcher{}, Query{KeyID: "k0"}, rec, false},
		{"type any case", Matcher{}, Query{Type: "bpp"}, rec, true},
		{"type differs", Matcher{}, Query{Type: "BG"}, rec, false},
		{"domain exact", Matcher{}, Query{Domain: "dsep:courses"}, rec, true},
		{"domain legacy code", Matcher{}, Query{Domain: "onest:learning-experiences"}, rec, true},
		{"domain legacy code, other domain", Matcher{}, Query{Domain: "onest:work-opportunities"}, rec, false},
		{"domain custom normaliser", Matcher{NormalizeDomain: legacy}, Query{Domain: "onest:learning-experiences"}, rec, true},
		{"domain custom normaliser, no mapping", Matcher{NormalizeDomain: func(d string) string { return d }}, Query{Domain: "onest:learning-experiences"}, rec, false},
		{"domain blank in record", Matcher{}, Query{Domain: "onest:work-opportunities"}, Subscriber{}, true},
		{"city", Matcher{}, Query{City: "std:080"}, rec, true},
		{"city differs", Matcher{}, Query{City: "std:011"}, rec, false},
		{"city wildcard", Matcher{}, Query{City: "std:011"}, Subscriber{City: "*"}, true},
		{"country differs", Matcher{}, Query{Country: "USA"}, rec, false},
		{"type blank in record", Matcher{}, Query{Type: "BPP"}, Subscriber{}, true},
		{"city list", Matcher{}, Query{City: "std:011"}, Subscriber{City: "std:080, std:011"}, true},
		{"city list without it", Matcher{}, Query{City: "std:022"}, Subscriber{City: "std:080,std:011"}, false},
		{"domain list with legacy code", Matcher{}, Query{Domain: "onest:learning-experiences"}, Subscriber{Domain: "onest:work-opportunities, dsep:courses"}, true},
		{"domain list without it", Matcher{}, Query{Domain: "onest:expert-connect"}, Subscriber{Domain: "onest:work-opportunities,onest:learning-experiences"}, false},
		{"not subscribed", Matcher{}, Query{}, Subscriber{Status: StatusUnsubscribed}, false},
		{"expired", Matcher{}, Query{}, Subscriber{ValidUntil: now.Add(-time.Minute)}, false},
	}
	for _, c := range cases {
		if got := c.m.Match(c.q, c.s, now); got != c.want {
			t.Errorf("%s: Match = %v", c.name, got)
		}
	}
}

func TestQueryBodySendsEveryName(t *testing.T) {
	b := Query{SubscriberID: "a", KeyID: "k", City: "std:080", Country: "IND", Type: "BPP", Domain: "d"}.body()
	for _, n := range []string{"subscriber_id", "key_id", "unique_key_id", "ukId", "city", "country", "location", "type", "domain"} {
		if _, ok := b[n]; !ok {
			t.Errorf("lookup body lacks %q", n)
		}
	}
	if len(Query{}.body()) != 0 {
		t.Error("empty query sends filters")
	}
	if k1, k2 := string((Query{SubscriberID: "a", Type: "bpp"}).appendKey(nil)), string((Query{SubscriberID: "a", Type: "BPP"}).appendKey(nil)); k1 != k2 {
		t.Error("cache key depends on type case")
	}
	if k1, k2 := string((Query{SubscriberID: "ab"}).appendKey(nil)), string((Query{SubscriberID: "a", KeyID: "b"}).appendKey(nil)); k1 == k2 {
		t.Error("cache keys of different queries collide")
	}
}
