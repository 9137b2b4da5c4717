package server

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
)

// Subscription is the registry's verdict on one domain of a subscription.
type Subscription struct {
	Domain string
	// Status is the last status the registry reported: SUBSCRIBED once the
	// on_subscribe challenge was answered.
	Status string
	Err    error
}

// Subscribe registers the configured participant with its registry, one
// signed /subscribe per domain, and waits (up to wait) until a lookup shows
// each one SUBSCRIBED. The registry verifies the participant by calling
// on_subscribe on the network side, so that side must be listening: a
// running Server answers it, and `seeker subscribe` starts a temporary
// listener when none runs.
func Subscribe(ctx context.Context, cfg config.Config, wait time.Duration) ([]Subscription, error) {
	priv, err := signing.ParsePrivateKey(cfg.Keys.SigningPrivateKey)
	if err != nil {
		return nil, &config.Problem{Setting: "keys.signing_private_key", Fix: err.Error()}
	}
	if cfg.Keys.EncryptionPrivateKey == "" {
		return nil, &config.Problem{Setting: "keys.encryption_private_key", Fix: "is empty; the registry's on_subscribe challenge is encrypted for it (`seeker keys generate`)"}
	}
	encPriv, err := signing.ParseX25519PrivateKey(cfg.Keys.EncryptionPrivateKey)
	if err != nil {
		return nil, &config.Problem{Setting: "keys.encryption_private_key", Fix: err.Error()}
	}
	signer := &signing.Signer{SubscriberID: cfg.SubscriberID, KeyID: cfg.Keys.UniqueKeyID, Key: priv}
	client := &registry.Client{BaseURL: cfg.RegistryURL, HTTP: &http.Client{Timeout: 15 * time.Second}}
	now := time.Now().UTC()
	out := make([]Subscription, 0, len(cfg.Domains))
	for _, domain := range cfg.Domains {
		rec := registry.Subscriber{
			SubscriberID:     cfg.SubscriberID,
			URL:              cfg.SubscriberURL,
			Type:             "BAP",
			Domain:           domain,
			City:             cfg.City,
			Country:          cfg.Country,
			KeyID:            cfg.Keys.UniqueKeyID,
			SigningPublicKey: signing.EncodePublicKey(priv.Public().(ed25519.PublicKey)),
			EncrPublicKey:    signing.EncodeX25519PublicKey(encPriv.PublicKey()),
			ValidFrom:        now,
			ValidUntil:       now.AddDate(1, 0, 0),
		}
		status, err := registry.Subscribe(ctx, client, signer, rec)
		out = append(out, Subscription{Domain: domain, Status: status, Err: err})
	}
	deadline := time.Now().Add(wait)
	for i := range out {
		if out[i].Err != nil {
			continue
		}
		for out[i].Status != registry.StatusSubscribed && time.Now().Before(deadline) {
			subs, err := client.Lookup(ctx, registry.Query{SubscriberID: cfg.SubscriberID, Type: "BAP", Domain: out[i].Domain, KeyID: cfg.Keys.UniqueKeyID})
			if err == nil && len(subs) > 0 {
				out[i].Status = registry.StatusSubscribed
				break
			}
			select {
			case <-ctx.Done():
				return out, ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
		if out[i].Status != registry.StatusSubscribed && out[i].Err == nil {
			out[i].Err = fmt.Errorf("the registry did not list %s as SUBSCRIBED for %s within %s (last status %s); check that %s/on_subscribe is reachable from the registry", cfg.SubscriberID, out[i].Domain, wait, out[i].Status, strings.TrimRight(cfg.SubscriberURL, "/"))
		}
	}
	var errs []error
	for _, s := range out {
		if s.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Domain, s.Err))
		}
	}
	return out, errors.Join(errs...)
}
