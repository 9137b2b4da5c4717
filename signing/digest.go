package signing

import (
	"encoding/base64"
	"strconv"

	"golang.org/x/crypto/blake2b"
)

// DigestPrefix names the hash in the signing string's digest line. BECKN-006
// fixes BLAKE2b-512; nothing else is accepted on a Beckn network.
const DigestPrefix = "BLAKE-512="

// digestLen is len(DigestPrefix) + the padded base64 length of 64 bytes.
const digestLen = len(DigestPrefix) + 88

// Digest returns "BLAKE-512=" followed by the standard, padded base64 of the
// unkeyed BLAKE2b-512 hash of body. body must be the exact bytes sent or
// received: the digest is a pseudo-header that only exists inside the
// signing string (no Digest HTTP header is sent), so sender and receiver
// agree only if they hash the same bytes.
//
// It allocates only the returned string, because every inbound and outbound
// message goes through it.
func Digest(body []byte) string {
	sum := blake2b.Sum512(body)
	var buf [digestLen]byte
	copy(buf[:], DigestPrefix)
	base64.StdEncoding.Encode(buf[len(DigestPrefix):], sum[:])
	return string(buf[:])
}

// SigningString returns the exact bytes that are signed: three lines joined
// by a single LF with no trailing newline,
//
//	(created): <created>
//	(expires): <expires>
//	digest: <digest>
//
// where created and expires are Unix seconds in plain decimal and digest is
// the value Digest returns. Every Beckn implementation builds exactly this
// string and ignores the header's headers="..." parameter, so we do too.
func SigningString(created, expires int64, digest string) string {
	return string(appendSigningString(make([]byte, 0, 64+len(digest)), created, expires, digest))
}

// appendSigningString is SigningString without the allocation, for Sign and
// Verify, which only need the bytes transiently.
func appendSigningString(b []byte, created, expires int64, digest string) []byte {
	b = append(b, "(created): "...)
	b = strconv.AppendInt(b, created, 10)
	b = append(b, "\n(expires): "...)
	b = strconv.AppendInt(b, expires, 10)
	b = append(b, "\ndigest: "...)
	return append(b, digest...)
}
