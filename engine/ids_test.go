package engine

import (
	"testing"

	"github.com/google/uuid"
)

// Ids must be UUIDs (Beckn's format) and grow with time, which is what keeps
// the store's inserts at the right edge of its indexes.
func TestIDsAreTimeOrderedUUIDs(t *testing.T) {
	prev := newID()
	for range 10_000 {
		id := newID()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 || len(id) != 36 {
			t.Fatalf("%q is not a version 7 UUID in 8-4-4-4-12 form (%v)", id, err)
		}
		if id <= prev {
			t.Fatalf("%q does not sort after the earlier %q", id, prev)
		}
		prev = id
	}
}
