// Package signing implements BECKN-006, the HTTP message signatures every
// Beckn participant puts on every request and callback: the BLAKE2b-512
// digest of the exact body bytes, the fixed three-line signing string, Ed25519
// signatures, the Authorization / X-Gateway-Authorization /
// Proxy-Authorization header value, and the key encodings registries and
// tools use (raw, DER/SPKI, PEM, 32-byte seed or 64-byte seed‖public).
//
// The package deliberately knows nothing about HTTP servers or the registry:
// callers hand it the raw body bytes and a public key they looked up, and it
// answers with a typed error that names the step that failed, because a
// signature mismatch is the most common integration failure on a Beckn
// network and "401 Unauthorized" alone helps nobody fix it.
//
// Rule: sign and verify the bytes that travel on the wire. Never re-marshal a
// decoded struct and verify that; key order and HTML escaping differ between
// JSON encoders, and the digest covers bytes, not meaning.
package signing
