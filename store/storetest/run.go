// Package storetest is the one behavioural test suite every store.Store
// backend runs unchanged. Behaviour that the engine relies on (de-duplication,
// Seq ordering, outbox leases, idempotency) is specified here once, so that
// switching from SQLite to PostgreSQL can never change what Seeker does.
//
// Backends call Run from their own tests:
//
//	func TestStore(t *testing.T) { storetest.Run(t, openForTest) }
//
// Conventions every backend follows, which the suite checks:
//   - Times handed to the store keep microsecond precision, the finest
//     every backend keeps (PostgreSQL timestamps stop there); the store's
//     own stamps (CreatedAt, UpdatedAt when zero) are taken at that
//     precision so a value returned at insert equals the value read later.
//   - The store fills what the caller leaves zero: Message.BodyHash (hex
//     SHA-256 of Raw), Message.CreatedAt, OutboxEntry.URL (the message's),
//     State (pending) and NextAttempt (now).
//   - A running lease hides an outbox entry from every owner, its holder
//     included, so one instance never sends an entry twice at once.
package storetest

import (
	"testing"

	"github.com/onest-seeker/seeker/store"
)

// Opener opens the database of one test. The first call for a given t must
// return a store on a fresh, empty database; later calls with the same t must
// open that same database again, which is how the suite checks that a
// restart keeps everything. The opener registers the store's Close with
// t.Cleanup; the suite may close a store itself before that, so Close must be
// safe to call twice.
type Opener = func(t *testing.T) store.Store

// Run runs the whole suite against the backend that open creates.
func Run(t *testing.T, open Opener) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"OutboundWithOutboxEntry", testOutboundWithOutboxEntry},
		{"OutboundIsAtomic", testOutboundIsAtomic},
		{"InsertRequest", testInsertRequest},
		{"AllFieldsRoundTrip", testAllFieldsRoundTrip},
		{"RawBytesAndHeadersExact", testRawBytesAndHeadersExact},
		{"LargeBody", testLargeBody},
		{"InboundDeduplication", testInboundDeduplication},
		{"BodyHashFilledWhenEmpty", testBodyHashFilledWhenEmpty},
		{"SeqIncreasesAndAfterSeqResumes", testSeqAndAfterSeq},
		{"MessageFilters", testMessageFilters},
		{"OutboundByMessageIDMostRecent", testOutboundByMessageID},
		{"Transactions", testTransactions},
		{"Orders", testOrders},
		{"OutboxLeases", testOutboxLeases},
		{"LeaseGivenAtInsert", testLeaseGivenAtInsert},
		{"SetFindings", testSetFindings},
		{"OutboxUpdateReleases", testOutboxUpdateReleases},
		{"Idempotency", testIdempotency},
		{"KV", testKV},
		{"Lease", testLease},
		{"Purge", testPurge},
		{"NotFound", testNotFound},
		{"ConcurrentInserts", testConcurrentInserts},
		{"ConcurrentDuplicates", testConcurrentDuplicates},
		{"ConcurrentClaims", testConcurrentClaims},
		{"StreamNeverSkipsAcrossInstances", testStreamNeverSkips},
		{"RestartKeepsEverything", testRestart},
		{"PingAndClose", testPingAndClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}
