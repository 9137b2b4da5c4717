package bpp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The form token: ONEST puts a JWT in xinput.form.auth ({"descriptor":
// {"code":"jwt"}, "value": ...}) so the provider can tell that whoever
// fetches or submits a form got it from the on_init. Ours is HS256 over
// {iss, txn, step, exp} with a key derived from the provider's signing key,
// so nothing extra needs configuring and a restart with the same key keeps
// tokens valid.

// formTokenTTL is how long a form token stays valid.
const formTokenTTL = 24 * time.Hour

type formClaims struct {
	Iss  string `json:"iss"`
	Txn  string `json:"txn"`
	Step string `json:"step"`
	Exp  int64  `json:"exp"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// formToken issues the token of one form step of a transaction.
func (b *BPP) formToken(txn, step string) string {
	c := formClaims{Iss: b.cfg.SubscriberID, Txn: txn, Step: step, Exp: b.now().Add(formTokenTTL).Unix()}
	payload, _ := json.Marshal(c)
	signed := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, b.jwtKey)
	mac.Write([]byte(signed))
	return signed + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// checkFormToken verifies a token for (txn, step); the error says what is
// wrong so the BAP's developer can fix it.
func (b *BPP) checkFormToken(tok, txn, step string) error {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return errors.New("form token is not a JWT (three dot-separated parts)")
	}
	if parts[0] != jwtHeader {
		return errors.New("form token header is not HS256")
	}
	mac := hmac.New(sha256.New, b.jwtKey)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return errors.New("form token signature does not verify")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return errors.New("form token payload is not base64url")
	}
	var c formClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return errors.New("form token payload is not JSON")
	}
	if c.Txn != txn || c.Step != step {
		return fmt.Errorf("form token is for transaction %s step %s, not %s step %s", c.Txn, c.Step, txn, step)
	}
	if b.now().Unix() > c.Exp {
		return fmt.Errorf("form token expired at %s", time.Unix(c.Exp, 0).UTC().Format(time.RFC3339))
	}
	return nil
}
