// Package peerauth is how every participant of the sandbox network (the
// gateway, the test BAP) checks the signatures on what it receives: the
// sender's Authorization, and a gateway's X-Gateway-Authorization /
// Proxy-Authorization when present, each against the key the registry holds
// for the keyId, with the identity check that the signer is who the
// message claims to be. It lives in one place so that the sandbox's
// participants all refuse the same things with the same words.
package peerauth

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
)

// Keys resolves the public key of a keyId; *registry.Cache implements it
// (over a registry.Client pointed at the sandbox registry).
type Keys interface {
	SigningKey(ctx context.Context, subscriberID, keyID string) (ed25519.PublicKey, registry.Subscriber, error)
}

// Failure is a refused signature: which header, and why.
type Failure struct {
	// Header is the header at fault (Authorization, X-Gateway-Authorization
	// or Proxy-Authorization).
	Header string
	Err    error
}

func (f *Failure) Error() string { return f.Header + ": " + f.Err.Error() }
func (f *Failure) Unwrap() error { return f.Err }

// Signer is who signed a header, as the registry knows them.
type Signer struct {
	Header signing.Header
	Record registry.Subscriber
}

// Check verifies one signature header value over the exact body bytes.
// expect, when set, is the subscriber the message claims to come from
// (bap_id of a search, bpp_id of an on_*); wantType, when set, is the
// registry type the signer must have (BAP, BPP or BG). A key whose
// signature fails is looked up once more after dropping it from the cache,
// so a participant that rotated its key is not refused for ttl minutes.
func Check(ctx context.Context, keys Keys, v signing.Verifier, header, value string, body []byte, expect, wantType string) (Signer, error) {
	fail := func(err error) (Signer, error) { return Signer{}, &Failure{Header: header, Err: err} }
	if strings.TrimSpace(value) == "" {
		return fail(errors.New("missing; every Beckn message must be signed (BECKN-006)"))
	}
	h, err := signing.ParseHeader(value)
	if err != nil {
		return fail(err)
	}
	if expect != "" && h.SubscriberID != expect {
		return fail(fmt.Errorf("signed by %q but the message claims to come from %q; a participant may only sign its own messages", h.SubscriberID, expect))
	}
	pub, rec, err := keys.SigningKey(ctx, h.SubscriberID, h.UniqueKeyID)
	if err != nil {
		return fail(fmt.Errorf("no usable registry key for keyId %q: %w", h.KeyID, err))
	}
	if wantType != "" && !strings.EqualFold(rec.Type, wantType) {
		return fail(fmt.Errorf("keyId %q belongs to a %s in the registry; only a %s may send this", h.KeyID, rec.Type, wantType))
	}
	if err := v.Verify(body, h, pub); err != nil {
		var ve *signing.VerifyError
		if inv, ok := keys.(interface{ Invalidate(string, string) bool }); ok && errors.As(err, &ve) && ve.Step == signing.StepSignature && inv.Invalidate(h.SubscriberID, h.UniqueKeyID) {
			if pub2, rec2, err2 := keys.SigningKey(ctx, h.SubscriberID, h.UniqueKeyID); err2 == nil && !pub2.Equal(pub) && v.Verify(body, h, pub2) == nil {
				return Signer{Header: h, Record: rec2}, nil
			}
		}
		return fail(err)
	}
	return Signer{Header: h, Record: rec}, nil
}

// CheckGateway verifies the gateway headers when present: X-Gateway-
// Authorization, and Proxy-Authorization when it differs from it (the spec
// asks gateways to send both with the same value). The signer must be a BG.
// It returns the gateway's subscriber id, or "" when neither header came.
func CheckGateway(ctx context.Context, keys Keys, v signing.Verifier, h http.Header, body []byte) (string, error) {
	gw, px := h.Get(signing.HeaderGateway), h.Get(signing.HeaderProxy)
	id := ""
	for _, g := range [...][2]string{{signing.HeaderGateway, gw}, {signing.HeaderProxy, px}} {
		if g[1] == "" || (g[0] == signing.HeaderProxy && px == gw) {
			continue
		}
		s, err := Check(ctx, keys, v, g[0], g[1], body, "", registry.TypeBG)
		if err != nil {
			return "", err
		}
		id = s.Header.SubscriberID
	}
	return id, nil
}

// Refuse answers a signature failure as BECKN-006 says: 401 with a NACK
// body naming the header and the reason, and WWW-Authenticate (sender's
// signature) or Proxy-Authenticate (gateway's signature) whose realm is the
// receiver's subscriber id.
func Refuse(w http.ResponseWriter, realm string, err error) {
	header := signing.HeaderAuthorization
	var f *Failure
	if errors.As(err, &f) {
		header = f.Header
	}
	if header == signing.HeaderAuthorization {
		w.Header().Set(signing.HeaderWWWAuthenticate, signing.Challenge(realm))
	} else {
		w.Header().Set(signing.HeaderProxyAuthenticate, signing.Challenge(realm))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write(beckn.NackBody(beckn.NewError("", header, err.Error())))
}
