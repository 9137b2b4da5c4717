// Package schema validates Beckn messages the way Seeker must: against the
// structure of Beckn core 1.1.0 (with the core 1.2 XInput additions ONEST
// uses), against the ONEST policy of the message's domain, and, for a
// callback, against the request it answers.
//
// Answers are findings a developer can act on: a JSON path
// (message.order.items[0].id), a rule (core.* structure, onest.* network
// policy, cross.* request/callback consistency, json.* syntax), a severity
// (only errors make a message invalid), the Beckn/ONEST error code to put in
// a NACK, and a sentence saying what is wrong and what would be right.
//
// The rules are the product's own: a compact table of core objects
// (rules_core.go) and per-domain policy tables (policy_rules.go), compiled
// once by New. The published OpenAPI files are only the reference and the
// oracle of the differential test; nothing is read at run time.
//
// Typical use:
//
//	v := schema.New() // once, at start-up; safe for concurrent use
//	res := v.Validate("on_search", body)
//	if inboundMode.Rejects(res) {
//		code, paths, msg, _ := res.NackError() // into the NACK's error object
//		...
//	}
//	res = v.ValidateCallback(requestBody, callbackBody) // adds 30016–30018
//
// The body is read once into a flat node arena that keeps every value's
// literal form, so "the number 10.50 where a string is due" is reported as
// such and nothing is allocated per value on the happy path.
package schema
