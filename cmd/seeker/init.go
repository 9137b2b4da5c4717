package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/template"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/signing"
)

func init() { subcommands = append(subcommands, newInitCmd) }

// configTemplate is the commented configuration `seeker init` writes. Every
// key is a setting of package config; the comments are the operator's guide
// at the place where it is needed.
var configTemplate = template.Must(template.New("seeker.yaml").Parse(`# Seeker configuration, written by "seeker init" on {{.Now}}.
# Every setting can be overridden by an environment variable: SEEKER_ and the
# upper-cased name, dots as underscores (listen.network -> SEEKER_LISTEN_NETWORK).

# Your registered subscriber id (usually the FQDN of the network side) and the
# public base URL of the network side. The URL must equal the subscriber_url
# you register: some gateways deliver on_search to one, some to the other.
subscriber_id: {{.SubscriberID}}
subscriber_url: {{.SubscriberURL}}

keys:
  # Registry key id (ukId / unique_key_id) of the signing key below.
  unique_key_id: {{.KeyID}}
  # Ed25519 private key (base64, 32-byte seed). Keep this file private.
  signing_private_key: {{.SigningPrivate}}
  # X25519 private key (base64); answers the registry's on_subscribe challenge.
  encryption_private_key: {{.EncryptionPrivate}}
  # The registry's X25519 public key, published by the network operator.
  registry_encryption_public_key: "{{.RegistryEncryptionPublicKey}}"

# The network registry, and the gateway for search (empty: find a BG in the registry).
registry_url: {{.RegistryURL}}
gateway_url: ""

# The ONEST domains you serve, and where your users are (context.location).
domains:
  - onest:learning-experiences
  - onest:work-opportunities
  - onest:financial-support
  - onest:expert-connect
city: ""
country: IND

# ttl per action as ISO 8601 durations; "default" covers the rest.
ttl:
  default: PT30S
  search: PT30S

# A synchronous search returns when every reachable provider has answered, or
# when none has answered for this long since the last answer, or at the ttl.
search_quiet: 3s

listen:
  network: 127.0.0.1:8081   # what providers and the gateway call
  client: 127.0.0.1:8080    # client API for partner apps
  web: 127.0.0.1:8082       # learner web app; empty switches it off

# The learner web app. Serve it through HTTPS (a reverse proxy terminating TLS
# counts) and keep secure_cookies on; turn it off only for plain-HTTP testing.
web:
  secure_cookies: true
  session_ttl: 168h   # how long a sign-in lasts
  wait: 12s           # how long a page waits for a provider before it shows progress

# The catalog cache answers discovery at once; every on_search received
# updates it, and a broad search per domain harvests it periodically.
catalog:
  harvest_interval: 1h   # 0: no periodic harvest
  default_ttl: 24h       # how long an item is kept when its provider gives no ttl

# A SQLite file (one machine) or a postgres:// URL (several instances).
storage: seeker.db

# Client API keys (name: key). Apps send one as "Authorization: Bearer <key>".
api_keys:
  default: {{.APIKey}}

# Webhooks (client name: URL): every callback of that client's transactions is
# POSTed there, in order, signed with the client's API key.
# webhooks:
#   default: https://app.example.org/seeker-callbacks

# Network telemetry: an event for every API call, batched to ONEST Obsrv
# (testing ingest: https://data.onest.network/data/v1/in/onest-telemetry-testing).
telemetry:
  url: ""          # empty: off
  batch_size: 100
  interval: 5m

# Largest request body accepted; ONEST catalogs run to megabytes.
body_limit: 20MB
# How far a signature's created time may lie in the future.
clock_skew: 30s
# Callbacks after their request's ttl: accept (and mark late) or nack.
late_callbacks: accept
# Payload validation: off, warn (record findings) or strict (refuse).
validation:
  inbound: warn
  outbound: strict
log_level: info
`))

func newInitCmd() *cobra.Command {
	var out, subscriberID, subscriberURL, registryURL, registryKey string
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented configuration with fresh keys for a new participant",
		Long: `init writes a commented seeker.yaml with fresh Ed25519 and X25519 keys and a
client API key, then prints the record to register with the network registry.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.HasSuffix(subscriberURL, "/") {
				return exitWith(2, errors.New("--subscriber-url must not end with a slash"))
			}
			keys, err := signing.GenerateKeys()
			if err != nil {
				return err
			}
			apiKey := make([]byte, 24)
			rand.Read(apiKey)
			data := map[string]string{
				"Now":                         time.Now().UTC().Format(time.RFC3339),
				"SubscriberID":                subscriberID,
				"SubscriberURL":               subscriberURL,
				"KeyID":                       keys.UniqueKeyID,
				"SigningPrivate":              signing.EncodeSeed(keys.SigningPrivate),
				"EncryptionPrivate":           signing.EncodeX25519PrivateKey(keys.EncryptionPrivate),
				"RegistryEncryptionPublicKey": registryKey,
				"RegistryURL":                 registryURL,
				"APIKey":                      hex.EncodeToString(apiKey),
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(out, flags, 0o600)
			if errors.Is(err, fs.ErrExist) {
				return exitWith(2, fmt.Errorf("%s exists; pass --force to overwrite it (its keys will be lost)", out))
			}
			if err != nil {
				return exitWith(2, err)
			}
			if err := configTemplate.Execute(f, data); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Wrote %s (mode 0600; it holds your private keys).\n\n", out)
			fmt.Fprintln(w, "Register this record with the network registry (or run `seeker subscribe`):")
			return printRecord(w, subscriberID, subscriberURL, keys)
		},
	}
	cmd.Flags().StringVar(&out, "out", "seeker.yaml", "configuration file to write")
	cmd.Flags().StringVar(&subscriberID, "subscriber-id", "seeker.example.org", "your subscriber id (FQDN of the network side)")
	cmd.Flags().StringVar(&subscriberURL, "subscriber-url", "https://seeker.example.org/beckn", "public base URL of the network side")
	cmd.Flags().StringVar(&registryURL, "registry-url", "https://registry.example.org", "the network registry's base URL")
	cmd.Flags().StringVar(&registryKey, "registry-encryption-public-key", "", "the registry's X25519 public key (base64), if known")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}

// printRecord prints the subscriber record a registry needs, as JSON with the
// field names registries use.
func printRecord(w io.Writer, id, url string, keys signing.KeySet) error {
	now := time.Now().UTC()
	rec := map[string]any{
		"subscriber_id":      id,
		"subscriber_url":     url,
		"type":               "BAP",
		"domain":             "onest:learning-experiences, onest:work-opportunities, onest:financial-support, onest:expert-connect",
		"unique_key_id":      keys.UniqueKeyID,
		"signing_public_key": signing.EncodePublicKey(keys.SigningPublic),
		"encr_public_key":    signing.EncodeX25519PublicKey(keys.EncryptionPublic),
		"valid_from":         now.Format(time.RFC3339),
		"valid_until":        now.AddDate(1, 0, 0).Format(time.RFC3339),
	}
	b, err := json.Marshal(rec, json.Deterministic(true), jsontext.Multiline(true))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
