package peerauth

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
)

// keyTable is a registry stand-in: subscriber id → (key, type).
type keyTable map[string]struct {
	pub ed25519.PublicKey
	typ string
}

func (k keyTable) SigningKey(_ context.Context, id, keyID string) (ed25519.PublicKey, registry.Subscriber, error) {
	e, ok := k[id]
	if !ok || keyID != "k-"+id {
		return nil, registry.Subscriber{}, &registry.Error{Op: "signing key", Kind: registry.ErrNotFound, Detail: id + "/" + keyID}
	}
	return e.pub, registry.Subscriber{SubscriberID: id, KeyID: keyID, Type: e.typ}, nil
}

func key(name string) ed25519.PrivateKey {
	s := sha256.Sum256([]byte(name))
	return ed25519.NewKeyFromSeed(s[:])
}

func signer(id string, priv ed25519.PrivateKey) *signing.Signer {
	return &signing.Signer{SubscriberID: id, KeyID: "k-" + id, Key: priv}
}

func TestCheck(t *testing.T) {
	bap, bg := key("bap"), key("bg")
	keys := keyTable{
		"bap.test": {bap.Public().(ed25519.PublicKey), registry.TypeBAP},
		"bg.test":  {bg.Public().(ed25519.PublicKey), registry.TypeBG},
	}
	body := []byte(`{"context":{"bap_id":"bap.test"}}`)
	good := signer("bap.test", bap).SignNow(body, time.Minute)
	tests := []struct {
		name, value, expect, typ string
		body                     []byte
		want                     string // "" = accepted
	}{
		{"valid", good, "bap.test", registry.TypeBAP, body, ""},
		{"any type, any signer", good, "", "", body, ""},
		{"missing", "", "bap.test", "", body, "missing"},
		{"unparsable", "Signature keyId=", "", "", body, "signature header"},
		{"claims another sender", good, "bpp.test", "", body, `claims to come from "bpp.test"`},
		{"unknown key", signer("ghost.test", bap).SignNow(body, time.Minute), "", "", body, "no usable registry key"},
		{"wrong type", good, "", registry.TypeBPP, body, "belongs to a BAP"},
		{"altered body", good, "", "", append([]byte(" "), body...), "signature check failed"},
		{"expired", signer("bap.test", bap).Sign(body, time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)), "", "", body, "expires"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Check(context.Background(), keys, signing.Verifier{}, signing.HeaderAuthorization, tc.value, tc.body, tc.expect, tc.typ)
			if tc.want == "" {
				if err != nil || s.Header.SubscriberID != "bap.test" || s.Record.Type != registry.TypeBAP {
					t.Fatalf("Check = %+v, %v; want bap.test accepted", s, err)
				}
				return
			}
			var f *Failure
			if !errors.As(err, &f) || f.Header != signing.HeaderAuthorization || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check err = %v; want a *Failure on Authorization containing %q", err, tc.want)
			}
		})
	}
}

func TestCheckGatewayAndRefuse(t *testing.T) {
	bap, bg := key("bap"), key("bg")
	keys := keyTable{
		"bap.test": {bap.Public().(ed25519.PublicKey), registry.TypeBAP},
		"bg.test":  {bg.Public().(ed25519.PublicKey), registry.TypeBG},
	}
	body := []byte(`{"x":1}`)
	gw := signer("bg.test", bg).SignNow(body, time.Minute)
	notBG := signer("bap.test", bap).SignNow(body, time.Minute)
	for _, tc := range []struct {
		name     string
		gw, px   string
		wantID   string
		wantFail string // header at fault
	}{
		{"direct", "", "", "", ""},
		{"both equal", gw, gw, "bg.test", ""},
		{"proxy only", "", gw, "bg.test", ""},
		{"gateway header signed by a BAP", notBG, "", "", signing.HeaderGateway},
		{"proxy differs and is bad", gw, notBG, "", signing.HeaderProxy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.gw != "" {
				h.Set(signing.HeaderGateway, tc.gw)
			}
			if tc.px != "" {
				h.Set(signing.HeaderProxy, tc.px)
			}
			id, err := CheckGateway(context.Background(), keys, signing.Verifier{}, h, body)
			if tc.wantFail == "" {
				if err != nil || id != tc.wantID {
					t.Fatalf("CheckGateway = %q, %v; want %q", id, err, tc.wantID)
				}
				return
			}
			var f *Failure
			if !errors.As(err, &f) || f.Header != tc.wantFail {
				t.Fatalf("CheckGateway err = %v; want a failure on %s", err, tc.wantFail)
			}
			rec := httptest.NewRecorder()
			Refuse(rec, "me.test", err)
			if rec.Code != 401 || rec.Header().Get("Proxy-Authenticate") == "" || rec.Header().Get("WWW-Authenticate") != "" ||
				!strings.Contains(rec.Body.String(), `"NACK"`) || !strings.Contains(rec.Body.String(), tc.wantFail) {
				t.Fatalf("Refuse of a gateway failure: %d %v %s", rec.Code, rec.Header(), rec.Body)
			}
		})
	}
	rec := httptest.NewRecorder()
	Refuse(rec, "me.test", &Failure{Header: signing.HeaderAuthorization, Err: errors.New("nope")})
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") != `Signature realm="me.test",headers="(created) (expires) digest"` {
		t.Fatalf("Refuse of an Authorization failure: %d %v", rec.Code, rec.Header())
	}
}
