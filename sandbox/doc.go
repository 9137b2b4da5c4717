// Package sandbox is a local ONEST network: a registry, a gateway (BG), the
// reference providers of package sandbox/bpp and a telemetry sink, each a
// separate participant with its own keys and its own http.Server on
// loopback, speaking signed Beckn HTTP exactly as the live network does.
//
// Why separate servers rather than one mux: a BAP under test must discover
// every peer through the registry, verify every signature with keys it looked
// up, and survive a peer that is slow, silent or wrong. Collapsing the
// participants into one handler would let shortcuts through that the real
// network punishes. The sandbox therefore reuses only the protocol packages
// (beckn, signing, registry) and reaches the BAP over HTTP alone.
//
// Start brings the whole network up in-process (ephemeral ports for tests,
// fixed ports for "seeker sandbox"); Network.Description is the document
// integrators and scripts read to find every participant.
package sandbox
