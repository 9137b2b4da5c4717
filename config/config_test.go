package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func valid() Config {
	c := Default()
	c.SubscriberID = "bap.example.org"
	c.SubscriberURL = "https://bap.example.org/beckn"
	c.Keys.UniqueKeyID = "k1"
	c.Keys.SigningPrivateKey = "seed"
	c.RegistryURL = "https://registry.example.org"
	return c
}

func TestCheckNamesTheSettingAndTheFix(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		setting string
	}{
		{"missing subscriber id", func(c *Config) { c.SubscriberID = "" }, "subscriber_id"},
		{"missing key", func(c *Config) { c.Keys.SigningPrivateKey = "" }, "keys.signing_private_key"},
		{"bad registry url", func(c *Config) { c.RegistryURL = "registry" }, "registry_url"},
		{"trailing slash", func(c *Config) { c.SubscriberURL += "/" }, "subscriber_url"},
		{"bad listen", func(c *Config) { c.Listen.Client = "8080" }, "listen.client"},
		{"tiny body limit", func(c *Config) { c.BodyLimit = 10 }, "body_limit"},
		{"bad late policy", func(c *Config) { c.LateCallbacks = "drop" }, "late_callbacks"},
		{"bad validation mode", func(c *Config) { c.Validation.Inbound = "loud" }, "validation.inbound"},
		{"short api key", func(c *Config) { c.APIKeys = map[string]string{"app": "short"} }, "api_keys.app"},
		{"no domains", func(c *Config) { c.Domains = nil }, "domains"},
		{"webhook without key", func(c *Config) { c.Webhooks = map[string]string{"app": "https://app.example.org/hook"} }, "webhooks.app"},
		{"webhook not a URL", func(c *Config) {
			c.APIKeys = map[string]string{"app": "0123456789abcdef0123"}
			c.Webhooks = map[string]string{"app": "app.example.org"}
		}, "webhooks.app"},
		{"unknown storage", func(c *Config) { c.Storage = "mysql://db/seeker" }, "storage"},
		{"instant quiet period", func(c *Config) { c.SearchQuiet = time.Millisecond }, "search_quiet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(&c)
			err := c.Check()
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("Check() = %v, want a *Problem", err)
			}
			if p.Setting != tt.setting || p.Fix == "" {
				t.Fatalf("problem names %q (fix %q), want %q", p.Setting, p.Fix, tt.setting)
			}
			if !strings.HasPrefix(err.Error(), "setting "+tt.setting+": ") {
				t.Fatalf("message %q does not start with the setting", err)
			}
		})
	}
	c := valid()
	if err := c.Check(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
}

func TestLoadFileThenEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "seeker.yaml")
	yaml := `subscriber_id: bap.example.org
subscriber_url: https://bap.example.org/beckn
domains: [onest:work-opportunities]
ttl:
  search: PT5S
listen:
  network: 127.0.0.1:9001
body_limit: 1MB
clock_skew: 45s
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile, err := Load(path, nil)
	if err != nil || fromFile.BodyLimit != 1<<20 || fromFile.ClockSkew != 45*time.Second {
		t.Fatalf("file sizes/durations not read: body_limit %d, clock_skew %s (%v)", fromFile.BodyLimit, fromFile.ClockSkew, err)
	}
	c, err := Load(path, []string{
		"SEEKER_LISTEN_CLIENT=127.0.0.1:9002",
		"SEEKER_DOMAINS=onest:financial-support, onest:expert-connect",
		"SEEKER_API_KEYS=app=0123456789abcdef0123",
		"SEEKER_BODY_LIMIT=2MB",
		"SEEKER_CLOCK_SKEW=5s",
		"SEEKER_ALLOW_PRIVATE_FETCH=true",
		"PATH=/usr/bin",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.SubscriberID != "bap.example.org" || c.Listen.Network != "127.0.0.1:9001" || c.TTL["search"] != "PT5S" {
		t.Fatalf("file values not applied: %+v", c)
	}
	if c.Listen.Client != "127.0.0.1:9002" || c.BodyLimit != 2<<20 || c.ClockSkew != 5*time.Second || !c.AllowPrivateFetch {
		t.Fatalf("environment not applied: %+v", c)
	}
	if len(c.Domains) != 2 || c.Domains[1] != "onest:expert-connect" {
		t.Fatalf("domains = %q", c.Domains)
	}
	if c.APIKeys["app"] != "0123456789abcdef0123" {
		t.Fatalf("api keys = %v", c.APIKeys)
	}
	if c.Storage != "seeker.db" {
		t.Fatalf("default storage lost: %q", c.Storage)
	}
}

func TestUnknownKeyIsRejected(t *testing.T) {
	var c Config
	err := Parse([]byte("subscriber_idd: x\n"), &c)
	if err == nil || !strings.Contains(err.Error(), "subscriber_idd") {
		t.Fatalf("Parse accepted a misspelt key: %v", err)
	}
}

func TestBadEnvironmentValueNamesTheVariable(t *testing.T) {
	_, err := Load("", []string{"SEEKER_BODY_LIMIT=lots"})
	if err == nil || !strings.Contains(err.Error(), "SEEKER_BODY_LIMIT") {
		t.Fatalf("err = %v", err)
	}
}

func TestMisspeltEnvironmentVariableIsRefused(t *testing.T) {
	_, err := Load("", []string{"SEEKER_STORGE=/tmp/x.db"})
	if err == nil || !strings.Contains(err.Error(), "SEEKER_STORGE") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Load("", []string{"SEEKER_TEST_POSTGRES=postgres://x", "SEEKER_TELEMETRY_URL=https://obsrv.example.org/in"}); err != nil {
		t.Fatalf("test and nested variables refused: %v", err)
	}
}

func TestEmptyFileKeepsDefaults(t *testing.T) {
	c := Default()
	if err := Parse([]byte("\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c.Storage != "seeker.db" {
		t.Fatalf("defaults lost")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"20MB": 20 << 20, "512KiB": 512 << 10, "100": 100, "1g": 1 << 30} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "MB", "1.5MB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}
