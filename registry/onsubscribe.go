package registry

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/onest-seeker/seeker/signing"
)

// maxOnSubscribeBody bounds the request; a challenge is under 100 bytes.
const maxOnSubscribeBody = 64 << 10

// OnSubscribe answers the registry's POST {subscriber url}/on_subscribe:
// it decrypts the challenge with our X25519 key and the registry's, and
// replies {"answer": "<plaintext>"}. It is an http.Handler so the BAP and
// the sandbox's BPPs can mount it as is.
type OnSubscribe struct {
	// Priv is our encryption private key (the pair of encr_public_key).
	Priv *ecdh.PrivateKey
	// RegistryPub is the registry's encryption public key, published
	// out of band.
	RegistryPub *ecdh.PublicKey
	// RegistrySigningKey, when set, makes the handler require the
	// registry's signature (the spec says on_subscribe "must be digitally
	// signed by the Registry"): a BECKN-006 Authorization header, or the
	// Succinct registry's raw "Signature" header (base64 Ed25519 over the
	// body). It is optional because the answer reveals nothing secret and
	// some registries do not sign at all.
	RegistrySigningKey ed25519.PublicKey
	// Verifier judges the Authorization window; the zero value is fine.
	Verifier signing.Verifier
	// Realm is our subscriber id, for the 401 challenge.
	Realm string
	// OnStatus, when set, is told the status the registry reports.
	OnStatus func(status string)
}

// OnSubscribeHandler returns an on_subscribe handler for our key pair.
func OnSubscribeHandler(priv *ecdh.PrivateKey, registryPub *ecdh.PublicKey) *OnSubscribe {
	return &OnSubscribe{Priv: priv, RegistryPub: registryPub}
}

func (h *OnSubscribe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSONError(w, http.StatusMethodNotAllowed, "on_subscribe accepts POST only")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOnSubscribeBody))
	if err != nil {
		writeJSONError(w, http.StatusRequestEntityTooLarge, "request body unreadable or larger than 64 KiB")
		return
	}
	if h.RegistrySigningKey != nil {
		if err := h.checkSignature(r, body); err != nil {
			w.Header().Set(signing.HeaderWWWAuthenticate, signing.Challenge(h.Realm))
			writeJSONError(w, http.StatusUnauthorized, err.Error())
			return
		}
	}
	var req struct {
		SubscriberID string `json:"subscriber_id"`
		Status       string `json:"status"`
		Challenge    string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSONError(w, http.StatusBadRequest, "on_subscribe body is not JSON: "+err.Error())
		return
	}
	if req.Challenge == "" {
		writeJSONError(w, http.StatusBadRequest, "on_subscribe body has no challenge")
		return
	}
	answer, err := DecryptChallenge(h.Priv, h.RegistryPub, req.Challenge)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	if h.OnStatus != nil && req.Status != "" {
		h.OnStatus(req.Status)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"answer": answer})
}

// errUnsigned is returned when a signature is required but absent.
var errUnsigned = errors.New("on_subscribe must be signed by the registry: no Authorization or Signature header")

func (h *OnSubscribe) checkSignature(r *http.Request, body []byte) error {
	if v := r.Header.Get(signing.HeaderAuthorization); v != "" {
		hdr, err := signing.ParseHeader(v)
		if err != nil {
			return err
		}
		return h.Verifier.Verify(body, hdr, h.RegistrySigningKey)
	}
	if v := r.Header.Get("Signature"); v != "" {
		sig, err := base64.StdEncoding.DecodeString(v)
		if err != nil || !ed25519.Verify(h.RegistrySigningKey, body, sig) {
			return errors.New("the registry's Signature header does not verify over the body")
		}
		return nil
	}
	return errUnsigned
}

func writeJSONError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"message": msg}})
}
