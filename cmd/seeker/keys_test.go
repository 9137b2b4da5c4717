package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/signing"
)

func TestKeysGeneratePrintsEveryForm(t *testing.T) {
	code, out, errOut := runSigningCLI(t, "", "keys", "generate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"unique_key_id (suggested):", "seed‖public", "seed (32 bytes", "signing_public_key", "MCowBQYDK2VwAyEA", "MCowBQYDK2VuAyEA", "encr_public_key"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestKeysGenerateOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	code, out, errOut := runSigningCLI(t, "", "keys", "generate", "--out", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	var kf keyFile
	if err := json.Unmarshal(raw, &kf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, kf.SigningPrivateKey) || strings.Contains(out, kf.EncryptionPrivateKey) {
		t.Fatal("private keys printed although --out was given")
	}
	// Every form in the file parses back to one consistent key set.
	priv, err := signing.ParsePrivateKey(kf.SigningPrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := signing.ParsePrivateKey(kf.SigningPrivateKeySeed)
	if err != nil || !seed.Equal(priv) {
		t.Fatalf("seed form differs: %v", err)
	}
	for _, p := range []string{kf.SigningPublicKey, kf.SigningPublicKeyDER} {
		pub, err := signing.ParsePublicKey(p)
		if err != nil || !pub.Equal(priv.Public()) {
			t.Fatalf("public %s: %v", p, err)
		}
	}
	xpriv, err := signing.ParseX25519PrivateKey(kf.EncryptionPrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{kf.EncryptionPublicKey, kf.EncryptionPublicKeyDER} {
		xpub, err := signing.ParseX25519PublicKey(p)
		if err != nil || !xpub.Equal(xpriv.PublicKey()) {
			t.Fatalf("encryption public %s: %v", p, err)
		}
	}
	if len(kf.UniqueKeyID) != 36 {
		t.Fatalf("key id %q", kf.UniqueKeyID)
	}
	// Never overwrite a key file.
	code, _, errOut = runSigningCLI(t, "", "keys", "generate", "--out", path)
	if code != 2 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("second write: exit %d %s", code, errOut)
	}
	if again, _ := os.ReadFile(path); string(again) != string(raw) {
		t.Fatal("key file changed")
	}
}

// The key file is accepted wherever a key is: sign takes the private key
// and key id from it, verify the public key.
func TestKeyFileFeedsSignAndVerify(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys.json")
	if code, _, errOut := runSigningCLI(t, "", "keys", "generate", "--out", keys); code != 0 {
		t.Fatal(errOut)
	}
	body := writeTemp(t, "body.json", `{"context":{"action":"on_search"}}`)
	code, hdr, errOut := runSigningCLI(t, "", "sign", "--key", "@"+keys, "--subscriber", "bap.me", "--header-only", body)
	if code != 0 {
		t.Fatalf("sign: exit %d %s", code, errOut)
	}
	raw, _ := os.ReadFile(keys)
	var kf keyFile
	json.Unmarshal(raw, &kf)
	if !strings.Contains(hdr, "bap.me|"+kf.UniqueKeyID+"|ed25519") {
		t.Fatalf("key id not taken from the key file: %s", hdr)
	}
	code, out, _ := runSigningCLI(t, "", "verify", "--public-key", "@"+keys, "--header", strings.TrimSpace(hdr), body)
	if code != 0 {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}
}
