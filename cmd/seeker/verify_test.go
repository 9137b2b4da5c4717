package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestVerifyExitPaths(t *testing.T) {
	body := writeTemp(t, "body.json", cliVectorBody)
	altered := writeTemp(t, "altered.json", cliVectorBody+"\n")
	hdrFile := writeTemp(t, "hdr.txt", "Authorization: "+cliVectorHeader+"\n")
	pubFile := writeTemp(t, "pub.pem", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAawGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk=\n-----END PUBLIC KEY-----\n")
	badSig := strings.Replace(cliVectorHeader, `signature="cjbh`, `signature="!jbh`, 1)
	rsa := strings.ReplaceAll(cliVectorHeader, "ed25519", "rsa-sha256")
	noCreated := strings.Replace(cliVectorHeader, `created="1641287875",`, "", 1)
	otherPub := "7YRZXVeIJ0/Va56vYgzT1Uirg6mnq3FY0MBZY9DJft0="
	missing := filepath.Join(t.TempDir(), "nope")

	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string
	}{
		{"vector A at 1641288000", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641288000", body}, 0,
			[]string{"VALID", "digest:  " + cliVectorDigest, "judged at 1641288000 (2022-01-04T09:20:00Z)"}},
		{"header file with name, PEM key file, stdin body", cliVectorBody, []string{"--public-key", "@" + pubFile, "--header-file", hdrFile, "--at", "1641288000", "-"}, 0,
			[]string{"VALID"}},
		{"expected subscriber", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641288000", "--subscriber", "example-bap.com", body}, 0,
			[]string{"VALID"}},
		{"expired now", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, body}, 1,
			[]string{`INVALID at step "expires"`, "expired at 1641291475 (2022-01-04T10:17:55Z)"}},
		{"created in the future", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641287000", body}, 1,
			[]string{`INVALID at step "created"`, "beyond the allowed clock skew of 30s"}},
		{"no skew", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641287874", "--skew", "0s", body}, 1,
			[]string{`INVALID at step "created"`, "clock skew of 0s"}},
		{"wider skew", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641287000", "--skew", "20m", body}, 0,
			[]string{"VALID"}},
		{"altered body", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641288000", altered}, 1,
			[]string{`INVALID at step "signature"`, "wrong key or altered body", "497 bytes", "changed on the way", "--sender-digest"}},
		{"wrong key", "", []string{"--public-key", otherPub, "--header", cliVectorHeader, "--at", "1641288000", body}, 1,
			[]string{`INVALID at step "signature"`, "digest:  " + cliVectorDigest}},
		{"altered body, sender digest given", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641288000", "--sender-digest", cliVectorDigest, altered}, 1,
			[]string{"digest mismatch: the sender signed " + cliVectorDigest, "The body was changed"}},
		{"wrong key, sender digest given without prefix", "", []string{"--public-key", otherPub, "--header", cliVectorHeader, "--at", "1641288000", "--sender-digest", strings.TrimPrefix(cliVectorDigest, "BLAKE-512="), body}, 1,
			[]string{"The digests agree", "another key"}},
		{"other subscriber", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641288000", "--subscriber", "bpp.x.org", body}, 1,
			[]string{`INVALID at step "subscriber"`, `signed by "example-bap.com"`}},
		{"bad base64", "", []string{"--public-key", cliVectorPub, "--header", badSig, "--at", "1641288000", body}, 1,
			[]string{"INVALID", "parameter signature: not valid base64"}},
		{"wrong algorithm", "", []string{"--public-key", cliVectorPub, "--header", rsa, "--at", "1641288000", body}, 1,
			[]string{"INVALID", "unsupported algorithm", `"rsa-sha256"`}},
		{"missing parameter", "", []string{"--public-key", cliVectorPub, "--header", noCreated, body}, 1,
			[]string{"INVALID", "parameter created: missing parameter"}},
		{"no public key", "", []string{"--header", cliVectorHeader, body}, 2, nil},
		{"bad public key", "", []string{"--public-key", "AAAA", "--header", cliVectorHeader, body}, 2, nil},
		{"both header flags", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--header-file", hdrFile, body}, 2, nil},
		{"no header", "", []string{"--public-key", cliVectorPub, body}, 2, nil},
		{"unreadable body", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, missing}, 2, nil},
		{"unreadable header file", "", []string{"--public-key", cliVectorPub, "--header-file", missing, body}, 2, nil},
		{"both from stdin", "", []string{"--public-key", cliVectorPub, "--header-file", "-", "-"}, 2, nil},
		{"no body argument", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader}, 2, nil},
		{"bad --at", "", []string{"--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "noon", body}, 2, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runSigningCLI(t, c.stdin, append([]string{"verify"}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr: %s", code, c.code, out, errOut)
			}
			if c.code == 2 && errOut == "" {
				t.Fatal("usage error without a message")
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestVerifyThroughRun checks the real exit codes of the process entry point.
func TestVerifyThroughRun(t *testing.T) {
	body := writeTemp(t, "body.json", cliVectorBody)
	if code := run([]string{"verify", "--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641288000", body}); code != 0 {
		t.Fatalf("valid: exit %d", code)
	}
	if code := run([]string{"verify", "--public-key", cliVectorPub, "--header", cliVectorHeader, "--at", "1641299999", body}); code != 1 {
		t.Fatalf("expired: exit %d", code)
	}
	if code := run([]string{"verify", "--header", cliVectorHeader, body}); code != 2 {
		t.Fatalf("usage: exit %d", code)
	}
}
