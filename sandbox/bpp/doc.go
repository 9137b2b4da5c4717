// Package bpp is the reference providers (BPPs) of the local ONEST network:
// one BPP per Config, an http.Handler that speaks signed Beckn core 1.1.0
// with the ONEST extensions exactly as a real provider platform would, so a
// BAP tested against it is tested against the network's behaviour rather
// than against shortcuts.
//
// # What a BPP offers
//
// A catalog generated from (domain, Index, Seed): at least ItemsPerBPP
// items over several providers, deterministic to the byte for a given seed
// and day (see GenerateCatalog), Indian context with English and Hindi
// titles, and the ONEST tag groups of onest-domain.md §5:
//
//   - learning: content-metadata {learner-level, lang-code, course-duration,
//     learning-objective, prerequisite, topic, min-age, max-age, grade},
//     modes ONLINE / IN-PERSON / HYBRID as provider fulfillments, free
//     (price 0) or priced, categories SCHOOL, TEACHER-TRAINING, ...;
//     topic, min-age, max-age and grade are our additions (ONEST has no
//     standard codes for them; real providers use similar custom tags).
//   - work: listing-details, salary-info (annual INR), job-requirements,
//     job-responsibilities, academic-eligibility; cities in provider
//     locations (STD city codes, ISO 3166-2 state codes); openings in
//     quantity.available.count; the application window in time.range;
//     REMOTE / HYBRID / ONSITE fulfillments with ids "1".."3".
//   - financial: amount as price (minimum/maximum for "up to" amounts),
//     deadline in time.range.end, background-eligibility,
//     academic-eligibility, required-docs, additional-info; categories with
//     codes school, ug, pg, diploma, phd.
//   - expert: sessions as items, each slot a provider fulfillment (type
//     ONLINE) with the mentor as agent.person, the slot time in
//     stops[0].time.range (core 1.1.0 has no Fulfillment.time) and a
//     session-slot tag group {lang-code, available-seats}.
//
// Index 0 of a domain is its reference provider: it also holds every item,
// provider, fulfillment and order id the ONEST Postman collection names
// (see reference.go), with seeded orders, so each request of that
// collection completes with a success callback.
//
// # Search
//
// criteria (match.go) gathers what an intent carries from every place BAPs
// put it: item and intent descriptor text (case-insensitive word-prefix
// match of every word, stop words dropped), provider id / name /
// categories / locations, intent.category, the sandbox's non-core
// intent.location and message.location, 0.9-style item.location_id and
// fulfillment_id, intent tags (numeric codes compare as a learner means
// them), fulfillment.type, customer.person gender / age / skills and
// agent.person.name. No criteria returns everything. Results go out in
// pages of Config.PageSize items, one on_search per page with the
// request's message id.
//
// # Orders and forms
//
// select → on_select (quote, full details); init → on_init (learning:
// payment terms with a payment page and an optional form; work: one form;
// financial: four forms, head.index 0..3 with headings and a JWT in
// form.auth; expert: none). Forms are HTML at
// {BaseURL}/forms/{transaction_id}/{step}; see forms.go for the contract.
// Each valid submission triggers the next unsolicited on_init (new
// message id); after the last, on_init without xinput and state
// APPLICATION-FILLED. confirm → on_confirm with the order id, then the
// provider moves the order on by itself (timeline.go), scaled by
// Config.TimeScale. status, update (customer, contact, state, time,
// payments, billing), cancel (reasons from get_cancellation_reasons),
// rating (categories from get_rating_categories; on_rating carries a
// feedback form), support and track complete the flow. Sloppy requests
// (singular order.item / fulfillment / payment, "fullfillments", flat
// rating and support) are accepted.
//
// # Errors
//
// Core 1.1.0 leaves the choice between a NACK and a callback with error;
// this package uses both, by kind: a bad signature is 401 with
// WWW-Authenticate (Proxy-Authenticate for a gateway signature); a request
// that is itself wrong (JSON, context, domain, bpp_id, missing required
// member) is a NACK 400 with the error beside the message; a lookup that
// fails after an ACK (30001 provider, 30004 item, 30008 fulfillment, 30010
// order, 30011 cancellation reason, 30012 / 30013 update, 30014 / 30015 /
// 50003 rating, 50001 / 50002 policy) is a callback carrying error and no
// message. Every error names the JSON path and says what to change.
//
// # Faults
//
// Faults (faults.go) make a BPP slow, silent, NACKing, badly signed,
// malformed, duplicating, late, huge or sloppy; set them in Config, at run
// time with SetFaults, or per request with the X-Sandbox-Fault header or,
// for a search relayed by a gateway (which forwards only the body), an
// intent tag group "sandbox-fault" (one tag per fault, or a tag "spec"
// holding the compact form, plus optionally a tag "bpp" naming the one
// provider meant, since the gateway fans the search out to all). A
// per-request fault replaces the BPP's faults for that request.
//
// # Pages
//
// Besides the Beckn endpoints a BPP serves GET / (what it is and offers),
// /forms/{transaction_id}/{step} (XInput, and "feedback" for on_rating),
// /pay/{transaction_id} (the learning payment page of payments[].url),
// /track/{order_id} (on_track's URL) and /certificates/{order_id} (course
// certificates and offer letters named in tags).
//
// Callbacks only go to loopback hosts unless Config.AllowRemoteCallbacks:
// the Postman collection's bap_uri points at the internet, and the sandbox
// must never send traffic there.
package bpp
