package registry

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	pubRaw = "awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk="
	pubDER = "MCowBQYDK2VwAyEAawGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk="
	encDER = "MCowBQYDK2VuAyEA3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
)

func TestSubscriberDecodesEveryVariant(t *testing.T) {
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name, in string
		want     Subscriber
	}{
		{"core 1.1.0 spec", `{"subscriber_id":"bpp.a.org","url":"https://bpp.a.org/beckn","type":"BPP","domain":"onest:learning-experiences",
			"location":{"city":{"code":"std:080","name":"Bengaluru"},"country":{"code":"IND"}},"key_id":"k1","signing_public_key":"` + pubRaw + `",
			"encr_public_key":"` + encDER + `","valid_from":"2024-01-01T00:00:00.000Z","valid_until":"2030-01-01T00:00:00Z","status":"SUBSCRIBED"}`,
			Subscriber{SubscriberID: "bpp.a.org", URL: "https://bpp.a.org/beckn", Type: "BPP", Domain: "onest:learning-experiences", City: "std:080",
				Country: "IND", KeyID: "k1", SigningPublicKey: pubRaw, EncrPublicKey: encDER, ValidFrom: from, ValidUntil: until, Status: "SUBSCRIBED"}},
		{"Succinct", `{"subscriber_url":"https://bpp.a.org/beckn","subscriber_id":"bpp.a.org","type":"bpp","domain":"dsep:courses","city":"std:080",
			"country":"IND","unique_key_id":"k2","signing_public_key":"` + pubDER + `","valid_from":"2024-01-01T00:00:00","valid_until":"2030-01-01 00:00:00","status":"subscribed"}`,
			Subscriber{SubscriberID: "bpp.a.org", URL: "https://bpp.a.org/beckn", Type: "BPP", Domain: "dsep:courses", City: "std:080",
				Country: "IND", KeyID: "k2", SigningPublicKey: pubDER, ValidFrom: from, ValidUntil: until, Status: "SUBSCRIBED"}},
		{"ONDC", `{"subscriber_id":"bpp.a.org","ukId":"k3","br_id":"x","subscriber_url":"https://bpp.a.org","type":"BPP","city":"*","country":"IND",
			"signing_public_key":"` + pubRaw + `","encr_public_key":"` + encDER + `","valid_from":"2024-01-01T05:30:00+05:30","valid_until":"2030-01-01T00:00:00.123456Z"}`,
			Subscriber{SubscriberID: "bpp.a.org", URL: "https://bpp.a.org", Type: "BPP", City: "*", Country: "IND", KeyID: "k3", SigningPublicKey: pubRaw,
				EncrPublicKey: encDER, ValidFrom: from, ValidUntil: until.Add(123456 * time.Microsecond)}},
		{"pub_key_id and numbers", `{"subscriber_id":"bg.a.org","pub_key_id":42,"type":"BG","valid_until":1893456000,"created":1704067200000}`,
			Subscriber{SubscriberID: "bg.a.org", KeyID: "42", Type: "BG", ValidUntil: until, Created: from}},
		{"nulls and unknown fields", `{"subscriber_id":"bap.a.org","url":null,"key_id":null,"valid_from":null,"extra":{"x":1}}`,
			Subscriber{SubscriberID: "bap.a.org"}},
		{"ukId wins over key_id", `{"subscriber_id":"a","key_id":"old","ukId":"new"}`, Subscriber{SubscriberID: "a", KeyID: "new"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s Subscriber
			if err := json.Unmarshal([]byte(c.in), &s); err != nil {
				t.Fatal(err)
			}
			if !s.ValidFrom.Equal(c.want.ValidFrom) || !s.ValidUntil.Equal(c.want.ValidUntil) || !s.Created.Equal(c.want.Created) {
				t.Fatalf("times: got %v..%v created %v, want %v..%v created %v", s.ValidFrom, s.ValidUntil, s.Created, c.want.ValidFrom, c.want.ValidUntil, c.want.Created)
			}
			s.ValidFrom, s.ValidUntil, s.Created = c.want.ValidFrom, c.want.ValidUntil, c.want.Created
			if s != c.want {
				t.Fatalf("got  %+v\nwant %+v", s, c.want)
			}
		})
	}
}

func TestSubscriberKeysDecodeRawAndDER(t *testing.T) {
	for _, k := range []string{pubRaw, pubDER} {
		pub, err := Subscriber{SigningPublicKey: k}.SigningKey()
		if err != nil || len(pub) != 32 {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if _, err := (Subscriber{EncrPublicKey: encDER}).EncryptionKey(); err != nil {
		t.Fatal(err)
	}
	if _, err := (Subscriber{SigningPublicKey: encDER}).SigningKey(); err == nil || !strings.Contains(err.Error(), "X25519") {
		t.Fatalf("swapped keys not explained: %v", err)
	}
}

func TestSubscriberRejectsBadTimestamp(t *testing.T) {
	var s Subscriber
	err := json.Unmarshal([]byte(`{"subscriber_id":"a","valid_until":"next tuesday"}`), &s)
	var re *RecordError
	if !errors.As(err, &re) || re.Field != "valid_until" || !strings.Contains(err.Error(), "next tuesday") {
		t.Fatalf("err = %v", err)
	}
	if err := json.Unmarshal([]byte(`{"subscriber_id":{"x":1}}`), &s); err == nil {
		t.Fatal("object as subscriber_id accepted")
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, in := range []string{"2025-03-04T05:06:07Z", "2025-03-04T05:06:07.000Z", "2025-03-04T05:06:07", "2025-03-04 05:06:07",
		"2025-03-04T10:36:07+05:30", "2025-03-04T10:36:07.0+0530", "1741064767", "1741064767000"} {
		got, err := ParseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if d, err := ParseTime("2025-03-04"); err != nil || !d.Equal(time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date only: %v %v", d, err)
	}
	if z, err := ParseTime(" "); err != nil || !z.IsZero() {
		t.Errorf("blank: %v %v", z, err)
	}
	for _, bad := range []string{"04/03/2025", "9223372036854775807", "-99999999999999"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestSubscriberEncodesEveryNameAndRoundTrips(t *testing.T) {
	s := Subscriber{SubscriberID: "bpp.a.org", URL: "https://bpp.a.org/beckn", Type: "BPP", Domain: "onest:work-opportunities", City: "std:080",
		Country: "IND", KeyID: "k1", SigningPublicKey: pubRaw, EncrPublicKey: encDER, Status: StatusSubscribed,
		ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"url", "subscriber_url", "key_id", "unique_key_id", "ukId", "pub_key_id", "city", "country", "location"} {
		if _, ok := m[name]; !ok {
			t.Errorf("encoded record lacks %q: %s", name, b)
		}
	}
	if m["valid_until"] != "2030-01-01T00:00:00.000Z" {
		t.Errorf("valid_until = %v", m["valid_until"])
	}
	if _, ok := m["created"]; ok {
		t.Error("zero created was encoded")
	}
	var back Subscriber
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != s {
		t.Fatalf("round trip\n got %+v\nwant %+v", back, s)
	}
	// Each client variant reads its own names from the encoding.
	var variants struct {
		URL           string `json:"url"`
		SubscriberURL string `json:"subscriber_url"`
		KeyID         string `json:"key_id"`
		UniqueKeyID   string `json:"unique_key_id"`
		UkID          string `json:"ukId"`
	}
	if err := json.Unmarshal(b, &variants); err != nil {
		t.Fatal(err)
	}
	if variants.URL != s.URL || variants.SubscriberURL != s.URL || variants.KeyID != "k1" || variants.UniqueKeyID != "k1" || variants.UkID != "k1" {
		t.Fatalf("variants: %+v", variants)
	}
}

func TestValidAt(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		s    Subscriber
		want bool
	}{
		{"no status no dates", Subscriber{}, true},
		{"subscribed in window", Subscriber{Status: StatusSubscribed, ValidFrom: now.Add(-time.Hour), ValidUntil: now.Add(time.Hour)}, true},
		{"under subscription", Subscriber{Status: StatusUnderSubscription}, false},
		{"not yet valid", Subscriber{ValidFrom: now.Add(time.Second)}, false},
		{"expired", Subscriber{ValidUntil: now.Add(-time.Second)}, false},
		{"valid until exactly now", Subscriber{ValidUntil: now}, true},
	}
	for _, c := range cases {
		if got := c.s.ValidAt(now); got != c.want {
			t.Errorf("%s: ValidAt = %v", c.name, got)
		}
	}
}
