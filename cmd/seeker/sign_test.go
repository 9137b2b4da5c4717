package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Vector A of ../shared/reference/beckn-core-1.1.0.md §3.10.
const (
	cliVectorBody   = `{"context":{"domain":"nic2004:60212","country":"IND","city":"Kochi","action":"search","core_version":"0.9.1","bap_id":"bap.stayhalo.in","bap_uri":"https://8f9f-49-207-209-131.ngrok.io/protocol/","transaction_id":"e6d9f908-1d26-4ff3-a6d1-3af3d3721054","message_id":"a2fe6d52-9fe4-4d1a-9d0b-dccb8b48522d","timestamp":"2022-01-04T09:17:55.971Z","ttl":"P1M"},"message":{"intent":{"fulfillment":{"start":{"location":{"gps":"10.108768, 76.347517"}},"end":{"location":{"gps":"10.102997, 76.353480"}}}}}}`
	cliVectorPriv   = "lP3sHA+9gileOkXYJXh4Jg8tK0gEEMbf9yCPnFpbldhrAY+NErqL9WD+Vav7TE5tyVXGXBle9ONZi2W7o144eQ=="
	cliVectorPub    = "awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk="
	cliVectorDigest = "BLAKE-512=b6lf6lRgOweajukcvcLsagQ2T60+85kRh/Rd2bdS+TG/5ALebOEgDJfyCrre/1+BMu5nA94o4DT3pTFXuUg7sw=="
	cliVectorHeader = `Signature keyId="example-bap.com|ae3ea24b-cfec-495e-81f8-044aaef164ac|ed25519",algorithm="ed25519",created="1641287875",expires="1641291475",headers="(created) (expires) digest",signature="cjbhP0PFyrlSCNszJM1F/YmHDVAWsZqJUPzojnE/7TJU3fJ/rmIlgaUHEr5E0/2PIyf0tpSnWtT6cyNNlpmoAQ=="`
)

// runSigningCLI executes the CLI as run does, but with captured output and
// stdin, and returns the exit code run would return.
func runSigningCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.Execute()
	var ee *exitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &ee):
		code = ee.code
		if ee.err != nil {
			errOut.WriteString(ee.err.Error())
		}
	default:
		code = 1
		errOut.WriteString(err.Error())
	}
	return code, out.String(), errOut.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSignVectorA(t *testing.T) {
	body := writeTemp(t, "body.json", cliVectorBody)
	code, out, errOut := runSigningCLI(t, "", "sign", "--key", cliVectorPriv, "--subscriber", "example-bap.com",
		"--key-id", "ae3ea24b-cfec-495e-81f8-044aaef164ac", "--created", "1641287875", "--expires", "1641291475", body)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"digest:         " + cliVectorDigest,
		"(created): 1641287875\n(expires): 1641291475\ndigest: " + cliVectorDigest + "\n-----",
		"Authorization: " + cliVectorHeader + "\n",
		"496 bytes",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSignReadsStdinExactlyAndKeyFromFile(t *testing.T) {
	keyFile := writeTemp(t, "key", cliVectorPriv+"\n")
	args := []string{"sign", "--key", "@" + keyFile, "--subscriber", "example-bap.com", "--key-id", "ae3ea24b-cfec-495e-81f8-044aaef164ac",
		"--created", "1641287875", "--expires", "1641291475", "--header-only", "-"}
	code, out, errOut := runSigningCLI(t, cliVectorBody, args...)
	if code != 0 || out != cliVectorHeader+"\n" {
		t.Fatalf("exit %d out %q err %s", code, out, errOut)
	}
	// A trailing newline is part of the body: the signature must change.
	_, out2, _ := runSigningCLI(t, cliVectorBody+"\n", args...)
	if out2 == out {
		t.Fatal("a trailing newline was trimmed from the body")
	}
}

func TestSignUsageErrors(t *testing.T) {
	body := writeTemp(t, "body.json", "{}")
	cases := map[string][]string{
		"no key":        {"sign", "--subscriber", "a", "--key-id", "k", body},
		"bad key":       {"sign", "--key", "AAAA", "--subscriber", "a", "--key-id", "k", body},
		"missing file":  {"sign", "--key", cliVectorPriv, "--subscriber", "a", "--key-id", "k", filepath.Join(t.TempDir(), "none.json")},
		"no body arg":   {"sign", "--key", cliVectorPriv, "--subscriber", "a", "--key-id", "k"},
		"bad flag":      {"sign", "--created", "yesterday", body},
		"window":        {"sign", "--key", cliVectorPriv, "--subscriber", "a", "--key-id", "k", "--created", "10", "--expires", "5", body},
		"key file gone": {"sign", "--key", "@" + filepath.Join(t.TempDir(), "k"), "--subscriber", "a", "--key-id", "k", body},
	}
	for name, args := range cases {
		if code, _, errOut := runSigningCLI(t, "", args...); code != 2 || errOut == "" {
			t.Errorf("%s: exit %d, stderr %q; want 2 with a message", name, code, errOut)
		}
	}
}

func TestSignDefaultsToNow(t *testing.T) {
	body := writeTemp(t, "body.json", "{}")
	code, out, _ := runSigningCLI(t, "", "sign", "--key", cliVectorPriv, "--subscriber", "a", "--key-id", "k", "--header-only", body)
	if code != 0 {
		t.Fatal(code)
	}
	code, vout, _ := runSigningCLI(t, "", "verify", "--public-key", cliVectorPub, "--header", strings.TrimSpace(out), "--subscriber", "a", body)
	if code != 0 {
		t.Fatalf("a fresh signature does not verify now: %s", vout)
	}
}
