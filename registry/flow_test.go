package registry

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/signing"
)

// TestSubscribeChallengeFlow runs the whole onboarding exchange on
// loopback: the participant subscribes; the registry verifies the signed
// request, encrypts a random challenge for the encr_public_key in the
// record and calls the participant's on_subscribe; the participant's
// OnSubscribe handler decrypts it; the registry compares the answer and
// then lists the participant as SUBSCRIBED, which a lookup confirms.
func TestSubscribeChallengeFlow(t *testing.T) {
	regEnc, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	me, err := signing.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	participant := httptest.NewServer(OnSubscribeHandler(me.EncryptionPrivate, regEnc.PublicKey()))
	defer participant.Close()

	var listed []Subscriber
	var flowErr error
	registrySrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/lookup":
			json.NewEncoder(w).Encode(listed)
		case "/subscribe":
			raw, _ := io.ReadAll(r.Body)
			flowErr = registrySubscribe(r, raw, regEnc, &listed)
			if flowErr != nil {
				http.Error(w, flowErr.Error(), http.StatusBadRequest)
				return
			}
			io.WriteString(w, `{"status":"UNDER_SUBSCRIPTION"}`)
		}
	}))
	defer registrySrv.Close()

	rec := Subscriber{SubscriberID: "bap.me", URL: participant.URL, Type: TypeBAP, Domain: "onest:learning-experiences",
		KeyID: me.UniqueKeyID, SigningPublicKey: signing.EncodePublicKeyDER(me.SigningPublic),
		EncrPublicKey: signing.EncodeX25519PublicKeyDER(me.EncryptionPublic), ValidUntil: time.Now().Add(time.Hour)}
	client := &Client{BaseURL: registrySrv.URL}
	status, err := Subscribe(context.Background(), client, &signing.Signer{SubscriberID: "bap.me", KeyID: me.UniqueKeyID, Key: me.SigningPrivate}, rec)
	if err != nil || flowErr != nil {
		t.Fatalf("subscribe: %v / registry: %v", err, flowErr)
	}
	if status != StatusUnderSubscription {
		t.Fatalf("status %s", status)
	}
	pub, got, err := NewCache(client).SigningKey(context.Background(), "bap.me", me.UniqueKeyID)
	if err != nil || !pub.Equal(me.SigningPublic) || got.Status != StatusSubscribed {
		t.Fatalf("lookup after onboarding: %+v %v", got, err)
	}
}

// registrySubscribe is the registry's side of /subscribe in the flow test.
func registrySubscribe(r *http.Request, raw []byte, regEnc *ecdh.PrivateKey, listed *[]Subscriber) error {
	var rec Subscriber
	if err := json.Unmarshal(raw, &rec); err != nil {
		return err
	}
	h, err := signing.ParseHeader(r.Header.Get(signing.HeaderAuthorization))
	if err != nil {
		return err
	}
	pub, err := rec.SigningKey()
	if err != nil {
		return err
	}
	if err := (signing.Verifier{}).VerifyFor(raw, h, pub, rec.SubscriberID); err != nil {
		return err
	}
	encPub, err := rec.EncryptionKey()
	if err != nil {
		return err
	}
	plain := signing.NewUniqueKeyID()
	challenge, err := EncryptChallenge(regEnc, encPub, plain)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"subscriber_id": rec.SubscriberID, "challenge": challenge})
	resp, err := http.Post(rec.URL+"/on_subscribe", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var ans struct{ Answer string }
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		return err
	}
	if ans.Answer != plain {
		return fmt.Errorf("on_subscribe answered %q, want %q", ans.Answer, plain)
	}
	rec.Status = StatusSubscribed
	*listed = append(*listed, rec)
	return nil
}
