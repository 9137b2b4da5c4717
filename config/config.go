// Package config reads Seeker's configuration: one YAML file plus environment
// overrides, over defaults that make `seeker demo` work with neither.
//
// Every setting has one name, used as the YAML key and, upper-cased with
// SEEKER_ in front and dots as underscores, as its environment variable
// (listen.network → SEEKER_LISTEN_NETWORK). Check reports the first wrong or
// missing setting as one sentence naming the setting and the fix, because an
// operator reading a start-up failure needs exactly that and nothing else.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/onest-seeker/seeker/store/storeopen"
)

// Config is the whole configuration of a Seeker BAP.
type Config struct {
	// SubscriberID is this BAP's registered subscriber id (usually its FQDN);
	// it goes into context.bap_id and the keyId of every signature.
	SubscriberID string `yaml:"subscriber_id"`
	// SubscriberURL is the registered base URL of the network side; it goes
	// into context.bap_uri and must equal the registry's subscriber_url,
	// because some gateways deliver on_search to one and some to the other.
	SubscriberURL string `yaml:"subscriber_url"`

	Keys Keys `yaml:"keys"`

	// RegistryURL is the base URL of the network registry (/lookup, /subscribe).
	RegistryURL string `yaml:"registry_url"`
	// GatewayURL is where search goes; empty means discover the gateway in
	// the registry (type BG) for the configured domains.
	GatewayURL string `yaml:"gateway_url"`

	// Domains are the ONEST domains this BAP serves.
	Domains []string `yaml:"domains"`
	// City and Country go into context.location (city code like std:080,
	// country code like IND); empty leaves them out.
	City    string `yaml:"city"`
	Country string `yaml:"country"`

	// TTL is the ttl per action as ISO 8601 durations ("PT30S"); the key
	// "default" applies to actions without their own entry.
	TTL map[string]string `yaml:"ttl"`

	// SearchQuiet ends a synchronous search when no provider has answered
	// for this long since the last answer, so one silent provider does not
	// hold a learner until the ttl runs out.
	SearchQuiet time.Duration `yaml:"search_quiet"`

	Listen Listen `yaml:"listen"`

	// Storage is a SQLite path (default seeker.db) or a postgres:// URL.
	Storage string `yaml:"storage"`

	// APIKeys are the client API keys as name: key. The client API refuses
	// every request without one of them.
	APIKeys map[string]string `yaml:"api_keys"`

	// Webhooks are client name: URL. Every callback of a client's
	// transactions, solicited or not, is POSTed there in order, signed
	// with the client's API key (X-Seeker-Signature: sha256=<HMAC>).
	Webhooks map[string]string `yaml:"webhooks"`

	// BodyLimit bounds every request body Seeker reads, in bytes. ONEST
	// catalogs run to megabytes, so the default is 20 MB.
	BodyLimit Size `yaml:"body_limit"`

	// ClockSkew is how far a signature's created time may lie in the future.
	ClockSkew time.Duration `yaml:"clock_skew"`

	// LateCallbacks is what happens to a callback after its request's ttl:
	// "accept" (store it, mark it late, ACK) or "nack".
	LateCallbacks string `yaml:"late_callbacks"`

	Validation Validation `yaml:"validation"`

	Telemetry Telemetry `yaml:"telemetry"`

	// Catalog is the catalog cache and search index (config/catalog.go).
	Catalog Catalog `yaml:"catalog"`

	// Web is the learner web app (config/web.go); it listens on listen.web.
	Web Web `yaml:"web"`

	// AllowPrivateFetch lets Seeker fetch provider URLs (forms) on loopback
	// and private addresses. Off in production; the sandbox needs it on.
	AllowPrivateFetch bool `yaml:"allow_private_fetch"`

	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
}

// Keys are this participant's key pairs and registry key id.
type Keys struct {
	// UniqueKeyID is the key id registered with the registry (ukId).
	UniqueKeyID string `yaml:"unique_key_id"`
	// SigningPrivateKey is the Ed25519 private key, base64: a 32-byte seed
	// or a 64-byte seed‖public key.
	SigningPrivateKey string `yaml:"signing_private_key"`
	// EncryptionPrivateKey is the X25519 private key, base64; it answers
	// the registry's on_subscribe challenge.
	EncryptionPrivateKey string `yaml:"encryption_private_key"`
	// RegistryEncryptionPublicKey is the registry's X25519 public key, used
	// with ours to decrypt the on_subscribe challenge.
	RegistryEncryptionPublicKey string `yaml:"registry_encryption_public_key"`
	// RegistrySigningPublicKey, when set, is used to verify that
	// on_subscribe calls really come from the registry.
	RegistrySigningPublicKey string `yaml:"registry_signing_public_key"`
}

// Listen holds the two listen addresses: the network side that providers and
// the gateway call, and the client side for apps and the learner web app.
type Listen struct {
	Network string `yaml:"network"`
	Client  string `yaml:"client"`
	// Web is where the learner web app listens; empty switches it off.
	Web string `yaml:"web"`
}

// Telemetry sends an event for every API call to the network's
// observability service (ONEST Obsrv), in batches kept in the store until
// delivered.
type Telemetry struct {
	// URL is the ingest URL; empty switches telemetry off.
	URL string `yaml:"url"`
	// BatchSize and Interval cut a batch at this many events or after this
	// long, whichever comes first.
	BatchSize int           `yaml:"batch_size"`
	Interval  time.Duration `yaml:"interval"`
	// Name names the queue of batches in the database; default "default".
	// Instances of one BAP share it (same name), and each batch is sent
	// once across them. Different names keep separate queues.
	Name string `yaml:"name"`
}

// Validation sets the payload validation mode per direction: off, warn or strict.
type Validation struct {
	Inbound  string `yaml:"inbound"`
	Outbound string `yaml:"outbound"`
}

// Default returns the configuration used when nothing is configured: a BAP on
// loopback with embedded storage and the four ONEST domains. Keys, ids and
// the registry are left empty; `seeker demo` and `seeker init` fill them.
func Default() Config {
	return Config{
		Domains: []string{
			"onest:learning-experiences", "onest:work-opportunities",
			"onest:financial-support", "onest:expert-connect",
		},
		Country: "IND",
		TTL: map[string]string{
			"default": "PT30S",
			"search":  "PT30S",
		},
		SearchQuiet:   3 * time.Second,
		Telemetry:     Telemetry{BatchSize: 100, Interval: 5 * time.Minute},
		Listen:        Listen{Network: "127.0.0.1:8081", Client: "127.0.0.1:8080", Web: "127.0.0.1:8082"},
		Catalog:       defaultCatalog(),
		Web:           defaultWeb(),
		Storage:       "seeker.db",
		BodyLimit:     20 << 20,
		ClockSkew:     30 * time.Second,
		LateCallbacks: "accept",
		Validation:    Validation{Inbound: "warn", Outbound: "strict"},
		LogLevel:      "info",
	}
}

// Load reads path over the defaults (an empty path reads no file) and then
// applies environment overrides from environ (os.Environ() in production).
func Load(path string, environ []string) (Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("reading the configuration file: %w", err)
		}
		if err := Parse(data, &c); err != nil {
			return c, fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := applyEnv(&c, environ); err != nil {
		return c, err
	}
	return c, nil
}

// Parse decodes YAML onto c, rejecting unknown keys: a misspelt setting that
// silently falls back to its default is worse than a start-up error.
func Parse(data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file keeps the defaults
		}
		return fmt.Errorf("invalid configuration: %w", err)
	}
	return nil
}

// applyEnv overrides fields from SEEKER_* variables. Lists are comma
// separated; maps are "k=v,k=v" (api_keys, ttl).
func applyEnv(c *Config, environ []string) error {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "SEEKER_") {
			env[k] = v
		}
	}
	if len(env) == 0 {
		return nil
	}
	known := map[string]bool{}
	err := walk(reflect.ValueOf(c).Elem(), "", func(name string, f reflect.Value) error {
		key := "SEEKER_" + strings.ToUpper(strings.ReplaceAll(name, ".", "_"))
		known[key] = true
		v, ok := env[key]
		if !ok {
			return nil
		}
		if err := setFromString(f, v); err != nil {
			return fmt.Errorf("environment variable %s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// A misspelt variable would silently leave its setting at the default;
	// say so instead. SEEKER_TEST_* belong to the test suites.
	for key := range env {
		if !known[key] && !strings.HasPrefix(key, "SEEKER_TEST_") {
			return fmt.Errorf("environment variable %s is not a Seeker setting; the name is SEEKER_ and the setting's name in capitals with dots as underscores (SEEKER_LISTEN_NETWORK for listen.network)", key)
		}
	}
	return nil
}

// walk visits every leaf field with its dotted YAML name.
func walk(v reflect.Value, prefix string, visit func(name string, f reflect.Value) error) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if prefix != "" {
			name = prefix + "." + name
		}
		f := v.Field(i)
		if f.Kind() == reflect.Struct && f.Type() != reflect.TypeOf(time.Duration(0)) {
			if err := walk(f, name, visit); err != nil {
				return err
			}
			continue
		}
		if err := visit(name, f); err != nil {
			return err
		}
	}
	return nil
}

func setFromString(f reflect.Value, s string) error {
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", s)
		}
		f.SetBool(b)
	case reflect.Int64:
		if f.Type() == reflect.TypeOf(time.Duration(0)) {
			d, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("want a duration like 30s, got %q", s)
			}
			f.SetInt(int64(d))
			return nil
		}
		n, err := ParseSize(s)
		if err != nil {
			return err
		}
		f.SetInt(n)
	case reflect.Slice:
		var items []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				items = append(items, p)
			}
		}
		f.Set(reflect.ValueOf(items))
	case reflect.Map:
		m := map[string]string{}
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			k, v, ok := strings.Cut(p, "=")
			if !ok {
				return fmt.Errorf("want name=value pairs separated by commas, got %q", p)
			}
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		f.Set(reflect.ValueOf(m))
	default:
		return fmt.Errorf("unsupported setting type %s", f.Type())
	}
	return nil
}

// Size is a byte count written as a number or with a unit (20MB, 512KiB).
type Size int64

// UnmarshalYAML accepts both forms, so a commented file can say 20MB.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseSize(n.Value)
	if err != nil {
		return err
	}
	*s = Size(v)
	return nil
}

// ParseSize reads a byte count such as 20971520, 20MB or 512KiB.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a size like 20MB, got %q", s)
	}
	return n * mult, nil
}

// Problem is a configuration error that names the setting and the fix.
type Problem struct {
	Setting string
	Fix     string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("setting %s: %s", p.Setting, p.Fix)
}

// Check returns the first wrong or missing setting for `seeker serve`.
func (c *Config) Check() error {
	req := func(setting, value, fix string) error {
		if strings.TrimSpace(value) == "" {
			return &Problem{setting, fix}
		}
		return nil
	}
	checks := []error{
		req("subscriber_id", c.SubscriberID, "is empty; set it to the subscriber id you registered (or run `seeker init`)"),
		req("subscriber_url", c.SubscriberURL, "is empty; set it to the public base URL of the network side, e.g. https://bap.example.org/beckn"),
		req("keys.unique_key_id", c.Keys.UniqueKeyID, "is empty; set it to the key id registered with the registry (`seeker keys generate` suggests one)"),
		req("keys.signing_private_key", c.Keys.SigningPrivateKey, "is empty; set it to your Ed25519 private key in base64 (`seeker keys generate`)"),
		req("registry_url", c.RegistryURL, "is empty; set it to the network registry's base URL"),
		req("storage", c.Storage, "is empty; set it to a SQLite file path such as seeker.db or to a postgres:// URL"),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if _, _, err := storeopen.Parse(c.Storage); err != nil {
		return &Problem{"storage", err.Error() + "; use a SQLite file path such as seeker.db or a postgres:// URL"}
	}
	if err := checkURL("subscriber_url", c.SubscriberURL); err != nil {
		return err
	}
	if err := checkURL("registry_url", c.RegistryURL); err != nil {
		return err
	}
	if c.GatewayURL != "" {
		if err := checkURL("gateway_url", c.GatewayURL); err != nil {
			return err
		}
	}
	if strings.HasSuffix(c.SubscriberURL, "/") {
		return &Problem{"subscriber_url", "ends with a slash; remove it, because gateways append /on_search and a doubled slash breaks some of them"}
	}
	if len(c.Domains) == 0 {
		return &Problem{"domains", "is empty; list at least one ONEST domain such as onest:learning-experiences"}
	}
	for _, addr := range []struct{ name, v string }{{"listen.network", c.Listen.Network}, {"listen.client", c.Listen.Client}} {
		if _, _, err := net.SplitHostPort(addr.v); err != nil {
			return &Problem{addr.name, fmt.Sprintf("%q is not host:port; use e.g. 127.0.0.1:8081", addr.v)}
		}
	}
	if c.BodyLimit < 64<<10 {
		return &Problem{"body_limit", fmt.Sprintf("%d bytes is too small for ONEST catalogs; use at least 64KB (default 20MB)", c.BodyLimit)}
	}
	if c.Telemetry.URL != "" {
		if err := checkURL("telemetry.url", c.Telemetry.URL); err != nil {
			return err
		}
		if c.Telemetry.BatchSize < 1 || c.Telemetry.BatchSize > 10000 {
			return &Problem{"telemetry.batch_size", "must be between 1 and 10000 (default 100)"}
		}
		if c.Telemetry.Interval < time.Second {
			return &Problem{"telemetry.interval", "must be at least 1s (default 5m)"}
		}
	}
	if c.SearchQuiet < 100*time.Millisecond || c.SearchQuiet > 5*time.Minute {
		return &Problem{"search_quiet", "must be between 100ms and 5m (default 3s)"}
	}
	if c.ClockSkew < 0 || c.ClockSkew > 10*time.Minute {
		return &Problem{"clock_skew", "must be between 0s and 10m (default 30s)"}
	}
	switch c.LateCallbacks {
	case "accept", "nack":
	default:
		return &Problem{"late_callbacks", fmt.Sprintf("%q is not a policy; use accept or nack", c.LateCallbacks)}
	}
	for _, m := range []struct{ name, v string }{{"validation.inbound", c.Validation.Inbound}, {"validation.outbound", c.Validation.Outbound}} {
		switch m.v {
		case "off", "warn", "strict":
		default:
			return &Problem{m.name, fmt.Sprintf("%q is not a mode; use off, warn or strict", m.v)}
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return &Problem{"log_level", fmt.Sprintf("%q is not a level; use debug, info, warn or error", c.LogLevel)}
	}
	for name, u := range c.Webhooks {
		if err := checkURL("webhooks."+name, u); err != nil {
			return err
		}
		found := false
		for client := range c.APIKeys {
			found = found || client == name
		}
		if !found {
			return &Problem{"webhooks." + name, "names a client without an API key; add " + name + " to api_keys (its key signs the deliveries)"}
		}
	}
	for name, key := range c.APIKeys {
		if len(key) < 16 {
			return &Problem{"api_keys." + name, "is shorter than 16 characters; use a long random key (`seeker init` makes one)"}
		}
	}
	if err := c.checkCatalog(); err != nil {
		return err
	}
	return c.checkWeb()
}

func checkURL(setting, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Problem{setting, fmt.Sprintf("%q is not an http(s) URL; write it like https://host/path", v)}
	}
	return nil
}
