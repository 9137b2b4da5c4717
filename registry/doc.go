// Package registry talks to a Beckn network registry: it looks participants
// and their keys up (POST /lookup), caches the answers in process, subscribes
// (a signed POST /subscribe) and answers the registry's on_subscribe
// challenge (X25519 + AES-256-ECB).
//
// Registries in the field disagree on field names (subscriber_url or url;
// ukId, unique_key_id, key_id or pub_key_id), key encodings (raw or DER),
// where the city lives (flat or location.city.code) and how timestamps are
// written, and some ignore filters they do not know. So the client sends
// every common name, decodes every variant into one normalised Subscriber,
// and re-filters the answer itself before anyone trusts it. The encoder
// writes every name variant, so the sandbox registry built on it can be read
// by any client in use.
package registry
