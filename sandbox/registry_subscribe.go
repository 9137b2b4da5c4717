package sandbox

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
)

// subscribeAnswer is the body of every /subscribe answer. Error says, in a
// sentence, why a subscriber is not SUBSCRIBED.
type subscribeAnswer struct {
	Status string          `json:"status,omitempty"`
	Error  *subscribeError `json:"error,omitempty"`
}

type subscribeError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Codes of a refused subscription.
const (
	subErrSignature = "SIGNATURE_INVALID"
	subErrRecord    = "RECORD_INVALID"
	subErrChallenge = "CHALLENGE_FAILED"
	subErrStore     = "STATE_WRITE_FAILED"
)

func (rg *Registry) refuse(w http.ResponseWriter, httpStatus int, status, code, format string, args ...any) {
	if httpStatus == http.StatusUnauthorized {
		w.Header().Set(signing.HeaderWWWAuthenticate, signing.Challenge(rg.opts.Identity.SubscriberID))
	}
	msg := fmt.Sprintf(format, args...)
	rg.log.Warn("subscribe refused", "code", code, "reason", msg)
	writeJSON(w, httpStatus, subscribeAnswer{Status: status, Error: &subscribeError{Code: code, Message: msg}})
}

// handleSubscribe is the signed /subscribe of core 1.1.0 (§4.1). The body is
// a Subscription in any field-name variant. The request must be signed:
// by the key being registered when the subscriber is new (it proves it holds
// the private half), by an already SUBSCRIBED key of the same subscriber
// otherwise (so nobody can take over a registered id with a fresh key).
// The registry then sends its signed on_subscribe challenge to the
// subscriber's URL and answers only when that is settled: SUBSCRIBED (200)
// when the answer matches, otherwise INITIATED (a new record) with an error
// saying what went wrong; an existing SUBSCRIBED record is left as it was.
func (rg *Registry) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		rg.refuse(w, http.StatusBadRequest, "", subErrRecord, "%v", err)
		return
	}
	hv := r.Header.Get(signing.HeaderAuthorization)
	if hv == "" {
		rg.refuse(w, http.StatusUnauthorized, "", subErrSignature, "/subscribe must be signed: send an Authorization signature header (BECKN-006) made with the key you are registering")
		return
	}
	h, err := signing.ParseHeader(hv)
	if err != nil {
		rg.refuse(w, http.StatusUnauthorized, "", subErrSignature, "Authorization: %v", err)
		return
	}
	var rec registry.Subscriber
	if err := json.Unmarshal(body, &rec); err != nil {
		rg.refuse(w, http.StatusBadRequest, "", subErrRecord, "body must be a registry Subscription: %v", err)
		return
	}
	rec = normalizeRecord(rec)
	rec.Status = ""
	if err := checkRecord(rec); err != nil {
		rg.refuse(w, http.StatusBadRequest, "", subErrRecord, "%v", err)
		return
	}
	if rec.EncrPublicKey == "" {
		rg.refuse(w, http.StatusBadRequest, "", subErrRecord, "missing encr_public_key: the registry encrypts the on_subscribe challenge with it")
		return
	}
	if h.SubscriberID != rec.SubscriberID {
		rg.refuse(w, http.StatusUnauthorized, "", subErrSignature, "signed by %q but subscribing %q; a participant may only subscribe itself", h.SubscriberID, rec.SubscriberID)
		return
	}
	pub, err := rg.subscribeKey(h, rec)
	if err != nil {
		rg.refuse(w, http.StatusUnauthorized, "", subErrSignature, "%v", err)
		return
	}
	if err := (signing.Verifier{Skew: rg.opts.Skew, Now: rg.opts.Now}).Verify(body, h, pub); err != nil {
		rg.refuse(w, http.StatusUnauthorized, "", subErrSignature, "%v", err)
		return
	}

	old, had := rg.store.get(keyOf(rec))
	replacing := had && old.Status == registry.StatusSubscribed
	if !replacing {
		pending := rec
		pending.Status = registry.StatusUnderSubscription
		if _, err := rg.Put(pending); err != nil {
			rg.refuse(w, http.StatusInternalServerError, "", subErrStore, "%v", err)
			return
		}
	}
	if err := rg.challenge(r.Context(), rec); err != nil {
		status := registry.StatusInitiated
		if replacing {
			status = old.Status
			err = fmt.Errorf("%w; the record registered before is unchanged", err)
		} else {
			failed := rec
			failed.Status = registry.StatusInitiated
			if _, perr := rg.Put(failed); perr != nil {
				err = fmt.Errorf("%w (and saving the INITIATED record failed: %v)", err, perr)
			}
		}
		rg.refuse(w, http.StatusBadRequest, status, subErrChallenge, "%v", err)
		return
	}
	rec.Status = registry.StatusSubscribed
	if _, err := rg.Put(rec); err != nil {
		rg.refuse(w, http.StatusInternalServerError, "", subErrStore, "%v", err)
		return
	}
	rg.log.Info("subscribed", "subscriber_id", rec.SubscriberID, "type", rec.Type, "domain", rec.Domain, "key_id", rec.KeyID)
	writeJSON(w, http.StatusOK, subscribeAnswer{Status: registry.StatusSubscribed})
}

// subscribeKey picks the public key the /subscribe signature must verify
// with (see handleSubscribe).
func (rg *Registry) subscribeKey(h signing.Header, rec registry.Subscriber) (ed25519.PublicKey, error) {
	registered := rg.store.find(lookupFilter{SubscriberID: rec.SubscriberID})
	if len(registered) == 0 {
		if h.UniqueKeyID != "" && h.UniqueKeyID != rec.KeyID {
			return nil, fmt.Errorf("a new subscriber must sign with the key it registers: keyId names key %q, the record key_id is %q", h.UniqueKeyID, rec.KeyID)
		}
		return signing.ParsePublicKey(rec.SigningPublicKey)
	}
	var ids []string
	for _, s := range registered {
		if s.KeyID == h.UniqueKeyID || (h.UniqueKeyID == "" && len(registered) == 1) {
			return s.SigningKey()
		}
		ids = append(ids, s.KeyID)
	}
	return nil, fmt.Errorf("%q is already subscribed; sign with one of its registered keys (%s), not %q", rec.SubscriberID, strings.Join(ids, ", "), h.UniqueKeyID)
}

// challenge sends the encrypted one-time string to {url}/on_subscribe and
// checks the answer. The call is signed by the registry twice over: a
// BECKN-006 Authorization header, and the raw Ed25519 "Signature" header
// over the body that Succinct-style subscribers check.
func (rg *Registry) challenge(ctx context.Context, rec registry.Subscriber) error {
	encPub, err := rec.EncryptionKey()
	if err != nil {
		return err
	}
	otp, err := randomDigits(32)
	if err != nil {
		return err
	}
	ct, err := registry.EncryptChallenge(rg.opts.Identity.EncryptionPrivate, encPub, otp)
	if err != nil {
		return err
	}
	body, err := json.Marshal(map[string]string{
		"subscriber_id": rec.SubscriberID, "pub_key_id": rec.KeyID, "unique_key_id": rec.KeyID, "key_id": rec.KeyID,
		"status": registry.StatusUnderSubscription, "challenge": ct,
	})
	if err != nil {
		return err
	}
	url := rec.URL + "/on_subscribe"
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("on_subscribe URL %q: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signing.HeaderAuthorization, rg.opts.Identity.Signer().SignNow(body, time.Minute))
	req.Header.Set("Signature", base64.StdEncoding.EncodeToString(ed25519.Sign(rg.opts.Identity.SigningPrivate, body)))
	resp, err := rg.http.Do(req)
	if err != nil {
		return fmt.Errorf("calling %s: %w", url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s answered HTTP %d: %s", url, resp.StatusCode, clipText(string(raw), 200))
	}
	var ans struct {
		Answer string `json:"answer"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil || ans.Answer == "" {
		return fmt.Errorf("%s answered %s; want {\"answer\": \"<decrypted challenge>\"}", url, clipText(string(raw), 200))
	}
	if subtle.ConstantTimeCompare([]byte(ans.Answer), []byte(otp)) != 1 {
		return fmt.Errorf("the answer from %s does not match the challenge: decrypt it with AES-256-ECB (PKCS#7) under the X25519 secret of your encryption private key and the registry's encryption public key %s",
			url, signing.EncodeX25519PublicKey(rg.opts.Identity.EncryptionPublic))
	}
	return nil
}

// randomDigits returns n random decimal digits, the Succinct registry's
// challenge form.
func randomDigits(n int) (string, error) {
	b := make([]byte, n)
	ten := big.NewInt(10)
	for i := range b {
		d, err := rand.Int(rand.Reader, ten)
		if err != nil {
			return "", err
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b), nil
}

func clipText(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
