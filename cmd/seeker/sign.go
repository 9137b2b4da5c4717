package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/signing"
)

func init() { subcommands = append(subcommands, newSignCmd) }

func newSignCmd() *cobra.Command {
	var key, subscriber, keyID string
	var created, expires int64
	var headerOnly bool
	cmd := &cobra.Command{
		Use:   "sign --key K --subscriber ID --key-id UK [--created N --expires N] FILE|-",
		Short: "Print the digest, signing string and Authorization header for a body",
		Long: `Sign a request body as a Beckn participant (BECKN-006) and print every
intermediate value: the BLAKE-512 digest of the body, the three-line signing
string and the Authorization header value. Compare them with what your own
code produces to find where a signature mismatch comes from.

The body is signed exactly as read from FILE (or standard input with "-"):
no trimming, no trailing-newline fix-up, because the digest covers bytes.
Beware of editors that add a final newline.

--key is the Ed25519 private key in base64 (32-byte seed or 64-byte
seed‖public) or @FILE to read it from a file; a file written by "seeker keys
generate --out" works too and also supplies --key-id. --created defaults to now and
--expires to created + 1 hour.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			keyText, err := readArgValue(key)
			if err != nil {
				return exitWith(2, fmt.Errorf("--key: %w", err))
			}
			if kf, ok := asKeyFile(keyText); ok {
				keyText = kf.SigningPrivateKey
				if keyID == "" {
					keyID = kf.UniqueKeyID
				}
			}
			for _, f := range []struct{ name, val string }{{"key", key}, {"subscriber", subscriber}, {"key-id", keyID}} {
				if f.val == "" {
					return exitWith(2, fmt.Errorf("--%s is required", f.name))
				}
			}
			priv, err := signing.ParsePrivateKey(keyText)
			if err != nil {
				return exitWith(2, fmt.Errorf("--key: %w", err))
			}
			body, err := readBody(cmd, args[0])
			if err != nil {
				return exitWith(2, err)
			}
			if !cmd.Flags().Changed("created") {
				created = time.Now().Unix()
			}
			if !cmd.Flags().Changed("expires") {
				expires = created + 3600
			}
			if expires < created {
				return exitWith(2, fmt.Errorf("--expires %d is before --created %d", expires, created))
			}
			s := &signing.Signer{SubscriberID: subscriber, KeyID: keyID, Key: priv}
			header := s.SignUnix(body, created, expires)
			w := cmd.OutOrStdout()
			if headerOnly {
				fmt.Fprintln(w, header)
				return nil
			}
			digest := signing.Digest(body)
			fmt.Fprintf(w, "body:           %d bytes from %s\n", len(body), bodyName(args[0]))
			fmt.Fprintf(w, "digest:         %s\n", digest)
			fmt.Fprintf(w, "signing string (between the lines, LF-separated, no final newline):\n-----\n%s\n-----\n",
				signing.SigningString(created, expires, digest))
			fmt.Fprintf(w, "%s: %s\n", signing.HeaderAuthorization, header)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&key, "key", "", "Ed25519 private key, base64 (32-byte seed or 64-byte seed‖public), or @FILE")
	f.StringVar(&subscriber, "subscriber", "", "your registered subscriber_id")
	f.StringVar(&keyID, "key-id", "", "the registry's unique key id of this key")
	f.Int64Var(&created, "created", 0, "created, Unix seconds (default now)")
	f.Int64Var(&expires, "expires", 0, "expires, Unix seconds (default created + 3600)")
	f.BoolVar(&headerOnly, "header-only", false, "print only the header value, for scripts")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return exitWith(2, err) })
	return cmd
}

// asKeyFile recognises the JSON written by "keys generate --out", so that
// file can be passed wherever a key is expected.
func asKeyFile(text string) (keyFile, bool) {
	var kf keyFile
	if !strings.HasPrefix(strings.TrimSpace(text), "{") || json.Unmarshal([]byte(text), &kf) != nil {
		return keyFile{}, false
	}
	return kf, true
}

// usageArgs makes a wrong number of arguments exit 2 (usage error) rather
// than cobra's default 1, which the signing commands reserve for "invalid".
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return exitWith(2, err)
		}
		return nil
	}
}

// readBody returns the body bytes exactly as stored in path, or read from
// standard input for "-".
func readBody(cmd *cobra.Command, path string) ([]byte, error) {
	if path == "-" {
		b, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, fmt.Errorf("reading the body from standard input: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	return b, nil
}

func bodyName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// readArgValue returns v, or the trimmed content of the file v names when
// it starts with "@", so that keys and headers need not sit in shell history.
func readArgValue(v string) (string, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	return v, nil
}
