package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
)

// RegistryOptions configures a sandbox registry.
type RegistryOptions struct {
	// Identity is the registry's own keys: it signs on_subscribe calls
	// with the Ed25519 key and encrypts challenges with the X25519 key.
	Identity Identity
	// AdminKey protects /admin/*; empty disables the admin API.
	AdminKey string
	// StateFile, when set, is where records are kept across restarts.
	StateFile string
	// Seed records are stored at start (status SUBSCRIBED unless given),
	// replacing records with the same subscriber, type, domain and key.
	Seed []registry.Subscriber
	// HTTPClient calls subscribers' /on_subscribe; nil means a
	// loopback-only client with a 10 s timeout.
	HTTPClient *http.Client
	// Skew is the signature clock tolerance (0 = signing.DefaultSkew).
	Skew   time.Duration
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Registry is the network registry: /lookup for everyone, /subscribe for
// participants that can prove they hold their keys, and an admin API for
// tests and integrators who register participants by hand.
type Registry struct {
	opts  RegistryOptions
	store *registryStore
	http  *http.Client
	log   *slog.Logger
}

// NewRegistry loads the state file (if any), stores the seed records and
// returns the registry, ready to serve.
func NewRegistry(opts RegistryOptions) (*Registry, error) {
	if opts.Identity.SigningPrivate == nil || opts.Identity.EncryptionPrivate == nil {
		return nil, errors.New("sandbox registry: Identity needs signing and encryption keys (use DeriveIdentity)")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, err := newRegistryStore(opts.StateFile)
	if err != nil {
		return nil, err
	}
	rg := &Registry{opts: opts, store: st, http: opts.HTTPClient, log: opts.Logger.With("participant", "registry")}
	if rg.http == nil {
		rg.http = loopbackHTTPClient(10*time.Second, false)
	}
	if len(opts.Seed) > 0 {
		if _, err := rg.Put(opts.Seed...); err != nil {
			return nil, fmt.Errorf("sandbox registry seed: %w", err)
		}
	}
	return rg, nil
}

// LoadSeedFile reads a seed file: a JSON list of registry records in any
// field-name variant registries use (or a single record).
func LoadSeedFile(path string) ([]registry.Subscriber, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed file: %w", err)
	}
	var recs []registry.Subscriber
	if err := json.Unmarshal(b, &recs); err != nil {
		var one registry.Subscriber
		if err1 := json.Unmarshal(b, &one); err1 != nil || one.SubscriberID == "" {
			return nil, fmt.Errorf("seed file %s: want a JSON list of registry records: %w", filepath.Base(path), err)
		}
		recs = []registry.Subscriber{one}
	}
	return recs, nil
}

// Handler serves the registry API:
//
//	POST /lookup                   (also GET /lookup?type=BPP&domain=...)
//	POST /subscribe                signed; answers after the on_subscribe challenge
//	GET|POST /admin/subscribers    list / add records (admin key)
//	DELETE /admin/subscribers/{id} remove a subscriber (?key_id= for one key)
//
// Every path is also served under /subscribers/ (the Succinct base URL
// shape, .../subscribers/lookup) so that clients configured for the public
// Beckn registry work unchanged.
func (rg *Registry) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, prefix := range []string{"", "/subscribers"} {
		mux.HandleFunc("POST "+prefix+"/lookup", rg.handleLookup)
		mux.HandleFunc("GET "+prefix+"/lookup", rg.handleLookup)
		mux.HandleFunc("POST "+prefix+"/subscribe", rg.handleSubscribe)
	}
	mux.HandleFunc("GET /admin/subscribers", rg.handleAdminList)
	mux.HandleFunc("POST /admin/subscribers", rg.handleAdminPut)
	mux.HandleFunc("DELETE /admin/subscribers/{id}", rg.handleAdminDelete)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	return mux
}

// Put validates and stores records as an administrator would: status
// SUBSCRIBED unless given, created/updated stamped, validity defaulted to a
// year. It returns the records as stored.
func (rg *Registry) Put(recs ...registry.Subscriber) ([]registry.Subscriber, error) {
	now := rg.opts.Now().UTC().Truncate(time.Second)
	out := make([]registry.Subscriber, 0, len(recs))
	for i, r := range recs {
		r = normalizeRecord(r)
		if err := checkRecord(r); err != nil {
			return nil, fmt.Errorf("record %d (%s): %w", i, r.SubscriberID, err)
		}
		if r.Status == "" {
			r.Status = registry.StatusSubscribed
		}
		if r.ValidFrom.IsZero() {
			r.ValidFrom = now.Add(-time.Hour)
		}
		if r.ValidUntil.IsZero() {
			r.ValidUntil = now.AddDate(1, 0, 0)
		}
		if old, ok := rg.store.get(keyOf(r)); ok && !old.Created.IsZero() {
			r.Created = old.Created
		} else if r.Created.IsZero() {
			r.Created = now
		}
		r.Updated = now
		out = append(out, r)
	}
	if err := rg.store.put(out...); err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes subscriberID's records (only keyID's when set) and reports
// how many were removed.
func (rg *Registry) Delete(subscriberID, keyID string) (int, error) {
	return rg.store.remove(subscriberID, keyID)
}

// Records returns every record, whatever its status.
func (rg *Registry) Records() []registry.Subscriber {
	return rg.store.find(lookupFilter{AnyStatus: true})
}

// checkRecord refuses records peers could not use: every one needs an id,
// a URL to call, a type, a key id and a signing key that decodes.
func checkRecord(r registry.Subscriber) error {
	var missing []string
	for _, f := range [...][2]string{{"subscriber_id", r.SubscriberID}, {"url (or subscriber_url)", r.URL}, {"type", r.Type},
		{"key_id (or unique_key_id / ukId)", r.KeyID}, {"signing_public_key", r.SigningPublicKey}} {
		if strings.TrimSpace(f[1]) == "" {
			missing = append(missing, f[0])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	switch r.Type {
	case registry.TypeBAP, registry.TypeBPP, registry.TypeBG:
	default:
		return fmt.Errorf("type %q is not BAP, BPP or BG", r.Type)
	}
	if !strings.HasPrefix(r.URL, "http://") && !strings.HasPrefix(r.URL, "https://") {
		return fmt.Errorf("url %q is not an http(s) URL", r.URL)
	}
	if _, err := signing.ParsePublicKey(r.SigningPublicKey); err != nil {
		return err
	}
	if r.EncrPublicKey != "" {
		if _, err := signing.ParseX25519PublicKey(r.EncrPublicKey); err != nil {
			return err
		}
	}
	return nil
}

func (rg *Registry) handleAdminList(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, rg.opts.AdminKey) {
		return
	}
	writeJSON(w, http.StatusOK, rg.Records())
}

// handleAdminPut accepts one record or a list, in any field-name variant.
func (rg *Registry) handleAdminPut(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, rg.opts.AdminKey) {
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	var recs []registry.Subscriber
	if trimmed := strings.TrimSpace(string(body)); strings.HasPrefix(trimmed, "[") {
		err = json.Unmarshal(body, &recs)
	} else {
		var one registry.Subscriber
		err = json.Unmarshal(body, &one)
		recs = []registry.Subscriber{one}
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "body must be a registry record or a list of them: %v", err)
		return
	}
	stored, err := rg.Put(recs...)
	if err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	rg.log.Info("admin registered subscribers", "count", len(stored))
	writeJSON(w, http.StatusOK, stored)
}

func (rg *Registry) handleAdminDelete(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, rg.opts.AdminKey) {
		return
	}
	id := r.PathValue("id")
	n, err := rg.Delete(id, r.URL.Query().Get("key_id"))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	if n == 0 {
		writeError(w, http.StatusNotFound, "no records for subscriber %q", id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"deleted": n})
}
