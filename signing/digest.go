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
	var buf [digestLen]byte
	return string(appendDigest(buf[:0], body))
}

// appendDigest appends Digest(body) to b without allocating.
func appendDigest(b, body []byte) []byte {
	sum := blake2b.Sum512(body)
	b = append(b, DigestPrefix...)
	return base64.StdEncoding.AppendEncode(b, sum[:])
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

// appendSigningString is SigningString without the allocation.
func appendSigningString(b []byte, created, expires int64, digest string) []byte {
	b = appendWindow(b, created, expires)
	return append(b, digest...)
}

// appendSigningStringFor appends the signing string of body, hashing it in
// place: Sign and Verify need the digest only inside the signing string.
func appendSigningStringFor(b []byte, created, expires int64, body []byte) []byte {
	return appendDigest(appendWindow(b, created, expires), body)
}

// appendWindow appends the first two lines and the "digest: " label.
func appendWindow(b []byte, created, expires int64) []byte {
	b = append(b, "(created): "...)
	b = strconv.AppendInt(b, created, 10)
	b = append(b, "\n(expires): "...)
	b = strconv.AppendInt(b, expires, 10)
	return append(b, "\ndigest: "...)
}
