package engine

import "github.com/google/uuid"

// newID returns a fresh transaction or message id: a version 7 UUID
// (RFC 9562), whose first 48 bits are the Unix time in milliseconds and the
// rest random. Beckn asks for a UUID and says nothing of its version;
// ids that grow with time make every index keyed by them (message_id,
// transaction_id, the transactions table) take new entries at its right
// edge, so one commit of many sends dirties one leaf page per index instead
// of one random page per send, which was most of what a send cost the store.
// The 74 random bits keep ids unguessable; the timestamp they reveal is
// already in context.timestamp.
func newID() string {
	id, err := uuid.NewV7()
	if err != nil {
		// Only a failing system random source gets here; version 4 reads
		// the same source, so there is nothing better to fall back to.
		panic("engine: no randomness for an id: " + err.Error())
	}
	return id.String()
}
