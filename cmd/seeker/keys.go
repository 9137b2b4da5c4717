package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/signing"
)

func init() { subcommands = append(subcommands, newKeysCmd) }

func newKeysCmd() *cobra.Command {
	keys := &cobra.Command{
		Use:   "keys",
		Short: "Make the key pairs a Beckn participant registers",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	keys.AddCommand(newKeysGenerateCmd())
	return keys
}

// keyFile is what "keys generate --out" writes: every form of every key,
// named as registries and tools name them, so an integrator can paste from
// it into any of them.
type keyFile struct {
	UniqueKeyID            string `json:"unique_key_id"`
	SigningPrivateKey      string `json:"signing_private_key"`
	SigningPrivateKeySeed  string `json:"signing_private_key_seed"`
	SigningPublicKey       string `json:"signing_public_key"`
	SigningPublicKeyDER    string `json:"signing_public_key_der"`
	EncryptionPrivateKey   string `json:"encr_private_key"`
	EncryptionPublicKey    string `json:"encr_public_key"`
	EncryptionPublicKeyDER string `json:"encr_public_key_der"`
}

func newKeyFile(ks signing.KeySet) keyFile {
	return keyFile{
		UniqueKeyID:            ks.UniqueKeyID,
		SigningPrivateKey:      signing.EncodePrivateKey(ks.SigningPrivate),
		SigningPrivateKeySeed:  signing.EncodeSeed(ks.SigningPrivate),
		SigningPublicKey:       signing.EncodePublicKey(ks.SigningPublic),
		SigningPublicKeyDER:    signing.EncodePublicKeyDER(ks.SigningPublic),
		EncryptionPrivateKey:   signing.EncodeX25519PrivateKey(ks.EncryptionPrivate),
		EncryptionPublicKey:    signing.EncodeX25519PublicKey(ks.EncryptionPublic),
		EncryptionPublicKeyDER: signing.EncodeX25519PublicKeyDER(ks.EncryptionPublic),
	}
}

func newKeysGenerateCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "generate [--out FILE]",
		Short: "Generate Ed25519 signing and X25519 encryption key pairs",
		Long: `Generate an Ed25519 signing key pair and an X25519 encryption key pair, and
print them in every form the network uses: the private signing key as the
64-byte seed‖public form (protocol-server, libsodium) and as the 32-byte seed
(beckn-onix); public keys raw (what most registries publish) and DER/SPKI
(what ONDC asks for encr_public_key). A random UUID is suggested as the
unique key id to register them under.

With --out the same is written as JSON to FILE with mode 0600 (an existing
file is never overwritten) and only the public parts are printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ks, err := signing.GenerateKeys()
			if err != nil {
				return exitWith(1, err)
			}
			kf := newKeyFile(ks)
			w := cmd.OutOrStdout()
			if out == "" {
				printKeys(w, kf, true)
				return nil
			}
			if err := writeKeyFile(out, kf); err != nil {
				return exitWith(2, err)
			}
			fmt.Fprintf(w, "Wrote the key pairs to %s (mode 0600). Public parts:\n\n", out)
			printKeys(w, kf, false)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write the keys as JSON to `FILE` (mode 0600, never overwritten)")
	return cmd
}

func printKeys(w io.Writer, kf keyFile, withPrivate bool) {
	fmt.Fprintf(w, "unique_key_id (suggested):  %s\n\n", kf.UniqueKeyID)
	fmt.Fprintln(w, "Signing key pair (Ed25519)")
	if withPrivate {
		fmt.Fprintf(w, "  private, seed‖public (64 bytes; protocol-server, libsodium): %s\n", kf.SigningPrivateKey)
		fmt.Fprintf(w, "  private, seed (32 bytes; beckn-onix):                         %s\n", kf.SigningPrivateKeySeed)
	}
	fmt.Fprintf(w, "  public, raw (signing_public_key):                             %s\n", kf.SigningPublicKey)
	fmt.Fprintf(w, "  public, DER/SPKI:                                             %s\n\n", kf.SigningPublicKeyDER)
	fmt.Fprintln(w, "Encryption key pair (X25519)")
	if withPrivate {
		fmt.Fprintf(w, "  private, raw (32 bytes):                                      %s\n", kf.EncryptionPrivateKey)
	}
	fmt.Fprintf(w, "  public, raw (encr_public_key):                                %s\n", kf.EncryptionPublicKey)
	fmt.Fprintf(w, "  public, DER/SPKI (encr_public_key on ONDC):                   %s\n", kf.EncryptionPublicKeyDER)
	if withPrivate {
		fmt.Fprintln(w, "\nKeep the private keys secret; register only the public keys and the key id.")
	}
}

// writeKeyFile creates path exclusively with mode 0600: private keys must
// not be readable by others, and overwriting a key file would lose keys a
// registry may already hold.
func writeKeyFile(path string, kf keyFile) error {
	b, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; not overwriting a key file (choose another --out)", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
