package server

import (
	"context"
	"net/http"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/schema"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/storeopen"
)

// openStore opens the configured storage: a SQLite path (optionally with a
// sqlite: or file: prefix) or a postgres:// URL for several instances.
func openStore(ctx context.Context, dsn string) (store.Store, error) {
	return storeopen.Open(ctx, dsn)
}

// newRegistryCache returns the in-process cache over the registry client,
// matching domains after ONEST normalisation so legacy codes still route.
func newRegistryCache(url string, hc *http.Client) *registry.Cache {
	client := &registry.Client{BaseURL: url, HTTP: hc}
	client.Matcher.NormalizeDomain = func(d string) string { c, _ := beckn.NormalizeDomain(d); return c }
	return registry.NewCache(client)
}

// newValidator adapts the schema validator to the engine: findings are stored
// as JSON beside the message, and the first error becomes the NACK's error.
func newValidator() (engine.Validator, error) {
	v := schema.New()
	return func(action string, body []byte) engine.Verdict {
		res := v.Validate(action, body)
		out := engine.Verdict{Malformed: res.NotJSON()}
		if len(res.Findings) > 0 {
			out.Findings, _ = json.Marshal(res.Findings)
		}
		if code, paths, msg, ok := res.NackError(); ok {
			out.Error = beckn.NewError(code, paths, msg)
		}
		return out
	}, nil
}

// OnSubscribeHandler answers the registry's challenge with this BAP's X25519
// key. Without an encryption key or the registry's public key it answers
// with an explanation, so a failed subscription says why.
func OnSubscribeHandler(cfg config.Config) (http.Handler, error) {
	if cfg.Keys.EncryptionPrivateKey == "" || cfg.Keys.RegistryEncryptionPublicKey == "" {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "this BAP has no keys.encryption_private_key or keys.registry_encryption_public_key configured; it cannot answer on_subscribe", http.StatusServiceUnavailable)
		}), nil
	}
	priv, err := signing.ParseX25519PrivateKey(cfg.Keys.EncryptionPrivateKey)
	if err != nil {
		return nil, &config.Problem{Setting: "keys.encryption_private_key", Fix: err.Error()}
	}
	pub, err := signing.ParseX25519PublicKey(cfg.Keys.RegistryEncryptionPublicKey)
	if err != nil {
		return nil, &config.Problem{Setting: "keys.registry_encryption_public_key", Fix: err.Error()}
	}
	return registry.OnSubscribeHandler(priv, pub), nil
}
