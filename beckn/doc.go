// Package beckn is the Beckn core 1.1.0 wire model of Seeker, with the
// XInput additions of core 1.2 that ONEST uses.
//
// It owns what travels on the wire and nothing about how it travels: the
// object types, the request/callback envelope, the Context and its
// builders, ACK/NACK bodies, the Beckn and ONEST error codes, ISO 8601
// durations and the ONEST domain codes. It knows nothing of HTTP or storage.
//
// The rule of the package is "lenient in, strict out". Real providers send
// numbers where strings are due, 0.9-style contexts, images as bare URLs,
// bare Tags where TagGroups belong and much more (see the fixtures under
// ../shared/fixtures/dsep-examples). Decoding accepts all of that through a
// few lenient scalar types ([Decimal], [LenientString], [Number], [Bool]),
// a decode option that lets every plain string member accept a number or a
// boolean (numeric ids), and custom decoders on the few objects whose shape
// varies; encoding always writes core 1.1.0 shapes. Every object keeps the members it does not know
// in an Unknown field (tagged `json:",embed"`, the name the JSON library,
// a mirror of encoding/json/v2, gives its catch-all member) so that a
// provider's extensions survive a
// decode/encode round trip, and optional members are omitted when empty so
// that encoding never invents fields.
//
// Raw bytes stay the truth: callers verify and persist the exact body they
// received and use [PeekContext] for routing before a full [Decode].
package beckn
