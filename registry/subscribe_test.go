package registry

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/signing"
)

func TestSubscribeIsSignedAndCarriesRecordAndNonce(t *testing.T) {
	ks, err := signing.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	var verifyErr error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/subscribe" {
			http.NotFound(w, r)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &got)
		h, err := signing.ParseHeader(r.Header.Get(signing.HeaderAuthorization))
		if err == nil {
			// The registry checks the signature with the key being registered.
			var rec Subscriber
			_ = json.Unmarshal(raw, &rec)
			var pub []byte
			pub, err = rec.SigningKey()
			if err == nil {
				err = signing.Verifier{}.VerifyFor(raw, h, pub, rec.SubscriberID)
			}
		}
		verifyErr = err
		io.WriteString(w, `{"status":"UNDER_SUBSCRIPTION"}`)
	}))
	defer srv.Close()

	rec := Subscriber{SubscriberID: "bap.me", URL: "https://bap.me/beckn", Type: TypeBAP, Domain: "onest:learning-experiences",
		KeyID: ks.UniqueKeyID, SigningPublicKey: signing.EncodePublicKey(ks.SigningPublic),
		EncrPublicKey: signing.EncodeX25519PublicKeyDER(ks.EncryptionPublic), ValidFrom: time.Now().UTC(), ValidUntil: time.Now().Add(365 * 24 * time.Hour).UTC()}
	signer := &signing.Signer{SubscriberID: "bap.me", KeyID: ks.UniqueKeyID, Key: ks.SigningPrivate}
	status, err := Subscribe(context.Background(), &Client{BaseURL: srv.URL}, signer, rec)
	if err != nil || status != StatusUnderSubscription {
		t.Fatalf("status %q err %v", status, err)
	}
	if verifyErr != nil {
		t.Fatalf("registry could not verify the subscribe signature: %v", verifyErr)
	}
	if n, _ := got["nonce"].(string); len(n) != 36 {
		t.Fatalf("nonce %v", got["nonce"])
	}
	if got["subscriber_id"] != "bap.me" || got["key_id"] != ks.UniqueKeyID || got["url"] != "https://bap.me/beckn" {
		t.Fatalf("record %v", got)
	}
}

func TestSubscribeErrors(t *testing.T) {
	ks, _ := signing.GenerateKeys()
	signer := &signing.Signer{SubscriberID: "bap.me", KeyID: "k", Key: ks.SigningPrivate}
	cases := []struct {
		name, answer string
		status       int
		signer       *signing.Signer
		kind         error
	}{
		{"no signer", `{"status":"UNDER_SUBSCRIPTION"}`, 200, nil, ErrNoSigner},
		{"refused with error object", `{"message":{"ack":{"status":"NACK"}},"error":{"code":"1050","message":"bad signature"}}`, 200, signer, ErrStatus},
		{"HTTP 401", `unauthorised`, 401, signer, ErrStatus},
		{"no status", `{}`, 200, signer, ErrUnparsable},
		{"not JSON", `ok`, 200, signer, ErrUnparsable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				io.WriteString(w, c.answer)
			}))
			defer srv.Close()
			_, err := Subscribe(context.Background(), &Client{BaseURL: srv.URL}, c.signer, Subscriber{SubscriberID: "bap.me"})
			var re *Error
			if !errors.As(err, &re) || !errors.Is(err, c.kind) || re.Op != "subscribe" {
				t.Fatalf("err = %v, want %v", err, c.kind)
			}
		})
	}
}
