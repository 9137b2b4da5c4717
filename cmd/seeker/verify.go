package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/signing"
)

func init() { subcommands = append(subcommands, newVerifyCmd) }

// Exit codes of "seeker verify", promised to scripts.
const (
	verifyValid    = 0
	verifyInvalid  = 1
	verifyBadInput = 2
)

func newVerifyCmd() *cobra.Command {
	var pubArg, headerArg, headerFile, subscriber, senderDigest string
	var at int64
	var skew time.Duration
	cmd := &cobra.Command{
		Use:   "verify --public-key P (--header H | --header-file F) [--subscriber S] [--at UNIX_SECONDS] FILE|-",
		Short: "Check a Beckn signature over a body and say which step fails",
		Long: `Verify a BECKN-006 signature header (Authorization, X-Gateway-Authorization or
Proxy-Authorization) over a body, and say either "valid" or exactly which
step failed: the header itself (missing parameter, bad base64, bad number),
the algorithm, the signer's identity (--subscriber), the created/expires
window (with the actual times), or the signature (wrong key or altered body;
the digest of the body as read and the signing string rebuilt from it are
printed so you can compare them with the sender's).

The body is used exactly as read from FILE (or standard input with "-").
--public-key is the signer's signing_public_key (raw, DER or PEM) or @FILE
(a "keys generate --out" file works too).
--header may include the "Authorization:" name. --at judges the window as of
that Unix time, for recorded messages.

Exit status: 0 valid, 1 invalid, 2 unreadable input or usage error.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			switch {
			case pubArg == "":
				return exitWith(verifyBadInput, errors.New("--public-key is required"))
			case (headerArg == "") == (headerFile == ""):
				return exitWith(verifyBadInput, errors.New("give the signature header with exactly one of --header or --header-file"))
			case headerFile == "-" && args[0] == "-":
				return exitWith(verifyBadInput, errors.New("the header and the body cannot both come from standard input"))
			}
			pubText, err := readArgValue(pubArg)
			if err != nil {
				return exitWith(verifyBadInput, fmt.Errorf("--public-key: %w", err))
			}
			if kf, ok := asKeyFile(pubText); ok {
				pubText = kf.SigningPublicKey
			}
			pub, err := signing.ParsePublicKey(pubText)
			if err != nil {
				return exitWith(verifyBadInput, fmt.Errorf("--public-key: %w", err))
			}
			hv, err := headerValue(cmd, headerArg, headerFile)
			if err != nil {
				return exitWith(verifyBadInput, err)
			}
			body, err := readBody(cmd, args[0])
			if err != nil {
				return exitWith(verifyBadInput, err)
			}
			v := signing.Verifier{Skew: skew}
			if skew == 0 {
				v.Skew = -1 // --skew 0 means no tolerance, not the default
			}
			judged := time.Now()
			if cmd.Flags().Changed("at") {
				judged = time.Unix(at, 0)
				v.Now = func() time.Time { return judged }
			}
			digest := signing.Digest(body)
			fmt.Fprintf(w, "body:    %d bytes from %s\n", len(body), bodyName(args[0]))
			fmt.Fprintf(w, "digest:  %s\n", digest)

			h, err := signing.ParseHeader(hv)
			if err != nil {
				fmt.Fprintf(w, "INVALID: %v\n", err)
				return exitWith(verifyInvalid, nil)
			}
			fmt.Fprintf(w, "signer:  %s (key id %q)\n", h.SubscriberID, h.UniqueKeyID)
			fmt.Fprintf(w, "window:  created %s, expires %s, judged at %s\n",
				unixText(h.Created), unixText(h.Expires), unixText(judged.Unix()))
			fmt.Fprintf(w, "signing string rebuilt:\n-----\n%s\n-----\n", signing.SigningString(h.Created, h.Expires, digest))

			if subscriber != "" {
				err = v.VerifyFor(body, h, pub, subscriber)
			} else {
				err = v.Verify(body, h, pub)
			}
			var ve *signing.VerifyError
			switch {
			case err == nil:
				fmt.Fprintln(w, "VALID")
				return nil
			case errors.As(err, &ve):
				fmt.Fprintf(w, "INVALID at step %q: %s\n", ve.Step, ve.Reason)
				if ve.Step == signing.StepSignature {
					explainSignatureFailure(w, senderDigest, digest)
				}
			default:
				fmt.Fprintf(w, "INVALID: %v\n", err)
			}
			return exitWith(verifyInvalid, nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&pubArg, "public-key", "", "signer's Ed25519 public key (raw, DER or PEM base64) or @FILE")
	f.StringVar(&headerArg, "header", "", "the signature header value (the \"Authorization:\" name is optional)")
	f.StringVar(&headerFile, "header-file", "", "read the signature header value from `FILE`")
	f.StringVar(&subscriber, "subscriber", "", "require the keyId's subscriber to be `S` (e.g. the bpp_id of a callback)")
	f.StringVar(&senderDigest, "sender-digest", "", "the digest the sender computed (from its logs), to tell an altered body from a wrong key")
	f.Int64Var(&at, "at", 0, "judge the created/expires window as of these Unix seconds instead of now")
	f.DurationVar(&skew, "skew", signing.DefaultSkew, "how far created may be in the future (0: no tolerance)")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return exitWith(verifyBadInput, err) })
	return cmd
}

// explainSignatureFailure tells an altered body from a wrong key when the
// sender's digest is known: the receiver alone cannot, because no Digest
// header travels with a Beckn message.
func explainSignatureFailure(w io.Writer, senderDigest, digest string) {
	if senderDigest == "" {
		fmt.Fprintln(w, "  If the sender's digest differs from the one above, the body was changed on the way")
		fmt.Fprintln(w, "  (re-serialised, pretty-printed, newline added); if it is the same, the key is wrong.")
		fmt.Fprintln(w, "  Pass it with --sender-digest to have this checked.")
		return
	}
	sd := strings.TrimSpace(senderDigest)
	if !strings.HasPrefix(sd, signing.DigestPrefix) {
		sd = signing.DigestPrefix + sd
	}
	if sd != digest {
		fmt.Fprintf(w, "  digest mismatch: the sender signed %s\n", sd)
		fmt.Fprintf(w, "                   this body digests to %s\n", digest)
		fmt.Fprintln(w, "  The body was changed between signing and here (re-serialised, pretty-printed, newline added).")
		return
	}
	fmt.Fprintln(w, "  The digests agree, so the body is intact: the signature was made with another key")
	fmt.Fprintln(w, "  than this public key (or over other created/expires values).")
}

// headerValue returns the header value given inline or in a file, without
// a leading header name a user may have pasted with it.
func headerValue(cmd *cobra.Command, inline, file string) (string, error) {
	v := inline
	if file != "" {
		var b []byte
		var err error
		if file == "-" {
			b, err = io.ReadAll(cmd.InOrStdin())
		} else {
			b, err = os.ReadFile(file)
		}
		if err != nil {
			return "", fmt.Errorf("--header-file: %w", err)
		}
		v = string(b)
	}
	v = strings.TrimSpace(v)
	for _, name := range []string{signing.HeaderAuthorization, signing.HeaderGateway, signing.HeaderProxy} {
		if len(v) > len(name) && strings.EqualFold(v[:len(name)], name) && v[len(name)] == ':' {
			v = strings.TrimSpace(v[len(name)+1:])
			break
		}
	}
	return v, nil
}

func unixText(sec int64) string {
	return fmt.Sprintf("%d (%s)", sec, time.Unix(sec, 0).UTC().Format(time.RFC3339))
}
