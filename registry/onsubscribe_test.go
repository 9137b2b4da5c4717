package registry

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/signing"
)

func postJSON(t *testing.T, url string, body []byte, hdr map[string]string) (int, map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, resp.Header
}

func TestOnSubscribeAnswersVectorC(t *testing.T) {
	k := vectorC(t)
	var status string
	h := OnSubscribeHandler(k.subPriv, k.regPub)
	h.OnStatus = func(s string) { status = s }
	srv := httptest.NewServer(h)
	defer srv.Close()
	code, m, _ := postJSON(t, srv.URL+"/on_subscribe", []byte(`{"subscriber_id":"bap.me","challenge":"`+vectorCCipher+`","status":"SUBSCRIBED"}`), nil)
	if code != 200 || m["answer"] != vectorCPlain || status != "SUBSCRIBED" {
		t.Fatalf("code %d answer %v status %q", code, m, status)
	}
}

func TestOnSubscribeRejects(t *testing.T) {
	k := vectorC(t)
	srv := httptest.NewServer(OnSubscribeHandler(k.subPriv, k.regPub))
	defer srv.Close()
	for name, c := range map[string]struct {
		body string
		code int
		msg  string
	}{
		"not JSON":     {`challenge`, 400, "not JSON"},
		"no challenge": {`{"subscriber_id":"x"}`, 400, "no challenge"},
		"bad base64":   {`{"challenge":"%%%"}`, 400, "base64"},
		"too big":      {`{"challenge":"` + strings.Repeat("A", 70000) + `"}`, 413, "64 KiB"},
	} {
		code, m, _ := postJSON(t, srv.URL, []byte(c.body), nil)
		msg, _ := m["error"].(map[string]any)["message"].(string)
		if code != c.code || !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %d %v", name, code, m)
		}
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

func TestOnSubscribeRequiresRegistrySignature(t *testing.T) {
	k := vectorC(t)
	regKeys, _ := signing.GenerateKeys()
	h := OnSubscribeHandler(k.subPriv, k.regPub)
	h.RegistrySigningKey = regKeys.SigningPublic
	h.Realm = "bap.me"
	srv := httptest.NewServer(h)
	defer srv.Close()
	body := []byte(`{"subscriber_id":"bap.me","challenge":"` + vectorCCipher + `"}`)
	regSigner := &signing.Signer{SubscriberID: "registry", KeyID: "r1", Key: regKeys.SigningPrivate}

	code, m, _ := postJSON(t, srv.URL, body, map[string]string{"Authorization": regSigner.SignNow(body, 0)})
	if code != 200 || m["answer"] != vectorCPlain {
		t.Fatalf("Authorization-signed: %d %v", code, m)
	}
	code, m, _ = postJSON(t, srv.URL, body, map[string]string{"Signature": base64.StdEncoding.EncodeToString(ed25519.Sign(regKeys.SigningPrivate, body))})
	if code != 200 || m["answer"] != vectorCPlain {
		t.Fatalf("Succinct Signature header: %d %v", code, m)
	}
	other, _ := signing.GenerateKeys()
	for name, hdr := range map[string]map[string]string{
		"unsigned":       nil,
		"wrong key":      {"Authorization": (&signing.Signer{SubscriberID: "registry", KeyID: "r1", Key: other.SigningPrivate}).SignNow(body, 0)},
		"bad Signature":  {"Signature": "AAAA"},
		"garbage header": {"Authorization": "Signature nonsense"},
	} {
		code, _, rh := postJSON(t, srv.URL, body, hdr)
		if code != 401 || rh.Get("WWW-Authenticate") != signing.Challenge("bap.me") {
			t.Errorf("%s: %d %q", name, code, rh.Get("WWW-Authenticate"))
		}
	}
}
